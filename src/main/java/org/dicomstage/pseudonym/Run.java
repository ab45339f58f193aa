package org.dicomstage.pseudonym;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;

import static org.dicomstage.pseudonym.Attributes.display;
import static org.dicomstage.pseudonym.Attributes.tagText;

/**
 * State of one pass over one dataset: its name for errors, what the dry run records, its text cleaner, and what
 * the reviewer must see of it (the descriptor values kept, the values that could not be cleaned).
 */
final class Run {

    final String name;
    /** Only a dry run lists what happens to each attribute; describing them costs more than the change itself. */
    final boolean recording;
    final List<DryRunReport.Entry> entries = new ArrayList<>();
    /** Public attributes removed because nothing says what they are, by tag: never dropped unnoticed. */
    final Set<String> unknown = new TreeSet<>();
    final AttributeList source;
    final FreeTextCleaner cleaner;
    /** Every distinct descriptor and structured-content text value written, in the order met. */
    final Set<KeptText> keptText = new LinkedHashSet<>();
    /** One line per value replaced because it could not be cleaned safely: where, and why (never the value). */
    final List<String> cleaningNotes = new ArrayList<>();
    /** How deep the walk is inside a kept sequence whose text is cleaned (SR content, graphic annotations). */
    int cleanInsideDepth;
    /** How deep the walk is inside a sequence under D whose items are kept with dummy values. */
    int dummyItemsDepth;

    Run(String name, AttributeList source, boolean recording, TextCleaner cleaner) {
        this.name = name;
        this.source = source;
        this.recording = recording;
        this.cleaner = cleaner.forDataset(source);
    }

    void unknown(AttributeTag tag, String keyword) {
        String text = tagText(tag);
        unknown.add(keyword.equals(text) ? text : text + " " + keyword);
    }

    void kept(String keyword, String value) {
        if (!value.isBlank()) {
            keptText.add(new KeptText(keyword, value));
        }
    }

    PseudonymizationException fail(String reason) {
        return new PseudonymizationException(name + ": " + reason);
    }

    void report(String path, Attribute attribute, String keyword, DryRunReport.Action action, String reason,
            String after) {
        if (recording) {
            entries.add(new DryRunReport.Entry(path, tagText(attribute.getTag()), keyword, action, reason,
                    display(attribute), after));
        }
    }

    void report(String path, Attribute attribute, String keyword, DryRunReport.Action action, String reason,
            Supplier<String> after) {
        if (recording) {
            report(path, attribute, keyword, action, reason, after.get());
        }
    }
}

package org.dicomstage.pseudonym;

import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * What pseudonymization does to one dataset, attribute by attribute at every depth. {@code before} holds
 * the source value, so a report is as sensitive as the source and is for the data owner's eyes only.
 * {@code unknownAttributesRemoved} names, by tag, the public attributes removed because neither Table E.1-1 nor
 * the dictionary says what they are.
 */
public record DryRunReport(String patientPseudonym, List<Entry> entries, Set<String> unknownAttributesRemoved) {

    public enum Action {
        /** Kept unchanged. */
        KEEP,
        /** Removed (Basic Profile X, private or UN attribute). */
        REMOVE,
        /** Kept with a zero-length value (Z). */
        EMPTY,
        /** Kept with identifying words replaced by placeholders ([name], [date], ...): Clean Descriptors. */
        CLEAN,
        /** Replaced by a dummy value (D). */
        DUMMY,
        /** UID replaced by its keyed mapping (U). */
        MAP_UID,
        /** Date moved by the subject's day offset (Retain Longitudinal Temporal Information, modified dates). */
        SHIFT_DATE,
        /** Set to a value from the study (patient pseudonym, clinical trial, de-identification method). */
        SET,
        /** Pixel data with rectangles blacked out by a pixel rule (Clean Pixel Data). */
        MASK_PIXELS
    }

    /**
     * @param path    where the attribute sits, e.g. {@code ReferencedFrameOfReferenceSequence[0]/FrameOfReferenceUID}
     * @param tag     {@code (gggg,eeee)}
     * @param keyword dictionary keyword, or the private creator for private attributes
     * @param reason  why (the table's basic action and option, "private", "UN VR", ...)
     */
    public record Entry(String path, String tag, String keyword, Action action, String reason, String before,
            String after) {
    }

    public DryRunReport {
        entries = List.copyOf(entries);
        unknownAttributesRemoved = Collections.unmodifiableSortedSet(new TreeSet<>(unknownAttributesRemoved));
    }

    /** Entries that change the dataset (everything but {@link Action#KEEP}). */
    public List<Entry> changes() {
        return entries.stream().filter(e -> e.action() != Action.KEEP).toList();
    }

    /** One line per entry, tab separated: path, tag, keyword, action, reason, before, after. */
    public String toText() {
        StringBuilder text = new StringBuilder();
        for (Entry e : entries) {
            text.append(e.path()).append('\t').append(e.tag()).append('\t').append(e.keyword()).append('\t')
                    .append(e.action()).append('\t').append(e.reason()).append('\t').append(e.before())
                    .append('\t').append(e.after()).append('\n');
        }
        return text.toString();
    }
}

package org.dicomstage.pseudonym;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.SequenceAttribute;
import com.pixelmed.dicom.SequenceItem;
import com.pixelmed.dicom.SpecificCharacterSet;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.dicom.UnknownAttribute;
import org.dicomstage.pseudonym.PseudonymizationProfile.SafePrivateTag;
import org.dicomstage.pseudonym.ProfileRules.Clean;
import org.dicomstage.pseudonym.ProfileRules.Decision;

import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

import static org.dicomstage.pseudonym.Attributes.display;
import static org.dicomstage.pseudonym.Attributes.iterable;
import static org.dicomstage.pseudonym.Attributes.original;
import static org.dicomstage.pseudonym.Attributes.singleString;
import static org.dicomstage.pseudonym.Attributes.tagText;

/**
 * The walk over a dataset at every depth: sorts each attribute into file meta, private, or public, asks
 * {@link ProfileRules} what to do with a public one and has {@link AttributeActions} do it; then sets the study's
 * own attributes ({@link StudyAttributes}). Works on attribute lists only; files are {@link InstanceFiles}'s.
 */
final class DatasetTransformer {

    private static final Pattern IS_VALUE = Pattern.compile("[+-]?\\d{1,12}");
    private static final Pattern DS_VALUE = Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");
    private static final Set<AttributeTag> KEPT_META = Set.of(TagFromName.FileMetaInformationVersion,
            TagFromName.MediaStorageSOPClassUID, TagFromName.TransferSyntaxUID, TagFromName.ImplementationClassUID,
            TagFromName.ImplementationVersionName);

    /**
     * @param unknown public attributes removed because nothing says what they are: tag and keyword if any
     * @param report  what the reviewer must see of the copy
     */
    /** Sequences of content items (SR content, acquisition context, specimen preparation) and graphic annotations. */
    private static final Set<AttributeTag> CLEANED_INSIDE = Set.of(TagFromName.ContentSequence,
            Attributes.DICTIONARY.getTagFromName("AcquisitionContextSequence"),
            Attributes.DICTIONARY.getTagFromName("SpecimenPreparationSequence"),
            TagFromName.GraphicAnnotationSequence);

    record Result(AttributeList output, List<DryRunReport.Entry> entries, Set<String> unknown, InstanceReport report) {
    }

    private final PseudonymizationProfile profile;
    private final ProfileRules rules;
    private final AttributeActions actions;
    private final StudyAttributes study;
    private final TextCleaner cleaner = new TextCleaner();

    DatasetTransformer(PseudonymizationProfile profile, ProfileRules rules, AttributeActions actions,
            StudyAttributes study) {
        this.profile = profile;
        this.rules = rules;
        this.actions = actions;
        this.study = study;
    }

    /** Returns a new list; the source list and its attributes are not modified. */
    Result run(AttributeList source, String name, boolean recording) {
        try {
            Run run = new Run(name, source, recording, cleaner);
            SpecificCharacterSet charset = new SpecificCharacterSet(source);
            AttributeList output = transform(source, "", run, charset);
            study.set(output, run, charset);
            TextEncoding.ensureWritable(output, run);
            InstanceReport report = new InstanceReport(
                    Attributes.singleString(output.get(TagFromName.SOPInstanceUID)), List.copyOf(run.keptText),
                    run.cleaningNotes);
            return new Result(output, run.entries, run.unknown, report);
        } catch (PseudonymizationException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new PseudonymizationException(name + ": " + e, e);
        }
    }

    private AttributeList transform(AttributeList in, String parentPath, Run run, SpecificCharacterSet inherited) {
        SpecificCharacterSet charset = in.get(TagFromName.SpecificCharacterSet) != null
                ? new SpecificCharacterSet(in) : inherited;
        AttributeList out = new AttributeList();
        for (Attribute attribute : in.values()) {
            AttributeTag tag = attribute.getTag();
            String keyword = name(tag);
            String path = parentPath + keyword;
            if (!tag.isPrivate()) {
                validate(attribute, path, run);
            }
            if (tag.getGroup() == 0x0002) {
                transformMeta(attribute, out, path, keyword, run);
            } else if (tag.getGroup() < 0x0008) {
                run.report(path, attribute, keyword, DryRunReport.Action.REMOVE,
                        "group below 0008 (command, directory or reserved private)", "");
            } else if (tag.isPrivate()) {
                transformPrivate(in, attribute, out, path, run, charset);
            } else if (tag.getElement() == 0x0000) {
                run.report(path, attribute, keyword, DryRunReport.Action.REMOVE, "group length", "");
            } else if (isOverlayOrCurve(tag)) {
                graphics(attribute, out, path, keyword, run);
            } else {
                transformPublic(attribute, out, path, keyword, run, charset);
            }
        }
        return out;
    }

    private void transformMeta(Attribute attribute, AttributeList out, String path, String keyword, Run run) {
        AttributeTag tag = attribute.getTag();
        if (tag.equals(TagFromName.MediaStorageSOPInstanceUID) && rules.retainsUids()) {
            out.put(attribute);
            run.report(path, attribute, keyword, DryRunReport.Action.KEEP, "Retain UIDs", () -> display(attribute));
        } else if (tag.equals(TagFromName.MediaStorageSOPInstanceUID)) {
            out.put(actions.mapUids(attribute, path, keyword, "U", run));
        } else if (KEPT_META.contains(tag)) {
            out.put(attribute);
            run.report(path, attribute, keyword, DryRunReport.Action.KEEP, "file meta information",
                    () -> display(attribute));
        } else {
            // Source AE titles and private meta information say where the file came from.
            run.report(path, attribute, keyword, DryRunReport.Action.REMOVE, "file meta information", "");
        }
    }

    private void transformPrivate(AttributeList in, Attribute attribute, AttributeList out, String path, Run run,
            SpecificCharacterSet charset) {
        AttributeTag tag = attribute.getTag();
        int group = tag.getGroup();
        int element = tag.getElement();
        if (element >= 0x0010 && element <= 0x00FF) {
            // Private creator: kept only while its block still holds an allow-listed element (see below).
            String creator = singleString(attribute);
            boolean blockMayBeRetained = profile.safePrivate().stream()
                    .anyMatch(s -> s.group() == group && s.creator().equals(creator));
            if (blockMayBeRetained) {
                out.put(attribute);
                run.report(path, attribute, "PrivateCreator", DryRunReport.Action.KEEP,
                        "private creator of a safe block", () -> display(attribute));
            } else {
                run.report(path, attribute, "PrivateCreator", DryRunReport.Action.REMOVE, "private creator", "");
            }
            return;
        }
        String creator = element > 0x00FF ? in.getPrivateCreatorString(tag) : "";
        creator = creator == null ? "" : creator.trim();
        String label = creator.isEmpty() ? "Private" : creator;
        boolean safe = false;
        if (element > 0x00FF) {
            for (SafePrivateTag s : profile.safePrivate()) {
                if (s.group() == group && s.creator().equals(creator) && s.elementByte() == (element & 0xFF)) {
                    safe = true;
                    break;
                }
            }
        }
        if (!safe) {
            run.report(path, attribute, label, DryRunReport.Action.REMOVE, "private, not on the safe list", "");
            return;
        }
        if (attribute instanceof SequenceAttribute sequence) {
            run.report(path, attribute, label, DryRunReport.Action.KEEP, "safe private sequence", "");
            out.put(transformSequence(sequence, path, run, charset));
        } else {
            out.put(attribute);
            run.report(path, attribute, label, DryRunReport.Action.KEEP, "safe private", () -> display(attribute));
        }
    }

    /** The repeating groups of overlays (6000-601E) and curves (5000-501E): even groups only. */
    static boolean isOverlayOrCurve(AttributeTag tag) {
        int group = tag.getGroup();
        return (group & 1) == 0 && (group >= 0x6000 && group <= 0x601E || group >= 0x5000 && group <= 0x501E);
    }

    /**
     * An overlay or curve goes whole or stays whole: its rows, columns and origin without its data (or the reverse)
     * describe a graphic that is not there, which is invalid. Kept only under Clean Graphics.
     */
    private void graphics(Attribute attribute, AttributeList out, String path, String keyword, Run run) {
        String what = attribute.getTag().getGroup() >= 0x6000 ? "overlay" : "curve";
        if (profile.cleanGraphics()) {
            out.put(attribute);
            run.report(path, attribute, keyword, DryRunReport.Action.KEEP,
                    "clean graphics: " + what + " group kept whole", () -> display(attribute));
        } else {
            run.report(path, attribute, keyword, DryRunReport.Action.REMOVE, what + " group removed whole", "");
        }
    }

    private void transformPublic(Attribute attribute, AttributeList out, String path, String keyword, Run run,
            SpecificCharacterSet charset) {
        AttributeTag tag = attribute.getTag();
        // A public tag that arrived as UN cannot be interpreted safely here: it could carry anything.
        // The dictionary knows repeating-group tags (60xx) by VR only, not by name.
        boolean known = Attributes.DICTIONARY.getNameFromTag(tag) != null
                || Attributes.DICTIONARY.getValueRepresentationFromTag(tag) != null;
        Decision decision = rules.decide(tag, known ? keyword : null, attribute.getVRAsString(),
                attribute instanceof SequenceAttribute, attribute instanceof UnknownAttribute);
        if (decision.unknown()) {
            run.unknown(tag, keyword);
        }
        String vr = attribute.getVRAsString();
        if (run.cleanInsideDepth > 0 && decision.action() == ConfidentialityTable.Action.KEEP
                && TextCleaner.isText(vr) && !"PN".equals(vr) && !TextCleaner.isCoded(keyword)
                && !"CodeMeaning".equals(keyword)) {
            // The text of an SR content item is prose like a descriptor; a code's meaning is the scheme's, not ours.
            decision = new Decision(decision.action(), decision.reason() + ", text cleaned", Clean.TEXT);
        }
        if (run.dummyItemsDepth > 0 && ConfidentialityTable.standard().rule(tag) == null) {
            // Only the attributes a verifying observer item defines, each with its own row, get a dummy value.
            decision = new Decision(ConfidentialityTable.Action.REMOVE, "not part of a dummied item", Clean.NONE);
        }
        switch (decision.action()) {
            case REMOVE -> run.report(path, attribute, keyword, DryRunReport.Action.REMOVE, decision.reason(), "");
            case EMPTY -> actions.empty(attribute, out, path, keyword, decision, run, charset);
            case DUMMY -> actions.dummy(attribute, out, path, keyword, decision, run, charset);
            case MAP_UID -> out.put(actions.mapUids(attribute, path, keyword, decision.reason(), run));
            case RECURSE -> {
                // Reported before its items, so that the report reads top-down.
                run.report(path, attribute, keyword, DryRunReport.Action.KEEP,
                        decision.reason() + " (items processed)", "");
                // Kept only under Clean Structured Content or Clean Graphics: the text inside is cleaned.
                boolean cleanInside = CLEANED_INSIDE.contains(attribute.getTag());
                boolean dummyItems = attribute.getTag().equals(TagFromName.VerifyingObserverSequence);
                run.cleanInsideDepth += cleanInside ? 1 : 0;
                run.dummyItemsDepth += dummyItems ? 1 : 0;
                try {
                    out.put(transformSequence((SequenceAttribute) attribute, path, run, charset));
                } finally {
                    run.cleanInsideDepth -= cleanInside ? 1 : 0;
                    run.dummyItemsDepth -= dummyItems ? 1 : 0;
                }
            }
            case KEEP -> actions.keep(attribute, out, path, keyword, decision, run, charset);
        }
    }

    private SequenceAttribute transformSequence(SequenceAttribute source, String path, Run run,
            SpecificCharacterSet charset) {
        SequenceAttribute copy = new SequenceAttribute(source.getTag());
        int index = 0;
        for (SequenceItem item : iterable(source)) {
            copy.addItem(transform(item.getAttributeList(), path + "[" + index + "]/", run, charset));
            index++;
        }
        return copy;
    }

    /** The dictionary's keyword, else the table's (for tags newer than PixelMed's dictionary), else the tag. */
    private static String name(AttributeTag tag) {
        String name = Attributes.DICTIONARY.getNameFromTag(tag);
        if (name != null) {
            return name;
        }
        ConfidentialityTable.Rule rule = tag.isPrivate() ? null : ConfidentialityTable.standard().rule(tag);
        return rule != null && rule.tag() != null ? rule.keyword() : tagText(tag);
    }

    /** Rejects values that cannot be what their VR says (e.g. IS "1A"): such a file is corrupt, not pseudonymizable. */
    private static void validate(Attribute attribute, String path, Run run) {
        String vr = attribute.getVRAsString();
        Pattern grammar = "IS".equals(vr) ? IS_VALUE : "DS".equals(vr) ? DS_VALUE : null;
        if (grammar == null) {
            return;
        }
        for (String value : original(attribute)) {
            String v = value.trim();
            if (!v.isEmpty() && !grammar.matcher(v).matches()) {
                throw run.fail("invalid " + vr + " value '" + v + "' in " + path + " " + tagText(attribute.getTag()));
            }
        }
    }
}

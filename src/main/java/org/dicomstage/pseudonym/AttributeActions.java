package org.dicomstage.pseudonym;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.SequenceAttribute;
import com.pixelmed.dicom.SpecificCharacterSet;
import com.pixelmed.dicom.ValueRepresentation;
import org.dicomstage.pseudonym.ProfileRules.Decision;

import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

import static org.dicomstage.pseudonym.Attributes.addValue;
import static org.dicomstage.pseudonym.Attributes.display;
import static org.dicomstage.pseudonym.Attributes.joined;
import static org.dicomstage.pseudonym.Attributes.newAttribute;
import static org.dicomstage.pseudonym.Attributes.strings;

/**
 * What each action of Table E.1-1 does to one attribute's value: empty it (Z), replace it by a dummy (D), map its
 * UIDs (U), or keep it (K), shifting a kept date and passing a kept text through the {@link TextCleaner}.
 * Sequences are walked by {@link DatasetTransformer}, not here.
 */
final class AttributeActions {

    private static final DateTimeFormatter DA = DateTimeFormatter.BASIC_ISO_DATE;

    private final UidMapper uids;
    private final int dateShiftDays;

    AttributeActions(UidMapper uids, int dateShiftDays) {
        this.uids = uids;
        this.dateShiftDays = dateShiftDays;
    }

    void empty(Attribute attribute, AttributeList out, String path, String keyword, Decision decision, Run run,
            SpecificCharacterSet charset) {
        AttributeTag tag = attribute.getTag();
        out.put(attribute instanceof SequenceAttribute ? new SequenceAttribute(tag)
                : newAttribute(tag, attribute.getVR(), charset));
        run.report(path, attribute, keyword, DryRunReport.Action.EMPTY, decision.reason(), "");
    }

    void dummy(Attribute attribute, AttributeList out, String path, String keyword, Decision decision, Run run,
            SpecificCharacterSet charset) {
        if ("UI".equals(attribute.getVRAsString())) {
            out.put(mapUids(attribute, path, keyword, decision.reason(), run));
            return;
        }
        Attribute dummy = dummy(attribute, charset);
        out.put(dummy);
        run.report(path, attribute, keyword, dummy.getVL() == 0 ? DryRunReport.Action.EMPTY
                : DryRunReport.Action.DUMMY, decision.reason(), () -> display(dummy));
    }

    Attribute mapUids(Attribute attribute, String path, String keyword, String reason, Run run) {
        String[] values = strings(attribute);
        Attribute mapped = newAttribute(attribute.getTag(), ValueRepresentation.UI, null);
        boolean changed = false;
        for (String value : values) {
            String uid = UidMapper.stripPadding(value);
            String result = uid.isEmpty() || UidMapper.isStandardUid(uid) ? uid : uids.map(uid);
            changed |= !result.equals(uid);
            addValue(mapped, result);
        }
        run.report(path, attribute, keyword, changed ? DryRunReport.Action.MAP_UID : DryRunReport.Action.KEEP,
                changed ? reason : "well-known UID", () -> display(mapped));
        return mapped;
    }

    void keep(Attribute attribute, AttributeList out, String path, String keyword, Decision decision, Run run,
            SpecificCharacterSet charset) {
        String vr = attribute.getVRAsString();
        String reason = decision.reason();
        if (decision.shiftDates() && ("DA".equals(vr) || "DT".equals(vr))) {
            Attribute shifted = shift(attribute, charset);
            out.put(shifted);
            if (run.recording) {
                run.report(path, attribute, keyword, shifted.getVL() == attribute.getVL() && display(shifted)
                        .equals(display(attribute)) ? DryRunReport.Action.KEEP : DryRunReport.Action.SHIFT_DATE,
                        reason + " (" + dateShiftDays + " days)", display(shifted));
            }
            return;
        }
        if (TextCleaner.isText(vr)) {
            // Clean Descriptors, and a safety net for every kept text: a value that names this patient
            // (or the physicians, IDs, accession number of this dataset) does not leave, whatever the option.
            if (run.cleaner.containsIdentifier(joined(attribute))) {
                Attribute dummy = dummy(attribute, charset);
                out.put(dummy);
                run.report(path, attribute, keyword, DryRunReport.Action.DUMMY,
                        (decision.clean() ? reason : "kept attribute") + ": contains an identifier of this dataset",
                        display(dummy));
                return;
            }
        }
        out.put(attribute);
        run.report(path, attribute, keyword, DryRunReport.Action.KEEP, reason, () -> display(attribute));
    }

    private Attribute shift(Attribute attribute, SpecificCharacterSet charset) {
        Attribute shifted = newAttribute(attribute.getTag(), attribute.getVR(), charset);
        boolean dateTime = "DT".equals(attribute.getVRAsString());
        for (String value : strings(attribute)) {
            String v = value.trim();
            if (v.isEmpty()) {
                addValue(shifted, v);
                continue;
            }
            try {
                if (v.length() < 8) {
                    throw new DateTimeParseException("partial date", v, 0);
                }
                LocalDate date = LocalDate.parse(v.substring(0, 8), DA).plusDays(dateShiftDays);
                addValue(shifted, date.format(DA) + (dateTime ? v.substring(8) : ""));
            } catch (DateTimeParseException e) {
                // A value that cannot be shifted cannot be kept either: it would be the true date.
                addValue(shifted, dateTime ? "19000101000000" : "19000101");
            }
        }
        return shifted;
    }

    private static Attribute dummy(Attribute attribute, SpecificCharacterSet charset) {
        String vr = attribute.getVRAsString();
        String value = switch (vr) {
            case "DA" -> "19000101";
            case "DT" -> "19000101000000";
            case "TM" -> "000000";
            case "AS" -> "000D";
            case "IS", "DS" -> "0";
            case "AE", "CS", "LO", "LT", "PN", "SH", "ST", "UC", "UT" -> "ANONYMIZED";
            default -> null;
        };
        Attribute dummy = newAttribute(attribute.getTag(), attribute.getVR(), charset);
        if (value != null) {
            addValue(dummy, value);
        }
        return dummy;
    }
}

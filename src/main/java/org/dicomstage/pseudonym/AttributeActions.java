package org.dicomstage.pseudonym;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.SequenceAttribute;
import com.pixelmed.dicom.SpecificCharacterSet;
import com.pixelmed.dicom.StringAttribute;
import com.pixelmed.dicom.ValueRepresentation;
import org.dicomstage.pseudonym.ProfileRules.Clean;
import org.dicomstage.pseudonym.ProfileRules.Decision;

import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.Year;
import java.time.YearMonth;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.dicomstage.pseudonym.Attributes.addValue;
import static org.dicomstage.pseudonym.Attributes.display;
import static org.dicomstage.pseudonym.Attributes.newAttribute;
import static org.dicomstage.pseudonym.Attributes.strings;

/**
 * What each action of Table E.1-1 does to one attribute's value: empty it (Z), replace it by a dummy (D), map its
 * UIDs (U), or keep it (K), shifting a kept date and passing a kept text through the {@link TextCleaner}.
 * Sequences are walked by {@link DatasetTransformer}, not here.
 */
final class AttributeActions {

    private static final DateTimeFormatter DA = DateTimeFormatter.BASIC_ISO_DATE;
    private static final DateTimeFormatter YYYYMM = DateTimeFormatter.ofPattern("uuuuMM");
    private static final DateTimeFormatter YYYY = DateTimeFormatter.ofPattern("uuuu");
    private static final Pattern DIGITS = Pattern.compile("\\d+");
    /** The &ZZXX suffix of a DT (PS3.5 6.2). */
    private static final Pattern UTC_OFFSET = Pattern.compile("[+-]\\d{4}$");

    private final UidMapper uids;
    private final int dateShiftDays;
    private final boolean timezoneKept;

    /** @param timezoneKept whether (0008,0201) stays, and with it each DT's own offset suffix */
    AttributeActions(UidMapper uids, int dateShiftDays, boolean timezoneKept) {
        this.uids = uids;
        this.dateShiftDays = dateShiftDays;
        this.timezoneKept = timezoneKept;
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
        boolean shift = decision.clean() == Clean.SHIFT_DATES && ("DA".equals(vr) || "DT".equals(vr));
        if (shift || ("DT".equals(vr) && !timezoneKept)) {
            keepDate(attribute, out, path, keyword, decision.reason(), shift, run, charset);
        } else if (decision.clean() == Clean.AE_TITLE && "AE".equals(vr)) {
            Attribute pseudonym = newAttribute(attribute.getTag(), attribute.getVR(), charset);
            for (String value : strings(attribute)) {
                addValue(pseudonym, value.isBlank() ? "" : aeTitle(value.trim()));
            }
            out.put(pseudonym);
            run.report(path, attribute, keyword, DryRunReport.Action.DUMMY, decision.reason() + " (keyed AE title)",
                    () -> display(pseudonym));
        } else if (TextCleaner.isText(vr) && !TextCleaner.isCoded(keyword)) {
            keepText(attribute, out, path, keyword, decision, run, charset);
        } else {
            out.put(attribute);
            run.report(path, attribute, keyword, DryRunReport.Action.KEEP, decision.reason(), () -> display(attribute));
        }
    }

    /** A kept DA or DT: moved by the subject's offset if {@code shift}, and without its offset suffix if need be. */
    private void keepDate(Attribute attribute, AttributeList out, String path, String keyword, String reason,
            boolean shift, Run run, SpecificCharacterSet charset) {
        Attribute kept = shift(attribute, shift ? dateShiftDays : 0, charset);
        out.put(kept);
        if (run.recording) {
            boolean same = kept.getVL() == attribute.getVL() && display(kept).equals(display(attribute));
            run.report(path, attribute, keyword, same ? DryRunReport.Action.KEEP
                    : shift ? DryRunReport.Action.SHIFT_DATE : DryRunReport.Action.DUMMY,
                    shift ? reason + " (" + dateShiftDays + " days)" : reason + " (time zone offset removed)",
                    display(kept));
        }
    }

    /**
     * Clean Descriptors and Clean Structured Content clean a kept text fully; every other kept text, whatever the
     * option that keeps it, loses at least the names and IDs of this dataset. A person name is never cleaned into
     * half a name: it stays whole or becomes a dummy.
     */
    private static void keepText(Attribute attribute, AttributeList out, String path, String keyword,
            Decision decision, Run run, SpecificCharacterSet charset) {
        String vr = attribute.getVRAsString();
        boolean full = decision.clean() == Clean.TEXT && !"PN".equals(vr);
        int maxLength = attribute instanceof StringAttribute s ? s.getMaximumLengthOfSingleValue() : Integer.MAX_VALUE;
        List<String> values = new ArrayList<>();
        Set<FreeTextCleaner.Kind> removed = EnumSet.noneOf(FreeTextCleaner.Kind.class);
        String unsafe = null;
        for (String value : strings(attribute)) {
            FreeTextCleaner.Cleaned cleaned = full ? run.cleaner.clean(value, maxLength)
                    : run.cleaner.cleanNamesAndIds(value, maxLength);
            removed.addAll(cleaned.removed());
            if (cleaned.unsafe() != null) {
                unsafe = cleaned.unsafe();
                break;
            }
            values.add(cleaned.text());
        }
        String why = decision.clean() == Clean.TEXT ? decision.reason() : "kept attribute (" + decision.reason() + ")";
        if (unsafe != null || ("PN".equals(vr) && !removed.isEmpty())) {
            Attribute dummy = dummy(attribute, charset);
            out.put(dummy);
            String because = unsafe != null ? "cannot be cleaned safely: " + unsafe : "names a person of this dataset";
            if (unsafe != null) {
                run.cleaningNotes.add(path + " " + Attributes.tagText(attribute.getTag())
                        + " replaced by a dummy value: " + unsafe);
            }
            run.report(path, attribute, keyword, DryRunReport.Action.DUMMY, why + ": " + because, display(dummy));
            recordKept(keyword, dummy, decision, run);
            return;
        }
        Attribute written = attribute;
        if (!removed.isEmpty()) {
            written = newAttribute(attribute.getTag(), attribute.getVR(), charset);
            for (String value : values) {
                addValue(written, value);
            }
        }
        out.put(written);
        Attribute result = written;
        run.report(path, attribute, keyword, removed.isEmpty() ? DryRunReport.Action.KEEP : DryRunReport.Action.CLEAN,
                removed.isEmpty() ? why : why + ": removed " + describe(removed), () -> display(result));
        recordKept(keyword, written, decision, run);
    }

    private static void recordKept(String keyword, Attribute written, Decision decision, Run run) {
        if (decision.clean() == Clean.TEXT) {
            for (String value : strings(written)) {
                run.kept(keyword, value.strip());
            }
        }
    }

    private static String describe(Set<FreeTextCleaner.Kind> removed) {
        return removed.stream().map(k -> k.placeholder).reduce((a, b) -> a + ", " + b).orElse("");
    }

    /** "AE" and 14 hex digits of the keyed hash: 16 characters, as AE allows; one device keeps one name. */
    private String aeTitle(String value) {
        byte[] hash = uids.hmac(("ae-title:" + value).getBytes(StandardCharsets.UTF_8));
        return "AE" + HexFormat.of().withUpperCase().formatHex(hash, 0, 7);
    }

    /** Moves every value by {@code days}, dropping a DT's offset suffix where (0008,0201) does not stay. */
    private Attribute shift(Attribute attribute, int days, SpecificCharacterSet charset) {
        Attribute shifted = newAttribute(attribute.getTag(), attribute.getVR(), charset);
        boolean dateTime = "DT".equals(attribute.getVRAsString());
        for (String value : strings(attribute)) {
            String v = value.trim();
            if (v.isEmpty()) {
                addValue(shifted, v);
                continue;
            }
            String moved = shiftValue(v, dateTime, days, dateTime && timezoneKept);
            // A value that cannot be shifted cannot be kept either: it would be the true date.
            addValue(shifted, moved != null ? moved : dateTime ? "19000101000000" : "19000101");
        }
        return shifted;
    }

    /**
     * A DA or DT moved by whole days at its own precision: a full date moves by the days; a year and month, or a
     * year alone, moves as the middle of that month or year would, so a shift shorter than half of it keeps it.
     * Null if the value is no date.
     */
    static String shiftValue(String value, boolean dateTime, int days, boolean keepOffset) {
        String v = value;
        String offset = "";
        if (dateTime) {
            Matcher suffix = UTC_OFFSET.matcher(v);
            if (suffix.find()) {
                offset = keepOffset ? suffix.group() : "";
                v = v.substring(0, suffix.start());
            }
        }
        try {
            if (v.length() >= 8 && (dateTime || v.length() == 8) && DIGITS.matcher(v.substring(0, 8)).matches()) {
                LocalDate date = LocalDate.parse(v.substring(0, 8), DA).plusDays(days);
                return date.format(DA) + v.substring(8) + offset;
            }
            if (v.length() == 6 && DIGITS.matcher(v).matches()) {
                YearMonth month = YearMonth.parse(v, YYYYMM);
                LocalDate middle = month.atDay(month.lengthOfMonth() / 2 + 1).plusDays(days);
                return YearMonth.from(middle).format(YYYYMM) + offset;
            }
            if (v.length() == 4 && DIGITS.matcher(v).matches()) {
                Year year = Year.parse(v, YYYY);
                LocalDate middle = year.atDay(year.length() / 2 + 1).plusDays(days);
                return Year.from(middle).format(YYYY) + offset;
            }
        } catch (DateTimeException e) {
            return null;
        }
        return null;
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

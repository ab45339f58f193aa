package org.dicomstage.pseudonym;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.SequenceAttribute;
import com.pixelmed.dicom.SequenceItem;
import com.pixelmed.dicom.SpecificCharacterSet;
import com.pixelmed.dicom.StringAttribute;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.dicom.ValueRepresentation;

import java.io.UnsupportedEncodingException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import static org.dicomstage.pseudonym.Attributes.addValue;
import static org.dicomstage.pseudonym.Attributes.display;
import static org.dicomstage.pseudonym.Attributes.iterable;
import static org.dicomstage.pseudonym.Attributes.joined;
import static org.dicomstage.pseudonym.Attributes.keyword;
import static org.dicomstage.pseudonym.Attributes.newAttribute;
import static org.dicomstage.pseudonym.Attributes.putString;
import static org.dicomstage.pseudonym.Attributes.strings;
import static org.dicomstage.pseudonym.Attributes.tagText;

/**
 * The attributes every output gets from the study rather than from its source: patient pseudonym, Clinical Trial
 * Subject module, and the de-identification method with the options applied; in a character set that holds them.
 */
final class StudyAttributes {

    private static final String DCM = "DCM";

    private final PseudonymizationProfile profile;
    private final ProfileRules rules;
    private final PseudonymContext context;
    private final String patientPseudonym;

    StudyAttributes(PseudonymizationProfile profile, ProfileRules rules, PseudonymContext context,
            String patientPseudonym) {
        this.profile = profile;
        this.rules = rules;
        this.context = context;
        this.patientPseudonym = patientPseudonym;
    }

    void set(AttributeList out, Run run, SpecificCharacterSet datasetCharset) {
        ClinicalTrial trial = context.trial();
        SpecificCharacterSet charset = charsetFor(out, datasetCharset, run, context.studySubjectID(),
                trial.sponsorName(), trial.protocolID(), trial.protocolName(), trial.siteID(), trial.siteName());
        set(out, TagFromName.PatientID, patientPseudonym, run, charset);
        set(out, TagFromName.PatientName, patientPseudonym, run, charset);
        set(out, TagFromName.ClinicalTrialSponsorName, trial.sponsorName(), run, charset);
        set(out, TagFromName.ClinicalTrialProtocolID, trial.protocolID(), run, charset);
        set(out, TagFromName.ClinicalTrialProtocolName, trial.protocolName(), run, charset);
        set(out, TagFromName.ClinicalTrialSiteID, trial.siteID(), run, charset);
        set(out, TagFromName.ClinicalTrialSiteName, trial.siteName(), run, charset);
        set(out, TagFromName.ClinicalTrialSubjectID, context.studySubjectID(), run, charset);
        set(out, TagFromName.PatientIdentityRemoved, "YES", run, charset);
        set(out, TagFromName.LongitudinalTemporalInformationModified, switch (profile.dates()) {
            case REMOVE -> "REMOVED";
            case FULL -> "UNMODIFIED";
            case SHIFTED -> "MODIFIED";
        }, run, charset);
        setMethod(out, run, charset);
    }

    private void setMethod(AttributeList out, Run run, SpecificCharacterSet charset) {
        List<String[]> methods = methods();
        SequenceAttribute codes = new SequenceAttribute(TagFromName.DeidentificationMethodCodeSequence);
        for (String[] method : methods) {
            AttributeList item = new AttributeList();
            putString(item, TagFromName.CodeValue, method[0], charset);
            putString(item, TagFromName.CodingSchemeDesignator, DCM, charset);
            putString(item, TagFromName.CodeMeaning, method[1], charset);
            codes.addItem(item);
        }
        Attribute methodAttribute = newAttribute(TagFromName.DeidentificationMethod, ValueRepresentation.LO, charset);
        // Which edition's table was applied: the table grows with every edition, so the options alone do not say.
        addValue(methodAttribute, "DICOM PS3.15 " + ConfidentialityTable.standard().edition() + " Table E.1-1");
        for (String[] method : methods) {
            addValue(methodAttribute, method[1].length() > 64 ? method[1].substring(0, 64) : method[1]);
        }
        out.put(methodAttribute);
        out.put(codes);
        if (run.recording) {
            run.entries.add(new DryRunReport.Entry(keyword(TagFromName.DeidentificationMethod),
                    tagText(TagFromName.DeidentificationMethod), keyword(TagFromName.DeidentificationMethod),
                    DryRunReport.Action.SET, "options applied", "", display(methodAttribute)));
            run.entries.add(new DryRunReport.Entry(keyword(TagFromName.DeidentificationMethodCodeSequence),
                    tagText(TagFromName.DeidentificationMethodCodeSequence),
                    keyword(TagFromName.DeidentificationMethodCodeSequence), DryRunReport.Action.SET,
                    "options applied", "", methods.stream().map(m -> m[0]).toList().toString()));
        }
    }

    /**
     * For a copy whose pixels a pixel rule masked: BurnedInAnnotation becomes NO, and Clean Pixel Data (113101)
     * joins the methods applied, in code order, in the code sequence and in DeidentificationMethod.
     */
    void declarePixelsCleaned(AttributeList out) {
        SpecificCharacterSet charset = new SpecificCharacterSet(out);
        putString(out, TagFromName.BurnedInAnnotation, "NO", charset);
        if (out.get(TagFromName.DeidentificationMethodCodeSequence) instanceof SequenceAttribute codes) {
            AttributeList item = new AttributeList();
            putString(item, TagFromName.CodeValue, CLEAN_PIXEL_DATA[0], charset);
            putString(item, TagFromName.CodingSchemeDesignator, DCM, charset);
            putString(item, TagFromName.CodeMeaning, CLEAN_PIXEL_DATA[1], charset);
            SequenceAttribute ordered = new SequenceAttribute(TagFromName.DeidentificationMethodCodeSequence);
            boolean added = false;
            for (SequenceItem existing : iterable(codes)) {
                String code = Attribute.getSingleStringValueOrEmptyString(existing.getAttributeList(),
                        TagFromName.CodeValue);
                if (!added && code.compareTo(CLEAN_PIXEL_DATA[0]) > 0) {
                    ordered.addItem(item);
                    added = true;
                }
                ordered.addItem(existing);
            }
            if (!added) {
                ordered.addItem(item);
            }
            out.put(ordered);
        }
        Attribute method = out.get(TagFromName.DeidentificationMethod);
        if (method != null) {
            // After the Basic Profile, as in the code sequence: 113101 precedes every Option's code.
            Attribute rewritten = newAttribute(TagFromName.DeidentificationMethod, ValueRepresentation.LO, charset);
            for (String value : strings(method)) {
                addValue(rewritten, value);
                if (value.equals(BASIC_MEANING)) {
                    addValue(rewritten, CLEAN_PIXEL_DATA[1]);
                }
            }
            out.put(rewritten);
        }
    }

    private static final String BASIC_MEANING = "Basic Application Confidentiality Profile";
    private static final String[] CLEAN_PIXEL_DATA = {"113101", "Clean Pixel Data Option"};

    /**
     * CID 7050 codes of exactly what this profile applies, in code order: the Basic Profile, then each Option
     * that {@link ProfileRules} applies.
     */
    List<String[]> methods() {
        List<String[]> methods = new ArrayList<>();
        methods.add(new String[] {"113100", "Basic Application Confidentiality Profile"});
        rules.applied().stream().sorted(Comparator.comparing(option -> option.code))
                .forEach(option -> methods.add(new String[] {option.code, option.meaning}));
        return methods;
    }

    private void set(AttributeList out, AttributeTag tag, String value, Run run, SpecificCharacterSet charset) {
        String text = value == null ? "" : value.trim();
        Attribute previous = run.source.get(tag);
        Attribute attribute = putString(out, tag, text, charset);
        if (!text.isEmpty()) {
            requireEncodable(text, charset, tag, run);
        }
        if (run.recording) {
            // One line per attribute in the report: the value set replaces whatever the table did to it.
            String path = keyword(tag);
            run.entries.removeIf(e -> e.path().equals(path));
            run.entries.add(new DryRunReport.Entry(path, tagText(tag), path, DryRunReport.Action.SET,
                    "from the study", previous == null ? "" : display(previous), display(attribute)));
        }
    }

    /**
     * The character set for the values this class writes. A dataset in the default repertoire whose study
     * values are not ASCII (a site name with an umlaut) is declared UTF-8 (ISO_IR 192), which leaves every
     * ASCII value byte-identical; any other character set that cannot hold the values is refused.
     */
    private static SpecificCharacterSet charsetFor(AttributeList out, SpecificCharacterSet charset, Run run,
            String... values) {
        boolean encodable = true;
        for (String value : values) {
            encodable &= value == null || encodable(value.trim(), charset);
        }
        String declared = String.join("\\", strings(out.get(TagFromName.SpecificCharacterSet))).trim();
        if (encodable || !(declared.isEmpty() || declared.equals("ISO_IR 6"))) {
            return charset;
        }
        if (!allAscii(out)) {
            throw run.fail("study values need a character set beyond ASCII, and the dataset has non-ASCII text"
                    + " without declaring a character set");
        }
        SpecificCharacterSet utf8 = new SpecificCharacterSet(new String[] {"ISO_IR 192"});
        Attribute declaration = newAttribute(TagFromName.SpecificCharacterSet, ValueRepresentation.CS, null);
        addValue(declaration, "ISO_IR 192");
        out.put(declaration);
        run.entries.add(new DryRunReport.Entry(keyword(TagFromName.SpecificCharacterSet),
                tagText(TagFromName.SpecificCharacterSet), keyword(TagFromName.SpecificCharacterSet),
                DryRunReport.Action.SET, "study values need UTF-8", declared, "ISO_IR 192"));
        return utf8;
    }

    private static boolean encodable(String text, SpecificCharacterSet charset) {
        if (asciiInEveryCharacterSet(text)) {
            return true;
        }
        try {
            byte[] bytes = charset.translateStringToByteArray(text);
            return text.equals(charset.translateByteArrayToString(bytes, 0, bytes.length));
        } catch (UnsupportedEncodingException e) {
            return false;
        }
    }

    /**
     * Printable ASCII without {@code \} and {@code ~} is written with the same bytes in every DICOM character set
     * (their G0 set is ASCII, or JIS X 0201 Roman, which differs only there), so it needs no round trip through
     * PixelMed's conversion, which is slow: it builds a debug dump of every value it decodes.
     */
    static boolean asciiInEveryCharacterSet(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x20 || c > 0x7D || c == '\\') {
                return false;
            }
        }
        return true;
    }

    private static boolean allAscii(AttributeList list) {
        for (Attribute attribute : list.values()) {
            if (attribute instanceof SequenceAttribute sequence) {
                for (SequenceItem item : iterable(sequence)) {
                    if (!allAscii(item.getAttributeList())) {
                        return false;
                    }
                }
            } else if (attribute instanceof StringAttribute) {
                if (!joined(attribute).chars().allMatch(c -> c < 0x80)) {
                    return false;
                }
            }
        }
        return true;
    }

    private static void requireEncodable(String text, SpecificCharacterSet charset, AttributeTag tag, Run run) {
        if (asciiInEveryCharacterSet(text)) {
            return;
        }
        try {
            byte[] bytes = charset.translateStringToByteArray(text);
            if (!text.equals(charset.translateByteArrayToString(bytes, 0, bytes.length))) {
                throw run.fail(keyword(tag) + " value '" + text + "' cannot be written in the dataset's character set "
                        + charset.getValueToUseInSpecificCharacterSetAttribute());
            }
        } catch (UnsupportedEncodingException e) {
            throw run.fail("character set " + charset + " is not supported: " + e.getMessage());
        }
    }
}

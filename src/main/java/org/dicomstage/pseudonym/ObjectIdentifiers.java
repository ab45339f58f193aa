package org.dicomstage.pseudonym;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.DicomDictionary;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.SequenceAttribute;
import com.pixelmed.dicom.SequenceItem;

import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The words one object identifies people and records by, as found anywhere in it: every component of every
 * person name (any PN attribute at any depth: patient, other patient names, physicians, operators, observers,
 * reviewers) and every value of its ID-like attributes. Free text that leaves must not contain them.
 *
 * @param names name components of 2 characters and up (family, given and middle names; titles and suffixes are
 *              not names)
 * @param ids   ID values and their parts, 3 characters and up, and the birth date as people write it
 */
record ObjectIdentifiers(Set<String> names, Set<String> ids) {

    private static final DicomDictionary DICTIONARY = DicomDictionary.StandardDictionary;
    /** A name component may hold several words ("Mary Ann", "van der Berg", "Dr. Alice Wong" in one component). */
    private static final Pattern WORD_SEPARATORS = Pattern.compile("[\\s,.;:()\"]+");
    private static final Pattern NOT_LETTER_OR_DIGIT = Pattern.compile("[^\\p{L}\\p{N}]+");
    private static final Pattern ADDRESS_PARTS = Pattern.compile("[,;\\r\\n^]+");
    private static final Pattern EIGHT_DIGITS = Pattern.compile("\\d{8}");
    /**
     * Titles and degrees are the same for everyone; written into a family-name component they would otherwise
     * make every "Dr" or "MD" in every description count as a name.
     */
    private static final Set<String> HONORIFICS = Set.of("dr", "mr", "mrs", "ms", "miss", "prof", "md", "phd",
            "rn", "sr", "jr", "dres", "med", "dipl", "ing");
    /**
     * Attributes whose values identify the patient or a record of the patient's care. StudyID, too: sites use
     * the accession or the patient's ID as study ID.
     */
    private static final Set<String> ID_KEYWORDS = Set.of("PatientID", "OtherPatientIDs", "AccessionNumber",
            "MedicalRecordLocator", "AdmissionID", "StudyID", "RequestedProcedureID", "ScheduledProcedureStepID",
            "PerformedProcedureStepID", "PlacerOrderNumberImagingServiceRequest",
            "FillerOrderNumberImagingServiceRequest", "ServiceEpisodeID", "ClinicalTrialSubjectID",
            "ClinicalTrialSubjectReadingID", "PatientTelephoneNumbers");
    private static final int MIN_NAME = 2;
    private static final int MIN_ID = 3;

    ObjectIdentifiers {
        names = Set.copyOf(names);
        ids = Set.copyOf(ids);
    }

    static ObjectIdentifiers of(AttributeList source) {
        Set<String> names = new LinkedHashSet<>();
        Set<String> ids = new LinkedHashSet<>();
        collect(source, names, ids);
        return new ObjectIdentifiers(names, ids);
    }

    private static void collect(AttributeList list, Set<String> names, Set<String> ids) {
        for (Attribute attribute : list.values()) {
            if (attribute instanceof SequenceAttribute sequence) {
                Iterator<?> items = sequence.iterator();
                while (items.hasNext()) {
                    collect(((SequenceItem) items.next()).getAttributeList(), names, ids);
                }
                continue;
            }
            String vr = attribute.getVRAsString();
            if ("PN".equals(vr)) {
                for (String value : strings(attribute)) {
                    addNameWords(value, names);
                }
                continue;
            }
            String keyword = DICTIONARY.getNameFromTag(attribute.getTag());
            if ("PatientAddress".equals(keyword)) {
                // Its lines, not its words: "Street" or "Main" alone identify nobody.
                for (String value : strings(attribute)) {
                    Arrays.stream(ADDRESS_PARTS.split(value)).map(String::trim).forEach(part -> addId(part, ids));
                }
            } else if (keyword != null && ID_KEYWORDS.contains(keyword)) {
                for (String value : strings(attribute)) {
                    addIdWords(value, ids);
                }
            } else if ("PatientBirthDate".equals(keyword)) {
                for (String value : strings(attribute)) {
                    addBirthDate(value.trim(), ids);
                }
            }
        }
    }

    /** Family, given and middle name of each component group (alphabetic, ideographic, phonetic). */
    static void addNameWords(String value, Set<String> into) {
        for (String group : value.split("=")) {
            String[] components = group.split("\\^", -1);
            for (int i = 0; i < Math.min(3, components.length); i++) {
                String component = components[i].trim();
                addName(component, into);
                for (String word : WORD_SEPARATORS.split(component)) {
                    addName(word, into);
                    if (word.indexOf('-') > 0) {
                        // A double-barrelled name is also written as its halves.
                        Arrays.stream(word.split("-")).forEach(part -> addName(part, into));
                    }
                }
            }
        }
    }

    private static void addName(String word, Set<String> into) {
        String w = word.trim();
        if (w.codePointCount(0, w.length()) >= MIN_NAME && !HONORIFICS.contains(w.toLowerCase(Locale.ROOT))
                && w.codePoints().anyMatch(Character::isLetter)) {
            into.add(w);
        }
    }

    private static void addIdWords(String value, Set<String> into) {
        String v = value.trim();
        addId(v, into);
        // Identifiers get re-punctuated in free text ("HNC-0522" as "HNC0522"): their parts count too.
        for (String part : NOT_LETTER_OR_DIGIT.split(v)) {
            addId(part, into);
        }
        addId(NOT_LETTER_OR_DIGIT.matcher(v).replaceAll(""), into);
    }

    private static void addId(String word, Set<String> into) {
        if (word.codePointCount(0, word.length()) >= MIN_ID) {
            into.add(word);
        }
    }

    /** The birth date as people write it in free text, not only as DICOM encodes it. */
    private static void addBirthDate(String date, Set<String> into) {
        if (!EIGHT_DIGITS.matcher(date).matches()) {
            return;
        }
        String y = date.substring(0, 4);
        String m = date.substring(4, 6);
        String d = date.substring(6, 8);
        into.addAll(List.of(date, y + "-" + m + "-" + d, d + "." + m + "." + y, d + "/" + m + "/" + y,
                m + "/" + d + "/" + y));
    }

    private static String[] strings(Attribute attribute) {
        try {
            String[] values = attribute.getStringValues();
            return values == null ? new String[0] : values;
        } catch (DicomException e) {
            return new String[0];
        }
    }
}

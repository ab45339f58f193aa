package org.dicomstage.pseudonym;

import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.TagFromName;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

import static org.dicomstage.pseudonym.Attributes.DICTIONARY;
import static org.dicomstage.pseudonym.Attributes.singleString;
import static org.dicomstage.pseudonym.Attributes.strings;

/**
 * Decides whether a kept free-text value may leave: today, whether it names this dataset's patient or staff
 * (their name words, IDs, accession number, birth date). Shared by all files of a pseudonymizer; thread-safe.
 */
final class TextCleaner {

    /** Compiled once: every file of a series goes through these, and compiling them was a cost per file. */
    private static final Pattern NAME_SEPARATORS = Pattern.compile("[\\^=\\s,.]+");
    private static final Pattern NOT_LETTER_OR_DIGIT = Pattern.compile("[^\\p{L}\\p{N}]+");
    private static final Pattern EIGHT_DIGITS = Pattern.compile("\\d{8}");
    private static final Pattern IDEOGRAPHIC = Pattern.compile(
            "[\\p{IsHan}\\p{IsHiragana}\\p{IsKatakana}\\p{IsHangul}]");
    /** PixelMed's TagFromName lacks some keywords (its class hit the JVM size limit); the dictionary has them. */
    private static final AttributeTag PATIENT_BIRTH_NAME = DICTIONARY.getTagFromName("PatientBirthName");

    /** Patterns are immutable and thread-safe; a race merely compiles them twice. */
    private volatile IdentifierPatterns lastIdentifiers;

    /** The cleaner for one dataset, knowing the identifiers it carries. */
    record ForDataset(List<Pattern> identifiers) {

        boolean containsIdentifier(String value) {
            if (value.isEmpty()) {
                return false;
            }
            for (Pattern identifier : identifiers) {
                if (identifier.matcher(value).find()) {
                    return true;
                }
            }
            return false;
        }
    }

    ForDataset forDataset(AttributeList source) {
        return new ForDataset(identifierPatterns(identifierWords(source)));
    }

    static boolean isText(String vr) {
        return switch (vr) {
            case "LO", "LT", "PN", "SH", "ST", "UC", "UT" -> true;
            default -> false;
        };
    }

    /** Words that identify this dataset's patient or staff, as found in its top level; three characters at least. */
    private static Set<String> identifierWords(AttributeList source) {
        Set<String> words = new LinkedHashSet<>();
        AttributeTag[] names = {TagFromName.PatientName, TagFromName.OtherPatientNames, PATIENT_BIRTH_NAME,
                TagFromName.PatientMotherBirthName, TagFromName.ReferringPhysicianName,
                TagFromName.PerformingPhysicianName, TagFromName.NameOfPhysiciansReadingStudy,
                TagFromName.OperatorsName, TagFromName.PhysiciansOfRecord, TagFromName.RequestingPhysician};
        for (AttributeTag tag : names) {
            for (String value : strings(source.get(tag))) {
                for (String word : NAME_SEPARATORS.split(value)) {
                    words.add(word);
                }
            }
        }
        AttributeTag[] ids = {TagFromName.PatientID, TagFromName.OtherPatientIDs, TagFromName.AccessionNumber,
                TagFromName.PatientBirthDate, TagFromName.MedicalRecordLocator, TagFromName.AdmissionID};
        for (AttributeTag tag : ids) {
            for (String value : strings(source.get(tag))) {
                words.add(value.trim());
                // Identifiers get re-punctuated in free text ("HNC-0522" as "HNC0522"): their parts count too.
                words.addAll(Arrays.asList(NOT_LETTER_OR_DIGIT.split(value.trim())));
                words.add(NOT_LETTER_OR_DIGIT.matcher(value.trim()).replaceAll(""));
            }
        }
        String birthDate = singleString(source.get(TagFromName.PatientBirthDate));
        if (EIGHT_DIGITS.matcher(birthDate).matches()) {
            // The birth date as people write it in free text, not only as DICOM encodes it.
            String y = birthDate.substring(0, 4);
            String m = birthDate.substring(4, 6);
            String d = birthDate.substring(6, 8);
            words.addAll(List.of(y + "-" + m + "-" + d, d + "." + m + "." + y, d + "/" + m + "/" + y,
                    m + "/" + d + "/" + y));
        }
        return words;
    }

    /**
     * The words' patterns, compiled once per set of words: every instance of a series names the same patient, and
     * compiling them per file cost more than the rest of the header's transformation.
     */
    private List<Pattern> identifierPatterns(Set<String> words) {
        IdentifierPatterns cached = lastIdentifiers;
        if (cached != null && cached.words().equals(words)) {
            return cached.patterns();
        }
        List<Pattern> patterns = compile(words);
        lastIdentifiers = new IdentifierPatterns(words, patterns);
        return patterns;
    }

    private record IdentifierPatterns(Set<String> words, List<Pattern> patterns) {
    }

    private static List<Pattern> compile(Set<String> words) {
        List<Pattern> patterns = new ArrayList<>();
        for (String word : words) {
            int length = word.codePointCount(0, word.length());
            if (IDEOGRAPHIC.matcher(word).find()) {
                // CJK names have one- or two-character components and are written without spaces between words.
                if (length >= 2) {
                    patterns.add(Pattern.compile(Pattern.quote(word)));
                }
            } else if (length >= 3) {
                patterns.add(Pattern.compile("(?<![\\p{L}\\p{N}])" + Pattern.quote(word) + "(?![\\p{L}\\p{N}])",
                        Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE));
            }
        }
        return patterns;
    }
}

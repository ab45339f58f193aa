package org.dicomstage.workflow;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.dicomstage.pseudonym.PseudonymizationProfile;
import org.dicomstage.staging.SeriesVerification.CopyIdentity;

/**
 * Who the patient is in the held copy, per subject of the review: PatientID and PatientName as the copy's headers
 * carry them, how its dates were treated, the profile and the options the copy records. Read from the copy, not
 * predicted from the profile, so the reviewer sees what leaves. The study subject ID names the subject; the Study0
 * PID never appears.
 */
final class ReviewIdentity {

    static final String SUBJECT = "studySubjectId";
    static final String PATIENT_ID = "PatientID";
    static final String PATIENT_NAME = "PatientName";
    static final String DATES = "dates";
    static final String PROFILE = "profile";
    static final String OPTIONS = "options";

    static final String BASIC_PROFILE = "Basic Application Confidentiality Profile";

    private final Map<String, Subject> subjects = new LinkedHashMap<>();

    private static final class Subject {
        final PseudonymizationProfile profile;
        final int dateShiftDays;
        final Set<String> patientIds = new LinkedHashSet<>();
        final Set<String> patientNames = new LinkedHashSet<>();
        final Set<String> methods = new LinkedHashSet<>();

        Subject(PseudonymizationProfile profile, int dateShiftDays) {
            this.profile = profile;
            this.dateShiftDays = dateShiftDays;
        }
    }

    /**
     * Adds one verified series of a subject.
     *
     * @param dateShiftDays the days the pseudonymizer added to the subject's dates (negative; 0 unless shifted)
     */
    void add(String studySubjectId, PseudonymizationProfile profile, int dateShiftDays, CopyIdentity copy) {
        Subject s = subjects.computeIfAbsent(studySubjectId, k -> new Subject(profile, dateShiftDays));
        s.patientIds.addAll(copy.patientIds());
        s.patientNames.addAll(copy.patientNames());
        s.methods.addAll(copy.methods());
    }

    /** One row per subject, for the review form. */
    List<Map<String, Object>> rows() {
        List<Map<String, Object>> rows = new ArrayList<>();
        subjects.forEach((subject, s) -> {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put(SUBJECT, subject);
            row.put(PATIENT_ID, values(s.patientIds));
            row.put(PATIENT_NAME, values(s.patientNames));
            row.put(DATES, dates(s.profile, s.dateShiftDays));
            row.put(PROFILE, s.profile.name());
            row.put(OPTIONS, options(s.methods));
            rows.add(row);
        });
        return rows;
    }

    static String dates(PseudonymizationProfile profile, int dateShiftDays) {
        return switch (profile.dates()) {
            case SHIFTED -> "shifted back by " + days(-dateShiftDays) + " (this subject's shift; the profile shifts"
                    + " by 1 to " + days(profile.maxDateShiftDays()) + "); times and time zone kept";
            case FULL -> "kept as in Study0 (full dates)";
            case REMOVE -> "not kept: removed, emptied or replaced by a dummy (Basic Profile)";
        };
    }

    /** The Options the copy records in DeidentificationMethodCodeSequence, besides the Basic Profile. */
    static String options(Set<String> methods) {
        List<String> options = methods.stream().filter(m -> !m.equals(BASIC_PROFILE)).toList();
        if (options.isEmpty()) {
            return methods.isEmpty() ? "not recorded in the copy" : "none: Basic Profile only";
        }
        return String.join(", ", options);
    }

    private static String values(Set<String> values) {
        List<String> shown = values.stream().map(v -> v.isEmpty() ? "(empty)" : v).toList();
        if (shown.isEmpty()) {
            return "(no instance read)";
        }
        return shown.size() == 1 ? shown.getFirst() : String.join(", ", shown) + " (differs between instances)";
    }

    private static String days(int n) {
        return n == 1 ? "1 day" : n + " days";
    }
}

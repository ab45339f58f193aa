package org.dicomstage.pseudonym;

import java.util.Arrays;
import java.util.Objects;

/**
 * Who a dataset is pseudonymized for: the study's secret (keys UID mapping, patient pseudonym and date
 * shift), the study subject ID and the trial. The secret is copied in and out so that callers cannot
 * change it underneath a running pseudonymizer, and it never appears in {@link #toString()}.
 */
public record PseudonymContext(byte[] studySecret, String studySubjectID, ClinicalTrial trial) {

    /** Below this, an HMAC key is guessable; 16 bytes is the smallest a generated secret should have. */
    static final int MINIMUM_SECRET_BYTES = 16;

    public PseudonymContext {
        Objects.requireNonNull(studySecret, "studySecret");
        if (studySecret.length < MINIMUM_SECRET_BYTES) {
            throw new IllegalArgumentException("study secret must have at least " + MINIMUM_SECRET_BYTES
                    + " bytes, has " + studySecret.length);
        }
        if (studySubjectID == null || studySubjectID.isBlank()) {
            throw new IllegalArgumentException("study subject ID must not be blank");
        }
        // It may become PatientID (LO) and PatientName (PN): no delimiters of either, at most 64 characters.
        if (studySubjectID.length() > 64 || !studySubjectID.equals(studySubjectID.strip())
                || studySubjectID.chars().anyMatch(c -> c < 0x20 || c == '\\' || c == '^' || c == '=')) {
            throw new IllegalArgumentException("study subject ID must be at most 64 characters without control"
                    + " characters, '\\', '^', '=' or surrounding spaces: " + studySubjectID);
        }
        studySecret = studySecret.clone();
        trial = trial == null ? ClinicalTrial.none() : trial;
    }

    @Override
    public byte[] studySecret() {
        return studySecret.clone();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof PseudonymContext that && Arrays.equals(studySecret, that.studySecret)
                && studySubjectID.equals(that.studySubjectID) && trial.equals(that.trial);
    }

    @Override
    public int hashCode() {
        return Objects.hash(Arrays.hashCode(studySecret), studySubjectID, trial);
    }

    @Override
    public String toString() {
        return "PseudonymContext[studySecret=(" + studySecret.length + " bytes, hidden), studySubjectID="
                + studySubjectID + ", trial=" + trial + "]";
    }
}

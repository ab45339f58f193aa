package org.dicomstage.web;

import java.util.regex.Pattern;

/**
 * Checks of identifiers from a URL or a form before anything uses them: a value the database column or the DICOM
 * attribute cannot hold is the caller's mistake (400 naming the field), not ours (a 500 with an SQL error). The
 * value itself is never echoed: it may be megabytes long.
 */
final class Ids {

    /** Study identifiers as the study table holds them (64 characters). */
    private static final Pattern STUDY = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    /** A DICOM UID (PS3.5 9.1): digits and dots, at most 64 characters. */
    private static final Pattern UID = Pattern.compile("[0-9][0-9.]{0,63}");
    /** PatientID is an LO: 64 characters, no backslash, no control characters. */
    private static final Pattern PID = Pattern.compile("[^\\\\\\p{Cntrl}]{1,64}");
    /** What a search box needs: at most one identifier. */
    static final int MAX_QUERY = 64;

    private Ids() {
    }

    static String study(String value) {
        return check(value, STUDY, "study", "a study identifier (letters, digits, '.', '_', '-'; at most 64)");
    }

    static String pid(String value) {
        return check(value, PID, "pid", "a patient ID (at most 64 characters, no backslash)");
    }

    static String uid(String field, String value) {
        return check(value, UID, field, "a DICOM UID (digits and dots, at most 64 characters)");
    }

    static String query(String field, String value) {
        if (value != null && value.length() > MAX_QUERY) {
            throw new ApiErrors.BadRequest("'" + field + "' is longer than " + MAX_QUERY + " characters.");
        }
        return value;
    }

    private static String check(String value, Pattern pattern, String field, String expected) {
        if (value == null || !pattern.matcher(value).matches()) {
            throw new ApiErrors.BadRequest("'" + field + "' is not " + expected + ".");
        }
        return value;
    }
}

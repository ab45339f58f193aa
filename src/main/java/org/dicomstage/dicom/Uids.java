package org.dicomstage.dicom;

import java.util.regex.Pattern;

/** What counts as a UID where one names a file or travels back to a peer (PS3.5 9.1). */
public final class Uids {

    /** Components of digits separated by single dots; no leading or trailing dot. */
    private static final Pattern UID = Pattern.compile("[0-9]+(\\.[0-9]+)*");
    private static final int MAX_LENGTH = 64;

    private Uids() {
    }

    /** A UID: only digits and single inner dots, at most 64 characters. */
    public static boolean isValid(String value) {
        return value != null && !value.isEmpty() && value.length() <= MAX_LENGTH && UID.matcher(value).matches();
    }
}

package org.dicomstage.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The read-only third-party fixtures in {@code ../shared/data}, found from the project root (or any
 * parent directory, so git worktrees beside the main checkout work too).
 */
public final class SharedData {

    // The RT set's identifiers as its files carry them, for the tests that query archives holding it.
    public static final String RT_PATIENT_ID = "HNC-0522c0009";
    public static final String RT_STUDY_UID = "1.3.6.1.4.1.22213.2.26558";
    public static final String RT_CT_SERIES_UID = RT_STUDY_UID + ".2";
    public static final List<String> RT_CT_SOP_UIDS = List.of(RT_CT_SERIES_UID + ".57", RT_CT_SERIES_UID + ".58",
            RT_CT_SERIES_UID + ".59", RT_CT_SERIES_UID + ".60", RT_CT_SERIES_UID + ".61");
    public static final String RT_STRUCTURE_SET_SERIES_UID = "2.16.840.1.113669.1919.1535997926";
    public static final String RT_STRUCTURE_SET_SOP_UID = "1.2.840.10008.5.1.4.1.1.481.3.1535997926";
    public static final String RT_PLAN_SERIES_UID = "2.16.840.1.114337.1535997926";
    public static final String RT_PLAN_SOP_UID = "2.16.840.1.114337.1.1.1535997926.0";
    public static final String RT_DOSE_SERIES_UID = "2.16.840.1.114337.1.1.1535997926.0.1.3";

    private SharedData() {
    }

    public static Path root() {
        String override = System.getProperty("dicomstage.sharedData", System.getenv("DICOMSTAGE_SHARED_DATA"));
        if (override != null && !override.isBlank()) {
            return Path.of(override).toAbsolutePath();
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("shared").resolve("data");
            if (Files.isDirectory(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("../shared/data not found above " + Path.of("").toAbsolutePath()
                + "; set -Ddicomstage.sharedData=/path/to/shared/data");
    }

    /** The consistent RT set: 5 CT slices, RTSTRUCT, RTPLAN (UNAPPROVED), RTDOSE. */
    public static Path rtSet() {
        return root().resolve("rt").resolve("proknow-becker-hnc0522c0009");
    }

    public static Path pydicom(String fileName) {
        return root().resolve("pydicom").resolve(fileName);
    }
}

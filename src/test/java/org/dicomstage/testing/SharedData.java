package org.dicomstage.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The read-only third-party fixtures in {@code ../shared/data}, found from the project root (or any
 * parent directory, so git worktrees beside the main checkout work too).
 */
public final class SharedData {

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

package org.dicomstage.staging;

import java.util.List;

/**
 * The verification report of one staged series.
 *
 * @param status    VERIFIED when every check passed (warnings allowed), FAILED otherwise
 * @param problems  failed checks, one line each, naming the instance and what is wrong
 * @param warnings  things a reviewer should see that do not fail the copy, such as references to
 *                  objects that were not staged (dangling)
 */
public record SeriesVerification(
        String seriesInstanceUID,
        String targetSeriesInstanceUID,
        Status status,
        int sourceInstances,
        int targetInstances,
        int pixelDigestsCompared,
        int referencesChecked,
        List<String> problems,
        List<String> warnings) {

    public enum Status { VERIFIED, FAILED }

    public SeriesVerification {
        problems = List.copyOf(problems);
        warnings = List.copyOf(warnings);
    }

    public boolean verified() {
        return status == Status.VERIFIED;
    }
}

package org.dicomstage.study;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;

/**
 * One series of a staging request.
 *
 * @param selected true when the user chose it, false when the closure (referenced series) added it
 * @param failureReason set only while the status is FAILED
 * @param targetSeriesInstanceUid the pseudonymized series UID in the project archive, once known
 */
public record StagingSeriesView(String studyInstanceUid, String seriesInstanceUid, String modality,
                                String description, int instanceCount, boolean selected, SeriesStatus status,
                                int expectedInstances, int stagedInstances, String failureReason,
                                String targetSeriesInstanceUid, Instant updatedAt) {

    /** The failure as a researcher reads it (no class names, no server paths); null unless FAILED. */
    @JsonProperty("failureInWords")
    public String failureInWords() {
        return status == SeriesStatus.FAILED ? SeriesProjectStatus.inWords(failureReason) : null;
    }
}

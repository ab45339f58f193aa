package org.dicomstage.study;

import java.util.Objects;

/** A Study0 series to stage, as found in the source archive. */
public record SeriesSelection(String studyInstanceUid, String seriesInstanceUid, String modality, String description,
                              int instanceCount) {

    public SeriesSelection {
        Objects.requireNonNull(studyInstanceUid, "studyInstanceUid");
        Objects.requireNonNull(seriesInstanceUid, "seriesInstanceUid");
        if (instanceCount < 0) {
            throw new IllegalArgumentException("instanceCount must not be negative: " + instanceCount);
        }
    }
}

package org.dicomstage.study;

import java.util.List;
import java.util.Objects;

/**
 * What a series' staged copy carries as text, recorded by the staging run for the reviewer: a human reads every
 * word that leaves the archive before accepting the copy.
 *
 * @param keptDescriptors          every distinct descriptor value kept, after cleaning, by keyword
 * @param cleaningNotes            one line per value that could not be cleaned safely and was replaced by a dummy,
 *                                 naming the instance and the attribute, never the value
 * @param unknownAttributesRemoved public attributes removed because nothing says what they are, by tag
 */
public record SeriesTexts(List<KeptDescriptor> keptDescriptors, List<String> cleaningNotes,
                          List<String> unknownAttributesRemoved) {

    public static final SeriesTexts NONE = new SeriesTexts(List.of(), List.of(), List.of());

    public SeriesTexts {
        keptDescriptors = List.copyOf(keptDescriptors);
        cleaningNotes = List.copyOf(cleaningNotes);
        unknownAttributesRemoved = List.copyOf(unknownAttributesRemoved);
    }

    public boolean isEmpty() {
        return keptDescriptors.isEmpty() && cleaningNotes.isEmpty() && unknownAttributesRemoved.isEmpty();
    }

    /** A descriptor value as it left, e.g. StudyDescription "RT planning CT". */
    public record KeptDescriptor(String keyword, String value) {

        public KeptDescriptor {
            Objects.requireNonNull(keyword, "keyword");
            Objects.requireNonNull(value, "value");
        }
    }
}

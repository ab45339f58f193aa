package org.dicomstage.rt;

/**
 * A reference whose target is not in the study.
 *
 * @param relation what was referenced, in words ("plan", "structure set", "image series", ...)
 * @param expectedModality the modality the target would have, or {@code null} when the reference does not say
 * @param seriesInstanceUID the referenced series, or {@code null} when only an instance was referenced
 * @param sopInstanceUID the referenced instance, or {@code null} when only a series was referenced
 */
public record DanglingReference(String relation, String expectedModality, String seriesInstanceUID,
        String sopInstanceUID) {

    /** The referenced UID: the instance when the reference names one, else the series. */
    public String targetUID() {
        return sopInstanceUID != null ? sopInstanceUID : seriesInstanceUID;
    }

    /** For example "plan 1.2.3". */
    public String describe() {
        return relation + " " + targetUID();
    }
}

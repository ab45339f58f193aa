package org.dicomstage.staging;

import java.util.List;

import org.dicomstage.pseudonym.KeptText;

/**
 * The outcome of staging one series. {@code FAILED} is a business outcome (an instance could not be
 * pseudonymized, the series is missing); technical failures are thrown as exceptions so the caller retries.
 *
 * @param seriesInstanceUID       source series
 * @param targetStudyInstanceUID  the study UID the copy carries
 * @param targetSeriesInstanceUID the series UID the copy carries
 * @param sourceInstances         instances the source lists for the series
 * @param stagedInstances         instances stored into the target in this run
 * @param problems                one line per instance that could not be staged, naming it and the reason
 * @param unknownAttributesRemoved public attributes removed from the copy because neither PS3.15 Table E.1-1 nor
 *                                the dictionary says what they are, by tag (see the profile's
 *                                {@code keepUnknownAttributes})
 * @param keptDescriptors         every distinct descriptor and SR text value the staged copies carry, after cleaning,
 *                                sorted by keyword and value: what the reviewer must read before accepting
 * @param cleaningNotes           one line per value that could not be cleaned safely and was replaced by a dummy,
 *                                naming the staged instance and the attribute (never the value)
 * @param sourceDigests           what verification compares the copy with, recorded from the source while staging;
 *                                null unless STAGED
 */
public record StageResult(
        String seriesInstanceUID,
        String targetStudyInstanceUID,
        String targetSeriesInstanceUID,
        Status status,
        int sourceInstances,
        int stagedInstances,
        List<String> problems,
        List<String> unknownAttributesRemoved,
        long millis,
        List<KeptText> keptDescriptors,
        List<String> cleaningNotes,
        SourceDigests sourceDigests) {

    public enum Status { STAGED, FAILED }

    /** Without source digests: verification will read the source back. */
    public StageResult(String seriesInstanceUID, String targetStudyInstanceUID, String targetSeriesInstanceUID,
                       Status status, int sourceInstances, int stagedInstances, List<String> problems,
                       List<String> unknownAttributesRemoved, long millis, List<KeptText> keptDescriptors,
                       List<String> cleaningNotes) {
        this(seriesInstanceUID, targetStudyInstanceUID, targetSeriesInstanceUID, status, sourceInstances,
                stagedInstances, problems, unknownAttributesRemoved, millis, keptDescriptors, cleaningNotes, null);
    }

    public StageResult {
        problems = List.copyOf(problems);
        unknownAttributesRemoved = List.copyOf(unknownAttributesRemoved);
        keptDescriptors = List.copyOf(keptDescriptors);
        cleaningNotes = List.copyOf(cleaningNotes);
    }

    /**
     * One line for a status column: "5 of 5 instances" or the first problem, and the attributes removed because
     * nothing says what they are, so that none goes unnoticed.
     */
    public String summary() {
        String counts = stagedInstances + " of " + sourceInstances + " instances";
        String unknown = unknownAttributesRemoved.isEmpty() ? ""
                : "; removed unknown attributes " + String.join(", ", unknownAttributesRemoved);
        return (problems.isEmpty() ? counts : counts + "; " + problems.get(0)
                + (problems.size() > 1 ? " (and " + (problems.size() - 1) + " more)" : "")) + unknown;
    }
}

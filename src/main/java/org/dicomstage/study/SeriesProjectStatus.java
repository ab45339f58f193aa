package org.dicomstage.study;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.regex.Pattern;

/**
 * Where one Study0 series stands for a project study, from the staging requests of its subject: in the project
 * (verified in a request accepted at review), and what an open request is doing with it now.
 *
 * @param inProjectRequestId the newest accepted request that verified the series, or null: not in the project
 * @param inProjectSince when that request was accepted, or null
 * @param activity what an open request does with the series now
 * @param activityRequestId that open request, or null with {@link Activity#NONE}
 * @param failureReason with {@link Activity#FAILED} only: why, in words (see {@link #inWords})
 */
public record SeriesProjectStatus(String seriesInstanceUid, Long inProjectRequestId, Instant inProjectSince,
                                  Activity activity, Long activityRequestId, String failureReason) {

    public enum Activity {
        NONE, BEING_STAGED, HELD_FOR_REVIEW, FAILED
    }

    private static final DateTimeFormatter DATE = DateTimeFormatter.ISO_LOCAL_DATE.withZone(ZoneOffset.UTC);

    public static SeriesProjectStatus notInProject(String seriesInstanceUid) {
        return new SeriesProjectStatus(seriesInstanceUid, null, null, Activity.NONE, null, null);
    }

    public boolean inProject() {
        return inProjectRequestId != null;
    }

    /**
     * What the In project column says: "Yes, 2026-03-02 (request #4)" or "No", then what is under way: "; being
     * staged (request #6)", "; held for review (request #6)" or "; failed: reason (request #6)".
     */
    public String label() {
        String base = inProject() ? "Yes, " + DATE.format(inProjectSince) + " (request #" + inProjectRequestId + ")"
                : "No";
        return switch (activity) {
            case NONE -> base;
            case BEING_STAGED -> base + "; being staged (request #" + activityRequestId + ")";
            case HELD_FOR_REVIEW -> base + "; held for review (request #" + activityRequestId + ")";
            case FAILED -> base + "; failed: " + failureReason + " (request #" + activityRequestId + ")";
        };
    }

    private static final Pattern EXCEPTION_CLASS =
            Pattern.compile("\\b(?:[a-z][a-z0-9_]*\\.)+[A-Z][A-Za-z0-9_$]*(?:Exception|Error)(?::\\s*)?");
    private static final Pattern PATH = Pattern.compile("(?<![\\w.])(?:/[^\\s/:;,'\"()]+){2,}/?");

    /**
     * A recorded failure reason as a researcher may read it: without Java exception class names and without server
     * file paths (which say nothing to a researcher and something to an attacker).
     */
    public static String inWords(String reason) {
        if (reason == null || reason.isBlank()) {
            return "reason not recorded";
        }
        String words = EXCEPTION_CLASS.matcher(reason).replaceAll("");
        words = PATH.matcher(words).replaceAll("a file on the server").replaceAll("\\s+", " ").trim();
        return words.isEmpty() ? "a technical error" : words;
    }
}

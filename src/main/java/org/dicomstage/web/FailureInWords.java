package org.dicomstage.web;

import java.time.Duration;
import java.time.Instant;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.dicomstage.study.SeriesProjectStatus;

/**
 * A series' recorded failure as the researcher reads it on the tasks page: what went wrong in plain words, and
 * what happens next (a retry at a time, or a coordinator told). The recorded reason is a job's failure message
 * ("staging series CT 'x' (1.2.3) from node 'a' to node 'b' failed: Connection refused (retry in 10 s, 4 left)"),
 * which stays for coordinators only.
 *
 * @param problem what went wrong, without server paths, class names or UIDs
 * @param retryAt when the engine tries again, or null when it will not by itself
 * @param next    what happens next, in words (with {@code retryAt}: the words after the time)
 */
record FailureInWords(String problem, Instant retryAt, String next) {

    private static final Pattern RETRY = Pattern.compile("\\(retry in (\\d+) (ms|s), (\\d+) left\\)\\s*$");
    private static final Pattern NO_RETRIES = Pattern.compile("\\(no retries left\\)\\s*$");
    private static final Pattern NOT_ANSWERING = Pattern.compile("(?i)refused|timed? ?out|unreachable|no route|"
            + "could not connect|cannot connect|connect(ion)? (failed|reset|closed)|association|a-associate|"
            + "unknown host|unavailable|did not answer|broken pipe");
    private static final Pattern PREFIX = Pattern.compile("^.*? (failed|rejected|refused): ");
    private static final Pattern UID = Pattern.compile("\\(?\\b\\d+(\\.\\d+){3,}\\b\\)?");

    /**
     * @param reason    the recorded failure reason of a FAILED series
     * @param updatedAt when it was recorded: a retry is due this long after it
     * @param incident  true when the process has an open incident (the engine stopped retrying)
     */
    static FailureInWords of(String reason, Instant updatedAt, boolean incident) {
        String text = reason == null ? "" : reason.strip();
        Matcher retry = RETRY.matcher(text);
        boolean willRetry = retry.find() && !incident;
        boolean gaveUp = incident || NO_RETRIES.matcher(text).find();
        String problem = problem(text);
        if (willRetry) {
            Duration wait = "ms".equals(retry.group(2)) ? Duration.ofMillis(Long.parseLong(retry.group(1)))
                    : Duration.ofSeconds(Long.parseLong(retry.group(1)));
            Instant at = (updatedAt == null ? Instant.now() : updatedAt).plus(wait);
            return new FailureInWords(problem, at, "a coordinator is notified if it keeps failing.");
        }
        if (gaveUp) {
            return new FailureInWords(problem, null,
                    "Staging of this series stopped after several attempts; a coordinator has been notified and can"
                            + " retry it.");
        }
        return new FailureInWords(problem, null,
                "Once the other series are done you can stage the failed ones again, abort, or cancel the request.");
    }

    private static String problem(String text) {
        if (text.isEmpty()) {
            return "The reason was not recorded.";
        }
        if (text.contains("is being cancelled")) {
            return "Stopped: the request is being cancelled.";
        }
        if (text.contains("being worked on by another worker")) {
            return "Another worker is still busy with this series.";
        }
        if (NOT_ANSWERING.matcher(text).find()) {
            return "The archive did not answer.";
        }
        String words = RETRY.matcher(text).replaceAll("");
        words = NO_RETRIES.matcher(words).replaceAll("");
        words = PREFIX.matcher(words.strip()).replaceFirst("");
        words = UID.matcher(SeriesProjectStatus.inWords(words)).replaceAll("").replaceAll("\\s+", " ").strip();
        if (words.isEmpty()) {
            return "A technical error.";
        }
        return Character.toUpperCase(words.charAt(0)) + words.substring(1) + (words.endsWith(".") ? "" : ".");
    }
}

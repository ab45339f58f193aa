package org.dicomstage.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * Runs dicom3tools' {@code dciodvfy} (Debian package {@code dicom3tools}, installed by {@code scripts/setup}) on a
 * file and returns its error messages, normalised so that a source file's and its pseudonymized copy's can be
 * compared: UIDs (which the copy maps) and quoted values (which it replaces) become placeholders.
 */
public final class Dciodvfy {

    // A UID, or a value named a UID even when it has one component (a fixture's invalid "0" becomes a valid UID in
    // the copy: the same finding, not a new one).
    private static final Pattern UID = Pattern.compile("\\b\\d+(?:\\.\\d+)+\\b|(?<=UID )\\d+\\b");
    private static final Pattern QUOTED_VALUE = Pattern.compile("= <[^>]*>");

    private Dciodvfy() {
    }

    /** What dciodvfy finds in a file: its normalised "Error" and "Warning" lines, each distinct one once. */
    public record Findings(Set<String> errors, Set<String> warnings) {
    }

    /** The normalised "Error" lines; a crash of dciodvfy itself (it asserts on some odd files) is one line too. */
    public static Set<String> errors(Path file) {
        return check(file).errors();
    }

    /** Errors as {@link #errors}, and warnings alike. */
    public static Findings check(Path file) {
        Process process;
        try {
            process = new ProcessBuilder("dciodvfy", file.toString()).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new IllegalStateException("dciodvfy is not installed (Debian package dicom3tools; scripts/setup"
                    + " installs it): " + e.getMessage(), e);
        }
        String output;
        try {
            output = new String(process.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("dciodvfy did not finish on " + file);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read dciodvfy's output for " + file, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
        Set<String> errors = new TreeSet<>();
        Set<String> warnings = new TreeSet<>();
        for (String line : output.split("\\R")) {
            if (line.contains("Error - ") || line.startsWith("dciodvfy:")) {
                errors.add(normalise(line));
            } else if (line.contains("Warning - ")) {
                warnings.add(normalise(line));
            }
        }
        return new Findings(errors, warnings);
    }

    static String normalise(String line) {
        String text = line.startsWith("dciodvfy:") ? "dciodvfy crashed"
                : line.substring(line.contains("Error - ") ? line.indexOf("Error - ") : line.indexOf("Warning - "));
        text = QUOTED_VALUE.matcher(text).replaceAll("= <value>");
        return UID.matcher(text).replaceAll("<uid>").trim();
    }
}

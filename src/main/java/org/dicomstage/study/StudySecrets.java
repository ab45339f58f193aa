package org.dicomstage.study;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.function.Function;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * Resolves a study's secret reference ({@code env:NAME} or {@code file:/path}) to the secret's bytes.
 * Neither the bytes nor the resolved text are ever logged or put into a message; errors name only the study and
 * the reference.
 *
 * <p>{@code env:NAME} is looked up in Spring's environment, which holds the process environment first and then
 * application properties, so a local demo run can supply a default through a property while production sets a
 * real environment variable.
 */
@Component
public class StudySecrets {

    private final Function<String, String> lookup;

    @Autowired
    public StudySecrets(Environment environment) {
        this(environment::getProperty);
    }

    StudySecrets(Function<String, String> lookup) {
        this.lookup = lookup;
    }

    public byte[] resolve(String studyIdentifier, String reference) {
        if (reference == null || reference.isBlank()) {
            throw failure(studyIdentifier, reference, "the study has no secret reference");
        }
        if (reference.startsWith("env:")) {
            String name = reference.substring("env:".length());
            String value = name.isBlank() ? null : lookup.apply(name);
            if (value == null || value.isEmpty()) {
                throw failure(studyIdentifier, reference, "environment variable " + name + " is not set or empty");
            }
            return value.getBytes(StandardCharsets.UTF_8);
        }
        if (reference.startsWith("file:")) {
            Path path = Path.of(reference.substring("file:".length()));
            byte[] content;
            try {
                content = Files.readAllBytes(path);
            } catch (NoSuchFileException e) {
                throw failure(studyIdentifier, reference, "file " + path + " does not exist");
            } catch (IOException e) {
                // The cause's message is about the file, not its content, so it is safe to keep.
                throw new StudySecretUnavailable(message(studyIdentifier, reference, "file " + path
                        + " cannot be read (" + e.getClass().getSimpleName() + ")"), e);
            }
            byte[] secret = withoutTrailingLineBreaks(content);
            Arrays.fill(content, (byte) 0);
            if (secret.length == 0) {
                throw failure(studyIdentifier, reference, "file " + path + " is empty");
            }
            return secret;
        }
        // Not echoed: a reference without a known scheme may well be a secret pasted in by mistake.
        throw new StudySecretUnavailable("Secret of study '" + studyIdentifier + "' cannot be resolved: its reference"
                + " has an unknown scheme (expected env:NAME or file:/path; the reference is not shown)");
    }

    // `echo secret > file` and most editors add a line break that nobody means to be part of the key.
    private static byte[] withoutTrailingLineBreaks(byte[] content) {
        int end = content.length;
        while (end > 0 && (content[end - 1] == '\n' || content[end - 1] == '\r')) {
            end--;
        }
        return Arrays.copyOf(content, end);
    }

    private static StudySecretUnavailable failure(String studyIdentifier, String reference, String why) {
        return new StudySecretUnavailable(message(studyIdentifier, reference, why));
    }

    private static String message(String studyIdentifier, String reference, String why) {
        return "Secret of study '" + studyIdentifier + "' (reference '" + reference + "') cannot be resolved: " + why;
    }
}

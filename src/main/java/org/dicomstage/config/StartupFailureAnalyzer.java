package org.dicomstage.config;

import java.util.stream.Collectors;
import org.dicomstage.study.StudySecretUnavailable;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;

/**
 * Turns the start-up checks' exceptions into Spring Boot's short "APPLICATION FAILED TO START" report, so an
 * operator reads which variable to set instead of a stack trace. Registered in META-INF/spring.factories.
 */
class StartupFailureAnalyzer implements FailureAnalyzer {

    @Override
    public FailureAnalysis analyze(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof MissingSettingsException missing) {
                return new FailureAnalysis(missing.getMessage(), "Set "
                        + missing.missing().stream().map(MissingSetting::environmentVariable)
                                .collect(Collectors.joining(", "))
                        + " (or the properties named above) and start again. README.md, section Configuration,"
                        + " lists every setting.", missing);
            }
            if (t instanceof StudySecretUnavailable secret) {
                return new FailureAnalysis(secret.getMessage(), "Provide each study's secret as its reference says"
                        + " (env:NAME: an environment variable; file:/path: a readable, non-empty file), or correct"
                        + " the study's secret reference, and start again.", secret);
            }
        }
        return null;
    }
}

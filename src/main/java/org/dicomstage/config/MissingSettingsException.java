package org.dicomstage.config;

import java.util.List;
import java.util.stream.Collectors;

/** Thrown at start-up when required settings are missing; the message names every one of them. */
class MissingSettingsException extends RuntimeException {

    private final List<MissingSetting> missing;

    MissingSettingsException(List<MissingSetting> missing) {
        super("Required settings are missing:" + missing.stream().map(m -> "\n  - " + m.describe())
                .collect(Collectors.joining()));
        this.missing = List.copyOf(missing);
    }

    List<MissingSetting> missing() {
        return missing;
    }
}

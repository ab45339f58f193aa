package org.dicomstage.config;

/**
 * A setting the application cannot start without in its current mode.
 *
 * @param property            the Spring property
 * @param environmentVariable the environment variable that sets it (relaxed binding's canonical form)
 * @param reason              why it is needed now, and what a good value looks like
 */
record MissingSetting(String property, String environmentVariable, String reason) {

    String describe() {
        return property + " (environment variable " + environmentVariable + "): " + reason;
    }
}

package org.dicomstage.study;

/** A study's secret reference cannot be resolved. The message names the study and the reference, never a value. */
public class StudySecretUnavailable extends RuntimeException {

    public StudySecretUnavailable(String message) {
        super(message);
    }

    public StudySecretUnavailable(String message, Throwable cause) {
        super(message, cause);
    }
}

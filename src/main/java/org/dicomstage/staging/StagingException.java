package org.dicomstage.staging;

/**
 * A technical failure while staging or verifying (archive unreachable, store refused, local I/O).
 * Worth a retry: staging is idempotent.
 */
public class StagingException extends RuntimeException {

    public StagingException(String message, Throwable cause) {
        super(message, cause);
    }
}

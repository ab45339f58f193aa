package org.dicomstage.pseudonym;

/** A dataset could not be pseudonymized; the message names the file (when there is one) and the reason. */
public class PseudonymizationException extends RuntimeException {

    public PseudonymizationException(String message) {
        super(message);
    }

    public PseudonymizationException(String message, Throwable cause) {
        super(message, cause);
    }
}

package org.dicomstage.workflow;

/** The researcher picked nothing: back to picking, with a notice. */
final class NothingSelected extends RuntimeException {
    NothingSelected(String message) {
        super(message);
    }
}

package org.dicomstage.workflow;

/** Input no retry can fix (forged or stale variables): the job fails without retries, with this message. */
final class RejectedInput extends RuntimeException {
    RejectedInput(String message) {
        super(message);
    }
}

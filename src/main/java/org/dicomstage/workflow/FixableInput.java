package org.dicomstage.workflow;

import org.dicomstage.workflow.ProcessDefinition.Errors;

/**
 * Input the researcher can correct in a form (a subject no longer enrolled, a series no longer in Study0): the model
 * catches it as the BPMN error {@link #code()} and goes back to the form with the message, never to an incident.
 * Unlike {@link RejectedInput}, which is for forged or stale variables no user can fix.
 */
final class FixableInput extends RuntimeException {

    private final String code;

    private FixableInput(String code, String message) {
        super(message);
        this.code = code;
    }

    static FixableInput subjectUnavailable(String message) {
        return new FixableInput(Errors.SUBJECT_UNAVAILABLE, message);
    }

    static FixableInput seriesNotInStudy0(String message) {
        return new FixableInput(Errors.SERIES_NOT_IN_STUDY0, message);
    }

    String code() {
        return code;
    }
}

package org.dicomstage.study;

/** How a staging request ended: the end its process reached. */
public enum RequestOutcome {
    /** The staged copy was verified and accepted at review. */
    ACCEPTED,
    /** Staging or verification failed and the researcher aborted. */
    ABORTED,
    /** The researcher may not stage in the study chosen at Activate study: nothing was copied. */
    ACCESS_DENIED,
    /** The study chosen at Activate study has no DICOM archive: nothing was copied. */
    DICOM_NOT_ENABLED,
    /**
     * The researcher (or a coordinator of the study) cancelled the request, with a reason (see the request's
     * cancellation): from a form or with the cancel button, while the process waited or staged. Its holding copy was
     * emptied and nothing reached the project archive. Also how a request ends whose process was cancelled in the
     * engine (Operate) without reaching an end: closed when Edit next finds it, without a cancellation record.
     */
    CANCELLED
}

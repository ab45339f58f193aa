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
     * The process was cancelled in the engine (Operate) and never reached an end: closed when Edit next finds it.
     * What it staged stays staged, with its status.
     */
    CANCELLED
}

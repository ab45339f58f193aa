package org.dicomstage.study;

/** Progress of one series of a staging request. */
public enum SeriesStatus {
    PENDING, STAGING, STAGED, VERIFIED, FAILED
}

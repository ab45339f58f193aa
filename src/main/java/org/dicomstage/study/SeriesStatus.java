package org.dicomstage.study;

/**
 * Progress of one series of a staging request. STAGING, STAGED and VERIFIED describe the copy in the holding node;
 * PUBLISHED means the accepted copy is in the project archive and was checked there. A copy emptied from the holding
 * node (sent back, aborted, cancelled) is PENDING again.
 */
public enum SeriesStatus {
    PENDING, STAGING, STAGED, VERIFIED, FAILED, PUBLISHED
}

package org.dicomstage.study;

/**
 * The request is being cancelled: no series of it may start or go on staging. Thrown to a stager that reports
 * progress after the cancel began, which stops it; the holding copy is emptied after it.
 */
public class RequestCancelled extends RuntimeException {

    public RequestCancelled(long requestId) {
        super("staging request " + requestId + " is being cancelled: staging stopped");
    }
}

package org.dicomstage.workflow;

/** Another worker holds the claim on the series: a technical failure, retried after the backoff. */
final class SeriesBusy extends RuntimeException {
    SeriesBusy(String message) {
        super(message);
    }
}

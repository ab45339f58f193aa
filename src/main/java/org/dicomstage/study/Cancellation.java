package org.dicomstage.study;

import java.time.Instant;

/** Who cancelled a request, when, and why (in their words). */
public record Cancellation(Instant at, String by, String reason) {
}

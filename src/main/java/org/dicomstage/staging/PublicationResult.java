package org.dicomstage.staging;

import java.util.List;

/**
 * A series published from the holding node to the project node, and what the check of the published copy found.
 *
 * @param seriesInstanceUID the copy's (pseudonymized) series UID, the same in both nodes
 * @param instances         instances held, and stored to the project node
 * @param digestsCompared   published instances whose digests were compared with the held ones
 * @param reference         what the published copy was checked against: "verified" (what verification read of the
 *                          held copy) or "held" (the held copy itself, for a series verified without a record)
 * @param problems          empty when the published copy is exactly the reference
 */
public record PublicationResult(String seriesInstanceUID, int instances, int digestsCompared, String reference,
                                List<String> problems) {

    public PublicationResult {
        problems = List.copyOf(problems);
    }

    public boolean verified() {
        return problems.isEmpty();
    }
}

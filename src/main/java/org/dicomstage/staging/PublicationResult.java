package org.dicomstage.staging;

import java.util.List;

/**
 * A series published from the holding node to the project node, and what the check of the published copy found.
 *
 * @param seriesInstanceUID the copy's (pseudonymized) series UID, the same in both nodes
 * @param instances         instances held, and stored to the project node
 * @param digestsCompared   published instances whose digests were compared with the held ones
 * @param problems          empty when the published copy is exactly the held one
 */
public record PublicationResult(String seriesInstanceUID, int instances, int digestsCompared, List<String> problems) {

    public PublicationResult {
        problems = List.copyOf(problems);
    }

    public boolean verified() {
        return problems.isEmpty();
    }
}

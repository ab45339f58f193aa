package org.dicomstage.pseudonym;

import java.nio.charset.StandardCharsets;

/** Shared helpers for the pseudonymization tests. */
final class Fixtures {

    static final byte[] SECRET = "study-secret-for-tests-0123456789".getBytes(StandardCharsets.US_ASCII);
    static final ClinicalTrial TRIAL = new ClinicalTrial("Sponsor AG", "PROT-7", "Dose escalation", "S01",
            "Site One");

    private Fixtures() {
    }

    static PseudonymContext context(String subject) {
        return new PseudonymContext(SECRET, subject, TRIAL);
    }

    static Pseudonymizer basic(String subject) {
        return new Pseudonymizer(PseudonymizationProfile.builtin("basic"), context(subject));
    }

    static Pseudonymizer rtResearch(String subject) {
        return new Pseudonymizer(PseudonymizationProfile.builtin("rt-research"), context(subject));
    }
}

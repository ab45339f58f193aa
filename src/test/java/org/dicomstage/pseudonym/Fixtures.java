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

    /**
     * rt-research plus an explicit allow rule for Secondary Capture, which the default pixel rules refuse: for the
     * tests of transfer syntaxes and pixel bytes, whose JPEG and deflated fixtures are Secondary Captures.
     */
    static Pseudonymizer rtResearchAllowingSecondaryCapture(String subject) {
        return new Pseudonymizer(PseudonymizationProfile.parse(builtinText("rt-research") + """
                pixelData:
                  - name: test fixtures of transfer syntaxes
                    match: { sopClass: [1.2.840.10008.5.1.4.1.1.7] }
                    action: allow
                """), context(subject));
    }

    static String builtinText(String name) {
        try (java.io.InputStream in = Fixtures.class.getResourceAsStream("/profiles/" + name + ".yaml")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}

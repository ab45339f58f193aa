package org.dicomstage.pseudonym;

import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.DicomInputStream;

import java.io.BufferedInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

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

    /** Reads as the product does: compressed pixel data stays encapsulated. */
    static AttributeList read(Path file) throws Exception {
        AttributeList list = new AttributeList();
        list.setDecompressPixelData(false);
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file));
                DicomInputStream dicom = new DicomInputStream(in)) {
            list.read(dicom);
        }
        return list;
    }
}

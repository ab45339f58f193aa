package org.dicomstage.staging;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.SequenceAttribute;
import com.pixelmed.dicom.SequenceItem;
import com.pixelmed.dicom.TagFromName;
import org.dicomstage.dicom.PixelDataDigest;
import org.dicomstage.pseudonym.PixelMask;
import org.dicomstage.pseudonym.PixelRules;

/**
 * Examines one instance of a staged copy against what the source told: its pixel data, any source identifier left
 * in it, who it says the patient is, and the objects it references. Holds only what it was built with and reads
 * only the file it is given, so several threads may examine instances at once.
 *
 * @param expectedDigests pixel data digests of the source, by the SOP Instance UID of the copy
 * @param masked          the instances a pixel rule masked, by the SOP Instance UID of the copy
 * @param labels          what each object is in a reviewer's words, by the SOP Instance UID of the copy
 */
record CopyExaminer(Map<String, String> expectedDigests, Map<String, Masked> masked,
                    SeriesVerifier.Identifiers identifiers, Map<String, String> labels) {

    /** The rule that masked a source instance, and the digest of its pixels outside the rule's rectangles. */
    record Masked(PixelRules.Rule rule, String digestOutside) {
    }

    /**
     * What one instance of the copy showed.
     *
     * @param sopInstanceUID the instance's, or null when it could not be read
     * @param problems       what is wrong with it, each naming the instance; empty when nothing is
     * @param digestCompared whether its pixels were compared with the source's
     * @param digestDiffers  whether they differed
     * @param residues       how many source identifiers were left in it
     * @param references     the UIDs it references, in the order found
     * @param label          what it is, for naming it as the referencing object
     * @param digest         its dataset and Pixel Data digests, as publishing checks them; null when unreadable
     */
    record Examined(String sopInstanceUID, List<String> problems, boolean digestCompared, boolean digestDiffers, int residues,
                    String patientId, String patientName, List<String> methods, Set<String> references,
                    String label, InstanceDigest digest) {
    }

    Examined examine(Path file) {
        List<String> problems = new ArrayList<>();
        Read read = readOrReport(file, problems);
        if (read == null) {
            return new Examined(null, problems, false, false, 0, null, null, List.of(), Set.of(), null, null);
        }
        AttributeList target = read.dataset().list();
        String sop = Attribute.getSingleStringValueOrEmptyString(target, TagFromName.SOPInstanceUID);
        String expectedDigest = expectedDigests.get(sop);
        String actualDigest = read.pixelDigest();
        InstanceDigest digest = InstanceDigest.of(target, actualDigest);
        Masked mask = masked.get(sop);
        boolean compared = false;
        boolean differs = false;
        if (mask != null) {
            target = read.dataset().full(file); // the mask is checked in the decoded pixels
            compared = true;
            String difference = !mask.digestOutside().equals(PixelMask.digestOutside(target, mask.rule()))
                    ? "pixels outside the masked rectangles differ from the source"
                    : PixelMask.notBlackedOut(target, mask.rule());
            if (difference != null) {
                differs = true;
                problems.add("masked pixel data (rule '" + mask.rule().name() + "') is wrong: " + difference
                        + ": SOP instance " + sop);
            }
        } else if (expectedDigest != null || actualDigest != null) {
            compared = true;
            if (expectedDigest == null || !expectedDigest.equals(actualDigest)) {
                differs = true;
                problems.add("pixel data differs from the source: SOP instance " + sop);
            }
        }
        int residues = 0;
        for (SeriesVerifier.Residue residue : SeriesVerifier.findResidues(target, identifiers)) {
            residues++;
            problems.add("source identifier left in SOP instance " + sop + " at " + residue.path()
                    + ": '" + residue.value() + "'");
        }
        Set<String> references = new LinkedHashSet<>();
        SeriesVerifier.collectReferences(target, references);
        String label = labels.getOrDefault(sop,
                Attribute.getSingleStringValueOrEmptyString(target, TagFromName.Modality));
        return new Examined(sop, problems, compared, differs, residues,
                Attribute.getSingleStringValueOrEmptyString(target, TagFromName.PatientID),
                Attribute.getSingleStringValueOrEmptyString(target, TagFromName.PatientName), methods(target),
                references, label, digest);
    }

    /** The code meanings of how the copy says it was de-identified, for the reviewer. */
    private static List<String> methods(AttributeList target) {
        List<String> methods = new ArrayList<>();
        if (target.get(TagFromName.DeidentificationMethodCodeSequence) instanceof SequenceAttribute s) {
            for (SequenceItem item : SeriesVerifier.iterable(s)) {
                String meaning = Attribute.getSingleStringValueOrEmptyString(item.getAttributeList(),
                        TagFromName.CodeMeaning);
                if (!meaning.isBlank()) {
                    methods.add(meaning);
                }
            }
        }
        return methods;
    }

    /** A dataset and the digest of its pixel data as encoded in the file (null without pixel data). */
    private record Read(SourceDigests.ReadDataset dataset, String pixelDigest) {
    }

    private static Read readOrReport(Path file, List<String> problems) {
        try {
            // The pixel data located first: that walk also rejects truncated files that PixelMed would half-read
            // silently.
            byte[] bytes = Files.readAllBytes(file);
            PixelDataDigest.PixelValue pixels = PixelDataDigest.locate(bytes, file.toString());
            return new Read(SourceDigests.ReadDataset.of(bytes, pixels, file), pixels == null ? null : pixels.sha256());
        } catch (IOException e) {
            problems.add("target instance unreadable: " + file + ": " + e.getMessage());
            return null;
        } catch (IllegalArgumentException | UncheckedIOException e) {
            problems.add("target instance unreadable: " + e.getMessage());
            return null;
        }
    }
}

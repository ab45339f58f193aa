package org.dicomstage.staging;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.dicomstage.dicom.DicomNode;
import org.dicomstage.dicom.InstanceEntry;

/**
 * The second leg: the held (already pseudonymized, verified and accepted) copy of a series goes to the project node
 * unchanged. Each held instance is first checked against what verification read of it ({@link VerifiedCopyStore}):
 * one changed in the holding node since, or added to it, is not sent. The published copy is then checked against
 * the verified one: the same count, exactly the same SOP Instance UIDs, and per instance the same dataset and Pixel
 * Data digests. Idempotent like staging: the same instances are stored again under the same UIDs.
 */
final class SeriesPublisher {

    private final NodePermits permits;

    SeriesPublisher(NodePermits permits) {
        this.permits = permits;
    }

    /**
     * One store association to the project node, then one retrieval from the holding node: staging's order.
     *
     * @param verified the verified copy by SOP Instance UID, or null for a series verified without a record (staged
     *                 before records were kept): the held copy is then the reference
     */
    PublicationResult publish(DicomNode holding, DicomNode project, String studyInstanceUID, String seriesInstanceUID,
                              Map<String, InstanceDigest> verified) {
        Map<String, InstanceDigest> held = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        Set<String> refused = new TreeSet<>();
        try (NodePermits.Lease target = permits.acquire(project.name(), 1);
             NodePermits.Lease source = permits.acquire(holding.name(), 1);
             DicomNode.StoreSession session = project.openStoreSession()) {
            holding.retrieveSeries(studyInstanceUID, seriesInstanceUID, file -> {
                InstanceDigest digest = InstanceDigest.of(file);
                String sop = digest.sopInstanceUID();
                if (verified != null && !digest.sameAs(verified.get(sop))) {
                    refused.add(sop);
                    problems.add((verified.containsKey(sop) ? "changed in the holding node '" + holding.name()
                            + "' since it was verified" : "added to the holding node '" + holding.name()
                            + "' since the copy was verified") + ", not published: SOP instance " + sop);
                    return;
                }
                held.put(sop, digest);
                session.store(file);
            });
        }
        if (verified != null) {
            Set<String> gone = new TreeSet<>(verified.keySet());
            gone.removeAll(held.keySet());
            gone.removeAll(refused);
            gone.forEach(uid -> problems.add("no longer in the holding node '" + holding.name()
                    + "', not published: SOP instance " + uid));
        }
        if (held.isEmpty() && problems.isEmpty()) {
            throw new StagingException("the holding node '" + holding.name() + "' holds no instance of series "
                    + seriesInstanceUID + ": nothing to publish (stage the series again)", null);
        }
        try (NodePermits.Lease target = permits.acquire(project.name(), 1)) {
            return check(project, studyInstanceUID, seriesInstanceUID, verified != null ? verified : held,
                    verified != null ? "verified" : "held", problems);
        }
    }

    /** The published copy against the reference: {@code problems} already holds what publishing found. */
    private static PublicationResult check(DicomNode project, String studyInstanceUID, String seriesInstanceUID,
                                           Map<String, InstanceDigest> reference, String which,
                                           List<String> problems) {
        List<InstanceEntry> listed = project.findInstances(studyInstanceUID, seriesInstanceUID);
        if (listed.size() != reference.size()) {
            problems.add("instance count: " + which + " " + reference.size() + ", published " + listed.size());
        }
        Set<String> missing = new TreeSet<>(reference.keySet());
        Set<String> unexpected = new TreeSet<>();
        for (InstanceEntry i : listed) {
            if (!missing.remove(i.sopInstanceUID()) && !reference.containsKey(i.sopInstanceUID())) {
                unexpected.add(i.sopInstanceUID());
            }
        }
        missing.forEach(uid -> problems.add("missing in the project node: SOP instance " + uid));
        unexpected.forEach(uid -> problems.add("unexpected in the project node: SOP instance " + uid));
        int[] compared = {0};
        if (!listed.isEmpty()) {
            project.retrieveSeries(studyInstanceUID, seriesInstanceUID, listed, file -> {
                InstanceDigest published = InstanceDigest.of(file);
                InstanceDigest expected = reference.get(published.sopInstanceUID());
                if (expected == null) {
                    return; // reported above
                }
                compared[0]++;
                if (!expected.dataset().equals(published.dataset())) {
                    problems.add("dataset differs from the " + which + " copy: SOP instance "
                            + published.sopInstanceUID());
                }
                if (!java.util.Objects.equals(expected.pixelData(), published.pixelData())) {
                    problems.add("pixel data differs from the " + which + " copy: SOP instance "
                            + published.sopInstanceUID());
                }
            });
        }
        if (compared[0] < reference.size() && problems.isEmpty()) {
            problems.add("the project node delivered " + compared[0] + " of " + reference.size() + " instances");
        }
        return new PublicationResult(seriesInstanceUID, reference.size(), compared[0], which, problems);
    }
}

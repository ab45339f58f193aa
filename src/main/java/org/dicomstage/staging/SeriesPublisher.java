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
 * unchanged, and the published copy is checked against the held one: the same count, exactly the same SOP Instance
 * UIDs, and per instance the same dataset and Pixel Data digests. Idempotent like staging: the same instances are
 * stored again under the same UIDs.
 */
final class SeriesPublisher {

    private final NodePermits permits;

    SeriesPublisher(NodePermits permits) {
        this.permits = permits;
    }

    /** One store association to the project node, then one retrieval from the holding node: staging's order. */
    PublicationResult publish(DicomNode holding, DicomNode project, String studyInstanceUID, String seriesInstanceUID) {
        Map<String, InstanceDigest> held = new LinkedHashMap<>();
        try (NodePermits.Lease target = permits.acquire(project.name(), 1);
             NodePermits.Lease source = permits.acquire(holding.name(), 1);
             DicomNode.StoreSession session = project.openStoreSession()) {
            holding.retrieveSeries(studyInstanceUID, seriesInstanceUID, file -> {
                InstanceDigest digest = InstanceDigest.of(file);
                held.put(digest.sopInstanceUID(), digest);
                session.store(file);
            });
        }
        if (held.isEmpty()) {
            throw new StagingException("the holding node '" + holding.name() + "' holds no instance of series "
                    + seriesInstanceUID + ": nothing to publish (stage the series again)", null);
        }
        try (NodePermits.Lease target = permits.acquire(project.name(), 1)) {
            return check(project, studyInstanceUID, seriesInstanceUID, held);
        }
    }

    private static PublicationResult check(DicomNode project, String studyInstanceUID, String seriesInstanceUID,
                                           Map<String, InstanceDigest> held) {
        List<String> problems = new ArrayList<>();
        List<InstanceEntry> listed = project.findInstances(studyInstanceUID, seriesInstanceUID);
        if (listed.size() != held.size()) {
            problems.add("instance count: held " + held.size() + ", published " + listed.size());
        }
        Set<String> missing = new TreeSet<>(held.keySet());
        Set<String> unexpected = new TreeSet<>();
        for (InstanceEntry i : listed) {
            if (!missing.remove(i.sopInstanceUID()) && !held.containsKey(i.sopInstanceUID())) {
                unexpected.add(i.sopInstanceUID());
            }
        }
        missing.forEach(uid -> problems.add("missing in the project node: SOP instance " + uid));
        unexpected.forEach(uid -> problems.add("unexpected in the project node: SOP instance " + uid));
        int[] compared = {0};
        project.retrieveSeries(studyInstanceUID, seriesInstanceUID, listed, file -> {
            InstanceDigest published = InstanceDigest.of(file);
            InstanceDigest expected = held.get(published.sopInstanceUID());
            if (expected == null) {
                return; // reported above
            }
            compared[0]++;
            if (!expected.dataset().equals(published.dataset())) {
                problems.add("dataset differs from the held copy: SOP instance " + published.sopInstanceUID());
            }
            if (!java.util.Objects.equals(expected.pixelData(), published.pixelData())) {
                problems.add("pixel data differs from the held copy: SOP instance " + published.sopInstanceUID());
            }
        });
        if (compared[0] < held.size() && problems.isEmpty()) {
            problems.add("the project node delivered " + compared[0] + " of " + held.size() + " instances");
        }
        return new PublicationResult(seriesInstanceUID, held.size(), compared[0], problems);
    }
}

package org.dicomstage.staging;

import java.util.List;

/**
 * The verification report of one staged series.
 *
 * @param status               VERIFIED when every check passed (warnings allowed), FAILED otherwise
 * @param pixelDigestsCompared instances whose pixel data was compared with the source's
 * @param pixelDataIdentical   of those, the ones that matched (masked ones: outside the rule's rectangles)
 * @param referencesChecked    distinct objects the copy references
 * @param danglingReferences   of those, the ones the copy does not hold
 * @param identifierResidues   source identifiers found in the copy's headers (each also a problem)
 * @param identity             who the patient is in the copy, as its headers say
 * @param problems             failed checks, one line each, naming the instance and what is wrong
 * @param warnings             things a reviewer should see that do not fail the copy, such as references to
 *                             objects that were not staged (dangling)
 * @param copy                 each instance of a verified copy as read, for publishing to check against; empty when
 *                             the copy failed
 */
public record SeriesVerification(
        String seriesInstanceUID,
        String targetSeriesInstanceUID,
        Status status,
        int sourceInstances,
        int targetInstances,
        int pixelDigestsCompared,
        int pixelDataIdentical,
        int referencesChecked,
        int danglingReferences,
        int identifierResidues,
        CopyIdentity identity,
        List<String> problems,
        List<String> warnings,
        List<InstanceDigest> copy) {

    public enum Status { VERIFIED, FAILED }

    /**
     * PatientID and PatientName as the copy carries them, and the meanings of its DeidentificationMethodCodeSequence
     * (the Basic Profile and each Option applied), each distinct value once, in the order first read.
     */
    public record CopyIdentity(List<String> patientIds, List<String> patientNames, List<String> methods) {
        public static final CopyIdentity NONE = new CopyIdentity(List.of(), List.of(), List.of());

        public CopyIdentity {
            patientIds = List.copyOf(patientIds);
            patientNames = List.copyOf(patientNames);
            methods = List.copyOf(methods);
        }
    }

    public SeriesVerification {
        identity = identity == null ? CopyIdentity.NONE : identity;
        problems = List.copyOf(problems);
        warnings = List.copyOf(warnings);
        copy = List.copyOf(copy);
    }

    public boolean verified() {
        return status == Status.VERIFIED;
    }
}

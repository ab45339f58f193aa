package org.dicomstage.study;

/**
 * What staging needs to know about a study. Carries no secret and no secret reference: the secret is fetched
 * separately with {@link StudyService#studySecret(String)} so it never travels in this record (or its toString).
 *
 * @param profileName pseudonymization profile: a built-in name like {@code rt-research} or a path
 * @param archiveNode node name of the study's archive (the project archive, or Study0's own for the source)
 * @param enrolment the subject's enrolment when asked for a subject, otherwise null
 */
public record StudyDetails(String identifier, String name, String protocolId, String protocolName, String sponsor,
                           String profileName, String archiveNode, boolean dicomEnabled, boolean source,
                           SubjectEnrolment enrolment) {
}

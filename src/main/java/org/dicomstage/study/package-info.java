/**
 * Studies, sites, users, memberships, subjects and enrolments, staging requests and audit events.
 *
 * <p>Other packages use {@link org.dicomstage.study.StudyService} and the records it takes and returns; entities and
 * repositories are package-private. The schema is created by Flyway ({@code db/migration}) and only validated by
 * Hibernate. A study's pseudonymization secret is stored as a reference ({@code env:NAME} or {@code file:/path})
 * and resolved on demand by {@link org.dicomstage.study.StudySecrets}.
 */
package org.dicomstage.study;

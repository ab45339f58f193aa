package org.dicomstage.study;

import java.util.List;
import java.util.Optional;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Modifying;
import org.springframework.data.jpa.repository.Query;

interface StagingRequestRepository extends JpaRepository<StagingRequest, Long> {

    @Query("""
            select r from StagingRequest r join fetch r.study s
            where s.identifier = :studyIdentifier and r.pid = :pid and r.study0StudyUid = :study0StudyUid
              and r.closedAt is null
            order by r.requestedAt desc, r.id desc""")
    List<StagingRequest> findUnclosed(String studyIdentifier, String pid, String study0StudyUid);

    /** Every request, open or closed, for one subject's Study0 study in a project study; newest first. */
    @Query("""
            select r from StagingRequest r join fetch r.study s
            where s.identifier = :studyIdentifier and r.pid = :pid and r.study0StudyUid = :study0StudyUid
            order by r.requestedAt desc, r.id desc""")
    List<StagingRequest> findAll(String studyIdentifier, String pid, String study0StudyUid);

    @Query("""
            select r from StagingRequest r join fetch r.study s
            where s.identifier = :studyIdentifier order by r.requestedAt desc, r.id desc""")
    List<StagingRequest> findByStudy(String studyIdentifier);

    @Query("""
            select r from StagingRequest r join fetch r.study
            where r.processInstanceKey = :processInstanceKey order by r.id""")
    List<StagingRequest> findByProcessInstance(long processInstanceKey);

    /** With its study, which every view of a request names: otherwise a second query. */
    @Query("select r from StagingRequest r join fetch r.study where r.id = :id")
    Optional<StagingRequest> findWithStudy(long id);

    /** The request ids of many process instances in one query: a page of the process list asks once. */
    @Query("""
            select r.processInstanceKey, min(r.id) from StagingRequest r
            where r.processInstanceKey in :processInstanceKeys group by r.processInstanceKey""")
    List<Object[]> firstRequestIdsOf(java.util.Collection<Long> processInstanceKeys);

    /**
     * Binds an open request to a process unless another process owns it: a conditional update, so of two callers
     * at once only one wins.
     */
    @Modifying(flushAutomatically = true, clearAutomatically = true)
    @Query(value = "UPDATE staging_request SET process_instance_key = :key, version = version + 1 WHERE id = :id"
            + " AND closed_at IS NULL AND (process_instance_key IS NULL OR process_instance_key = :key)",
            nativeQuery = true)
    int bindProcess(long id, long key);

    /** As {@link #bindProcess}, taking the request over from a process that has ended ({@code previous}). */
    @Modifying(flushAutomatically = true, clearAutomatically = true)
    @Query(value = "UPDATE staging_request SET process_instance_key = :key, version = version + 1 WHERE id = :id"
            + " AND closed_at IS NULL AND (process_instance_key = :previous OR process_instance_key = :key)",
            nativeQuery = true)
    int rebindProcess(long id, long previous, long key);
}

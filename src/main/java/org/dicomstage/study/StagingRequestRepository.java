package org.dicomstage.study;

import java.util.List;
import org.springframework.data.jpa.repository.JpaRepository;
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
}

package org.dicomstage.study;

import org.springframework.data.domain.Page;
import org.springframework.data.domain.Pageable;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Query;

interface AuditEventRepository extends JpaRepository<AuditEvent, Long> {

    // The id breaks ties between events recorded within the same clock tick.
    @Query("select a from AuditEvent a where a.username = :username order by a.occurredAt desc, a.id desc")
    Page<AuditEvent> findByUser(String username, Pageable page);

    @Query("select a from AuditEvent a where a.studyIdentifier = :studyIdentifier order by a.occurredAt desc, a.id desc")
    Page<AuditEvent> findByStudy(String studyIdentifier, Pageable page);

    @Query("select a from AuditEvent a where a.action = :action and a.detail = :detail order by a.occurredAt desc, a.id desc")
    Page<AuditEvent> findByActionAndDetail(String action, String detail, Pageable page);
}

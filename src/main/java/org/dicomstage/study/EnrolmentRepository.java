package org.dicomstage.study;

import java.util.List;
import java.util.Optional;
import org.springframework.data.domain.Page;
import org.springframework.data.domain.Pageable;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Query;

interface EnrolmentRepository extends JpaRepository<Enrolment, Long> {

    /** {@code pattern} is a lower-case LIKE pattern whose own wildcards are escaped with a backslash. */
    @Query(value = """
            select e from Enrolment e join fetch e.subject s left join fetch e.site
            where e.study = :study
              and (lower(s.pid) like :pattern escape '\\' or lower(e.studySubjectId) like :pattern escape '\\')
            order by e.studySubjectId, s.pid""",
            countQuery = """
            select count(e) from Enrolment e join e.subject s
            where e.study = :study
              and (lower(s.pid) like :pattern escape '\\' or lower(e.studySubjectId) like :pattern escape '\\')""")
    Page<Enrolment> search(Study study, String pattern, Pageable page);

    @Query("""
            select e from Enrolment e join fetch e.subject s left join fetch e.site
            where e.study = :study order by e.studySubjectId, s.pid""")
    List<Enrolment> findAllOf(Study study);

    @Query("""
            select e from Enrolment e join fetch e.subject s left join fetch e.site
            where e.study = :study and s.pid = :pid""")
    Optional<Enrolment> find(Study study, String pid);
}

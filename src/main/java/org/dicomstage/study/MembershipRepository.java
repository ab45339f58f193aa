package org.dicomstage.study;

import java.util.List;
import java.util.Optional;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Query;

interface MembershipRepository extends JpaRepository<Membership, Long> {

    // Rights in the same query: every access check reads them, and an eager collection is otherwise a second query.
    @Query("""
            select m from Membership m join fetch m.study s left join fetch m.rights
            where m.user.username = :username and s.identifier = :studyIdentifier""")
    Optional<Membership> find(String username, String studyIdentifier);

    @Query("""
            select m from Membership m join fetch m.study s
            where m.user.username = :username order by s.identifier""")
    List<Membership> findByUsername(String username);

    // Rights in the same query, not one query per member (the review candidates read them at every verify).
    @Query("""
            select m from Membership m join fetch m.study s join fetch m.user u left join fetch m.rights
            where s.identifier = :studyIdentifier order by u.username""")
    List<Membership> findByStudy(String studyIdentifier);

    @Query("""
            select m from Membership m join fetch m.study s join fetch m.user u
            order by s.identifier, u.username""")
    List<Membership> findAllWithStudyAndUser();
}

package org.dicomstage.study;

import java.util.List;
import java.util.Optional;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Query;

interface MembershipRepository extends JpaRepository<Membership, Long> {

    @Query("""
            select m from Membership m join fetch m.study s
            where m.user.username = :username and s.identifier = :studyIdentifier""")
    Optional<Membership> find(String username, String studyIdentifier);

    @Query("""
            select m from Membership m join fetch m.study s
            where m.user.username = :username order by s.identifier""")
    List<Membership> findByUsername(String username);

    @Query("""
            select m from Membership m join fetch m.study s join fetch m.user u
            where s.identifier = :studyIdentifier order by u.username""")
    List<Membership> findByStudy(String studyIdentifier);

    @Query("""
            select m from Membership m join fetch m.study s join fetch m.user u
            order by s.identifier, u.username""")
    List<Membership> findAllWithStudyAndUser();
}

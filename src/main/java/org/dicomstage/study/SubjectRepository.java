package org.dicomstage.study;

import java.util.Optional;
import org.springframework.data.jpa.repository.JpaRepository;

interface SubjectRepository extends JpaRepository<Subject, Long> {

    Optional<Subject> findByPid(String pid);
}

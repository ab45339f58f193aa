package org.dicomstage.study;

import java.util.List;
import java.util.Optional;
import org.springframework.data.jpa.repository.JpaRepository;

interface StudyRepository extends JpaRepository<Study, Long> {

    Optional<Study> findByIdentifier(String identifier);

    List<Study> findBySourceArchiveTrue();
}

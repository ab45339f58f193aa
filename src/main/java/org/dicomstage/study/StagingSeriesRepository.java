package org.dicomstage.study;

import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Query;

interface StagingSeriesRepository extends JpaRepository<StagingSeries, Long> {

    @Query("select s from StagingSeries s where s.request.id = :requestId order by s.id")
    List<StagingSeries> findByRequest(long requestId);

    @Query("select s from StagingSeries s where s.request.id in :requestIds order by s.id")
    List<StagingSeries> findByRequests(Collection<Long> requestIds);

    @Query("select s from StagingSeries s where s.request.id = :requestId and s.seriesUid = :seriesUid")
    Optional<StagingSeries> find(long requestId, String seriesUid);
}

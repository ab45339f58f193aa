package org.dicomstage.study;

import java.time.OffsetDateTime;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Modifying;
import org.springframework.data.jpa.repository.Query;

interface StagingSeriesRepository extends JpaRepository<StagingSeries, Long> {

    @Query("select s from StagingSeries s where s.request.id = :requestId order by s.id")
    List<StagingSeries> findByRequest(long requestId);

    @Query("select s from StagingSeries s where s.request.id in :requestIds order by s.id")
    List<StagingSeries> findByRequests(Collection<Long> requestIds);

    /** With its request: marking a series reads the request's cancellation, which would be a second query. */
    @Query("select s from StagingSeries s join fetch s.request where s.request.id = :requestId"
            + " and s.seriesUid = :seriesUid")
    Optional<StagingSeries> find(long requestId, String seriesUid);

    /** Conditional update: the row lock makes concurrent claims of one series serialize, and only one wins. */
    @Modifying
    @Query(value = "UPDATE staging_series SET claimed_by = :owner, claim_expires_at = :until WHERE request_id = "
            + ":requestId AND series_uid = :seriesUid AND (claimed_by IS NULL OR claimed_by = :owner "
            + "OR claim_expires_at < :now)", nativeQuery = true)
    int claim(long requestId, String seriesUid, String owner, OffsetDateTime until, OffsetDateTime now);

    @Modifying
    @Query(value = "UPDATE staging_series SET claimed_by = NULL, claim_expires_at = NULL WHERE request_id = "
            + ":requestId AND series_uid = :seriesUid AND claimed_by = :owner", nativeQuery = true)
    int release(long requestId, String seriesUid, String owner);

    /** Every claim on the request's series, whoever holds it. */
    @Modifying
    @Query(value = "UPDATE staging_series SET claimed_by = NULL, claim_expires_at = NULL WHERE request_id = "
            + ":requestId AND claimed_by IS NOT NULL", nativeQuery = true)
    int releaseAll(long requestId);
}

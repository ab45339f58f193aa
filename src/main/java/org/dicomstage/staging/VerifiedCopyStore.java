package org.dicomstage.staging;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * The digests of each instance of a verified copy in the holding node (tables {@code verified_copy_set},
 * {@code verified_copy_instance}): what publishing compares the held copy with before it sends an instance, and the
 * published copy with after. Kept only for series staged with a source record ({@link SourceDigestStore}); staging
 * the series again deletes it with that record. Callers write it in the transaction that marks the series, so a
 * series marked VERIFIED has its record, or none.
 */
@Component
public class VerifiedCopyStore {

    private static final int BATCH = 500;

    private final JdbcTemplate jdbc;

    VerifiedCopyStore(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Replaces the series' record with the instances of its copy as verification read them; without a source
     * record (a series staged before they were kept) there is nothing to hang it off, and it keeps none.
     *
     * @return whether the record was written
     */
    public boolean replace(long requestId, String seriesUid, Collection<InstanceDigest> copy) {
        delete(requestId, seriesUid);
        Integer sourceRecords = jdbc.queryForObject("SELECT COUNT(*) FROM source_digest_set WHERE request_id = ?"
                + " AND series_uid = ?", Integer.class, requestId, seriesUid);
        if (sourceRecords == null || sourceRecords == 0) {
            return false;
        }
        jdbc.update("INSERT INTO verified_copy_set (request_id, series_uid, instance_count, verified_at)"
                + " VALUES (?, ?, ?, ?)", requestId, seriesUid, copy.size(), Timestamp.from(Instant.now()));
        List<Object[]> rows = new ArrayList<>();
        copy.forEach(d -> rows.add(new Object[] {requestId, seriesUid, d.sopInstanceUID(), d.dataset(), d.pixelData()}));
        for (int from = 0; from < rows.size(); from += BATCH) {
            jdbc.batchUpdate("INSERT INTO verified_copy_instance (request_id, series_uid, sop_instance_uid,"
                    + " dataset_digest, pixel_digest) VALUES (?, ?, ?, ?, ?)",
                    rows.subList(from, Math.min(rows.size(), from + BATCH)));
        }
        return true;
    }

    /**
     * The series' verified copy by SOP Instance UID, or empty when there is none (verification failed, or the series
     * was staged before records were kept).
     *
     * @throws StagingException when the stored rows do not add up to the record's count
     */
    public Optional<Map<String, InstanceDigest>> find(long requestId, String seriesUid) {
        List<Integer> counts = jdbc.query("SELECT instance_count FROM verified_copy_set WHERE request_id = ?"
                + " AND series_uid = ?", (rs, n) -> rs.getInt(1), requestId, seriesUid);
        if (counts.isEmpty()) {
            return Optional.empty();
        }
        Map<String, InstanceDigest> copy = new HashMap<>();
        jdbc.query("SELECT sop_instance_uid, dataset_digest, pixel_digest FROM verified_copy_instance"
                + " WHERE request_id = ? AND series_uid = ?", rs -> {
                    copy.put(rs.getString(1), new InstanceDigest(rs.getString(1), rs.getString(2), rs.getString(3)));
                }, requestId, seriesUid);
        if (copy.size() != counts.getFirst()) {
            throw new StagingException("the verified copy recorded for series " + seriesUid + " of request "
                    + requestId + " is incomplete (" + copy.size() + " of " + counts.getFirst()
                    + " instances): verify the series again", null);
        }
        return Optional.of(copy);
    }

    /** Forgets the series' record: its verification failed, or its copy is to be verified again. */
    public void delete(long requestId, String seriesUid) {
        jdbc.update("DELETE FROM verified_copy_instance WHERE request_id = ? AND series_uid = ?", requestId, seriesUid);
        jdbc.update("DELETE FROM verified_copy_set WHERE request_id = ? AND series_uid = ?", requestId, seriesUid);
    }
}

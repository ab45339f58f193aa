package org.dicomstage.staging;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The source digests of each staged series of a request (tables {@code source_digest_set},
 * {@code source_instance_digest}, {@code source_identifier}). Written whole or not at all: a staging run replaces a
 * series' record in one transaction, and a reader checks the record's counts, so verification never compares a copy
 * with half a record.
 */
@Component
public class SourceDigestStore {

    private static final int BATCH = 500;

    private final JdbcTemplate jdbc;
    private final TransactionTemplate transaction;

    SourceDigestStore(JdbcTemplate jdbc, PlatformTransactionManager transactions) {
        this.jdbc = jdbc;
        this.transaction = new TransactionTemplate(transactions);
    }

    /** Replaces the series' record: staging it again leaves one record, never two. */
    public void replace(long requestId, String seriesUid, SourceDigests digests) {
        List<Object[]> instances = new ArrayList<>();
        digests.instances().values().forEach(i -> instances.add(new Object[] {requestId, seriesUid,
                i.targetSopInstanceUID(), i.listed(), i.retrieved(), i.pixelDigest(), i.maskRule(), i.label()}));
        List<Object[]> identifiers = new ArrayList<>();
        addIdentifiers(identifiers, requestId, seriesUid, SourceDigests.VALUE, digests.identifiers().values());
        addIdentifiers(identifiers, requestId, seriesUid, SourceDigests.NAME_PART, digests.identifiers().nameParts());
        addIdentifiers(identifiers, requestId, seriesUid, SourceDigests.UID, digests.identifiers().uids());
        transaction.executeWithoutResult(status -> {
            deleteIn(requestId, seriesUid);
            jdbc.update("INSERT INTO source_digest_set (request_id, series_uid, instance_count, identifier_count,"
                    + " recorded_at) VALUES (?, ?, ?, ?, ?)", requestId, seriesUid, instances.size(),
                    identifiers.size(), Timestamp.from(Instant.now()));
            batch("INSERT INTO source_instance_digest (request_id, series_uid, sop_instance_uid, listed, retrieved,"
                    + " pixel_digest, mask_rule, label) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", instances);
            batch("INSERT INTO source_identifier (request_id, series_uid, item_index, kind, identifier)"
                    + " VALUES (?, ?, ?, ?, ?)", identifiers);
        });
    }

    /**
     * The series' record, or empty when there is none (staged before records were kept, or its staging failed).
     *
     * @throws StagingException when the stored rows do not add up to the record's counts
     */
    public Optional<SourceDigests> find(long requestId, String seriesUid) {
        return transaction.execute(status -> {
            List<int[]> counts = jdbc.query("SELECT instance_count, identifier_count FROM source_digest_set"
                    + " WHERE request_id = ? AND series_uid = ?", (rs, n) -> new int[] {rs.getInt(1), rs.getInt(2)},
                    requestId, seriesUid);
            if (counts.isEmpty()) {
                return Optional.<SourceDigests>empty();
            }
            Map<String, SourceDigests.Instance> instances = new HashMap<>();
            jdbc.query("SELECT sop_instance_uid, listed, retrieved, pixel_digest, mask_rule, label"
                    + " FROM source_instance_digest WHERE request_id = ? AND series_uid = ?", rs -> {
                        instances.put(rs.getString(1), new SourceDigests.Instance(rs.getString(1), rs.getBoolean(2),
                                rs.getBoolean(3), rs.getString(4), rs.getString(5), rs.getString(6)));
                    }, requestId, seriesUid);
            Set<String> values = new HashSet<>();
            Set<String> nameParts = new HashSet<>();
            Set<String> uids = new HashSet<>();
            int[] identifierRows = {0};
            jdbc.query("SELECT kind, identifier FROM source_identifier WHERE request_id = ? AND series_uid = ?", rs -> {
                identifierRows[0]++;
                switch (rs.getString(1)) {
                    case SourceDigests.VALUE -> values.add(rs.getString(2));
                    case SourceDigests.NAME_PART -> nameParts.add(rs.getString(2));
                    case SourceDigests.UID -> uids.add(rs.getString(2));
                    default -> throw new StagingException("unknown kind of source identifier '" + rs.getString(1)
                            + "' recorded for series " + seriesUid, null);
                }
            }, requestId, seriesUid);
            if (instances.size() != counts.getFirst()[0] || identifierRows[0] != counts.getFirst()[1]) {
                throw new StagingException("the source digests recorded for series " + seriesUid + " of request "
                        + requestId + " are incomplete (" + instances.size() + " of " + counts.getFirst()[0]
                        + " instances, " + identifierRows[0] + " of " + counts.getFirst()[1]
                        + " identifiers): stage the series again", null);
            }
            return Optional.of(new SourceDigests(instances, new SeriesVerifier.Identifiers(values, nameParts, uids)));
        });
    }

    /** Forgets the series' record, before it is staged again or when its staging failed. */
    public void delete(long requestId, String seriesUid) {
        transaction.executeWithoutResult(status -> deleteIn(requestId, seriesUid));
    }

    private void deleteIn(long requestId, String seriesUid) {
        jdbc.update("DELETE FROM source_identifier WHERE request_id = ? AND series_uid = ?", requestId, seriesUid);
        jdbc.update("DELETE FROM source_instance_digest WHERE request_id = ? AND series_uid = ?", requestId,
                seriesUid);
        jdbc.update("DELETE FROM source_digest_set WHERE request_id = ? AND series_uid = ?", requestId, seriesUid);
    }

    private void batch(String sql, List<Object[]> rows) {
        for (int from = 0; from < rows.size(); from += BATCH) {
            jdbc.batchUpdate(sql, rows.subList(from, Math.min(rows.size(), from + BATCH)));
        }
    }

    private static void addIdentifiers(List<Object[]> rows, long requestId, String seriesUid, String kind,
                                       Set<String> identifiers) {
        for (String identifier : identifiers) {
            rows.add(new Object[] {requestId, seriesUid, rows.size(), kind, identifier});
        }
    }
}

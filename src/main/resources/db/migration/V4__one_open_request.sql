-- At most one open staging request per (study, subject, Study0 study), enforced here rather than by the callers:
-- two Edits at once, or two processes picking the same subject, cannot both open one. H2 has no partial index
-- ("... WHERE closed_at IS NULL"), so open_marker carries the condition: TRUE while the request is open, NULL once
-- it is closed. A unique constraint treats rows with a NULL column as distinct (H2 and PostgreSQL alike), so closed
-- requests never collide and an open one collides with exactly the other open one.
ALTER TABLE staging_request ADD COLUMN open_marker BOOLEAN;

-- Requests opened twice before this constraint existed: the newest stays open, the older ones are closed as
-- cancelled (their processes no longer own them, see the workflow's request ownership).
UPDATE staging_request SET closed_at = CURRENT_TIMESTAMP, outcome = 'CANCELLED'
WHERE closed_at IS NULL AND EXISTS (
    SELECT 1 FROM staging_request newer
    WHERE newer.study_id = staging_request.study_id AND newer.pid = staging_request.pid
      AND newer.study0_study_uid = staging_request.study0_study_uid AND newer.closed_at IS NULL
      AND newer.id > staging_request.id);

UPDATE staging_request SET open_marker = TRUE WHERE closed_at IS NULL;

ALTER TABLE staging_request ADD CONSTRAINT ck_staging_request_open
    CHECK ((closed_at IS NULL AND open_marker = TRUE) OR (closed_at IS NOT NULL AND open_marker IS NULL));
ALTER TABLE staging_request ADD CONSTRAINT uq_staging_request_open
    UNIQUE (study_id, pid, study0_study_uid, open_marker);

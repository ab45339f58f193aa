-- What verification read of each instance of a verified copy in the holding node, so that publishing sends exactly
-- the copy that was verified and reviewed: an instance changed in the holding node since then is not published.
-- Hangs off the series' source record: staging the series again deletes both.
CREATE TABLE verified_copy_set (
    request_id     BIGINT      NOT NULL,
    series_uid     VARCHAR(64) NOT NULL,
    instance_count INTEGER     NOT NULL,
    verified_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT pk_verified_copy_set PRIMARY KEY (request_id, series_uid),
    CONSTRAINT fk_verified_copy_set_source FOREIGN KEY (request_id, series_uid)
        REFERENCES source_digest_set (request_id, series_uid) ON DELETE CASCADE
);

CREATE TABLE verified_copy_instance (
    request_id       BIGINT      NOT NULL,
    series_uid       VARCHAR(64) NOT NULL,
    sop_instance_uid VARCHAR(64) NOT NULL,
    dataset_digest   VARCHAR(64) NOT NULL,
    pixel_digest     VARCHAR(64),
    CONSTRAINT pk_verified_copy_instance PRIMARY KEY (request_id, series_uid, sop_instance_uid),
    CONSTRAINT fk_verified_copy_instance_set FOREIGN KEY (request_id, series_uid)
        REFERENCES verified_copy_set (request_id, series_uid) ON DELETE CASCADE
);

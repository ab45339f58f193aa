-- What verification compares a staged copy with, recorded from Study0 while staging, so that verification reads only
-- the copy back. Per series of a request: one set row, the instances by the SOP Instance UID their copies carry, and
-- the identifiers the source carries (looked for in the copy). A staging run replaces all three in one transaction;
-- the set row's counts let a reader tell a complete record from anything else.
CREATE TABLE source_digest_set (
    request_id       BIGINT      NOT NULL,
    series_uid       VARCHAR(64) NOT NULL,
    instance_count   INTEGER     NOT NULL,
    identifier_count INTEGER     NOT NULL,
    recorded_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT pk_source_digest_set PRIMARY KEY (request_id, series_uid),
    CONSTRAINT fk_source_digest_set_series FOREIGN KEY (request_id, series_uid)
        REFERENCES staging_series (request_id, series_uid) ON DELETE CASCADE
);

CREATE TABLE source_instance_digest (
    request_id       BIGINT       NOT NULL,
    series_uid       VARCHAR(64)  NOT NULL,
    sop_instance_uid VARCHAR(64)  NOT NULL,
    listed           BOOLEAN      NOT NULL,
    retrieved        BOOLEAN      NOT NULL,
    pixel_digest     VARCHAR(64),
    mask_rule        VARCHAR(65535),
    label            VARCHAR(65535),
    CONSTRAINT pk_source_instance_digest PRIMARY KEY (request_id, series_uid, sop_instance_uid),
    CONSTRAINT fk_source_instance_digest_set FOREIGN KEY (request_id, series_uid)
        REFERENCES source_digest_set (request_id, series_uid) ON DELETE CASCADE
);

CREATE TABLE source_identifier (
    request_id  BIGINT         NOT NULL,
    series_uid  VARCHAR(64)    NOT NULL,
    item_index  INTEGER        NOT NULL,
    kind        VARCHAR(8)     NOT NULL,
    identifier  VARCHAR(65535) NOT NULL,
    CONSTRAINT pk_source_identifier PRIMARY KEY (request_id, series_uid, item_index),
    CONSTRAINT fk_source_identifier_set FOREIGN KEY (request_id, series_uid)
        REFERENCES source_digest_set (request_id, series_uid) ON DELETE CASCADE
);

-- What a staged copy carries as text, per series, for the reviewer: every distinct descriptor value kept after
-- cleaning, every value replaced because it could not be cleaned safely, and every unknown public attribute removed.
-- A staging run replaces the series' rows; they are dropped when the held copy is deleted or staged again.
CREATE TABLE staging_series_text (
    series_id  BIGINT        NOT NULL,
    item_index INTEGER       NOT NULL,
    kind       VARCHAR(16)   NOT NULL,
    keyword    VARCHAR(64),
    text_value VARCHAR(65535) NOT NULL,
    CONSTRAINT pk_staging_series_text PRIMARY KEY (series_id, item_index),
    CONSTRAINT fk_staging_series_text_series FOREIGN KEY (series_id) REFERENCES staging_series (id)
        ON DELETE CASCADE
);

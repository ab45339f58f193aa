-- Several application instances share this database. Portable SQL (H2 and PostgreSQL); times are written by the
-- instances (their clocks must agree to well within a lease, e.g. NTP).

-- A series of a request is staged by one worker at a time: the worker that holds an unexpired claim.
ALTER TABLE staging_series ADD COLUMN claimed_by VARCHAR(100);
ALTER TABLE staging_series ADD COLUMN claim_expires_at TIMESTAMP WITH TIME ZONE;

-- Cluster-wide association slots per archive: a row per (node, slot), held by at most one lease. A crashed
-- instance's leases expire and are taken over; slots at or above a node's current limit are ignored.
CREATE TABLE node_permit (
    node       VARCHAR(64)  NOT NULL,
    slot       INTEGER      NOT NULL,
    holder     VARCHAR(100),
    expires_at TIMESTAMP WITH TIME ZONE,
    CONSTRAINT pk_node_permit PRIMARY KEY (node, slot)
);

-- A request on its process's cancel path: who cancelled it, why, and since when. Set before the holding copy is
-- emptied, so that no series of it starts or goes on staging into the holding node meanwhile.
ALTER TABLE staging_request ADD COLUMN cancelled_at TIMESTAMP WITH TIME ZONE;
ALTER TABLE staging_request ADD COLUMN cancelled_by VARCHAR(100);
ALTER TABLE staging_request ADD COLUMN cancel_reason VARCHAR(1000);

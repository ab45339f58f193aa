-- How a staging request ended (its process's end): null while open, and for requests closed before this column.
ALTER TABLE staging_request ADD COLUMN outcome VARCHAR(32);

-- The process's end closes every request it used, found by its process instance.
CREATE INDEX ix_staging_request_process ON staging_request (process_instance_key);

-- Collector fencing (issue 17). Every claim of a device bumps its lease
-- token, a number that only grows: a collector re-checks holder and token
-- before it polls and writes its result only while the row still carries
-- both, so a collector that stalled past its lease neither polls nor writes.
ALTER TABLE device_poll_state ADD COLUMN lease_token INTEGER NOT NULL DEFAULT 0;

-- Which collector made an observation ('' for rows older than this column).
ALTER TABLE observations ADD COLUMN collector TEXT NOT NULL DEFAULT '';

-- The latest observation of a device is the one with the latest poll time,
-- not the highest id (a late write may carry an older time): newest first
-- per device by (at, id), for the device list, drift, compliance, the rules,
-- the API's list and pruning. It replaces the index by (device_id, id).
CREATE INDEX observations_device_at_idx ON observations (device_id, at, id);
DROP INDEX observations_device_idx;

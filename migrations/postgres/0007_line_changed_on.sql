-- A line's bandwidth and platform changes carry the business day they took
-- effect (changed_on), which may be earlier than the day they were entered
-- (entering old contracts). Rows entered before this migration take the
-- business day (UTC+8) of their time stamp.
ALTER TABLE line_history ADD COLUMN changed_on DATE;
UPDATE line_history SET changed_on = ((at AT TIME ZONE 'UTC') + INTERVAL '8 hours')::date;
ALTER TABLE line_history ALTER COLUMN changed_on SET NOT NULL;

-- A line's bandwidth and platform changes carry the business day they took
-- effect (changed_on), which may be earlier than the day they were entered
-- (entering old contracts). Rows entered before this migration take the
-- business day (UTC+8) of their time stamp, stored in UTC as
-- 'YYYY-MM-DD HH:MM:SS...'.
ALTER TABLE line_history ADD COLUMN changed_on DATE NOT NULL DEFAULT '';
UPDATE line_history SET changed_on = date(substr(at, 1, 19), '+8 hours');

package inventory

import (
	"context"
	"time"
)

// CountDue counts the pollable devices that a claim at now would find due
// (last polled at or before dueBefore, or never) and not leased: the
// collectors' backlog, for the metrics. It counts across every collector and
// names no device.
func (s *Store) CountDue(ctx context.Context, now, dueBefore time.Time) (int, error) {
	var n int
	err := s.db.GetContext(ctx, &n, s.db.Rebind(`SELECT COUNT(*) FROM device_poll_state ps
		JOIN devices d ON d.id = ps.device_id
		WHERE `+pollable+`
		AND (ps.last_polled_at IS NULL OR ps.last_polled_at <= ?)
		AND (ps.lease_until IS NULL OR ps.lease_until < ?)`), utc(dueBefore), utc(now))
	return n, dbErr(err, "count due devices")
}

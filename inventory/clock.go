package inventory

import "time"

// SetClock replaces the store's clock, which decides the business day
// (overdue orders, eligibility's as-of day, the days recorded on steps).
// Tests inject a fixed time; call it before the store is shared.
func (s *Store) SetClock(now func() time.Time) { s.now = now }

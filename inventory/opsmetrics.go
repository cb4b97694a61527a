package inventory

import (
	"context"
	"time"
)

// FindingCount is how many findings of one rule and severity are open.
type FindingCount struct {
	Rule     string `db:"rule"`
	Severity string `db:"severity"`
	N        int    `db:"n"`
}

// OpsFigures are the figures of the policy checks that an operations team
// watches (the /metrics endpoint): counts by rule and severity, never a
// subject or an id. They are read across every unit: they are the system's
// health, not a record any role reads through its scope.
type OpsFigures struct {
	OpenFindings []FindingCount
	// LastCheck is the latest check run that completed (the checks table
	// holds only runs that wrote their results); nil before the first.
	LastCheck *CheckRunTimes
	// ExemptionsExpiring counts the exemptions in force that end within 7
	// and within 30 days of today (the business day), by that many days.
	ExemptionsExpiring map[int]int
}

// CheckRunTimes are when one check run started and finished.
type CheckRunTimes struct {
	Started  time.Time `db:"started"`
	Finished time.Time `db:"finished"`
}

// ExemptionWindows are the days ahead that OpsFigures counts expiring
// exemptions within.
var ExemptionWindows = []int{7, 30}

// OpsFigures reads the figures of the checks for the metrics.
func (s *Store) OpsFigures(ctx context.Context) (OpsFigures, error) {
	var f OpsFigures
	if err := s.db.SelectContext(ctx, &f.OpenFindings, `SELECT rule, severity, COUNT(*) AS n FROM findings
		WHERE status = 'open' GROUP BY rule, severity ORDER BY rule, severity`); err != nil {
		return f, dbErr(err, "count open findings")
	}
	var last []CheckRunTimes
	if err := s.db.SelectContext(ctx, &last, `SELECT started, finished FROM checks ORDER BY id DESC LIMIT 1`); err != nil {
		return f, dbErr(err, "latest check run")
	}
	if len(last) == 1 {
		f.LastCheck = &last[0]
	}
	now := s.now()
	f.ExemptionsExpiring = make(map[int]int, len(ExemptionWindows))
	for _, days := range ExemptionWindows {
		var n int
		err := s.db.GetContext(ctx, &n, s.db.Rebind(`SELECT COUNT(*) FROM findings
			WHERE status = 'exempted' AND exemption_expires_on IS NOT NULL AND exemption_expires_on <= ?`),
			dayIn(s.zone, now.AddDate(0, 0, days)))
		if err != nil {
			return f, dbErr(err, "count expiring exemptions")
		}
		f.ExemptionsExpiring[days] = n
	}
	return f, nil
}

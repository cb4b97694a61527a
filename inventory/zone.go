package inventory

import (
	"fmt"
	"time"
	_ "time/tzdata" // the business zone loads on machines without a zoneinfo database
)

// DefaultZone is the business time zone unless HOSTROLL_TZ names another:
// the prefecture's days are its days.
const DefaultZone = "Asia/Shanghai"

// LoadZone reads a time zone name, such as HOSTROLL_TZ: an IANA name
// ("Asia/Shanghai") or "UTC"; "" is DefaultZone.
func LoadZone(name string) (*time.Location, error) {
	if name == "" {
		name = DefaultZone
	}
	loc, err := time.LoadLocation(name)
	if err != nil || name == "Local" {
		return nil, fmt.Errorf("time zone %q: want an IANA name such as %s or UTC", name, DefaultZone)
	}
	return loc, nil
}

// defaultZone is DefaultZone, which the embedded zone database always has.
func defaultZone() *time.Location {
	loc, err := LoadZone(DefaultZone)
	if err != nil {
		panic(err)
	}
	return loc
}

// SetZone sets the business time zone: the day of a lifecycle step, an
// evaluation or an exemption, and of the rules' "today". Call it before the
// store is shared.
func (s *Store) SetZone(loc *time.Location) { s.zone = loc }

// Zone is the business time zone.
func (s *Store) Zone() *time.Location { return s.zone }

// dayIn is the day of t in the business zone loc (DefaultZone if nil: a
// Snapshot built by hand).
func dayIn(loc *time.Location, t time.Time) Date {
	if loc == nil {
		loc = defaultZone()
	}
	return Date(t.In(loc).Format(time.DateOnly))
}

// today is the business day of the transaction.
func (tx *txn) today() Date { return dayIn(tx.zone, tx.at) }

// Today is the business day now, in the business zone: the default date of
// a step or an evaluation a page offers.
func (s *Store) Today() Date { return dayIn(s.zone, s.now()) }

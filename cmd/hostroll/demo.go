package main

import (
	"context"
	"errors"
	"fmt"

	"hostroll/demo"
	"hostroll/inventory"
)

var errNotEmpty = errors.New("the database already has units: demo data goes only into an empty database")

// loader writes a demo set through the store, so it is validated and
// audited like any other write, and keeps the ids of what it wrote by
// natural key. The first error stops it.
type loader struct {
	s   *inventory.Store
	ctx context.Context
	n   int
	err error

	units    map[string]int64 // by code
	rooms    map[string]int64 // by name
	racks    map[string]int64 // by room/name
	projects map[string]inventory.Project
	devices  map[string]int64 // by manufacturer/serial
	lines    map[string]int64 // by carrier/circuit id
}

func ptr[T any](v T) *T { return &v }

// loadDemo writes the demo prefecture into an empty database; it refuses
// one that has units.
func loadDemo(ctx context.Context, s *inventory.Store) (int, error) {
	return loadDemoSet(ctx, s, demo.Generate(demo.Devices))
}

func loadDemoSet(ctx context.Context, s *inventory.Store, set *demo.Set) (int, error) {
	_, total, err := s.Units(ctx, inventory.ListParams{Limit: 1})
	if err != nil {
		return 0, err
	}
	if total > 0 {
		return 0, errNotEmpty
	}
	l := newLoader(ctx, s)
	l.inventory(set)
	l.history(set)
	return l.n, l.err
}

func newLoader(ctx context.Context, s *inventory.Store) *loader {
	return &loader{s: s, ctx: ctx, units: map[string]int64{}, rooms: map[string]int64{}, racks: map[string]int64{},
		projects: map[string]inventory.Project{}, devices: map[string]int64{}, lines: map[string]int64{}}
}

// must records the first error; later calls do nothing once one failed.
func must[T any](l *loader, what string, f func() (T, error)) T {
	var zero T
	if l.err != nil {
		return zero
	}
	v, err := f()
	if err != nil {
		l.err = fmt.Errorf("demo data: %s: %w", what, err)
		return zero
	}
	l.n++
	return v
}

// history records, through the store, what the workbook does not hold: the
// projects' steps, documents, procurement and evaluations, the lines'
// expansions, the polls, the rectification orders and the notice.
func (l *loader) history(set *demo.Set) {
	must(l, "snmp profile", func() (inventory.SNMPProfile, error) {
		in := inventory.DefaultSNMPProfileInput()
		in.Name, in.Community = "central-v2c", "demo-community"
		return l.s.CreateSNMPProfile(l.ctx, in)
	})
	for _, p := range set.Projects {
		l.lifecycle(p)
	}
	for _, c := range set.LineChanges {
		must(l, "expansion of line "+c.CircuitID, func() (inventory.Line, error) {
			return l.s.UpdateLine(l.ctx, l.lines[c.Carrier+"/"+c.CircuitID], func(in *inventory.LineInput) error {
				in.BandwidthMbps, in.MonthlyFee, in.ChangedOn = c.BandwidthMbps, c.MonthlyFee, ptr(c.On)
				return nil
			})
		})
	}
	for _, o := range set.Observations {
		must(l, "poll of "+o.Serial, func() (inventory.Observation, error) {
			obs := o.Observation
			obs.DeviceID = l.devices[o.Manufacturer+"/"+o.Serial]
			return l.s.AddObservation(l.ctx, obs)
		})
	}
	l.rectifications(set)
}

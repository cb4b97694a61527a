package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"hostroll/demo"
	"hostroll/inventory"
)

var errNotEmpty = errors.New("the database already has units: demo data goes only into an empty database")

// loader writes what the workbook does not hold through the store, so it is
// validated and audited like any other write, finding the imported records
// by natural key. The first error stops it.
type loader struct {
	s   *inventory.Store
	ctx context.Context
	n   int
	err error

	units    map[string]int64 // by code
	projects map[string]inventory.Project
	devices  map[string]int64 // by manufacturer/serial
	lines    map[string]int64 // by carrier/circuit id
}

func ptr[T any](v T) *T { return &v }

// loadDemo loads the demo prefecture into an empty database: the workbook
// shipped in the binary through the importer, every worksheet in one
// transaction, then the history through the store. It refuses a database
// that has units.
func loadDemo(ctx context.Context, s *inventory.Store) (int, error) {
	return loadDemoWith(ctx, s, demo.Generate(demo.Devices), func() (int, error) {
		res, err := s.ImportWorkbook(ctx, demo.Workbook, "zh")
		n := 0
		for _, r := range res {
			n += r.Counts.Create
		}
		if err != nil {
			return n, fmt.Errorf("demo data: import the workbook: %w", err)
		}
		return n, nil
	})
}

// scaleChunk is how many rows one file of a scaled demo holds: the
// importer takes 20 MiB and 100,000 rows a file (a device row is about 200
// bytes).
const scaleChunk = 10_000

// loadDemoScale loads a generated prefecture of about devices devices,
// importing each kind in files of scaleChunk rows, one transaction each.
func loadDemoScale(ctx context.Context, s *inventory.Store, devices int) (int, error) {
	set := demo.Generate(devices)
	return loadDemoWith(ctx, s, set, func() (int, error) {
		n := 0
		for _, kind := range demo.Kinds {
			files, err := set.Files(kind, scaleChunk)
			if err != nil {
				return n, err
			}
			for i, f := range files {
				res, err := s.ImportFile(ctx, kind, f, "zh")
				if err != nil {
					return n, fmt.Errorf("demo data: import %s (file %d): %w", kind, i+1, err)
				}
				n += res.Counts.Create
			}
		}
		return n, nil
	})
}

// loadDemoWith runs the import of a set's inventory into an empty database,
// then writes the set's history through the store.
func loadDemoWith(ctx context.Context, s *inventory.Store, set *demo.Set, importInventory func() (int, error)) (int, error) {
	_, total, err := s.Units(ctx, inventory.ListParams{Limit: 1})
	if err != nil {
		return 0, err
	}
	if total > 0 {
		return 0, errNotEmpty
	}
	n, err := importInventory()
	if err != nil {
		return n, err
	}
	l := &loader{s: s, ctx: ctx, n: n}
	if err := l.index(); err != nil {
		return n, err
	}
	l.history(set)
	return l.n, l.err
}

// index finds the imported units, projects, devices and lines by natural
// key.
func (l *loader) index() error {
	l.units, l.projects, l.devices, l.lines = map[string]int64{}, map[string]inventory.Project{}, map[string]int64{}, map[string]int64{}
	err := each(l.ctx, l.s.Units, func(u inventory.Unit) { l.units[u.Code] = u.ID })
	if err == nil {
		err = each(l.ctx, l.s.Projects, func(p inventory.Project) { l.projects[p.Code] = p })
	}
	if err == nil {
		err = each(l.ctx, l.s.Devices, func(d inventory.Device) { l.devices[d.Manufacturer+"/"+d.Serial] = d.ID })
	}
	if err == nil {
		err = each(l.ctx, l.s.Lines, func(x inventory.Line) { l.lines[x.Carrier+"/"+x.CircuitID] = x.ID })
	}
	return err
}

// each calls f for every record a list returns, a page at a time.
func each[T any](ctx context.Context, list func(context.Context, inventory.ListParams) ([]T, int, error), f func(T)) error {
	for offset := 0; ; offset += inventory.MaxLimit {
		items, total, err := list(ctx, inventory.ListParams{Limit: inventory.MaxLimit, Offset: offset})
		if err != nil {
			return err
		}
		for _, it := range items {
			f(it)
		}
		if len(items) == 0 || offset+len(items) >= total {
			return nil
		}
	}
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
				in.BandwidthMbps, in.MonthlyFee = c.BandwidthMbps, c.MonthlyFee
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

// timed runs f and says how long it took.
func timed(f func() (int, error)) (int, time.Duration, error) {
	start := time.Now()
	n, err := f()
	return n, time.Since(start), err
}

package collector

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/gosnmp/gosnmp"
)

// DefaultMaxVarbinds caps the variables read from one table, so that a broken
// or hostile agent cannot make a walk run forever or exhaust memory.
const DefaultMaxVarbinds = 50000

// firstRepetitions is the max-repetitions of a walk's first GetBulk; it
// doubles with each further request up to the profile's max-repetitions.
const firstRepetitions = 8

// maxVarbindsPerRequest keeps a GetBulk's answer within a UDP datagram for
// ordinary rows: max-repetitions is lowered when many columns are walked.
const maxVarbindsPerRequest = 256

// walker walks tables with its own GetBulk loop. Unlike gosnmp's BulkWalk it
// treats an error status as an error (not as the end of the table), stops on
// OIDs that do not increase, and caps the variables it reads.
type walker struct {
	c           Client
	maxReps     uint32
	maxVarbinds int
}

// errStatus is an agent's answer with a non-zero error-status.
type errStatus struct {
	status gosnmp.SNMPError
	index  uint8
}

func (e *errStatus) Error() string {
	return fmt.Sprintf("agent answered with error status %s (error index %d)", e.status, e.index)
}

// walk reads the columns (OIDs with a leading dot) of one table side by side:
// each GetBulk asks for the next rows of every column not yet finished. It
// returns the variables in the order received.
func (w walker) walk(ctx context.Context, table string, cols []string) ([]gosnmp.SnmpPDU, error) {
	st := &walkState{cols: cols, cur: append([]string(nil), cols...), max: w.maxVarbinds}
	for i := range cols {
		st.active = append(st.active, i)
	}
	for round := 0; len(st.active) > 0; round++ {
		if err := ctx.Err(); err != nil {
			return st.out, fmt.Errorf("%s: %w", table, err)
		}
		oids := make([]string, len(st.active))
		for i, c := range st.active {
			oids[i] = st.cur[c]
		}
		// Slow start: most tables of a server are a few rows long, and what a
		// GetBulk returns past a column's end is decoded for nothing.
		reps := min(w.maxReps, firstRepetitions<<min(round, 16))
		reps = min(reps, uint32(max(1, maxVarbindsPerRequest/len(oids))))
		pkt, err := w.c.GetBulk(oids, 0, reps)
		switch {
		case err != nil:
			return st.out, fmt.Errorf("%s: %w", table, err)
		case pkt.Error != gosnmp.NoError:
			return st.out, fmt.Errorf("%s: %w", table, &errStatus{pkt.Error, pkt.ErrorIndex})
		case len(pkt.Variables) == 0:
			return st.out, fmt.Errorf("%s: agent answered a GetBulk with no variables", table)
		}
		if err := st.absorb(pkt.Variables); err != nil {
			return st.out, fmt.Errorf("%s: %w", table, err)
		}
	}
	return st.out, nil
}

// walkState is where a walk stands: the last OID read of each column and the
// columns not finished.
type walkState struct {
	cols, cur []string
	active    []int // indexes into cols of the columns still walked
	out       []gosnmp.SnmpPDU
	max       int
}

// absorb takes one GetBulk answer: its variables go round the active columns
// in request order. A column ends at endOfMibView or at the first OID outside
// it.
func (st *walkState) absorb(vars []gosnmp.SnmpPDU) error {
	done := make([]bool, len(st.active))
	progressed := false
	for k, v := range vars {
		j := k % len(st.active)
		if done[j] {
			continue
		}
		c := st.active[j]
		switch {
		case v.Type == gosnmp.EndOfMibView || v.Type == gosnmp.NoSuchObject || v.Type == gosnmp.NoSuchInstance,
			!strings.HasPrefix(v.Name, st.cols[c]+"."):
			done[j] = true
			continue
		case compareOID(v.Name, st.cur[c]) <= 0:
			return fmt.Errorf("agent returned OID %s after %s: OIDs do not increase", v.Name, st.cur[c])
		}
		st.cur[c] = v.Name
		progressed = true
		st.out = append(st.out, v)
		if len(st.out) > st.max {
			st.out = st.out[:st.max]
			return fmt.Errorf("more than %d variables: table not read to its end", st.max)
		}
	}
	next := st.active[:0]
	for j, c := range st.active {
		if !done[j] {
			next = append(next, c)
		}
	}
	if !progressed && len(next) == len(st.active) {
		return errNoProgress
	}
	st.active = next
	return nil
}

var errNoProgress = errors.New("agent answered without moving on in the table")

// compareOID orders two dotted OIDs numerically: -1, 0 or 1. A malformed
// component compares as its digits read so far.
func compareOID(a, b string) int {
	a, b = strings.TrimPrefix(a, "."), strings.TrimPrefix(b, ".")
	for a != "" && b != "" {
		var x, y uint64
		x, a = nextArc(a)
		y, b = nextArc(b)
		switch {
		case x < y:
			return -1
		case x > y:
			return 1
		}
	}
	switch {
	case a == "" && b == "":
		return 0
	case a == "":
		return -1
	}
	return 1
}

// nextArc reads one number of an OID and returns it and the rest after the
// dot.
func nextArc(s string) (uint64, string) {
	var n uint64
	i := 0
	for ; i < len(s) && s[i] != '.'; i++ {
		if d := s[i]; d >= '0' && d <= '9' && n < 1<<59 {
			n = n*10 + uint64(d-'0')
		}
	}
	if i < len(s) {
		i++ // the dot
	}
	return n, s[i:]
}

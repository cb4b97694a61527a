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

// firstRepetitions is the max-repetitions of the first GetBulk (lowered to
// the profile's max-repetitions): a column of n rows ends in one trip when
// n+1 rows are asked for, so an 11-row hrStorageTable and a 16-core
// hrProcessorTable finish in the first answer. Later requests double it up
// to the profile's max-repetitions.
const firstRepetitions = 17

// maxVarbindsPerRequest keeps a GetBulk's answer within a UDP datagram for
// ordinary rows (about 15 KB at 45 bytes a variable): max-repetitions is
// lowered when many columns are walked.
const maxVarbindsPerRequest = 320

// errStatus is an agent's answer with a non-zero error-status; column, when
// known, is the OID of the column the error index points at.
type errStatus struct {
	status gosnmp.SNMPError
	index  uint8
	column string
}

func (e *errStatus) Error() string {
	if e.column != "" {
		return fmt.Sprintf("agent answered with error status %s (error index %d: column %s)", e.status, e.index, e.column)
	}
	return fmt.Sprintf("agent answered with error status %s (error index %d)", e.status, e.index)
}

var errNoProgress = errors.New("agent answered without moving on in the table")

// column is one column walked: its table (an index into stream.tables), its
// OID (with a leading dot) and the last OID read from it.
type column struct {
	table    int
	oid, cur string
}

// stream reads the scalars and walks every column of every table side by
// side in one stream of GetBulk requests: the scalars ride along as
// non-repeaters of the first request, and each column drops out of the
// requests as soon as it leaves its subtree. A failure (an error status,
// OIDs that do not increase, too many variables) ends only the table it is
// attributed to; the other tables go on. Unlike gosnmp's BulkWalk it treats
// an error status as an error (not as the end of the table), stops on OIDs
// that do not increase, and caps the variables it reads per table.
type stream struct {
	c           Client
	maxReps     uint32 // the profile's max-repetitions, at least 1
	limit       uint32 // max-repetitions after tooBig answers (0: none)
	maxVarbinds int
	tables      []table
	pending     []string // scalars not read yet, as the OIDs to GETNEXT from
	scalars     []gosnmp.SnmpPDU
	scalarErr   error
	active      []column // in table order
	out         [][]gosnmp.SnmpPDU
	errs        []error
	// split walks one table per request (and the scalars alone) once an
	// error cannot be told apart between the tables of a request.
	split    bool
	answered bool // the agent answered a request
}

func newStream(c Client, tbls []table, scalars []string, maxReps uint32, maxVarbinds int) *stream {
	s := &stream{c: c, maxReps: max(maxReps, 1), maxVarbinds: maxVarbinds, tables: tbls,
		out: make([][]gosnmp.SnmpPDU, len(tbls)), errs: make([]error, len(tbls))}
	for _, oid := range scalars {
		s.pending = append(s.pending, strings.TrimSuffix(oid, ".0")) // GETNEXT from here reads oid
	}
	for i, tb := range tbls {
		for _, c := range tb.cols {
			s.active = append(s.active, column{table: i, oid: c, cur: c})
		}
	}
	return s
}

// run reads until every column is finished or failed. It returns false when
// the agent never answered, with the error of the first request.
func (s *stream) run(ctx context.Context) (answered bool, err error) {
	for round := 0; len(s.active) > 0 || len(s.pending) > 0; round++ {
		if err := ctx.Err(); err != nil {
			s.failAll(err)
			break
		}
		nonrep, cols := s.request()
		oids := make([]string, 0, len(nonrep)+len(cols))
		oids = append(oids, nonrep...)
		for _, c := range cols {
			oids = append(oids, s.active[c].cur)
		}
		reps := s.reps(round, len(cols))
		pkt, err := s.c.GetBulk(oids, uint8(len(nonrep)), reps)
		switch {
		case err != nil && !s.answered:
			return false, err
		case err != nil:
			s.failAll(err)
			return true, nil
		}
		s.answered = true
		if pkt.Error != gosnmp.NoError {
			s.refused(pkt, nonrep, cols, reps)
			continue
		}
		if len(pkt.Variables) == 0 {
			s.fail(nonrep, cols, errors.New("agent answered a GetBulk with no variables"))
			continue
		}
		s.absorb(pkt.Variables, nonrep, cols)
	}
	return true, nil
}

// request picks what the next GetBulk asks for: the scalars still pending
// as non-repeaters and the active columns (indexes into s.active). Split,
// it asks for the scalars alone, then the columns of one table at a time.
func (s *stream) request() (nonrep []string, cols []int) {
	if s.split && len(s.pending) > 0 {
		return s.pending, nil
	}
	for i, c := range s.active {
		if s.split && c.table != s.active[0].table {
			break
		}
		cols = append(cols, i)
	}
	return s.pending, cols
}

// reps is the max-repetitions of request round for n columns: the first
// asks firstRepetitions, each later one twice the last, never more than the
// profile allows, a tooBig answer left, or maxVarbindsPerRequest in all.
func (s *stream) reps(round, n int) uint32 {
	r := min(s.maxReps, firstRepetitions<<min(round, 16))
	if s.limit > 0 {
		r = min(r, s.limit)
	}
	if n > 0 {
		r = min(r, uint32(max(1, maxVarbindsPerRequest/n)))
	}
	return max(r, 1)
}

// refused handles an answer with an error status. tooBig halves
// max-repetitions and asks again; otherwise (or at one repetition) the
// error index names the scalar or column at fault and its table, which is
// dropped, and the rest is asked again. An error that cannot be attributed
// to one table makes the stream split.
func (s *stream) refused(pkt *gosnmp.SnmpPacket, nonrep []string, cols []int, reps uint32) {
	if pkt.Error == gosnmp.TooBig && reps > 1 && len(cols) > 0 {
		s.limit = reps / 2
		return
	}
	e := &errStatus{status: pkt.Error, index: pkt.ErrorIndex}
	s.limit = 0                  // what is asked next is not what was too big
	i := int(pkt.ErrorIndex) - 1 // the variable the error index points at
	single := len(cols) == 0 || (len(nonrep) == 0 && s.oneTable(cols))
	switch {
	case pkt.Error != gosnmp.TooBig && i >= 0 && i < len(nonrep):
		s.fail(nonrep, nil, e)
	case pkt.Error != gosnmp.TooBig && i >= len(nonrep) && i < len(nonrep)+len(cols):
		c := s.active[cols[i-len(nonrep)]]
		e.column = c.oid
		s.fail(nil, s.tableCols(c.table), e)
	case single:
		s.fail(nonrep, cols, e)
	default:
		s.split = true
	}
}

func (s *stream) oneTable(cols []int) bool {
	for _, c := range cols {
		if s.active[c].table != s.active[cols[0]].table {
			return false
		}
	}
	return true
}

// tableCols returns the indexes into s.active of table t's columns.
func (s *stream) tableCols(t int) []int {
	var cols []int
	for i, c := range s.active {
		if c.table == t {
			cols = append(cols, i)
		}
	}
	return cols
}

// fail records err for the scalars (when nonrep is not empty) and for the
// tables of cols, and drops them from the stream.
func (s *stream) fail(nonrep []string, cols []int, err error) {
	if len(nonrep) > 0 {
		s.scalarErr, s.pending = fmt.Errorf("system group: %w", err), nil
	}
	failed := map[int]bool{}
	for _, c := range cols {
		t := s.active[c].table
		if !failed[t] && s.errs[t] == nil {
			s.errs[t] = fmt.Errorf("%s: %w", s.tables[t].name, err)
		}
		failed[t] = true
	}
	s.drop(func(c column) bool { return failed[c.table] })
}

// failAll records err for everything not read yet.
func (s *stream) failAll(err error) {
	all := make([]int, len(s.active))
	for i := range all {
		all[i] = i
	}
	s.fail(s.pending, all, err)
}

func (s *stream) drop(gone func(column) bool) {
	next := s.active[:0]
	for _, c := range s.active {
		if !gone(c) {
			next = append(next, c)
		}
	}
	s.active = next
}

// absorb takes one GetBulk answer: first the non-repeaters, then the
// repetitions, whose variables go round the requested columns in request
// order. A column ends at endOfMibView or at the first OID outside it; OIDs
// that do not increase or too many variables fail its table.
func (s *stream) absorb(vars []gosnmp.SnmpPDU, nonrep []string, cols []int) {
	for i := range min(len(nonrep), len(vars)) {
		if v := vars[i]; v.Name == nonrep[i]+".0" {
			s.scalars = append(s.scalars, v)
		}
	}
	if len(nonrep) > 0 {
		s.pending = nil
	}
	if len(vars) <= len(nonrep) || len(cols) == 0 {
		return
	}
	done := make([]bool, len(cols))
	failed := map[int]bool{}
	progressed := false
	for k, v := range vars[len(nonrep):] {
		j := k % len(cols)
		c := &s.active[cols[j]]
		if done[j] || failed[c.table] {
			continue
		}
		switch {
		case v.Type == gosnmp.EndOfMibView || v.Type == gosnmp.NoSuchObject || v.Type == gosnmp.NoSuchInstance,
			!strings.HasPrefix(v.Name, c.oid+"."):
			done[j] = true
			continue
		case compareOID(v.Name, c.cur) <= 0:
			s.errs[c.table] = fmt.Errorf("%s: column %s: agent returned OID %s after %s: OIDs do not increase",
				s.tables[c.table].name, c.oid, v.Name, c.cur)
			failed[c.table] = true
			continue
		}
		c.cur = v.Name
		progressed = true
		if out := &s.out[c.table]; len(*out) < s.maxVarbinds {
			*out = append(*out, v)
			continue
		}
		s.errs[c.table] = fmt.Errorf("%s: more than %d variables: table not read to its end", s.tables[c.table].name, s.maxVarbinds)
		failed[c.table] = true
	}
	finished := map[string]bool{}
	for j, c := range cols {
		if done[j] {
			finished[s.active[c].oid] = true
		}
	}
	if !progressed && len(finished) == 0 && len(failed) == 0 {
		s.fail(nil, cols, errNoProgress)
		return
	}
	s.drop(func(c column) bool { return failed[c.table] || finished[c.oid] })
}

// err joins the errors of the scalars and of each table, in table order.
func (s *stream) err() error {
	return errors.Join(append([]error{s.scalarErr}, s.errs...)...)
}

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

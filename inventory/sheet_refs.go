package inventory

import (
	"context"
	"strings"

	"hostroll/fold"
	"hostroll/locale"
)

// sheetRefs resolves the natural keys a sheet refers to other records by
// (unit code, project code, room name, rack name, SNMP profile name) and
// back, for the records in the caller's scope. Each table is read once, when
// first needed.
type sheetRefs struct {
	ctx      context.Context
	q        querier
	tables   map[string]*refTable
	racks    map[int64]rackRef
	rackKeys map[string]int64

	lang string // of an export's labels
	rec  any    // the record being exported
}

type rackRef struct {
	RoomID int64  `db:"room_id"`
	Name   string `db:"name"`
}

// refTable maps folded keys to ids (-1 when several rows share one) and ids
// to the key as stored.
type refTable struct {
	byKey  map[string]int64
	byName map[string]int64 // a second key (a unit's name)
	text   map[int64]string
	// scoped holds the ids in the caller's scope; the rest are known only
	// so that a record in scope keeps (and exports) its reference to one.
	scoped map[int64]bool
}

func newSheetRefs(ctx context.Context, q querier) *sheetRefs {
	return &sheetRefs{ctx: ctx, q: q, tables: map[string]*refTable{}}
}

// refQueries read each referenced table: id, the key, and a second key.
var refQueries = map[string]struct{ query, scope string }{
	"units":         {"SELECT id, code AS k, name AS n FROM units", "units"},
	"projects":      {"SELECT id, code AS k, '' AS n FROM projects", "projects"},
	"rooms":         {"SELECT id, name AS k, '' AS n FROM rooms", "rooms"},
	"racks":         {"SELECT id, name AS k, '' AS n FROM racks", "racks"},
	"snmp_profiles": {"SELECT id, name AS k, '' AS n FROM snmp_profiles", ""},
}

func (r *sheetRefs) table(name string) (*refTable, error) {
	if t, ok := r.tables[name]; ok {
		return t, nil
	}
	rq := refQueries[name]
	var rows []struct {
		ID int64  `db:"id"`
		K  string `db:"k"`
		N  string `db:"n"`
	}
	if err := r.q.SelectContext(r.ctx, &rows, r.q.Rebind(rq.query+" ORDER BY id")); err != nil {
		return nil, dbErr(err, "read "+name)
	}
	t := &refTable{byKey: map[string]int64{}, byName: map[string]int64{}, text: map[int64]string{}, scoped: map[int64]bool{}}
	for _, row := range rows {
		t.text[row.ID] = row.K
		addKey(t.byKey, fold.Key(row.K), row.ID)
		if row.N != "" {
			addKey(t.byName, fold.Key(row.N), row.ID)
		}
	}
	if err := r.scope(name, rq.scope, t); err != nil {
		return nil, err
	}
	r.tables[name] = t
	return t, nil
}

// scope marks the rows of the table in the caller's scope.
func (r *sheetRefs) scope(name, table string, t *refTable) error {
	cond, args := scopeSQL(r.ctx, scopeRules[table].read)
	if table == "" || cond == "" {
		for id := range t.text {
			t.scoped[id] = true
		}
		return nil
	}
	var ids []int64
	if err := r.q.SelectContext(r.ctx, &ids, r.q.Rebind("SELECT id FROM "+name+" WHERE "+cond), args...); err != nil {
		return dbErr(err, "read "+name)
	}
	for _, id := range ids {
		t.scoped[id] = true
	}
	return nil
}

// addKey maps key to id, or to -1 when another id has it already.
func addKey(m map[string]int64, key string, id int64) {
	if old, ok := m[key]; ok && old != id {
		m[key] = -1
		return
	}
	m[key] = id
}

// label is an enumeration value's label in the export's language.
func (r *sheetRefs) label(set, code string) any {
	if code == "" {
		return nil
	}
	return locale.Label(r.lang, set, code)
}

// name is the stored key of a referenced row, "" for none or one out of
// scope.
func (r *sheetRefs) name(table string, id *int64) any {
	if id == nil {
		return nil
	}
	t, err := r.table(table)
	if err != nil {
		return nil
	}
	return t.text[*id]
}

func (r *sheetRefs) rack(id int64) (rackRef, error) {
	if r.racks == nil {
		query, args := andScope(r.ctx, "SELECT id, room_id, name FROM racks", nil, scopeRules["racks"].read, false)
		var rows []struct {
			ID int64 `db:"id"`
			rackRef
		}
		if err := r.q.SelectContext(r.ctx, &rows, r.q.Rebind(query), args...); err != nil {
			return rackRef{}, dbErr(err, "read racks")
		}
		r.racks = make(map[int64]rackRef, len(rows))
		for _, row := range rows {
			r.racks[row.ID] = row.rackRef
		}
	}
	return r.racks[id], nil
}

// resolve finds the id a cell names in table: its key (a unit's code), else
// its second key (a unit's name) when that is unique. The message says what
// is wrong in the import's language.
func (ix *importer) resolve(table, v string) (int64, string) {
	return ix.resolveKeeping(table, v, func(int64) bool { return false })
}

// resolveKeeping is resolve where a record out of the caller's scope is
// accepted only when keep says the field refers to it already.
func (ix *importer) resolveKeeping(table, v string, keep func(int64) bool) (int64, string) {
	t, err := ix.refs.table(table)
	if err != nil {
		ix.fatal = err
		return 0, ""
	}
	k := fold.Key(v)
	id, ok := t.byKey[k]
	if !ok {
		id, ok = t.byName[k]
	}
	switch {
	case !ok || (id > 0 && !t.scoped[id] && !keep(id)):
		return 0, locale.T(ix.lang, "sheet.ref.missing."+table, v)
	case id < 0:
		return 0, locale.T(ix.lang, "sheet.ref.ambiguous."+table, v)
	}
	return id, ""
}

// refCell reads a required reference (e.g. a room's unit).
func (ix *importer) refCell(dst *int64, table, v string) string {
	if v == "" {
		*dst = 0
		return ""
	}
	old := *dst
	id, msg := ix.resolveKeeping(table, v, func(id int64) bool { return id == old })
	if msg == "" {
		*dst = id
	}
	return msg
}

// optRefCell reads an optional reference: empty is none.
func (ix *importer) optRefCell(dst **int64, table, v string) string {
	if v == "" {
		*dst = nil
		return ""
	}
	old := *dst
	id, msg := ix.resolveKeeping(table, v, func(id int64) bool { return old != nil && *old == id })
	if msg == "" {
		*dst = &id
	}
	return msg
}

// refList reads several references in one cell, split by 、 , ; or newlines.
func (ix *importer) refList(dst *[]int64, table, v string) string {
	had := map[int64]bool{}
	for _, id := range *dst {
		had[id] = true
	}
	ids := []int64{}
	var bad []string
	for _, part := range strings.FieldsFunc(v, func(r rune) bool {
		return strings.ContainsRune("、,，;；\n", r)
	}) {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		id, msg := ix.resolveKeeping(table, part, func(id int64) bool { return had[id] })
		if msg != "" {
			bad = append(bad, msg)
			continue
		}
		ids = append(ids, id)
	}
	if len(bad) > 0 {
		return strings.Join(bad, "; ")
	}
	*dst = ids
	return ""
}

// refNames writes several references as one cell.
func (r *sheetRefs) refNames(table string, ids []int64) any {
	t, err := r.table(table)
	if err != nil || len(ids) == 0 {
		return nil
	}
	names := make([]string, 0, len(ids))
	for _, id := range ids {
		names = append(names, t.text[id])
	}
	return strings.Join(names, "、")
}

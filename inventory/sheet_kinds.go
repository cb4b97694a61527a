package inventory

import (
	"context"
	"strconv"
	"strings"

	"hostroll/fold"
)

// fromResource fills in a kind's record plumbing from its resource.
func fromResource[T any, I any](r *resource[T, I], ls listSpec, id func(T) int64, load bool, k *sheetKind[T, I]) *sheetKind[T, I] {
	k.input, k.id = r.input, id
	k.get = func(tx *txn, id int64) (T, error) { return r.get(tx.ctx, tx, id) }
	k.create = r.createIn
	k.update = func(tx *txn, id int64, in I) error {
		_, err := r.patchTx(tx, id, func(p *I) error { *p = in; return nil })
		return err
	}
	k.export = func(ctx context.Context, s *Store, p ListParams, each func(T) error) error {
		return exportRows(ctx, s, r, ls, p, id, load, each)
	}
	return k
}

// keyRow is a record's natural key as the existing-key queries read it.
type keyRow struct {
	ID int64  `db:"id"`
	A  string `db:"a"`
	B  string `db:"b"`
	C  string `db:"c"`
	U  int64  `db:"u"` // devices only
	N  string `db:"n"` // devices only
}

// existingKeys reads the natural keys of a table's rows in the caller's
// scope; query selects id, a, b and c.
func existingKeys(ix *importer, query, table string, keys func(r keyRow) []string) (map[string]int64, error) {
	q, args := andScope(ix.tx.ctx, query, nil, scopeRules[table].read, strings.Contains(query, " WHERE "))
	var rows []keyRow
	if err := ix.tx.sel(&rows, q, args...); err != nil {
		return nil, dbErr(err, "read "+table)
	}
	out := make(map[string]int64, len(rows))
	for _, r := range rows {
		for _, k := range keys(r) {
			addKey(out, k, r.ID)
		}
	}
	return out, nil
}

func one(s string) []string {
	if s == "" {
		return nil
	}
	return []string{s}
}

// Column helpers shared by the kinds.

func textCol[I any](key string, p func(*I) *string) sheetCol[I] {
	return sheetCol[I]{key: key,
		get: func(_ *sheetRefs, _ int64, in *I) any { return *p(in) },
		set: func(_ *importer, in *I, v string, _ rowCells) string { return cellText(p(in), v) }}
}

func intCol[I any](key string, p func(*I) *int) sheetCol[I] {
	return sheetCol[I]{key: key,
		get: func(_ *sheetRefs, _ int64, in *I) any { return *p(in) },
		set: func(ix *importer, in *I, v string, _ rowCells) string { return ix.cellInt(p(in), v) }}
}

func enumCol[I any](key, set string, codes []string, p func(*I) *string) sheetCol[I] {
	return sheetCol[I]{key: key,
		get: func(n *sheetRefs, _ int64, in *I) any { return n.label(set, *p(in)) },
		set: func(ix *importer, in *I, v string, _ rowCells) string { return ix.cellEnum(p(in), v, set, codes) }}
}

func boolCol[I any](key string, p func(*I) *bool) sheetCol[I] {
	return sheetCol[I]{key: key,
		get: func(n *sheetRefs, _ int64, in *I) any { return boolLabel(n.lang, *p(in)) },
		set: func(ix *importer, in *I, v string, _ rowCells) string { return ix.cellBool(p(in), v) }}
}

func dateCol[I any](key string, p func(*I) **Date) sheetCol[I] {
	return sheetCol[I]{key: key,
		get: func(_ *sheetRefs, _ int64, in *I) any { return dateCell(*p(in)) },
		set: func(ix *importer, in *I, v string, _ rowCells) string { return ix.cellDate(p(in), v) }}
}

func moneyCol[I any](key string, p func(*I) *float64) sheetCol[I] {
	return sheetCol[I]{key: key,
		get: func(_ *sheetRefs, _ int64, in *I) any { return *p(in) },
		set: func(ix *importer, in *I, v string, _ rowCells) string { return ix.cellMoney(p(in), v) }}
}

// refCol is a required reference written as the other record's key.
func refCol[I any](key, table string, p func(*I) *int64) sheetCol[I] {
	return sheetCol[I]{key: key, aliases: []string{strings.TrimSuffix(key, "_id"), strings.TrimSuffix(key, "_id") + "_code"},
		get: func(n *sheetRefs, _ int64, in *I) any { id := *p(in); return n.name(table, &id) },
		set: func(ix *importer, in *I, v string, _ rowCells) string { return ix.refCell(p(in), table, v) }}
}

// optRefCol is an optional reference.
func optRefCol[I any](key, table string, p func(*I) **int64) sheetCol[I] {
	return sheetCol[I]{key: key, aliases: []string{strings.TrimSuffix(key, "_id"), strings.TrimSuffix(key, "_id") + "_code"},
		get: func(n *sheetRefs, _ int64, in *I) any { return n.name(table, *p(in)) },
		set: func(ix *importer, in *I, v string, _ rowCells) string { return ix.optRefCell(p(in), table, v) }}
}

var unitSheet = fromResource(units, unitList, func(u Unit) int64 { return u.ID }, false, &sheetKind[Unit, UnitInput]{
	name: "units", entity: "unit", action: "unit.write", keyCols: []string{"code"}, reads: []string{"unit"},
	defaults: DefaultUnitInput, validate: (*UnitInput).Validate,
	cols: []sheetCol[UnitInput]{
		textCol("code", func(in *UnitInput) *string { return &in.Code }),
		textCol("name", func(in *UnitInput) *string { return &in.Name }),
		enumCol("kind", "unit_kind", UnitKinds, func(in *UnitInput) *string { return &in.Kind }),
	},
	keys: func(_ *importer, in *UnitInput) []string { return one(fold.Key(in.Code)) },
	existing: func(ix *importer) (map[string]int64, error) {
		return existingKeys(ix, "SELECT id, code AS a, '' AS b, '' AS c FROM units", "units",
			func(r keyRow) []string { return one(fold.Key(r.A)) })
	},
})

var roomSheet = fromResource(rooms, roomList, func(r Room) int64 { return r.ID }, false, &sheetKind[Room, RoomInput]{
	name: "rooms", entity: "room", action: "room.write", keyCols: []string{"name"}, reads: []string{"room", "unit"},
	defaults: DefaultRoomInput, validate: (*RoomInput).Validate,
	cols: []sheetCol[RoomInput]{
		textCol("name", func(in *RoomInput) *string { return &in.Name }),
		refCol("unit_id", "units", func(in *RoomInput) *int64 { return &in.UnitID }),
		enumCol("kind", "room_kind", RoomKinds, func(in *RoomInput) *string { return &in.Kind }),
		enumCol("status", "room_status", RoomStatuses, func(in *RoomInput) *string { return &in.Status }),
		textCol("address", func(in *RoomInput) *string { return &in.Address }),
	},
	keys: func(_ *importer, in *RoomInput) []string { return one(fold.Key(in.Name)) },
	existing: func(ix *importer) (map[string]int64, error) {
		return existingKeys(ix, "SELECT id, name AS a, '' AS b, '' AS c FROM rooms", "rooms",
			func(r keyRow) []string { return one(fold.Key(r.A)) })
	},
})

func rackKey(roomID int64, name string) []string {
	if roomID == 0 || name == "" {
		return nil
	}
	return []string{strconv.FormatInt(roomID, 10) + "\x00" + fold.Key(name)}
}

var rackSheet = fromResource(racks, rackList, func(r Rack) int64 { return r.ID }, false, &sheetKind[Rack, RackInput]{
	name: "racks", entity: "rack", action: "rack.write", keyCols: []string{"room_id", "name"},
	reads:    []string{"rack", "room", "device"},
	defaults: DefaultRackInput, validate: (*RackInput).Validate,
	cols: []sheetCol[RackInput]{
		refCol("room_id", "rooms", func(in *RackInput) *int64 { return &in.RoomID }),
		textCol("name", func(in *RackInput) *string { return &in.Name }),
		intCol("u_height", func(in *RackInput) *int { return &in.UHeight }),
	},
	keys: func(_ *importer, in *RackInput) []string { return rackKey(in.RoomID, in.Name) },
	existing: func(ix *importer) (map[string]int64, error) {
		return existingKeys(ix, "SELECT id, name AS a, CAST(room_id AS TEXT) AS b, '' AS c FROM racks", "racks",
			func(r keyRow) []string { id, _ := strconv.ParseInt(r.B, 10, 64); return rackKey(id, r.A) })
	},
})

func lineKey(carrier, circuit string) []string {
	if carrier == "" || circuit == "" {
		return nil
	}
	return []string{fold.Key(carrier) + "\x00" + fold.Key(circuit)}
}

var lineSheet = fromResource(lines, lineList, func(l Line) int64 { return l.ID }, false, &sheetKind[Line, LineInput]{
	name: "lines", entity: "line", action: "line.write", keyCols: []string{"carrier", "circuit_id"},
	reads:    []string{"line", "unit", "project"},
	defaults: DefaultLineInput, validate: (*LineInput).Validate,
	cols: []sheetCol[LineInput]{
		textCol("carrier", func(in *LineInput) *string { return &in.Carrier }),
		textCol("circuit_id", func(in *LineInput) *string { return &in.CircuitID }),
		refCol("unit_id", "units", func(in *LineInput) *int64 { return &in.UnitID }),
		optRefCol("project_id", "projects", func(in *LineInput) **int64 { return &in.ProjectID }),
		textCol("a_end", func(in *LineInput) *string { return &in.AEnd }),
		textCol("z_end", func(in *LineInput) *string { return &in.ZEnd }),
		intCol("bandwidth_mbps", func(in *LineInput) *int { return &in.BandwidthMbps }),
		moneyCol("monthly_fee", func(in *LineInput) *float64 { return &in.MonthlyFee }),
		enumCol("platform", "line_platform", LinePlatforms, func(in *LineInput) *string { return &in.Platform }),
		enumCol("status", "line_status", LineStatuses, func(in *LineInput) *string { return &in.Status }),
		dateCol("start_date", func(in *LineInput) **Date { return &in.StartDate }),
		dateCol("end_date", func(in *LineInput) **Date { return &in.EndDate }),
	},
	keys: func(_ *importer, in *LineInput) []string { return lineKey(in.Carrier, in.CircuitID) },
	existing: func(ix *importer) (map[string]int64, error) {
		return existingKeys(ix, "SELECT id, carrier AS a, circuit_id AS b, '' AS c FROM lines", "lines",
			func(r keyRow) []string { return lineKey(r.A, r.B) })
	},
})

var projectSheet = fromResource(projects, projectList, func(p Project) int64 { return p.ID }, true, &sheetKind[Project, ProjectInput]{
	name: "projects", entity: "project", action: "project.write", keyCols: []string{"code"},
	reads:    []string{"project", "unit"},
	defaults: DefaultProjectInput, validate: (*ProjectInput).Validate,
	cols: []sheetCol[ProjectInput]{
		textCol("code", func(in *ProjectInput) *string { return &in.Code }),
		textCol("name", func(in *ProjectInput) *string { return &in.Name }),
		refCol("lead_unit_id", "units", func(in *ProjectInput) *int64 { return &in.LeadUnitID }),
		{key: "unit_ids", aliases: []string{"units", "unit_codes"},
			get: func(n *sheetRefs, _ int64, in *ProjectInput) any { return n.refNames("units", in.UnitIDs) },
			set: func(ix *importer, in *ProjectInput, v string, _ rowCells) string {
				return ix.refList(&in.UnitIDs, "units", v)
			}},
		enumCol("category", "project_category", ProjectCategories, func(in *ProjectInput) *string { return &in.Category }),
		enumCol("funding_source", "funding_source", FundingSources, func(in *ProjectInput) *string { return &in.FundingSource }),
		boolCol("classified", func(in *ProjectInput) *bool { return &in.Classified }),
		intCol("plan_year", func(in *ProjectInput) *int { return &in.PlanYear }),
		moneyCol("budget", func(in *ProjectInput) *float64 { return &in.Budget }),
		textCol("supervisor", func(in *ProjectInput) *string { return &in.Supervisor }),
		dateCol("trial_run_end", func(in *ProjectInput) **Date { return &in.TrialRunEnd }),
		// The lifecycle step is shown, not imported: only a step changes it.
		{key: "status", get: func(n *sheetRefs, _ int64, _ *ProjectInput) any {
			p, _ := n.rec.(Project)
			return n.label("project_status", p.Status)
		}},
	},
	keys: func(_ *importer, in *ProjectInput) []string { return one(fold.Key(in.Code)) },
	existing: func(ix *importer) (map[string]int64, error) {
		return existingKeys(ix, "SELECT id, code AS a, '' AS b, '' AS c FROM projects", "projects",
			func(r keyRow) []string { return one(fold.Key(r.A)) })
	},
})

func withLabel[I any](c sheetCol[I], label string) sheetCol[I] {
	c.label = label
	return c
}

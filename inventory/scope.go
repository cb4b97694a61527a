package inventory

import (
	"context"
	"fmt"
	"strings"
)

// A scope rule is the SQL condition a table's rows meet to lie in a caller's
// scope, written over the table's own name; {units} stands for the list of
// the scope's unit ids. The store adds it to every read and write of a scoped
// caller (unit staff), so another unit's rows are never read: not in a page,
// not in a total, not in a report, and a get of one is ErrNotFound.
const (
	scopeUnits    = "units.id IN {units}"
	scopeRooms    = "(rooms.kind = 'central' OR rooms.unit_id IN {units})"
	scopeRacks    = "racks.room_id IN (SELECT id FROM rooms WHERE kind = 'central' OR unit_id IN {units})"
	scopeDevices  = "devices.unit_id IN {units}"
	scopeLines    = "lines.unit_id IN {units}"
	scopeProjects = "(projects.lead_unit_id IN {units} OR projects.id IN " +
		"(SELECT project_id FROM project_units WHERE unit_id IN {units}))"
	scopeFindings = "findings.unit_id IN {units}"
	// The central room and its racks are readable by every unit, but they are
	// not a unit's own: its staff may not change them.
	scopeOwnRooms = "rooms.unit_id IN {units}"
	scopeOwnRacks = "racks.room_id IN (SELECT id FROM rooms WHERE unit_id IN {units})"
	// Of a project, unit staff change only what their unit leads.
	scopeLedProjects = "projects.lead_unit_id IN {units}"
	// A rectification order belongs to the unit that answers it and to the
	// units of its project; only the answering unit responds.
	scopeRectifications = "(rectifications.unit_id IN {units} OR rectifications.project_id IN " +
		scopeProjectIDs + ")"
	scopeOwnRectifications = "rectifications.unit_id IN {units}"
	// A notice is public once published; drafts are the office's alone, and
	// only the office writes notices (the store checks the role).
	scopeNotices = "notices.status <> 'draft'"
)

// scopeRule is what a scoped caller may read of a table, and what of that
// they may change.
type scopeRule struct{ read, write string }

// scopeRules are the tables whose rows belong to units. A table without a
// rule (snmp_profiles, checks) holds no unit's records; whether a role may
// read it at all is the route table's call.
var scopeRules = map[string]scopeRule{
	"units":          {scopeUnits, scopeUnits},
	"rooms":          {scopeRooms, scopeOwnRooms},
	"racks":          {scopeRacks, scopeOwnRacks},
	"devices":        {scopeDevices, scopeDevices},
	"lines":          {scopeLines, scopeLines},
	"projects":       {scopeProjects, scopeLedProjects},
	"findings":       {scopeFindings, scopeFindings},
	"rectifications": {scopeRectifications, scopeOwnRectifications},
	"notices":        {scopeNotices, "1 = 0"},
}

// scopeAudit keeps the audit rows of the entities in scope: those that still
// exist, so the rows of a deleted entity drop out of a unit's view. The
// central room is not a unit's own, so its audit is not shown to units. Each
// kind is its own branch, entity and the ids in scope, so that both engines
// walk audit_entity_idx from the unit's few rows instead of testing every
// audit row against every kind.
var scopeAudit = "audit.id IN (" + strings.Join([]string{
	auditOf("unit", "{units}"),
	auditOf("room", "(SELECT id FROM rooms WHERE unit_id IN {units})"),
	auditOf("rack", "(SELECT r.id FROM racks r JOIN rooms m ON m.id = r.room_id WHERE m.unit_id IN {units})"),
	auditOf("device", "(SELECT id FROM devices WHERE unit_id IN {units})"),
	auditOf("line", "(SELECT id FROM lines WHERE unit_id IN {units})"),
	auditOf("finding", "(SELECT id FROM findings WHERE unit_id IN {units})"),
	auditOf("project", scopeProjectIDs),
	auditOf("project_document", "(SELECT id FROM project_documents WHERE project_id IN "+scopeProjectIDs+")"),
	auditOf("evaluation", "(SELECT id FROM evaluations WHERE project_id IN "+scopeProjectIDs+")"),
	auditOf("spec_item", "(SELECT id FROM spec_items WHERE project_id IN "+scopeProjectIDs+")"),
	auditOf("spec_revision", "(SELECT id FROM spec_revisions WHERE project_id IN "+scopeProjectIDs+")"),
	auditOf("project_procurement", "(SELECT id FROM project_procurements WHERE project_id IN "+scopeProjectIDs+")"),
	auditOf("project_amendment", "(SELECT id FROM project_amendments WHERE project_id IN "+scopeProjectIDs+")"),
	auditOf("rectification", "(SELECT id FROM rectifications WHERE unit_id IN {units} OR project_id IN "+scopeProjectIDs+")"),
	auditOf("notice", "(SELECT id FROM notices WHERE status <> 'draft')"),
}, "\n\tUNION ALL ") + ")"

// auditOf selects the audit rows of entity whose ids are in ids.
func auditOf(entity, ids string) string {
	return "SELECT a.id FROM audit a WHERE a.entity = '" + entity + "' AND a.entity_id IN " + ids
}

// scopeProjectIDs are the ids of the projects in scope.
const scopeProjectIDs = `(SELECT id FROM projects WHERE lead_unit_id IN {units}
		UNION SELECT project_id FROM project_units WHERE unit_id IN {units})`

// scopeSQL fills a scope rule in for the caller of ctx: "" and no arguments
// for a caller who sees everything (or a rule of ""), else the condition and
// its arguments.
func scopeSQL(ctx context.Context, rule string) (string, []any) {
	sc := CallerOf(ctx).Scope()
	if sc.All || rule == "" {
		return "", nil
	}
	ids := sc.Units
	if len(ids) == 0 {
		ids = []int64{0} // a unit's staff without a unit see nothing
	}
	list := "(?" + strings.Repeat(", ?", len(ids)-1) + ")"
	n := strings.Count(rule, "{units}")
	args := make([]any, 0, n*len(ids))
	for range n {
		for _, id := range ids {
			args = append(args, id)
		}
	}
	return strings.ReplaceAll(rule, "{units}", list), args
}

// andScope appends the caller's scope condition to a query that ends in a
// WHERE clause (or in none, when where is false).
func andScope(ctx context.Context, query string, args []any, rule string, where bool) (string, []any) {
	cond, sargs := scopeSQL(ctx, rule)
	if cond == "" {
		return query, args
	}
	if where {
		return query + " AND " + cond, append(args, sargs...)
	}
	return query + " WHERE " + cond, append(args, sargs...)
}

// andScopeIn appends "AND col IN (the ids of table in scope)" to a query that
// ends in a WHERE clause, for queries that join or alias the table.
func andScopeIn(ctx context.Context, query string, args []any, col, table string) (string, []any) {
	rule := scopeRules[table].read
	cond, sargs := scopeSQL(ctx, rule)
	if cond == "" {
		return query, args
	}
	return query + " AND " + col + " IN (SELECT " + table + ".id FROM " + table + " WHERE " + cond + ")",
		append(args, sargs...)
}

// inScope reports whether the row id of table is in the caller's scope for
// reading (write false) or changing (write true). Tables without a rule are
// in every scope.
func inScope(ctx context.Context, q querier, table string, id int64, write bool) (bool, error) {
	r, ok := scopeRules[table]
	if !ok || CallerOf(ctx).Scope().All {
		return true, nil
	}
	rule := r.read
	if write {
		rule = r.write
	}
	query, args := andScope(ctx, "SELECT 1 FROM "+table+" WHERE "+table+".id = ?", []any{id}, rule, true)
	ok, err := exists(ctx, q, query, args...)
	if err != nil {
		return false, dbErr(err, "check scope of "+strings.TrimSuffix(table, "s"))
	}
	return ok, nil
}

// visible returns ErrNotFound, as for a row that does not exist, when the
// row is outside the caller's scope.
func visible(ctx context.Context, q querier, table string, id int64) error {
	ok, err := inScope(ctx, q, table, id, false)
	if err != nil {
		return err
	}
	if !ok {
		return fmt.Errorf("inventory: %s %d: %w", strings.TrimSuffix(table, "s"), id, ErrNotFound)
	}
	return nil
}

// mayChange refuses a write to a row the caller may read but not change: the
// central room and its racks, a project their unit only takes part in.
func mayChange(tx *txn, table string, id int64) error {
	ok, err := inScope(tx.ctx, tx, table, id, true)
	if err != nil || ok {
		return err
	}
	return forbidden("err.scope.not_your_unit", M("err.entity."+strings.TrimSuffix(table, "s")), id)
}

// noun names a table's entity in Chinese.
func noun(table string) string {
	switch table {
	case "rooms":
		return "机房"
	case "racks":
		return "机柜"
	case "projects":
		return "项目"
	case "units":
		return "单位"
	case "devices":
		return "设备"
	case "lines":
		return "专线"
	case "findings":
		return "问题"
	case "rectifications":
		return "整改通知"
	case "notices":
		return "通报"
	}
	return table
}

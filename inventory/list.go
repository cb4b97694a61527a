package inventory

import (
	"context"
	"fmt"
	"maps"
	"sort"
	"strconv"
	"strings"
)

// Paging limits of every list.
const (
	DefaultLimit = 50
	MaxLimit     = 1000
)

// ListParams select a page of a collection: equality filters by field name
// (the JSON name, e.g. "unit_id", "status"), q for a substring search, and the
// page.
type ListParams struct {
	Limit   int
	Offset  int
	Q       string
	Filters map[string]string
}

type filterKind int

const (
	filterID   filterKind = iota // a positive id; with nullable, "null" matches rows without one
	filterEnum                   // one of the allowed values
	filterBool                   // true or false
	filterText                   // exact text
	filterInt                    // an integer
)

type filter struct {
	col     string
	kind    filterKind
	allowed []string // filterEnum
	// nullable lets filterID take "null" for rows without the reference.
	nullable bool
	// expr, when set, is the whole condition; each ? in it takes the value.
	expr string
}

// listSpec describes how a collection is filtered and searched.
type listSpec struct {
	filters map[string]filter
	search  []string // columns that q searches, case-insensitively
	// params are further query parameters the list takes that are not
	// filters (e.g. lang); the caller takes them out before where.
	params []string
	// scope is the scope rule (scope.go) of the listed rows; "" for a list
	// that holds no unit's records.
	scope string
}

// where builds the WHERE clause (with ? placeholders) for p, or a
// *ValidationError naming the bad parameter.
func (ls listSpec) where(p *ListParams) (string, []any, error) {
	ve := &ValidationError{}
	if p.Limit == 0 {
		p.Limit = DefaultLimit
	}
	if p.Limit < 1 || p.Limit > MaxLimit {
		ve.Add("limit", "err.list.limit.between", MaxLimit)
	}
	if p.Offset < 0 {
		ve.Add("offset", "err.eligibility.grace_days.more")
	}
	var conds []string
	var args []any
	names := make([]string, 0, len(p.Filters))
	for name := range p.Filters {
		names = append(names, name)
	}
	sort.Strings(names) // stable SQL text for the same filters
	for _, name := range names {
		val := p.Filters[name]
		f, ok := ls.filters[name]
		if !ok {
			ve.Add(name, "err.list.field.unknown_filter_this", strings.Join(ls.paramNames(), ", "))
			continue
		}
		cond, arg, msg := f.cond(val)
		if msg != nil {
			ve.AddMsg(name, *msg)
			continue
		}
		if f.expr != "" && arg != nil {
			cond = f.expr
			for range strings.Count(f.expr, "?") {
				args = append(args, arg)
			}
		} else if arg != nil {
			args = append(args, arg)
		}
		conds = append(conds, cond)
	}
	if strings.TrimSpace(p.Q) != "" && len(ls.search) == 0 {
		ve.AddMsg("q", ls.noSearch())
	}
	if key := badText(p.Q); key != "" {
		ve.Add("q", key)
	}
	if q := strings.TrimSpace(p.Q); q != "" && len(ls.search) > 0 {
		pattern := "%" + escapeLike(strings.ToLower(q)) + "%"
		var ors []string
		for _, c := range ls.search {
			ors = append(ors, "LOWER("+c+") LIKE ? ESCAPE '\\'")
			args = append(args, pattern)
		}
		conds = append(conds, "("+strings.Join(ors, " OR ")+")")
	}
	if err := ve.Err(); err != nil {
		return "", nil, err
	}
	if len(conds) == 0 {
		return "", nil, nil
	}
	return " WHERE " + strings.Join(conds, " AND "), args, nil
}

// paramNames are all the query parameters the list takes.
func (ls listSpec) paramNames() []string {
	names := []string{"limit", "offset"}
	if len(ls.search) > 0 {
		names = append(names, "q")
	}
	names = append(names, ls.params...)
	return append(names, ls.filterNames()...)
}

// noSearch says that the list has no text search, and what it takes instead.
func (ls listSpec) noSearch() Msg {
	names := ls.filterNames()
	if len(names) == 0 {
		return M("err.list.no_search_no_filters")
	}
	return M("err.list.no_search", strings.Join(names, ", "))
}

func (ls listSpec) filterNames() []string {
	names := make([]string, 0, len(ls.filters))
	for n := range ls.filters {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// cond returns the condition for one filter value, or a message for the user.
func (f filter) cond(val string) (string, any, *Msg) {
	switch f.kind {
	case filterID:
		if val == "null" && f.nullable {
			return f.col + " IS NULL", nil, nil
		}
		id, err := strconv.ParseInt(val, 10, 64)
		if err != nil || id < 1 {
			if f.nullable {
				return "", nil, bad("err.list.id_or_null", val)
			}
			return "", nil, bad("err.reports.field.positive_integer_id", val)
		}
		return f.col + " = ?", id, nil
	case filterEnum:
		for _, a := range f.allowed {
			if a == val {
				return f.col + " = ?", val, nil
			}
		}
		return "", nil, bad("err.finding.lang.one", strings.Join(f.allowed, ", "), val)
	case filterBool:
		b, err := strconv.ParseBool(val)
		if err != nil {
			return "", nil, bad("err.list.bool", val)
		}
		return f.col + " = ?", b, nil
	case filterInt:
		n, err := strconv.ParseInt(val, 10, 32)
		if err != nil {
			return "", nil, bad("err.list.int", val)
		}
		return f.col + " = ?", n, nil
	}
	if key := badText(val); key != "" {
		return "", nil, bad(key)
	}
	return f.col + " = ?", val, nil
}

// bad is a message for cond.
func bad(key string, args ...any) *Msg {
	m := M(key, args...)
	return &m
}

func escapeLike(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return r.Replace(s)
}

// page appends ORDER BY and the page to a query.
func page(query, order string, p ListParams) string {
	return fmt.Sprintf("%s ORDER BY %s LIMIT %d OFFSET %d", query, order, p.Limit, p.Offset)
}

// list runs the count and the page of a collection query. selectSQL is
// "SELECT cols FROM t" and countSQL "SELECT COUNT(*) FROM t"; both get the same
// WHERE clause.
func list[T any](s *Store, ctx context.Context, ls listSpec, p ListParams, selectSQL, countSQL, order string) ([]T, int, error) {
	where, args, err := ls.where(&p)
	if err != nil {
		return nil, 0, err
	}
	where, args = andScope(ctx, where, args, ls.scope, where != "")
	var total int
	if err := s.db.GetContext(ctx, &total, s.db.Rebind(countSQL+where), args...); err != nil {
		return nil, 0, err
	}
	items := []T{}
	if total > p.Offset {
		if err := s.db.SelectContext(ctx, &items, s.db.Rebind(page(selectSQL+where, order, p)), args...); err != nil {
			return nil, 0, err
		}
	}
	return items, total, nil
}

// cloneFilters copies a list's filters, never nil, so a list may add or
// remove some without touching the caller's.
func cloneFilters(m map[string]string) map[string]string {
	if m == nil {
		return map[string]string{}
	}
	return maps.Clone(m)
}

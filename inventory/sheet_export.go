package inventory

import (
	"context"
	"strings"

	"hostroll/locale"
	"hostroll/sheet"
)

// The lists that export take format and lang besides their filters; the web
// takes both out before the list is read.
func init() {
	for _, ls := range []*listSpec{&unitList, &roomList, &rackList, &deviceList, &lineList, &projectList} {
		ls.params = append(ls.params, "format", "lang")
	}
}

// exportBatch is how many rows an export reads at a time.
const exportBatch = 1000

// exportRows streams the rows of r that match p, in id order, a batch at a
// time (keyset paging, so no cursor stays open while a slow client reads).
func exportRows[T any, I any](ctx context.Context, s *Store, r *resource[T, I], ls listSpec, p ListParams,
	id func(T) int64, load bool, each func(T) error) error {
	p.Limit, p.Offset = 1, 0
	where, args, err := ls.where(&p)
	if err != nil {
		return err
	}
	rule := ls.scope
	if rule == "" {
		rule = scopeRules[r.table].read
	}
	for last := int64(0); ; {
		query := "SELECT " + r.cols + " FROM " + r.table + " WHERE " + r.table + ".id > ?"
		qargs := append([]any{last}, args...)
		if cond := strings.TrimPrefix(where, " WHERE "); cond != "" {
			query += " AND " + cond
		}
		query, qargs = andScope(ctx, query, qargs, rule, true)
		var items []T
		err := s.db.SelectContext(ctx, &items, s.db.Rebind(query+" ORDER BY "+r.table+".id LIMIT 1000"), qargs...)
		if err != nil {
			return dbErr(err, "export "+r.entity+"s")
		}
		if load && r.load != nil && len(items) > 0 {
			if err := r.load(ctx, s.db, items); err != nil {
				return err
			}
		}
		for _, it := range items {
			if err := each(it); err != nil {
				return err
			}
		}
		if len(items) < exportBatch {
			return nil
		}
		last = id(items[len(items)-1])
	}
}

// exportTo writes the records matching p as a sheet: the header, then a row
// per record, with labels in lang and references as natural keys, so that
// the file imports again.
func (k *sheetKind[T, I]) exportTo(ctx context.Context, s *Store, p ListParams, lang string,
	open func(opt sheet.Options) (sheet.Writer, error)) error {
	n := newSheetRefs(ctx, s.db)
	n.lang = lang
	w, err := open(sheet.Options{Header: k.header(lang), Sheet: locale.T(lang, "sheet.kind."+k.name)})
	if err != nil {
		return err
	}
	cells := make([]any, 0, len(k.cols)+1)
	err = k.export(ctx, s, p, func(rec T) error {
		in := k.input(rec)
		id := k.id(rec)
		n.rec = rec
		cells = append(cells[:0], id)
		for _, c := range k.cols {
			cells = append(cells, c.get(n, id, &in))
		}
		return w.Row(cells...)
	})
	if err != nil {
		return err
	}
	return w.Close()
}

// ExportParams checks an export's kind and filters before anything is
// written, so a bad request is answered with an error rather than a broken
// file.
func (s *Store) ExportParams(ctx context.Context, kind string, p ListParams) error {
	if _, ok := sheetKindOf(kind); !ok {
		return Invalid("kind", "sheet.kind.unknown", strings.Join(SheetKinds, ", "))
	}
	if kind == "spec-items" {
		for name := range p.Filters {
			if name != "project_id" {
				return Invalid(name, "sheet.export.spec_filter")
			}
		}
		return nil
	}
	p.Limit, p.Offset = 1, 0
	_, _, err := sheetListSpec(kind).where(&p)
	return err
}

func sheetListSpec(kind string) listSpec {
	switch kind {
	case "units":
		return unitList
	case "rooms":
		return roomList
	case "racks":
		return rackList
	case "devices":
		return deviceList
	case "lines":
		return lineList
	case "projects":
		return projectList
	}
	return listSpec{}
}

// Export writes every record of kind that matches p and the caller may
// see, as one sheet that open starts (CSV or XLSX), headed and labelled in
// lang.
func (s *Store) Export(ctx context.Context, kind string, p ListParams, lang string,
	open func(opt sheet.Options) (sheet.Writer, error)) error {
	if err := s.ExportParams(ctx, kind, p); err != nil {
		return err
	}
	k, _ := sheetKindOf(kind)
	return k.exportTo(ctx, s, p, lang, open)
}

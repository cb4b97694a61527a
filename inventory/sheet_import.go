package inventory

import (
	"errors"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"hostroll/fold"
	"hostroll/locale"
	"hostroll/sheet"
)

// rowCells are a row's cells by column key, for the columns the file has.
type rowCells map[string]string

// layout maps the file's columns to the kind's.
type layout struct {
	at     map[string]int // column key (and "id") → index in the file's row
	header []string
}

func (l layout) cells(r sheet.Row) rowCells {
	out := make(rowCells, len(l.at))
	for key, i := range l.at {
		out[key] = r.Cell(i)
	}
	return out
}

// headerKey is how headers compare: folded, without spaces, full-width
// brackets as half-width.
func headerKey(s string) string {
	s = strings.NewReplacer(" ", "", "\u3000", "", "（", "(", "）", ")", "_", "", "-", "").Replace(fold.Key(s))
	return s
}

// layout reads the header row: each header is a column's key, alias or
// label in either language. A header twice, or no way to find the rows'
// records (neither id nor the natural key), refuses the file.
func (k *sheetKind[T, I]) layout(ix *importer, header []string) (layout, error) {
	names := map[string]string{}
	add := func(key string, texts ...string) {
		for _, t := range texts {
			if t != "" {
				names[headerKey(t)] = key
			}
		}
	}
	for _, lang := range locale.Langs {
		add("id", "id", locale.Field(lang, k.entity, "id"))
	}
	for _, c := range k.cols {
		add(c.key, append([]string{c.key, k.label(locale.ZH, c), k.label(locale.EN, c)}, c.aliases...)...)
	}
	lay := layout{at: map[string]int{}, header: header}
	ve := &ValidationError{}
	for i, h := range header {
		key, ok := names[headerKey(h)]
		switch {
		case h == "":
		case !ok:
			ix.res.Ignored = append(ix.res.Ignored, h)
		default:
			if _, dup := lay.at[key]; dup {
				ve.Add("file", "sheet.header.twice", h)
				continue
			}
			lay.at[key] = i
		}
	}
	if _, ok := lay.at["id"]; !ok {
		for _, key := range k.keyCols {
			if _, ok := lay.at[key]; !ok {
				ve.Add("file", "sheet.header.no_key", k.colLabel(ix.lang, key))
				break
			}
		}
	}
	return lay, ve.Err()
}

func (k *sheetKind[T, I]) colLabel(lang, key string) string {
	for _, c := range k.cols {
		if c.key == key {
			return k.label(lang, c)
		}
	}
	return key
}

// where names the column of a field (or of a column key) in the file.
func (k *sheetKind[T, I]) where(lang string, lay layout, field string) colRef {
	if field == "id" {
		return lay.ref("id", field, locale.Field(lang, k.entity, "id"))
	}
	for _, c := range k.cols {
		if field == c.key {
			return lay.ref(c.key, field, k.label(lang, c))
		}
	}
	for _, c := range k.cols {
		f := c.fieldName()
		if field == f || strings.HasPrefix(field, f+".") || strings.HasPrefix(field, f+"[") {
			return lay.ref(c.key, field, k.label(lang, c))
		}
	}
	return colRef{field: field}
}

func (l layout) ref(key, field, label string) colRef {
	r := colRef{field: field, header: label}
	if i, ok := l.at[key]; ok {
		r.letter = sheet.ColumnName(i)
		if i < len(l.header) {
			r.header = l.header[i]
		}
	}
	return r
}

// run imports every row of the table in file order.
func (k *sheetKind[T, I]) run(ix *importer, tab *sheet.Table) error {
	lay, err := k.layout(ix, tab.Header)
	if err != nil {
		return err
	}
	existing, err := k.existing(ix)
	if err != nil {
		return err
	}
	seen := map[string]int{} // natural key → the row that had it first
	for _, row := range tab.Rows {
		if err := ix.tx.ctx.Err(); err != nil {
			return err
		}
		k.runRow(ix, lay, existing, seen, row)
		if ix.fatal != nil {
			return ix.fatal
		}
		if !ix.tx.dry && ix.res.Counts.Error > 0 {
			return nil // an apply stops at its first failing row
		}
	}
	return nil
}

type rowErr struct {
	key, msg string // column key (or field) and message
}

// apply reads the row's cells onto in.
func (k *sheetKind[T, I]) apply(ix *importer, in *I, cells rowCells) []rowErr {
	var errs []rowErr
	for _, c := range k.cols {
		v, ok := cells[c.key]
		if !ok || c.set == nil {
			continue
		}
		if msg := c.set(ix, in, v, cells); msg != "" {
			errs = append(errs, rowErr{c.key, msg})
		}
	}
	return errs
}

func (k *sheetKind[T, I]) runRow(ix *importer, lay layout, existing map[string]int64, seen map[string]int, row sheet.Row) {
	cells := lay.cells(row)
	in := k.defaults()
	errs := k.apply(ix, &in, cells)
	keys := k.keys(ix, &in)
	out := ImportRow{Row: row.Num, Action: ActionCreate, Key: k.keyText(cells)}
	fail := func(errs []rowErr) {
		for _, e := range errs {
			ix.addError(row.Num, k.where(ix.lang, lay, e.key), e.msg)
		}
		out.Action = ActionError
		ix.addRow(out)
	}
	target, msg := k.target(ix, cells, keys, existing)
	var base I
	if target > 0 {
		// The row's cells go onto the stored record: columns the file
		// lacks keep their values.
		old, err := k.get(ix.tx, target)
		if err != nil {
			fail(ix.errorsOf(err, "id"))
			return
		}
		base, in = k.input(old), k.input(old)
		errs = k.apply(ix, &in, cells)
		out.Action, out.ID = ActionUpdate, target
	}
	if msg != "" {
		errs = append(errs, rowErr{k.targetCol(cells), msg})
	}
	for _, key := range keys {
		if first, dup := seen[key]; dup {
			errs = append(errs, rowErr{k.keyCols[len(k.keyCols)-1], locale.T(ix.lang, "sheet.row.duplicate", first)})
			break
		}
	}
	for _, key := range keys {
		seen[key] = row.Num
	}
	if len(errs) > 0 || ix.fatal != nil {
		fail(k.alsoInvalid(ix, lay, in, errs))
		return
	}
	if target > 0 && k.same(base, in) {
		out.Action = ActionUnchanged
		ix.addRow(out)
		return
	}
	id, err := k.write(ix, target, &in)
	if err != nil {
		if ix.fatal == nil {
			fail(ix.errorsOf(err, ""))
		}
		return
	}
	out.ID = id
	for _, key := range k.keys(ix, &in) {
		existing[key] = id
	}
	ix.addRow(out)
}

// alsoInvalid adds to a row's cell errors what validation finds in the
// other columns, so a row's every problem is told at once.
func (k *sheetKind[T, I]) alsoInvalid(ix *importer, lay layout, in I, errs []rowErr) []rowErr {
	bad := map[string]bool{}
	for _, e := range errs {
		bad[k.where(ix.lang, lay, e.key).header] = true
	}
	var ve *ValidationError
	if !errors.As(k.validate(&in), &ve) {
		return errs
	}
	fields := ve.FieldsIn(ix.lang)
	for _, f := range sortedKeys(fields) {
		if at := k.where(ix.lang, lay, f); at.letter != "" && !bad[at.header] {
			errs = append(errs, rowErr{f, fields[f]})
		}
	}
	return errs
}

// same reports whether the row changes nothing: both inputs normalised as
// a write would, then compared.
func (k *sheetKind[T, I]) same(base, in I) bool {
	_ = k.validate(&base)
	_ = k.validate(&in)
	return reflect.DeepEqual(base, in)
}

// write creates (target 0) or updates the row's record. A preview writes
// each row under a savepoint, so a row that fails leaves nothing behind and
// the rows after it go on; an apply stops at the first failure. The
// savepoint is set once and set again after each row that stands, in the
// same round trip as its release.
func (k *sheetKind[T, I]) write(ix *importer, target int64, in *I) (int64, error) {
	tx := ix.tx
	if tx.dry && !ix.savepoint {
		if err := tx.exec("SAVEPOINT sheet_row"); err != nil {
			ix.fatal = dbErr(err, "savepoint")
			return 0, ix.fatal
		}
		ix.savepoint = true
	}
	id := target
	var err error
	if target == 0 {
		var out T
		out, err = k.create(tx, in)
		id = k.id(out)
		if tx.dry {
			id = tx.lastID
		}
	} else {
		err = k.update(tx, target, *in)
	}
	if !tx.dry {
		return id, err
	}
	next := "RELEASE SAVEPOINT sheet_row; SAVEPOINT sheet_row"
	if err != nil {
		next = "ROLLBACK TO SAVEPOINT sheet_row"
	}
	if xerr := tx.exec(next); xerr != nil {
		ix.fatal = dbErr(xerr, "savepoint")
		return 0, ix.fatal
	}
	return id, err
}

// target is the record a row updates: the one its id names, else the one
// its natural key finds; 0 to create one.
func (k *sheetKind[T, I]) target(ix *importer, cells rowCells, keys []string, existing map[string]int64) (int64, string) {
	if v := cells["id"]; v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id < 1 {
			return 0, locale.T(ix.lang, "sheet.cell.not_id", v)
		}
		return id, ""
	}
	for _, key := range keys {
		if id, ok := existing[key]; ok {
			if id < 0 {
				return 0, locale.T(ix.lang, "sheet.row.ambiguous")
			}
			return id, ""
		}
	}
	return 0, ""
}

func (k *sheetKind[T, I]) targetCol(cells rowCells) string {
	if cells["id"] != "" {
		return "id"
	}
	return k.keyCols[0]
}

// keyText is the row's natural key as written, for the preview.
func (k *sheetKind[T, I]) keyText(cells rowCells) string {
	var parts []string
	for _, key := range k.keyCols {
		if v := cells[key]; v != "" {
			parts = append(parts, v)
		}
	}
	if len(parts) == 0 && cells["id"] != "" {
		return "#" + cells["id"]
	}
	return strings.Join(parts, " / ")
}

// errorsOf turns a write's error into messages by field, in the import's
// language. An error that is not the row's fault stops the import.
func (ix *importer) errorsOf(err error, field string) []rowErr {
	var (
		ve *ValidationError
		ce *ConflictError
		fe *ForbiddenError
	)
	switch {
	case errors.As(err, &ve):
		fields := ve.FieldsIn(ix.lang)
		out := make([]rowErr, 0, len(fields))
		for _, f := range sortedKeys(fields) {
			out = append(out, rowErr{f, fields[f]})
		}
		return out
	case errors.As(err, &ce):
		out := []rowErr{{ce.Field, ce.Text(ix.lang)}}
		for _, f := range sortedKeys(ce.Fields) {
			if f != ce.Field {
				out = append(out, rowErr{f, ce.Fields[f]})
			}
		}
		return out
	case errors.As(err, &fe):
		return []rowErr{{field, fe.Text(ix.lang)}}
	case errors.Is(err, ErrNotFound):
		return []rowErr{{field, locale.T(ix.lang, "sheet.row.not_found")}}
	}
	ix.fatal = err
	return nil
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

package inventory

import (
	"context"

	"hostroll/locale"
	"hostroll/sheet"
)

// sheetCol is one column of a kind's spreadsheet: how it is headed, read
// into an input and written from one.
type sheetCol[I any] struct {
	key   string // the header as a field key; also the field its errors name unless field is set
	field string
	// label is the catalog key of the header; "field.<entity>.<key>" when empty.
	label   string
	aliases []string // further headers accepted (field keys only)
	// get is the exported cell; set reads a cell (row gives the row's other
	// cells, by column key). set is nil for a column that is exported only.
	get func(n *sheetRefs, id int64, in *I) any
	set func(ix *importer, in *I, v string, row rowCells) string
}

func (c sheetCol[I]) fieldName() string {
	if c.field != "" {
		return c.field
	}
	return c.key
}

// sheetKind is one kind of record a spreadsheet imports and exports. T is
// the record, I its input (as the API reads it).
type sheetKind[T any, I any] struct {
	name    string // "devices": the kind in the API and the CLI
	entity  string // "device": field labels, audit
	action  string // the access action that writes it
	cols    []sheetCol[I]
	keyCols []string // the columns of the natural key
	// reads are the audit entities whose changes make a preview stale.
	reads []string

	defaults func() I
	validate func(*I) error
	input    func(T) I
	id       func(T) int64
	get      func(tx *txn, id int64) (T, error)
	create   func(tx *txn, in *I) (T, error)
	update   func(tx *txn, id int64, in I) error
	// keys are the natural keys of an input (folded), most specific first;
	// none when its key columns are empty.
	keys func(ix *importer, in *I) []string
	// existing maps the natural keys of the rows in the caller's scope to
	// their ids (-1: several rows share the key).
	existing func(ix *importer) (map[string]int64, error)
	// export streams the records matching p in id order.
	export func(ctx context.Context, s *Store, p ListParams, each func(T) error) error
}

// sheetKinds is implemented by every *sheetKind, whatever its types.
type anyKind interface {
	kindName() string
	writeAction() string
	readEntities() []string
	run(ix *importer, tab *sheet.Table) error
	exportTo(ctx context.Context, s *Store, p ListParams, lang string, w func(opt sheet.Options) (sheet.Writer, error)) error
	header(lang string) []string
}

func (k *sheetKind[T, I]) kindName() string       { return k.name }
func (k *sheetKind[T, I]) writeAction() string    { return k.action }
func (k *sheetKind[T, I]) readEntities() []string { return k.reads }

// label is a column's header in lang.
func (k *sheetKind[T, I]) label(lang string, c sheetCol[I]) string {
	if c.label != "" {
		return locale.T(lang, c.label)
	}
	return locale.Field(lang, k.entity, c.key)
}

// header is the exported header row: id first, then every column.
func (k *sheetKind[T, I]) header(lang string) []string {
	h := []string{locale.Field(lang, k.entity, "id")}
	for _, c := range k.cols {
		h = append(h, k.label(lang, c))
	}
	return h
}

// SheetKinds lists the kinds a spreadsheet imports and exports, in the order
// they depend on each other.
var SheetKinds = []string{"units", "rooms", "racks", "projects", "spec-items", "devices", "lines"}

func sheetKindOf(name string) (anyKind, bool) {
	switch name {
	case "units":
		return unitSheet, true
	case "rooms":
		return roomSheet, true
	case "racks":
		return rackSheet, true
	case "devices":
		return deviceSheet, true
	case "lines":
		return lineSheet, true
	case "projects":
		return projectSheet, true
	case "spec-items":
		return specItemSheet, true
	}
	return nil, false
}

// SheetWriteAction is the access action an import of kind needs, "" for an
// unknown kind.
func SheetWriteAction(kind string) string {
	if k, ok := sheetKindOf(kind); ok {
		return k.writeAction()
	}
	return ""
}

// SheetReadAction is the access action an export of kind needs.
func SheetReadAction(kind string) string {
	switch kind {
	case "spec-items":
		return "project.read"
	case "":
		return ""
	}
	if _, ok := sheetKindOf(kind); !ok {
		return ""
	}
	return kindEntity(kind) + ".read"
}

func kindEntity(kind string) string {
	switch kind {
	case "units":
		return "unit"
	case "rooms":
		return "room"
	case "racks":
		return "rack"
	case "devices":
		return "device"
	case "lines":
		return "line"
	case "projects":
		return "project"
	}
	return "spec"
}

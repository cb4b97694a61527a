package inventory

import "github.com/jmoiron/sqlx"

// Row actions of an import.
const (
	ActionCreate    = "create"
	ActionUpdate    = "update"
	ActionUnchanged = "unchanged"
	ActionError     = "error"
)

// MaxListedErrors caps the error groups an import's answer lists, and the
// rows listed in one group; the totals are always given.
const MaxListedErrors = 1000

// ImportResult is what an import did, or would do, row by row.
type ImportResult struct {
	Kind   string       `json:"kind"`
	Counts ImportCounts `json:"counts"`
	Rows   []ImportRow  `json:"rows"`
	// Errors groups identical messages in one column; at most
	// MaxListedErrors groups are listed. ErrorTotal counts every error,
	// ErrorGroups every group.
	Errors      []ImportError `json:"errors"`
	ErrorTotal  int           `json:"error_total"`
	ErrorGroups int           `json:"error_groups"`
	// Ignored are the file's headers that name no column of the kind.
	Ignored []string `json:"ignored_columns"`
}

// ImportCounts counts the rows by action.
type ImportCounts struct {
	Create    int `json:"create"`
	Update    int `json:"update"`
	Unchanged int `json:"unchanged"`
	Error     int `json:"error"`
}

// ImportRow is one data row: its number in the file, what it does, the
// record it updates (or leaves as it is) and its natural key as written.
type ImportRow struct {
	Row    int    `json:"row"`
	Action string `json:"action"`
	ID     int64  `json:"id,omitempty"`
	Key    string `json:"key"`
}

// ImportError is one message in one column, and the rows that have it.
type ImportError struct {
	Column  string `json:"column"` // the spreadsheet's letter, "" for the row as a whole
	Header  string `json:"header"`
	Field   string `json:"field"`
	Message string `json:"message"`
	Rows    []int  `json:"rows"`
	Count   int    `json:"count"`
}

// importer runs the rows of one file inside one transaction.
type importer struct {
	tx    *txn
	lang  string
	refs  *sheetRefs
	res   *ImportResult
	group map[string]int // column + message → index in res.Errors, or -1 beyond the listed
	fatal error          // a database failure: the import stops
	// savepoint is set once a preview has set its savepoint.
	savepoint bool
}

func newImporter(tx *txn, kind, lang string) *importer {
	tx.memo = &txMemo{refs: map[string]bool{}, racks: map[int64]int{}, stmts: map[string]*sqlx.Stmt{}}
	return &importer{tx: tx, lang: lang, refs: newSheetRefs(tx.ctx, tx),
		res:   &ImportResult{Kind: kind, Rows: []ImportRow{}, Errors: []ImportError{}, Ignored: []string{}},
		group: map[string]int{}}
}

// colRef names where an error is: the file's column (or none) and the field.
type colRef struct {
	letter, header, field string
}

func (ix *importer) addError(row int, at colRef, msg string) {
	ix.res.ErrorTotal++
	key := at.letter + "\x00" + at.field + "\x00" + msg
	i, seen := ix.group[key]
	if !seen {
		ix.res.ErrorGroups++
		i = -1
		if len(ix.res.Errors) < MaxListedErrors {
			i = len(ix.res.Errors)
			ix.res.Errors = append(ix.res.Errors, ImportError{Column: at.letter, Header: at.header, Field: at.field,
				Message: msg, Rows: []int{}})
		}
		ix.group[key] = i
	}
	if i < 0 {
		return
	}
	g := &ix.res.Errors[i]
	g.Count++
	if len(g.Rows) < MaxListedErrors {
		g.Rows = append(g.Rows, row)
	}
}

func (ix *importer) addRow(r ImportRow) {
	ix.res.Rows = append(ix.res.Rows, r)
	switch r.Action {
	case ActionCreate:
		ix.res.Counts.Create++
	case ActionUpdate:
		ix.res.Counts.Update++
	case ActionUnchanged:
		ix.res.Counts.Unchanged++
	default:
		ix.res.Counts.Error++
	}
}

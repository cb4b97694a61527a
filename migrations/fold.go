package migrations

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/jmoiron/sqlx"

	"hostroll/fold"
)

// goSteps are the steps of a migration that SQL cannot do, run inside its
// transaction where its file says "-- hostroll:go NAME".
var goSteps = map[string]func(ctx context.Context, tx *sqlx.Tx) error{
	"fill_folded_keys": fillFoldedKeys,
}

const goStepMark = "-- hostroll:go "

// FoldedKey is one unique identifier kept in folded form: its columns (each
// stored beside as <col>_fold) and the column that scopes it, if any.
type FoldedKey struct {
	Table, Scope string
	Cols         []string
	What         string // for people: "serial per manufacturer"
}

// FoldedKeys are the identifiers that compare after folding (issue 10, item 7).
var FoldedKeys = []FoldedKey{
	{Table: "units", Cols: []string{"code"}, What: "unit code"},
	{Table: "projects", Cols: []string{"code"}, What: "project code"},
	{Table: "snmp_profiles", Cols: []string{"name"}, What: "SNMP profile name"},
	{Table: "racks", Scope: "room_id", Cols: []string{"name"}, What: "rack name in a room"},
	{Table: "devices", Cols: []string{"manufacturer", "serial"}, What: "serial per manufacturer"},
	{Table: "devices", Cols: []string{"asset_tag"}, What: "asset tag"},
	{Table: "lines", Cols: []string{"carrier", "circuit_id"}, What: "circuit id per carrier"},
}

// fillFoldedKeys writes the folded form of every existing identifier. Rows
// whose identifiers clash once folded are all named in one error, before
// anything is written, so the migration stops as a whole.
func fillFoldedKeys(ctx context.Context, tx *sqlx.Tx) error {
	var clashes []string
	updates := map[string][][]any{} // table+cols -> rows of (folds..., id)
	for _, k := range FoldedKeys {
		rows, found, err := foldTable(ctx, tx, k)
		if err != nil {
			return err
		}
		clashes = append(clashes, found...)
		updates[k.Table+"."+strings.Join(k.Cols, ",")] = rows
	}
	if n := len(clashes); n > 0 {
		const show = 50
		more := ""
		if n > show {
			more = fmt.Sprintf("; and %d more", n-show)
			clashes = clashes[:show]
		}
		return fmt.Errorf("%d identifiers clash once case, full-width characters and surrounding spaces are ignored; "+
			"nothing was changed: rename one of each and migrate again: %s%s", n, strings.Join(clashes, "; "), more)
	}
	for _, k := range FoldedKeys {
		set := make([]string, len(k.Cols))
		for i, c := range k.Cols {
			set[i] = c + "_fold = ?"
		}
		q := tx.Rebind("UPDATE " + k.Table + " SET " + strings.Join(set, ", ") + " WHERE id = ?")
		for _, args := range updates[k.Table+"."+strings.Join(k.Cols, ",")] {
			if _, err := tx.ExecContext(ctx, q, args...); err != nil {
				return fmt.Errorf("fill %s: %w", k.What, err)
			}
		}
	}
	return nil
}

// foldTable reads one identifier of every row, returns the update arguments
// and describes each clash: "devices 3 and 7: serial per manufacturer "X" / "x"".
func foldTable(ctx context.Context, tx *sqlx.Tx, k FoldedKey) ([][]any, []string, error) {
	scope := "NULL"
	if k.Scope != "" {
		scope = k.Scope
	}
	rows, err := tx.QueryContext(ctx, "SELECT id, "+scope+", "+strings.Join(k.Cols, ", ")+" FROM "+k.Table+" ORDER BY id")
	if err != nil {
		return nil, nil, fmt.Errorf("read %s: %w", k.What, err)
	}
	defer rows.Close()
	type seen struct {
		id   int64
		vals string
	}
	first := map[string]seen{}
	var updates [][]any
	var clashes []string
	for rows.Next() {
		var id int64
		var sc sql.NullInt64
		vals := make([]sql.NullString, len(k.Cols))
		dest := []any{&id, &sc}
		for i := range vals {
			dest = append(dest, &vals[i])
		}
		if err := rows.Scan(dest...); err != nil {
			return nil, nil, fmt.Errorf("read %s: %w", k.What, err)
		}
		args, key, shown := foldRow(vals)
		updates = append(updates, append(args, id))
		if key == "" {
			continue // a missing part (no serial): nothing to clash with
		}
		key = fmt.Sprint(sc.Int64, "\x00", key)
		if f, ok := first[key]; ok {
			clashes = append(clashes, fmt.Sprintf("%s %d and %d: %s %s / %s", k.Table, f.id, id, k.What, f.vals, shown))
			continue
		}
		first[key] = seen{id, shown}
	}
	return updates, clashes, rows.Err()
}

// foldRow folds one row's values: the update arguments (NULL stays NULL),
// the key to compare ("" when a part is NULL) and the values as shown.
func foldRow(vals []sql.NullString) (args []any, key, shown string) {
	parts, show := make([]string, len(vals)), make([]string, len(vals))
	for i, v := range vals {
		if !v.Valid {
			args = append(args, nil)
			key = "\x01"
			show[i] = "(none)"
			continue
		}
		parts[i] = fold.Key(v.String)
		args = append(args, parts[i])
		show[i] = fmt.Sprintf("%q", v.String)
	}
	if key == "\x01" {
		return args, "", strings.Join(show, ", ")
	}
	return args, strings.Join(parts, "\x00"), strings.Join(show, ", ")
}

// execMigration runs a migration's SQL and the Go steps it names, in order.
func execMigration(ctx context.Context, tx *sqlx.Tx, sqlText string) error {
	for {
		before, after, found := strings.Cut(sqlText, goStepMark)
		if strings.TrimSpace(before) != "" {
			if _, err := tx.ExecContext(ctx, before); err != nil {
				return err
			}
		}
		if !found {
			return nil
		}
		name, rest, _ := strings.Cut(after, "\n")
		step, ok := goSteps[strings.TrimSpace(name)]
		if !ok {
			return fmt.Errorf("unknown Go step %q", strings.TrimSpace(name))
		}
		if err := step(ctx, tx); err != nil {
			return err
		}
		sqlText = rest
	}
}

package inventory

import (
	"context"
	"fmt"
	"strings"
	"time"

	"hostroll/locale"
	"hostroll/sheet"
)

// ImportTTL is how long a preview may be applied.
const ImportTTL = time.Hour

// ImportPreview is a checked file waiting to be applied: what each row
// would do. ID 0 when it was not kept (a dry run).
type ImportPreview struct {
	ID        int64     `json:"id"`
	ExpiresAt time.Time `json:"expires_at"`
	ImportResult
}

// kindFor returns the kind of an import and checks that the caller's role
// may write it.
func kindFor(ctx context.Context, kind string) (anyKind, error) {
	k, ok := sheetKindOf(kind)
	if !ok {
		return nil, Invalid("kind", "sheet.kind.unknown", strings.Join(SheetKinds, ", "))
	}
	c := CallerOf(ctx)
	if !Allowed(c.Role, k.writeAction()) {
		return nil, forbidden(sheetMsg(locale.ZH, "sheet.import.forbidden", c.Role, kind),
			sheetMsg(locale.EN, "sheet.import.forbidden", c.Role, kind))
	}
	return k, nil
}

// CheckImport checks a file of kind row by row, in file order, inside a
// transaction that is rolled back: each row is written as it would be, so
// uniqueness, references between rows of the file and rack placement are
// checked for real. Nothing is kept.
func (s *Store) CheckImport(ctx context.Context, kind string, file []byte, lang string) (ImportResult, error) {
	k, err := kindFor(ctx, kind)
	if err != nil {
		return ImportResult{}, err
	}
	tab, err := sheet.Parse(file, "", sheet.DefaultLimits)
	if err != nil {
		return ImportResult{}, err
	}
	res, _, err := s.dryRun(ctx, k, tab, lang)
	return res, err
}

// PreviewImport checks a file as CheckImport does and keeps it for an hour,
// so that ApplyImport (from any serve process) can write it.
func (s *Store) PreviewImport(ctx context.Context, kind string, file []byte, lang string) (ImportPreview, error) {
	k, err := kindFor(ctx, kind)
	if err != nil {
		return ImportPreview{}, err
	}
	tab, err := sheet.Parse(file, "", sheet.DefaultLimits)
	if err != nil {
		return ImportPreview{}, err
	}
	res, print, err := s.dryRun(ctx, k, tab, lang)
	if err != nil {
		return ImportPreview{}, err
	}
	now := s.now().UTC()
	p := ImportPreview{ExpiresAt: now.Add(ImportTTL), ImportResult: res}
	c := CallerOf(ctx)
	var user *int64
	if c.UserID != 0 {
		user = &c.UserID
	}
	if _, err := s.db.ExecContext(ctx, s.db.Rebind(`DELETE FROM imports WHERE expires_at < ?`), now); err != nil {
		return p, dbErr(err, "drop expired imports")
	}
	err = s.db.GetContext(ctx, &p.ID, s.db.Rebind(`INSERT INTO imports (kind, actor, user_id, lang, file, fingerprint,
		rows, errors, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`),
		kind, c.Name, user, lang, file, print, len(res.Rows), res.ErrorTotal, now, p.ExpiresAt)
	return p, dbErr(err, "keep import")
}

// dryRun runs the rows in a transaction that is always rolled back, and
// returns the result with the fingerprint of what it read.
func (s *Store) dryRun(ctx context.Context, k anyKind, tab *sheet.Table, lang string) (ImportResult, string, error) {
	sqltx, err := s.db.BeginTxx(ctx, nil)
	if err != nil {
		return ImportResult{}, "", fmt.Errorf("inventory: begin: %w", err)
	}
	defer sqltx.Rollback()
	tx := s.newTxn(ctx, sqltx)
	tx.dry, tx.chained = true, true
	print, err := fingerprint(tx, k.readEntities())
	if err != nil {
		return ImportResult{}, "", err
	}
	ix := newImporter(tx, k.kindName(), lang)
	if err := k.run(ix, tab); err != nil {
		return ImportResult{}, "", err
	}
	return *ix.res, print, nil
}

// fingerprint is the last audit row of each entity an import reads: every
// create, update and delete writes one, so any change to those tables since
// the preview changes it.
func fingerprint(tx *txn, entities []string) (string, error) {
	parts := make([]string, len(entities))
	for i, e := range entities {
		var last int64
		if err := tx.get(&last, `SELECT COALESCE(MAX(id), 0) FROM audit WHERE entity = ?`, e); err != nil {
			return "", dbErr(err, "fingerprint "+e)
		}
		parts[i] = fmt.Sprintf("%s:%d", e, last)
	}
	return strings.Join(parts, ","), nil
}

type importRow struct {
	ID          int64      `db:"id"`
	Kind        string     `db:"kind"`
	Actor       string     `db:"actor"`
	Lang        string     `db:"lang"`
	File        []byte     `db:"file"`
	Fingerprint string     `db:"fingerprint"`
	Errors      int        `db:"errors"`
	ExpiresAt   time.Time  `db:"expires_at"`
	AppliedAt   *time.Time `db:"applied_at"`
}

// ApplyImport writes a previewed file in one transaction, or nothing. It is
// a conflict when the preview had errors, has expired or was applied, or
// when the data it read changed since; only who previewed it may apply it.
func (s *Store) ApplyImport(ctx context.Context, id int64) (ImportResult, error) {
	var res ImportResult
	err := s.lockedTx(ctx, func(tx *txn) error {
		var row importRow
		err := tx.get(&row, `SELECT id, kind, actor, lang, file, fingerprint, errors, expires_at, applied_at
			FROM imports WHERE id = ? AND actor = ?`+tx.forUpdate(), id, tx.caller.Name)
		if err != nil {
			return dbErr(err, fmt.Sprintf("import %d", id))
		}
		k, err := kindFor(ctx, row.Kind)
		if err != nil {
			return err
		}
		if err := row.usable(tx.at); err != nil {
			return err
		}
		print, err := fingerprint(tx, k.readEntities())
		if err != nil {
			return err
		}
		if print != row.Fingerprint {
			return conflictKey("sheet.import.stale")
		}
		if res, err = applyRows(tx, k, row.File, row.Lang); err != nil {
			return err
		}
		return dbErr(tx.exec(`UPDATE imports SET applied_at = ? WHERE id = ?`, tx.at, id), "mark import applied")
	})
	return res, err
}

func (r importRow) usable(now time.Time) error {
	switch {
	case r.AppliedAt != nil:
		return conflictKey("sheet.import.applied")
	case !now.Before(r.ExpiresAt):
		return conflictKey("sheet.import.expired")
	case r.Errors > 0:
		return conflictKey("sheet.import.has_errors", r.Errors)
	}
	return nil
}

// ImportFile writes a file of kind in one transaction, or nothing: the
// command line's import, which checks first (CheckImport) and writes only a
// file without errors.
func (s *Store) ImportFile(ctx context.Context, kind string, file []byte, lang string) (ImportResult, error) {
	k, err := kindFor(ctx, kind)
	if err != nil {
		return ImportResult{}, err
	}
	var res ImportResult
	err = s.lockedTx(ctx, func(tx *txn) error {
		res, err = applyRows(tx, k, file, lang)
		return err
	})
	return res, err
}

// applyRows writes the rows of a file for real; the first row that fails
// stops it, and the caller's transaction is rolled back.
func applyRows(tx *txn, k anyKind, file []byte, lang string) (ImportResult, error) {
	tab, err := sheet.Parse(file, "", sheet.DefaultLimits)
	if err != nil {
		return ImportResult{}, err
	}
	ix := newImporter(tx, k.kindName(), lang)
	if err := k.run(ix, tab); err != nil {
		return ImportResult{}, err
	}
	if ix.res.ErrorTotal > 0 {
		e := ix.res.Errors[0]
		return *ix.res, conflictKey("sheet.import.row_failed", e.Rows[0], e.Header, e.Message)
	}
	return *ix.res, nil
}

// sheetMsg renders a message of the import in lang; the kind and the role
// are named by their labels.
func sheetMsg(lang, key, role, kind string) string {
	return locale.T(lang, key, locale.Label(lang, "role", role), locale.T(lang, "sheet.kind."+kind))
}

// conflictKey is a conflict whose message is a catalog key, in both
// languages.
func conflictKey(key string, args ...any) error {
	return &ConflictError{Message: locale.T(locale.EN, key, args...), MessageZH: locale.T(locale.ZH, key, args...)}
}

// ImportWorkbook writes every worksheet of an XLSX file named after a kind
// ("devices", 设备 or Devices), in the order the kinds depend on each other,
// all in one transaction or nothing: a whole register (the demo
// prefecture's) at once. Worksheets named after no kind are skipped. When a
// row fails, the error names its worksheet, row and column.
func (s *Store) ImportWorkbook(ctx context.Context, file []byte, lang string) (map[string]ImportResult, error) {
	wb, err := sheet.OpenXLSX(file, sheet.DefaultLimits)
	if err != nil {
		return nil, err
	}
	defer wb.Close()
	names := map[string]string{} // kind → worksheet
	for _, name := range wb.Sheets() {
		for _, kind := range SheetKinds {
			if name == kind || name == locale.T(locale.ZH, "sheet.kind."+kind) || name == locale.T(locale.EN, "sheet.kind."+kind) {
				names[kind] = name
			}
		}
	}
	out := map[string]ImportResult{}
	err = s.lockedTx(ctx, func(tx *txn) error {
		for _, kind := range SheetKinds {
			name, ok := names[kind]
			if !ok {
				continue
			}
			k, err := kindFor(ctx, kind)
			if err != nil {
				return err
			}
			tab, err := wb.Table(name)
			if err != nil {
				return err
			}
			ix := newImporter(tx, kind, lang)
			if err := k.run(ix, tab); err != nil {
				return fmt.Errorf("inventory: worksheet %q: %w", name, err)
			}
			out[kind] = *ix.res
			if ix.res.ErrorTotal > 0 {
				e := ix.res.Errors[0]
				return conflictKey("sheet.import.sheet_failed", name, e.Rows[0], e.Header, e.Message)
			}
		}
		return nil
	})
	return out, err
}

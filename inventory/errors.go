package inventory

import (
	"database/sql"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/lib/pq"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// Sentinels the callers branch on; wrapped with context by the store.
var (
	ErrNotFound  = errors.New("not found")
	ErrConflict  = errors.New("conflict")
	ErrForbidden = errors.New("forbidden")
)

// ForbiddenError is a write the caller may not make on this record, though
// their role may make it on others: four-eyes (nobody approves what they
// proposed or requested) and unit staff changing what is only readable to
// them. It says why, in Chinese (Message) and in English (MessageEN).
type ForbiddenError struct {
	Message   string
	MessageEN string
}

func (e *ForbiddenError) Error() string { return "inventory: forbidden: " + e.MessageEN }

// Is makes errors.Is(err, ErrForbidden) hold.
func (e *ForbiddenError) Is(target error) bool { return target == ErrForbidden }

// Text is the message in lang ("zh" or "en").
func (e *ForbiddenError) Text(lang string) string {
	if lang == "en" {
		return e.MessageEN
	}
	return e.Message
}

func forbidden(zh, en string) error { return &ForbiddenError{Message: zh, MessageEN: en} }

// ValidationError says which input fields are wrong and how to fix them.
type ValidationError struct {
	Fields map[string]string
}

func (e *ValidationError) Error() string {
	keys := make([]string, 0, len(e.Fields))
	for k := range e.Fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + ": " + e.Fields[k]
	}
	return "invalid input: " + strings.Join(parts, "; ")
}

// Add records a problem with a field; the first message for a field wins.
func (e *ValidationError) Add(field, format string, args ...any) {
	if e.Fields == nil {
		e.Fields = map[string]string{}
	}
	if _, ok := e.Fields[field]; !ok {
		e.Fields[field] = fmt.Sprintf(format, args...)
	}
}

// FieldsIn is Fields with each message in lang ("zh" or "en"), for
// people: the API's error fields and the forms' messages beside their
// fields. The keys stay the input's field names.
func (e *ValidationError) FieldsIn(lang string) map[string]string {
	return e.Fields
}

// Err returns e when it holds a problem, else nil.
func (e *ValidationError) Err() error {
	if len(e.Fields) == 0 {
		return nil
	}
	return e
}

// Invalid is a ValidationError of one field.
func Invalid(field, format string, args ...any) error {
	ve := &ValidationError{}
	ve.Add(field, format, args...)
	return ve
}

// ConflictError is a write refused because of the state of other rows: a
// duplicate, an occupied rack unit, dependants that stop a delete. Field names
// the input field at fault, where there is one. Fields, when set, lists
// several problems at once (e.g. every missing prerequisite of a lifecycle
// step), each with its own message.
type ConflictError struct {
	Field   string
	Message string
	Fields  map[string]string
	// MessageZH, when set, is Message in Chinese; Text picks by language.
	MessageZH string
}

func (e *ConflictError) Error() string { return e.Message }

// Text is the message in lang ("zh" or "en"); English when there is no
// Chinese one.
func (e *ConflictError) Text(lang string) string {
	if lang == "zh" && e.MessageZH != "" {
		return e.MessageZH
	}
	return e.Message
}

// conflictL is a conflict on field with its message in Chinese and English.
func conflictL(field, zh, en string) error {
	return &ConflictError{Field: field, Message: en, MessageZH: zh}
}

// Is makes errors.Is(err, ErrConflict) hold.
func (e *ConflictError) Is(target error) bool { return target == ErrConflict }

func conflict(field, format string, args ...any) error {
	return &ConflictError{Field: field, Message: fmt.Sprintf(format, args...)}
}

// dbErr translates driver errors into the store's sentinels: no rows becomes
// ErrNotFound; unique and foreign-key violations become a *ConflictError that
// names the column.
func dbErr(err error, what string) error {
	if err == nil {
		return nil
	}
	var ce *ConflictError
	var ve *ValidationError
	switch {
	case errors.As(err, &ce), errors.As(err, &ve), errors.Is(err, ErrNotFound), errors.Is(err, ErrForbidden):
		return err
	case errors.Is(err, sql.ErrNoRows):
		return fmt.Errorf("inventory: %s: %w", what, ErrNotFound)
	}
	if cols, ok := uniqueViolation(err); ok {
		for i, c := range cols { // a folded copy speaks for its column
			cols[i] = strings.TrimSuffix(c, "_fold")
		}
		field := cols[len(cols)-1]
		return &ConflictError{Field: field, Message: fmt.Sprintf("%s: another record already has this %s", what, strings.Join(cols, " and "))}
	}
	if isForeignKeyViolation(err) {
		return &ConflictError{Message: fmt.Sprintf("%s: other records still refer to it, or it refers to one that does not exist", what)}
	}
	return fmt.Errorf("inventory: %s: %w", what, err)
}

var (
	pqKeyRe     = regexp.MustCompile(`^Key \(([^)]*)\)=`)
	sqliteColRe = regexp.MustCompile(`UNIQUE constraint failed: (.*?)(?: \(|$)`)
)

// uniqueViolation reports a unique-constraint violation and the columns of the
// constraint, in order.
func uniqueViolation(err error) ([]string, bool) {
	var pe *pq.Error
	if errors.As(err, &pe) {
		if pe.Code != "23505" {
			return nil, false
		}
		if m := pqKeyRe.FindStringSubmatch(pe.Detail); m != nil {
			return splitCols(m[1]), true
		}
		return []string{"id"}, true
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		if se.Code() != sqlite3.SQLITE_CONSTRAINT_UNIQUE && se.Code() != sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY {
			return nil, false
		}
		if m := sqliteColRe.FindStringSubmatch(se.Error()); m != nil {
			return splitCols(m[1]), true
		}
		return []string{"id"}, true
	}
	return nil, false
}

// splitCols turns "manufacturer, serial" or "devices.manufacturer, devices.serial"
// into bare column names.
func splitCols(s string) []string {
	var cols []string
	for _, c := range strings.Split(s, ",") {
		c = strings.TrimSpace(c)
		if _, after, ok := strings.Cut(c, "."); ok {
			c = after
		}
		cols = append(cols, c)
	}
	return cols
}

func isForeignKeyViolation(err error) bool {
	var pe *pq.Error
	if errors.As(err, &pe) {
		return pe.Code == "23503"
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		return se.Code() == sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY
	}
	return false
}

// ignoreNoRows turns sql.ErrNoRows into nil, for queries where no row is the
// good answer.
func ignoreNoRows(err error) error {
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	return err
}

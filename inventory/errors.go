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
// them. It says why, in Chinese (Message) and in English (MessageEN); Msg,
// when set, is the catalog message both come from.
type ForbiddenError struct {
	Message   string
	MessageEN string
	Msg       *Msg
}

func (e *ForbiddenError) Error() string { return "inventory: forbidden: " + e.MessageEN }

// Is makes errors.Is(err, ErrForbidden) hold.
func (e *ForbiddenError) Is(target error) bool { return target == ErrForbidden }

// Text is the message in lang ("zh" or "en").
func (e *ForbiddenError) Text(lang string) string {
	if e.Msg != nil {
		return e.Msg.Text(lang)
	}
	if isEnglish(lang) {
		return e.MessageEN
	}
	return e.Message
}

// forbidden is a refusal with the catalog message key and its args.
func forbidden(key string, args ...any) error {
	m := M(key, args...)
	return &ForbiddenError{Message: m.Text("zh"), MessageEN: m.Text("en"), Msg: &m}
}

// ValidationError says which input fields are wrong and how to fix them.
// Fields has the messages in English (for logs and Error); FieldsIn renders
// them in another language from the catalog messages Add recorded.
type ValidationError struct {
	Fields map[string]string
	msgs   map[string]Msg
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

// Add records a problem with a field, as the catalog message key with args;
// the first message for a field wins.
func (e *ValidationError) Add(field, key string, args ...any) {
	e.AddMsg(field, M(key, args...))
}

// AddMsg records a problem with a field as a message; the first message
// for a field wins.
func (e *ValidationError) AddMsg(field string, m Msg) {
	if e.Fields == nil {
		e.Fields = map[string]string{}
	}
	if _, ok := e.Fields[field]; ok {
		return
	}
	if e.msgs == nil {
		e.msgs = map[string]Msg{}
	}
	e.Fields[field] = m.Text("en")
	e.msgs[field] = m
}

// FieldsIn is Fields with each message in lang ("zh" or "en"), for
// people: the API's error fields and the forms' messages beside their
// fields. The keys stay the input's field names; a message set in Fields
// directly stays as it is.
func (e *ValidationError) FieldsIn(lang string) map[string]string {
	out := make(map[string]string, len(e.Fields))
	for k, v := range e.Fields {
		if m, ok := e.msgs[k]; ok {
			v = m.Text(lang)
		}
		out[k] = v
	}
	return out
}

// Msgs is the message of each field, for those recorded with Add.
func (e *ValidationError) Msgs() map[string]Msg {
	out := make(map[string]Msg, len(e.msgs))
	for k, m := range e.msgs {
		out[k] = m
	}
	return out
}

// Err returns e when it holds a problem, else nil.
func (e *ValidationError) Err() error {
	if len(e.Fields) == 0 {
		return nil
	}
	return e
}

// Invalid is a ValidationError of one field: the catalog message key with
// args.
func Invalid(field, key string, args ...any) error {
	ve := &ValidationError{}
	ve.Add(field, key, args...)
	return ve
}

// invalidMsg is a ValidationError of one field with the message m.
func invalidMsg(field string, m Msg) error {
	ve := &ValidationError{}
	ve.AddMsg(field, m)
	return ve
}

// ConflictError is a write refused because of the state of other rows: a
// duplicate, an occupied rack unit, dependants that stop a delete. Field names
// the input field at fault, where there is one. Fields, when set, lists
// several problems at once (e.g. every missing prerequisite of a lifecycle
// step), each with its own message. Message and Fields are in English;
// Text and FieldsIn render the catalog messages in another language.
type ConflictError struct {
	Field   string
	Message string
	Fields  map[string]string
	// MessageZH, when set, is Message in Chinese; Text picks by language.
	MessageZH string
	msg       *Msg
	fieldMsgs map[string]Msg
}

func (e *ConflictError) Error() string { return e.Message }

// Text is the message in lang ("zh" or "en"); English when there is no
// Chinese one.
func (e *ConflictError) Text(lang string) string {
	switch {
	case e.msg != nil:
		return e.msg.Text(lang)
	case !isEnglish(lang) && e.MessageZH != "":
		return e.MessageZH
	}
	return e.Message
}

// FieldsIn is Fields in lang, with Field's message added when Field is set.
func (e *ConflictError) FieldsIn(lang string) map[string]string {
	if e.Field == "" && len(e.Fields) == 0 {
		return nil
	}
	out := make(map[string]string, len(e.Fields)+1)
	for k, v := range e.Fields {
		if m, ok := e.fieldMsgs[k]; ok {
			v = m.Text(lang)
		}
		out[k] = v
	}
	if e.Field != "" {
		out[e.Field] = e.Text(lang)
	}
	return out
}

// Is makes errors.Is(err, ErrConflict) hold.
func (e *ConflictError) Is(target error) bool { return target == ErrConflict }

// conflict is a conflict on field (may be "") with the catalog message key
// and its args.
func conflict(field, key string, args ...any) error {
	m := M(key, args...)
	return &ConflictError{Field: field, Message: m.Text("en"), msg: &m}
}

// conflicts is a conflict of several problems at once, by field, under the
// message m.
func conflicts(m Msg, fields map[string]Msg) error {
	ce := &ConflictError{Message: m.Text("en"), msg: &m, Fields: map[string]string{}, fieldMsgs: fields}
	for k, fm := range fields {
		ce.Fields[k] = fm.Text("en")
	}
	return ce
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
		labels := make([]Msg, len(cols))
		for i, c := range cols {
			labels[i] = M("err.column." + c)
		}
		return whatConflict(what, conflict(field, "err.duplicate", labels))
	}
	if isForeignKeyViolation(err) {
		return whatConflict(what, conflict("", "err.foreign_key"))
	}
	return fmt.Errorf("inventory: %s: %w", what, err)
}

// whatConflict prefixes the English message of a conflict with the
// operation that met it, for logs ("create device: ...").
func whatConflict(what string, err error) error {
	ce := err.(*ConflictError)
	ce.Message = what + ": " + ce.Message
	return ce
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

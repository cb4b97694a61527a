package inventory

import (
	"context"
	"database/sql/driver"
	"encoding/json"
	"fmt"
	"time"
)

// AuditActions are what an audit row records.
var AuditActions = []string{"create", "update", "delete", "sign_in", "sign_in_failed", "lockout", "sign_out"}

// RawJSON is a JSON document read from the database (jsonb or text).
type RawJSON json.RawMessage

// Scan reads jsonb ([]byte) or TEXT (string); NULL stays nil.
func (j *RawJSON) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*j = nil
	case []byte:
		*j = append(RawJSON(nil), v...)
	case string:
		*j = RawJSON(v)
	default:
		return fmt.Errorf("inventory: cannot read %T as JSON", src)
	}
	return nil
}

// Value writes the document as text.
func (j RawJSON) Value() (driver.Value, error) {
	if j == nil {
		return nil, nil
	}
	return string(j), nil
}

// MarshalJSON writes the document as it is, null when there is none.
func (j RawJSON) MarshalJSON() ([]byte, error) {
	if len(j) == 0 {
		return []byte("null"), nil
	}
	return j, nil
}

// AuditEntry is one recorded change: who did what to which entity, with the
// entity before and after (secrets are never part of either). Actor is the
// caller's name (a username, "cli:<os user>", "schedule"); TokenKey the API
// token's key when one was used; IP and RequestID where the call came from.
// PrevHash and Hash link the row into the audit chain (auditchain.go); they
// are null only on a row written outside hostroll.
type AuditEntry struct {
	ID        int64     `db:"id" json:"id"`
	At        time.Time `db:"at" json:"at"`
	Actor     string    `db:"actor" json:"actor"`
	TokenKey  string    `db:"token_key" json:"token_key"`
	IP        string    `db:"ip" json:"ip"`
	RequestID string    `db:"request_id" json:"request_id"`
	Action    string    `db:"action" json:"action"`
	Entity    string    `db:"entity" json:"entity"`
	EntityID  int64     `db:"entity_id" json:"entity_id"`
	Before    RawJSON   `db:"before" json:"before"`
	After     RawJSON   `db:"after" json:"after"`
	PrevHash  *string   `db:"prev_hash" json:"prev_hash"`
	Hash      *string   `db:"hash" json:"hash"`
}

// AuditEntities are the entity names audit rows use.
var AuditEntities = []string{"unit", "room", "rack", "device", "line", "project", "snmp_profile",
	"project_document", "evaluation", "spec_item", "spec_revision", "check", "finding",
	"user", "session", "api_token", "secret_key", "project_procurement", "project_amendment",
	"rectification", "notice"}

var auditList = listSpec{
	filters: map[string]filter{
		"entity":     {col: "entity", kind: filterEnum, allowed: AuditEntities},
		"entity_id":  {col: "entity_id", kind: filterID},
		"id":         {col: "id", kind: filterID},
		"action":     {col: "action", kind: filterEnum, allowed: AuditActions},
		"actor":      {col: "actor", kind: filterText},
		"token_key":  {col: "token_key", kind: filterText},
		"request_id": {col: "request_id", kind: filterText},
		// from and to are days (UTC), both included.
		"from": {col: "at", kind: filterDay},
		"to":   {col: "at", kind: filterDay, dayEnd: true},
	},
	scope: scopeAudit,
}

// Audit lists the change log, newest first; filters: entity, entity_id,
// action, actor, token_key, request_id, from and to (days, UTC). A unit's staff see the rows of the
// entities of their unit that still exist. The application never updates or
// deletes audit rows; VerifyAudit shows whether anyone else did.
func (s *Store) Audit(ctx context.Context, p ListParams) ([]AuditEntry, int, error) {
	items, total, err := list[AuditEntry](s, ctx, auditList, p,
		`SELECT id, at, actor, token_key, ip, request_id, action, entity, entity_id, before, after,
			prev_hash, hash FROM audit`,
		`SELECT COUNT(*) FROM audit`, "id DESC")
	if err != nil {
		return nil, 0, dbErr(err, "list audit")
	}
	for i := range items {
		items[i].At = items[i].At.UTC()
	}
	return items, total, nil
}

package ui

import (
	"bytes"
	"encoding/json"
	"sort"

	"github.com/gofiber/fiber/v2"

	"hostroll/inventory"
)

func (u *UI) mountAudit(app fiber.Router) {
	g := u.cfg.Guard
	app.Get("/audit", g("audit.read"), u.auditList)
	app.Get("/audit/verify", g("audit.verify"), u.auditVerify)
	app.Get("/audit/:id", g("audit.read"), u.auditShow)
}

type auditListView struct {
	Page
	Entries  []inventory.AuditEntry
	Entities []string
	Actions  []string
	Filter   map[string]string
	Pager    Pager
}

func (u *UI) auditList(c *fiber.Ctx) error {
	v := auditListView{Page: u.page(c, "ui.audit.title"), Entities: inventory.AuditEntities,
		Actions: inventory.AuditActions, Filter: queryFilters(c, "actor", "entity", "entity_id", "action", "from", "to")}
	v.Pager = pagerOf(c, v.Lang, 500)
	var err error
	v.Entries, v.Pager.Total, err = u.cfg.Store.Audit(c.UserContext(), listParams(v.Pager, "", v.Filter))
	if err != nil {
		return err
	}
	return u.render(c, fiber.StatusOK, "audit_list", v)
}

// auditChange is one field an audit row changed.
type auditChange struct {
	Field, Before, After string
	Added, Removed       bool
}

type auditShowView struct {
	Page
	Entry         inventory.AuditEntry
	Changes       []auditChange
	Before, After string // indented JSON
}

func (u *UI) auditShow(c *fiber.Ctx) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	v := auditShowView{Page: u.page(c, "ui.audit.show_title", id)}
	rows, _, err := u.cfg.Store.Audit(c.UserContext(), inventory.ListParams{Limit: 1,
		Filters: map[string]string{"id": itoa(id)}})
	if err != nil {
		return err
	}
	if len(rows) == 0 {
		return fiber.ErrNotFound
	}
	v.Entry = rows[0]
	v.Before, v.After = indentJSON(v.Entry.Before), indentJSON(v.Entry.After)
	v.Changes = auditDiff(v.Entry.Before, v.Entry.After)
	return u.render(c, fiber.StatusOK, "audit_show", v)
}

// indentJSON shows a row's JSON indented ("" for none).
func indentJSON(raw inventory.RawJSON) string {
	var b bytes.Buffer
	if len(raw) == 0 || json.Indent(&b, raw, "", "  ") != nil {
		return string(raw)
	}
	return b.String()
}

// auditDiff lists the top-level fields whose value differs between before
// and after, by name: changed, added (only after) or removed (only
// before). A create or delete lists every field of the one side.
func auditDiff(before, after inventory.RawJSON) []auditChange {
	var b, a map[string]json.RawMessage
	_ = json.Unmarshal(before, &b) // not an object (or null): no fields
	_ = json.Unmarshal(after, &a)
	names := map[string]bool{}
	for k := range b {
		names[k] = true
	}
	for k := range a {
		names[k] = true
	}
	var out []auditChange
	for k := range names {
		bv, inB := b[k]
		av, inA := a[k]
		if inA && inB && bytes.Equal(compact(bv), compact(av)) {
			continue
		}
		out = append(out, auditChange{Field: k, Before: string(compact(bv)), After: string(compact(av)),
			Added: !inB, Removed: !inA})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Field < out[j].Field })
	return out
}

func compact(raw json.RawMessage) []byte {
	var b bytes.Buffer
	if json.Compact(&b, raw) != nil {
		return raw
	}
	return b.Bytes()
}

type auditVerifyView struct {
	Page
	Result inventory.AuditVerification
}

// auditVerify recomputes the audit chain and shows the result: the head
// hash to write down, or the first row that was tampered with.
func (u *UI) auditVerify(c *fiber.Ctx) error {
	v := auditVerifyView{Page: u.page(c, "ui.audit.verify_title")}
	var err error
	if v.Result, err = u.cfg.Store.VerifyAudit(c.UserContext(), v.Lang); err != nil {
		return err
	}
	return u.render(c, fiber.StatusOK, "audit_verify", v)
}

package web

import (
	"reflect"
	"testing"

	"hostroll/inventory"
	"hostroll/locale"
)

// exportedLists are the lists that answer format=csv|xlsx through
// sendPaged or sendWhole, with the entity that heads their columns.
var exportedLists = []struct {
	t      reflect.Type
	entity string
}{
	{reflect.TypeFor[inventory.Finding](), "finding"},
	{reflect.TypeFor[inventory.Check](), "check"},
	{reflect.TypeFor[inventory.AuditEntry](), "audit"},
	{reflect.TypeFor[inventory.Observation](), "observation"},
	{reflect.TypeFor[inventory.Rectification](), "rectification"},
	{reflect.TypeFor[inventory.Notice](), "notice"},
	{reflect.TypeFor[inventory.User](), "user"},
	{reflect.TypeFor[inventory.Token](), "token"},
	{reflect.TypeFor[inventory.Session](), "session"},
	{reflect.TypeFor[inventory.SNMPProfile](), "snmp_profile"},
	{reflect.TypeFor[inventory.ProjectStep](), "history"},
	{reflect.TypeFor[inventory.Amendment](), "amendment"},
	{reflect.TypeFor[inventory.Document](), "document"},
	{reflect.TypeFor[inventory.Evaluation](), "evaluation"},
	{reflect.TypeFor[inventory.SpecRevision](), "spec_revision"},
	{reflect.TypeFor[inventory.LineState](), "line"},
}

// TestListHeadings: every column of every exported list has a heading in
// both languages (not its bare key), and every enumeration set a column
// names exists in the catalogs.
func TestListHeadings(t *testing.T) {
	for _, l := range exportedLists {
		for _, c := range columnsOf(l.t, l.entity) {
			for _, lang := range locale.Langs {
				key, h := c.key, c.heading(lang, l.entity)
				if c.child != "" { // a field of a record within: its own heading
					key, h = c.child, listColumn{key: c.child}.heading(lang, c.parent)
				}
				if h == key {
					t.Errorf("%s.%s has no %s heading (add report.col.%s)", l.entity, c.key, lang, key)
				}
			}
			if c.enum != "" && len(locale.Codes(c.enum)) == 0 {
				t.Errorf("%s.%s: no enumeration set %q", l.entity, c.key, c.enum)
			}
		}
	}
}

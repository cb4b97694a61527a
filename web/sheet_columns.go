package web

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"time"

	"hostroll/locale"
)

// A list exported as a spreadsheet has a column per JSON field of its
// items, in the order of the struct, headed by the field's label and with
// enumeration values as labels, in the reader's language.

// listColumn is one column: the JSON key, where the field is, and the
// enumeration set that labels its values ("" for none).
type listColumn struct {
	key   string
	index []int
	enum  string
	// parent is the field of the record this column's field is in
	// ("exemption"), and child the field's own key ("reason"); "" for a
	// field of the listed record itself.
	parent, child string
}

// enumSets name the enumeration set of a field of a listed entity, by
// "<entity>.<key>", or by "*.<key>" for every entity.
var enumSets = map[string]string{
	"finding.rule": "rule", "finding.severity": "severity", "finding.status": "finding_status",
	"finding.subject_type": "audit_entity", "audit.action": "audit_action", "audit.entity": "audit_entity",
	"rectification.state": "rectification_state", "rectification.subject_type": "rectification_subject",
	"notice.status": "notice_status", "user.role": "role", "history.kind": "history_kind",
	"history.from_status": "project_status", "history.to_status": "project_status",
	"document.type": "document_type", "line_history.platform": "line_platform",
	"amendment.status": "project_status", "exemption.basis": "exemption_basis",
}

// columnsOf lists the exported columns of T for entity: every JSON field
// but the hidden ones.
func columnsOf(t reflect.Type, entity string) []listColumn {
	var cols []listColumn
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" {
			continue
		}
		if f.Anonymous && name == "" && f.Type.Kind() == reflect.Struct {
			for _, c := range columnsOf(f.Type, entity) {
				c.index = append([]int{i}, c.index...)
				cols = append(cols, c)
			}
			continue
		}
		if name == "" {
			name = f.Name
		}
		if nested := structOf(f.Type); nested != nil {
			// A record within the record (a finding's exemption): a column
			// per field, named <field>_<its field>.
			for _, c := range columnsOf(nested, name) {
				c.parent, c.child = name, c.key
				c.key, c.index = name+"_"+c.key, append([]int{i}, c.index...)
				cols = append(cols, c)
			}
			continue
		}
		set := enumSets[entity+"."+name]
		cols = append(cols, listColumn{key: name, index: []int{i}, enum: set})
	}
	return cols
}

// structOf is the struct a field holds directly or by pointer, when it is
// a record of its own (not a time, not a type that writes its own JSON).
func structOf(t reflect.Type) reflect.Type {
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct || t == reflect.TypeFor[time.Time]() ||
		reflect.PointerTo(t).Implements(reflect.TypeFor[json.Marshaler]()) {
		return nil
	}
	return t
}

// heading is a column's label: the entity's field label, else the reports'
// column label, else the key itself.
func (c listColumn) heading(lang, entity string) string {
	if c.parent != "" { // e.g. 豁免原因, Exemption reason
		outer := listColumn{key: c.parent}.heading(lang, entity)
		inner := listColumn{key: c.child}.heading(lang, c.parent)
		if lang != locale.ZH {
			inner = strings.ToLower(inner[:1]) + inner[1:]
		}
		return locale.T(lang, "report.col_nested", outer, inner)
	}
	if s, ok := locale.Lookup(lang, "field."+entity+"."+c.key); ok {
		return s
	}
	if s, ok := locale.Lookup(lang, "report.col."+c.key); ok {
		return s
	}
	return c.key
}

// cell is the value of the column in item v, ready for a spreadsheet:
// numbers stay numbers, times are shown in zone, enumeration values and
// yes/no in lang, anything structured as JSON.
func (c listColumn) cell(v reflect.Value, lang string, zone *time.Location) any {
	f := v
	for _, i := range c.index {
		for f.Kind() == reflect.Pointer {
			if f.IsNil() {
				return nil
			}
			f = f.Elem()
		}
		f = f.Field(i)
	}
	for f.Kind() == reflect.Pointer {
		if f.IsNil() {
			return nil
		}
		f = f.Elem()
	}
	if t, ok := f.Interface().(time.Time); ok {
		return locale.DateTime(t, zone)
	}
	switch f.Kind() {
	case reflect.String:
		if c.enum != "" && f.String() != "" {
			return locale.Label(lang, c.enum, f.String())
		}
		return f.String()
	case reflect.Bool:
		if f.Bool() {
			return locale.T(lang, "report.yes")
		}
		return locale.T(lang, "report.no")
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return f.Int()
	case reflect.Float32, reflect.Float64:
		return f.Float()
	case reflect.Slice, reflect.Map:
		if f.Len() == 0 {
			return nil
		}
	}
	if m, ok := f.Interface().(json.Marshaler); ok {
		if b, err := m.MarshalJSON(); err == nil {
			return string(b)
		}
	}
	b, err := json.Marshal(f.Interface())
	if err != nil {
		return fmt.Sprint(f.Interface())
	}
	return string(b)
}

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
	"amendment.status": "project_status",
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
		set := enumSets[entity+"."+name]
		cols = append(cols, listColumn{key: name, index: []int{i}, enum: set})
	}
	return cols
}

// heading is a column's label: the entity's field label, else the reports'
// column label, else the key itself.
func (c listColumn) heading(lang, entity string) string {
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
	f := v.FieldByIndex(c.index)
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

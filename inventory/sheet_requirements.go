package inventory

import (
	"encoding/json"
	"slices"
	"strconv"
	"strings"

	"hostroll/locale"
)

// cellRequirements reads requirements written as requirementsText does
// (operators >=, <=, =, in; list values split by |), or as the API's JSON
// list.
func (ix *importer) cellRequirements(dst *[]Requirement, v string) string {
	if v == "" {
		*dst = []Requirement{}
		return ""
	}
	if strings.HasPrefix(v, "[") {
		var rs []Requirement
		if err := json.Unmarshal([]byte(v), &rs); err != nil {
			return locale.T(ix.lang, "sheet.cell.not_requirements", v)
		}
		*dst = rs
		return ""
	}
	var rs []Requirement
	for _, part := range strings.FieldsFunc(v, func(r rune) bool { return r == ';' || r == '；' || r == '\n' }) {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		r, ok := parseRequirement(part)
		if !ok {
			return locale.T(ix.lang, "sheet.cell.not_requirements", part)
		}
		rs = append(rs, r)
	}
	*dst = rs
	return ""
}

func parseRequirement(s string) (Requirement, bool) {
	for _, op := range []struct{ text, code string }{{">=", "min"}, {"≥", "min"}, {"<=", "max"}, {"≤", "max"},
		{" in ", "in"}, {" IN ", "in"}, {"=", "eq"}} {
		field, value, ok := strings.Cut(s, op.text)
		if !ok {
			continue
		}
		field, value = strings.TrimSpace(field), strings.TrimSpace(value)
		if field == "" || value == "" {
			return Requirement{}, false
		}
		numeric := slices.Contains(SpecNumericFields, field)
		r := Requirement{Field: field, Op: op.code}
		if op.code != "in" {
			r.Value = specCellValue(value, numeric)
			return r, true
		}
		var list []any
		for _, x := range strings.FieldsFunc(value, func(r rune) bool { return r == '|' || r == ',' || r == '，' }) {
			list = append(list, specCellValue(strings.TrimSpace(x), numeric))
		}
		r.Value = list
		return r, true
	}
	return Requirement{}, false
}

// specCellValue is a number for a numeric field when it reads as one; the
// validation says so when it does not.
func specCellValue(v string, numeric bool) any {
	if numeric {
		if f, err := strconv.ParseFloat(v, 64); err == nil {
			return f
		}
	}
	return v
}

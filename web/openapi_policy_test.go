package web

import (
	"reflect"
	"slices"
	"testing"

	"hostroll/inventory"
)

// TestPolicySchemasMatchGoTypes does for the findings, checks and reports
// what TestSchemasMatchGoTypes and TestEnumsMatchGo do for the inventory.
func TestPolicySchemasMatchGoTypes(t *testing.T) {
	doc := loadSpec(t)
	types := []struct {
		schema string
		value  any
		input  bool
	}{
		{"Finding", inventory.Finding{}, false},
		{"Exemption", inventory.Exemption{}, false},
		{"FindingList", listBody[inventory.Finding]{}, false},
		{"Check", inventory.Check{}, false},
		{"CheckList", listBody[inventory.Check]{}, false},
		{"ConsolidationReport", inventory.ConsolidationReport{}, false},
		{"ConsolidationRow", inventory.ConsolidationRow{}, false},
		{"CentralCapacity", inventory.CentralCapacity{}, false},
		{"RackCapacity", inventory.RackCapacity{}, false},
		{"MovePlan", inventory.MovePlan{}, false},
		{"Move", inventory.Move{}, false},
		{"Unplaced", inventory.Unplaced{}, false},
		{"Kept", inventory.Kept{}, false},
		{"ConsolidationLine", inventory.LineRow{}, false},
		{"ConsolidationRoom", inventory.RoomRow{}, false},
		{"ExemptionInput", inventory.ExemptionInput{}, true},
		{"CheckRunInput", CheckRunInput{}, true},
	}
	for _, tt := range types {
		t.Run(tt.schema, func(t *testing.T) {
			s := doc.schema(t, tt.schema)
			names, always := specJSONFields(reflect.TypeOf(tt.value))
			if got := specKeys(s.Properties); !slices.Equal(got, names) {
				t.Errorf("schema %s has properties %v; Go type has JSON fields %v", tt.schema, got, names)
			}
			if tt.input {
				always = nil
			}
			if required := slices.Sorted(slices.Values(s.Required)); !slices.Equal(required, always) {
				t.Errorf("schema %s requires %v, want %v", tt.schema, required, always)
			}
		})
	}
	enums := []struct {
		schema, property string
		want             []string
	}{
		{"Finding", "severity", inventory.Severities},
		{"Finding", "status", inventory.FindingStatuses},
		{"Finding", "subject_type", inventory.SubjectTypes},
		{"Exemption", "basis", inventory.ExemptionBases},
		{"ExemptionInput", "basis", inventory.ExemptionBases},
		{"Move", "face", inventory.Faces},
	}
	for _, tt := range enums {
		t.Run(tt.schema+"."+tt.property, func(t *testing.T) {
			prop, ok := doc.schema(t, tt.schema).Properties[tt.property]
			if !ok {
				t.Fatalf("schema %s has no property %s", tt.schema, tt.property)
			}
			got := slices.Sorted(slices.Values(doc.resolve(t, prop).Enum))
			if want := slices.Sorted(slices.Values(tt.want)); !slices.Equal(got, want) {
				t.Errorf("%s.%s enum = %v, want %v", tt.schema, tt.property, got, want)
			}
		})
	}
	lang := doc.Components.Parameters["Lang"]
	if lang == nil || !slices.Equal(slices.Sorted(slices.Values(lang.Schema.Enum)), slices.Sorted(slices.Values(inventory.Languages))) {
		t.Errorf("parameter Lang must enumerate %v", inventory.Languages)
	}
}

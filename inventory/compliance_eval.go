package inventory

import (
	"fmt"
	"slices"
	"strings"
)

// complianceDevice is what the compliance check knows of a device: its
// declared fields and what its latest answering SNMP poll saw.
type complianceDevice struct {
	ID            int64    `db:"id"`
	ProjectID     int64    `db:"project_id"`
	Name          string   `db:"name"`
	Kind          string   `db:"kind"`
	Manufacturer  string   `db:"manufacturer"`
	Model         string   `db:"model"`
	UHeight       int      `db:"u_height"`
	PurchasePrice *float64 `db:"purchase_price"`
	CPUCores      *int     `db:"cpu_cores"`
	MemoryGB      *int     `db:"memory_gb"`
	StorageGB     *int     `db:"storage_gb"`
	Ports         *int     `db:"ports"`
	SpecItemID    *int64   `db:"spec_item_id"`
	SNMPProfileID *int64   `db:"snmp_profile_id"`
	obs           *complianceObservation
	// vals caches values() per field of SpecFields, declared and observed.
	vals *[8][2]any
}

// specFieldIndex is a field's index in SpecFields, -1 for none.
func specFieldIndex(field string) int {
	switch field {
	case "kind":
		return 0
	case "manufacturer":
		return 1
	case "model":
		return 2
	case "cpu_cores":
		return 3
	case "memory_gb":
		return 4
	case "storage_gb":
		return 5
	case "ports":
		return 6
	case "u_height":
		return 7
	}
	return -1
}

// value is values(field), computed once per device.
func (d *complianceDevice) value(field string) (declared, observed any) {
	if d.vals == nil {
		d.vals = new([8][2]any)
		for k, f := range SpecFields {
			d.vals[k][0], d.vals[k][1] = d.values(f)
		}
	}
	k := specFieldIndex(field)
	if k < 0 {
		return nil, nil
	}
	return d.vals[k][0], d.vals[k][1]
}

// complianceObservation is the part of an observation the check reads.
type complianceObservation struct {
	DeviceID     int64  `db:"device_id"`
	Manufacturer string `db:"manufacturer"`
	Model        string `db:"model"`
	CPUCount     *int   `db:"cpu_count"`
	MemoryMB     *int64 `db:"memory_mb"`
	StorageGB    *int   `db:"storage_gb"`
}

// values returns the declared and the observed value of a spec field, nil
// where unknown. Observed memory is memory_mb rounded up to whole GiB: the
// operating system reports a little less than is installed (firmware and
// kernel reservations), and rounding up forgives that but not a missing
// module. Ports, kind and u_height are not observed.
func (d *complianceDevice) values(field string) (declared, observed any) {
	text := func(s string) any {
		if s = strings.TrimSpace(s); s == "" {
			return nil
		}
		return s
	}
	num := func(p *int) any {
		if p == nil {
			return nil
		}
		return float64(*p)
	}
	o := d.obs
	if o == nil {
		o = &complianceObservation{}
	}
	switch field {
	case "kind":
		return d.Kind, nil
	case "manufacturer":
		return text(d.Manufacturer), text(o.Manufacturer)
	case "model":
		return text(d.Model), text(o.Model)
	case "cpu_cores":
		return num(d.CPUCores), num(o.CPUCount)
	case "memory_gb":
		if o.MemoryMB != nil {
			observed = float64(observedMemoryGB(*o.MemoryMB, d.MemoryGB))
		}
		return num(d.MemoryGB), observed
	case "storage_gb":
		return num(d.StorageGB), num(o.StorageGB)
	case "ports":
		return num(d.Ports), nil
	case "u_height":
		return float64(d.UHeight), nil
	}
	return nil, nil
}

// satisfies tells whether one known value meets a requirement.
func (r Requirement) satisfies(v any) bool {
	switch x := v.(type) {
	case float64:
		switch r.Op {
		case "eq":
			return r.Value == x
		case "min":
			lim, ok := r.Value.(float64)
			return ok && x >= lim
		case "max":
			lim, ok := r.Value.(float64)
			return ok && x <= lim
		case "in":
			vs, _ := r.Value.([]float64)
			return slices.Contains(vs, x)
		}
	case string:
		for _, want := range specTexts(r.Value) {
			if strings.EqualFold(strings.TrimSpace(want), x) {
				return true
			}
		}
	}
	return false
}

// passes: at least one value is known, and every known one satisfies r.
func (r Requirement) passes(declared, observed any) bool {
	return (declared != nil || observed != nil) &&
		(declared == nil || r.satisfies(declared)) && (observed == nil || r.satisfies(observed))
}

// failedCount is checkItem(d, item).failed without building the report, -1 when
// the item is for another kind.
func failedCount(d *complianceDevice, item *SpecItem) int {
	if d.Kind != item.Kind {
		return -1
	}
	n := 0
	for _, r := range item.Requirements {
		if !r.passes(d.value(r.Field)) {
			n++
		}
	}
	if p := item.MaxUnitPrice; p != nil && (d.PurchasePrice == nil || *d.PurchasePrice > *p) {
		n++
	}
	return n
}

// RequirementCheck is one requirement checked on one device: the declared
// value, the observed value where a poll saw one, and the verdict. A value
// that is known must pass; at least one must be known. Evidence says which
// were known: declared, observed, both, or none.
type RequirementCheck struct {
	Field    string `json:"field"`
	Op       string `json:"op"`
	Value    any    `json:"value"`
	Declared any    `json:"declared"`
	Observed any    `json:"observed"`
	Evidence string `json:"evidence"`
	Pass     bool   `json:"pass"`
}

// EvidenceKinds are the values of RequirementCheck.Evidence.
var EvidenceKinds = []string{"declared", "observed", "both", "none"}

// evidence names which of the declared and observed values are known.
func evidence(declared, observed any) string {
	switch {
	case declared != nil && observed != nil:
		return "both"
	case declared != nil:
		return "declared"
	case observed != nil:
		return "observed"
	}
	return "none"
}

// PriceCheck compares the purchase price with the item's unit price cap.
type PriceCheck struct {
	PurchasePrice *float64 `json:"purchase_price"`
	MaxUnitPrice  float64  `json:"max_unit_price"`
	Pass          bool     `json:"pass"`
}

// itemFit is a device checked against one spec item.
type itemFit struct {
	kindOK bool
	checks []RequirementCheck
	price  *PriceCheck
	failed int
}

func (f itemFit) pass() bool { return f.kindOK && f.failed == 0 }

// checkItem evaluates every requirement and the price of item on device d.
func checkItem(d *complianceDevice, item *SpecItem) itemFit {
	f := itemFit{kindOK: d.Kind == item.Kind, checks: make([]RequirementCheck, 0, len(item.Requirements))}
	for _, r := range item.Requirements {
		decl, obs := d.value(r.Field)
		ok := r.passes(decl, obs)
		f.checks = append(f.checks, RequirementCheck{Field: r.Field, Op: r.Op, Value: r.Value,
			Declared: decl, Observed: obs, Evidence: evidence(decl, obs), Pass: ok})
		if !ok {
			f.failed++
		}
	}
	if item.MaxUnitPrice != nil {
		p := &PriceCheck{PurchasePrice: d.PurchasePrice, MaxUnitPrice: *item.MaxUnitPrice}
		p.Pass = d.PurchasePrice != nil && *d.PurchasePrice <= *item.MaxUnitPrice
		f.price = p
		if !p.Pass {
			f.failed++
		}
	}
	return f
}

// failures describes what a device fails of an item, for a reason sentence.
func (f itemFit) failures(d *complianceDevice, item *SpecItem) []Msg {
	var parts []Msg
	if !f.kindOK {
		parts = append(parts, M("compl.kind_differs", L(setDeviceKind, d.Kind), L(setDeviceKind, item.Kind)))
	}
	for _, c := range f.checks {
		if !c.Pass {
			parts = append(parts, M("compl.requirement", M("compl.field."+c.Field), M("compl.op."+c.Op),
				showSpecValue(c.Value), showSpecValue(c.Declared), showSpecValue(c.Observed)))
		}
	}
	if f.price != nil && !f.price.Pass {
		if f.price.PurchasePrice == nil {
			parts = append(parts, M("compl.price_missing", f.price.MaxUnitPrice))
		} else {
			parts = append(parts, M("compl.price_above", *f.price.PurchasePrice, f.price.MaxUnitPrice))
		}
	}
	return parts
}

// showSpecValue is a value of a requirement check in a message: a Msg for
// none, else its text.
func showSpecValue(v any) any {
	switch x := v.(type) {
	case nil:
		return M("compl.none")
	case float64:
		return fmt.Sprintf("%g", x)
	case string:
		return fmt.Sprintf("%q", x)
	case []float64:
		s := make([]string, len(x))
		for i, f := range x {
			s[i] = fmt.Sprintf("%g", f)
		}
		return "[" + strings.Join(s, ", ") + "]"
	case []string:
		return fmt.Sprintf("%q", x)
	}
	return fmt.Sprint(v)
}

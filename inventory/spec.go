package inventory

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"
)

// The device fields a spec requirement may constrain, and the operators.
var (
	SpecNumericFields = []string{"cpu_cores", "memory_gb", "storage_gb", "ports", "u_height"}
	SpecTextFields    = []string{"kind", "manufacturer", "model"}
	SpecFields        = append(slices.Clone(SpecTextFields), SpecNumericFields...)
	SpecOps           = []string{"eq", "min", "max", "in"}
	SpecTextOps       = []string{"eq", "in"}
	SpecRevisionStats = []string{"current", "proposed", "superseded", "rejected"}
)

// specEditable are the project statuses in which the spec items may be
// written directly. From spec_reviewed on the spec is frozen (Art. 8) and a
// change is a reviewed revision; a rejected project is closed, so its spec is
// frozen too.
var specEditable = []string{"draft", "submitted", "approved"}

// specRevisable are the statuses in which the frozen spec may change by a
// reviewed revision: from the spec review until acceptance. Before, the
// items are edited directly; an accepted, settled or rejected project's
// spec is closed.
var specRevisable = []string{"spec_reviewed", "procuring", "implementing", "trial_run", "acceptance_requested",
	"acceptance_failed"}

// maxSpecItems and maxRequirements bound what one revision may hold.
const (
	maxSpecItems    = 200
	maxRequirements = 50
	maxInValues     = 100
)

// Requirement is one condition of a spec item on a device field: "min"
// (field >= value), "max" (field <= value), "eq" (equal; text compares
// without regard to case) or "in" (one of a list).
type Requirement struct {
	Field string `json:"field"`
	Op    string `json:"op"`
	// Value is a number or a text for eq, min and max, a list of them for in.
	Value any `json:"value"`
}

// SpecItem is one line of a project's approved technical plan (Art. 8).
type SpecItem struct {
	ID           int64         `json:"id"`
	ProjectID    int64         `json:"project_id"`
	RevisionID   int64         `json:"revision_id"`
	Kind         string        `json:"kind"`
	Name         string        `json:"name"`
	Quantity     int           `json:"quantity"`
	MaxUnitPrice *float64      `json:"max_unit_price"`
	Requirements []Requirement `json:"requirements"`
}

// SpecItemInput creates or patches a spec item.
type SpecItemInput struct {
	Kind         string        `json:"kind"`
	Name         string        `json:"name"`
	Quantity     int           `json:"quantity"`
	MaxUnitPrice *float64      `json:"max_unit_price"`
	Requirements []Requirement `json:"requirements"`
}

// DefaultSpecItemInput is the base a new item's JSON is read onto.
func DefaultSpecItemInput() SpecItemInput {
	return SpecItemInput{Quantity: 1, Requirements: []Requirement{}}
}

func (it SpecItem) input() SpecItemInput {
	return SpecItemInput{Kind: it.Kind, Name: it.Name, Quantity: it.Quantity,
		MaxUnitPrice: it.MaxUnitPrice, Requirements: slices.Clone(it.Requirements)}
}

// Validate checks the item on its own.
func (in *SpecItemInput) Validate() error {
	ve := &ValidationError{}
	in.validate(ve, "")
	return ve.Err()
}

// validate adds the item's problems with field names under prefix
// ("items[3]." in a revision).
func (in *SpecItemInput) validate(ve *ValidationError, prefix string) {
	trim(&in.Kind, &in.Name)
	checkEnum(ve, prefix+"kind", in.Kind, DeviceKinds)
	checkMaxLen(ve, prefix+"name", in.Name, 200)
	checkRange(ve, prefix+"quantity", in.Quantity, 1, 100000)
	if in.MaxUnitPrice != nil {
		checkMoney(ve, prefix+"max_unit_price", *in.MaxUnitPrice)
		*in.MaxUnitPrice = money(*in.MaxUnitPrice)
	}
	if in.Requirements == nil {
		in.Requirements = []Requirement{}
	}
	if len(in.Requirements) > maxRequirements {
		ve.Add(prefix+"requirements", "err.spec.field.have_most_entries", maxRequirements)
		return
	}
	for i := range in.Requirements {
		in.Requirements[i].validate(ve, fmt.Sprintf("%srequirements[%d].", prefix, i))
	}
}

// validate checks and normalises one requirement: numbers become float64,
// lists []float64 or []string.
func (r *Requirement) validate(ve *ValidationError, prefix string) {
	r.Field, r.Op = strings.TrimSpace(r.Field), strings.TrimSpace(r.Op)
	numeric := slices.Contains(SpecNumericFields, r.Field)
	switch {
	case !numeric && !slices.Contains(SpecTextFields, r.Field):
		ve.Add(prefix+"field", "err.spec.field.one", strings.Join(SpecFields, ", "), r.Field)
		return
	case !slices.Contains(SpecOps, r.Op):
		ve.Add(prefix+"op", "err.spec.field.one", strings.Join(SpecOps, ", "), r.Op)
		return
	case !numeric && !slices.Contains(SpecTextOps, r.Op):
		ve.Add(prefix+"op", "err.spec.field.text_field_use", r.Field, r.Op)
		return
	}
	v, msg := normalizeSpecValue(r.Value, numeric, r.Op == "in")
	if msg != nil {
		ve.AddMsg(prefix+"value", *msg)
		return
	}
	if r.Field == "kind" {
		for _, k := range specTexts(v) {
			if !slices.Contains(DeviceKinds, k) {
				ve.Add(prefix+"value", "err.spec.field.kinds_among", strings.Join(DeviceKinds, ", "), k)
				return
			}
		}
	}
	r.Value = v
}

// normalizeSpecValue checks a requirement's value against the field's type; the
// message says what is wrong, nil when nothing is.
func normalizeSpecValue(v any, numeric, list bool) (any, *Msg) {
	want := M("err.spec.want_text")
	if numeric {
		want = M("err.spec.want_number")
	}
	if !list {
		x, ok := specScalar(v, numeric)
		if !ok {
			return nil, bad("err.spec.value_type", want)
		}
		return x, nil
	}
	arr, ok := v.([]any)
	switch x := v.(type) { // already normalised: an item read back for a patch
	case []float64:
		arr, ok = make([]any, len(x)), true
		for i, f := range x {
			arr[i] = f
		}
	case []string:
		arr, ok = make([]any, len(x)), true
		for i, s := range x {
			arr[i] = s
		}
	}
	if !ok || len(arr) == 0 || len(arr) > maxInValues {
		return nil, bad("err.spec.value_list", maxInValues, want)
	}
	nums, texts := []float64{}, []string{}
	for _, e := range arr {
		x, ok := specScalar(e, numeric)
		if !ok {
			return nil, bad("err.spec.value_list_each", want)
		}
		if numeric {
			nums = append(nums, x.(float64))
		} else {
			texts = append(texts, x.(string))
		}
	}
	if numeric {
		return nums, nil
	}
	return texts, nil
}

// scalar accepts a non-negative finite number or a non-empty text of at
// most 200 characters.
func specScalar(v any, numeric bool) (any, bool) {
	switch x := v.(type) {
	case float64:
		return x, numeric && !math.IsNaN(x) && !math.IsInf(x, 0) && x >= 0 && x < 1e15
	case json.Number:
		f, err := x.Float64()
		return f, err == nil && numeric && f >= 0 && f < 1e15
	case int:
		return float64(x), numeric && x >= 0
	case string:
		s := strings.TrimSpace(x)
		return s, !numeric && s != "" && badText(s) == "" && len(s) <= 200
	}
	return nil, false
}

func specTexts(v any) []string {
	switch x := v.(type) {
	case string:
		return []string{x}
	case []string:
		return x
	}
	return nil
}

// SpecRevision is one version of a project's technical plan: current (in
// force), proposed (awaiting review), superseded or rejected.
type SpecRevision struct {
	ID         int64      `db:"id" json:"id"`
	ProjectID  int64      `db:"project_id" json:"project_id"`
	Number     int        `db:"number" json:"number"`
	Status     string     `db:"status" json:"status"`
	Reason     string     `db:"reason" json:"reason"`
	CreatedAt  time.Time  `db:"created_at" json:"created_at"`
	CreatedBy  string     `db:"created_by" json:"created_by"`
	ReviewedAt *time.Time `db:"reviewed_at" json:"reviewed_at"`
	ReviewedBy *string    `db:"reviewed_by" json:"reviewed_by"`
	ReviewNote string     `db:"review_note" json:"review_note"`
	Items      []SpecItem `db:"-" json:"items"`
}

// specItemRow is a spec_items row as the database gives it.
type specItemRow struct {
	ID           int64    `db:"id"`
	ProjectID    int64    `db:"project_id"`
	RevisionID   int64    `db:"revision_id"`
	Kind         string   `db:"kind"`
	Name         string   `db:"name"`
	Quantity     int      `db:"quantity"`
	MaxUnitPrice *float64 `db:"max_unit_price"`
	Requirements RawJSON  `db:"requirements"`
}

const specItemCols = `id, project_id, revision_id, kind, name, quantity, max_unit_price, requirements`

func (r specItemRow) item() (SpecItem, error) {
	it := SpecItem{ID: r.ID, ProjectID: r.ProjectID, RevisionID: r.RevisionID, Kind: r.Kind, Name: r.Name,
		Quantity: r.Quantity, MaxUnitPrice: r.MaxUnitPrice, Requirements: []Requirement{}}
	if len(r.Requirements) > 0 {
		if err := json.Unmarshal(r.Requirements, &it.Requirements); err != nil {
			return it, fmt.Errorf("inventory: spec item %d requirements: %w", r.ID, err)
		}
	}
	for i := range it.Requirements {
		rq := &it.Requirements[i]
		rq.Value, _ = normalizeSpecValue(rq.Value, slices.Contains(SpecNumericFields, rq.Field), rq.Op == "in")
	}
	return it, nil
}

// selectSpecItems reads spec items by a condition on spec_items, in id order.
func selectSpecItems(ctx context.Context, q querier, where string, args ...any) ([]SpecItem, error) {
	var rows []specItemRow
	err := q.SelectContext(ctx, &rows, q.Rebind("SELECT "+specItemCols+" FROM spec_items WHERE "+where+" ORDER BY id"), args...)
	if err != nil {
		return nil, dbErr(err, "spec items")
	}
	items := make([]SpecItem, 0, len(rows))
	for _, r := range rows {
		it, err := r.item()
		if err != nil {
			return nil, err
		}
		items = append(items, it)
	}
	return items, nil
}

// currentSpecItems are the items of the project's current revision, none
// when it has no spec yet.
func currentSpecItems(ctx context.Context, q querier, projectID int64) ([]SpecItem, error) {
	return selectSpecItems(ctx, q, `revision_id = (SELECT id FROM spec_revisions
		WHERE project_id = ? AND status = 'current')`, projectID)
}

// currentSpecItemCount counts the items of the project's current spec; the
// spec_reviewed step needs at least one.
func currentSpecItemCount(ctx context.Context, q querier, projectID int64) (int, error) {
	var n int
	err := q.GetContext(ctx, &n, q.Rebind(`SELECT COUNT(*) FROM spec_items i
		JOIN spec_revisions r ON r.id = i.revision_id
		WHERE r.project_id = ? AND r.status = 'current'`), projectID)
	if err != nil {
		return 0, dbErr(err, "count spec items")
	}
	return n, nil
}

func insertSpecItem(tx *txn, projectID, revisionID int64, in *SpecItemInput) (int64, error) {
	reqs, err := json.Marshal(in.Requirements)
	if err != nil {
		return 0, fmt.Errorf("inventory: spec requirements: %w", err)
	}
	id, err := tx.insert(`INSERT INTO spec_items (project_id, revision_id, kind, name, quantity, max_unit_price,
		requirements) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		projectID, revisionID, in.Kind, in.Name, in.Quantity, in.MaxUnitPrice, string(reqs))
	return id, dbErr(err, "create spec item")
}

func specItem(ctx context.Context, q querier, projectID, itemID int64) (SpecItem, error) {
	cond, args := andScopeIn(ctx, "id = ? AND project_id = ?", []any{itemID, projectID}, "project_id", "projects")
	items, err := selectSpecItems(ctx, q, cond, args...)
	if err != nil {
		return SpecItem{}, err
	}
	if len(items) == 0 {
		return SpecItem{}, fmt.Errorf("inventory: spec item %d of project %d: %w", itemID, projectID, ErrNotFound)
	}
	return items[0], nil
}

// checkDeviceSpecItem checks a device's pin: the item must be of the
// current revision of the device's own project, and of the device's kind.
func checkDeviceSpecItem(tx *txn, ve *ValidationError, in *DeviceInput) error {
	if in.SpecItemID == nil {
		return nil
	}
	if in.ProjectID == nil {
		ve.Add("spec_item_id", "err.spec.spec_item_id.needs_project_id")
		return nil
	}
	if _, bad := ve.Fields["project_id"]; bad {
		return nil
	}
	var it struct {
		ProjectID int64  `db:"project_id"`
		Kind      string `db:"kind"`
		Status    string `db:"status"`
	}
	// On PostgreSQL the item and its revision are share-locked, so a
	// concurrent approval (which supersedes the revision) or delete of the
	// item waits for this write, or this one reads what it left.
	lock := ""
	if tx.dialect == Postgres {
		lock = " FOR SHARE"
	}
	err := tx.get(&it, `SELECT i.project_id, i.kind, r.status FROM spec_items i
		JOIN spec_revisions r ON r.id = i.revision_id WHERE i.id = ?`+lock, *in.SpecItemID)
	switch {
	case ignoreNoRows(err) == nil && err != nil:
		ve.Add("spec_item_id", "err.spec.spec_item_id.no_spec_item", *in.SpecItemID)
	case err != nil:
		return dbErr(err, "check spec_item_id")
	case it.ProjectID != *in.ProjectID:
		ve.Add("spec_item_id", "err.spec.spec_item_id.spec_item_belongs",
			*in.SpecItemID, it.ProjectID, *in.ProjectID)
	case it.Status != "current":
		ve.Add("spec_item_id", "err.spec.spec_item_id.spec_item_revision",
			*in.SpecItemID, L(setRevisionStatus, it.Status))
	case it.Kind != in.Kind:
		ve.Add("spec_item_id", "err.spec.spec_item_id.spec_item_this", *in.SpecItemID, L(setDeviceKind, it.Kind), L(setDeviceKind, in.Kind))
	}
	return nil
}

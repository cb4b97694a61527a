package inventory

import (
	"context"
	"fmt"
	"slices"

	"github.com/jmoiron/sqlx"
)

// Compliance is the Art. 10 check of a project's devices against its
// current technical plan.
type Compliance struct {
	ProjectID      int64  `json:"project_id"`
	RevisionID     *int64 `json:"revision_id"`
	RevisionNumber int    `json:"revision_number"`
	Pass           bool   `json:"pass"`
	// RequireObserved: a device with an SNMP profile passes only once a poll
	// has answered (HOSTROLL_COMPLIANCE_REQUIRE_OBSERVED, default on).
	RequireObserved bool `json:"require_observed"`
	// Reasons say, in English, why the check fails; In renders them in
	// another language.
	Reasons []string `json:"reasons"`
	reasons []Msg
	Items   []ItemCompliance   `json:"items"`
	Devices []DeviceCompliance `json:"devices"`
	// UnmatchedDeviceIDs are the devices that match no item.
	UnmatchedDeviceIDs []int64 `json:"unmatched_device_ids"`
}

// ItemCompliance is one spec item: how many devices it needs and which
// devices satisfy it.
type ItemCompliance struct {
	ItemID    int64   `json:"item_id"`
	Kind      string  `json:"kind"`
	Name      string  `json:"name"`
	Required  int     `json:"required"`
	Matched   int     `json:"matched"`
	DeviceIDs []int64 `json:"device_ids"`
	Pass      bool    `json:"pass"`
}

// DeviceCompliance is one device: the item it is assigned to (pinned or
// matched) and each requirement of that item checked. A device that matches
// nothing is shown against its closest item of its kind (candidate_item_id).
type DeviceCompliance struct {
	DeviceID        int64  `json:"device_id"`
	Name            string `json:"name"`
	Kind            string `json:"kind"`
	ItemID          *int64 `json:"item_id"`
	CandidateItemID *int64 `json:"candidate_item_id"`
	Pinned          bool   `json:"pinned"`
	Observed        bool   `json:"observed"`
	// Unverified: the device fits, but it has an SNMP profile and no poll
	// has answered yet, so it does not count as passing while observed
	// evidence is required.
	Unverified bool               `json:"unverified"`
	Checks     []RequirementCheck `json:"checks"`
	Price      *PriceCheck        `json:"price"`
	Pass       bool               `json:"pass"`
}

// Compliance checks the project's devices against its current spec, with
// the observed-evidence setting of the store's rule configuration (the one
// the acceptance gate uses). A unit's staff see the check of the projects in
// their scope; a device of another unit taking part shows without its name.
func (s *Store) Compliance(ctx context.Context, projectID int64) (*Compliance, error) {
	if err := visible(ctx, s.db, "projects", projectID); err != nil {
		return nil, err
	}
	c, err := projectCompliance(ctx, s.db, projectID, s.RuleConfig().requireObserved())
	if err != nil || CallerOf(ctx).Scope().All {
		return c, err
	}
	query, args := andScope(ctx, `SELECT id FROM devices WHERE project_id = ?`, []any{projectID}, scopeDevices, true)
	var own []int64
	if err := s.db.SelectContext(ctx, &own, s.db.Rebind(query), args...); err != nil {
		return nil, dbErr(err, "project devices")
	}
	for i := range c.Devices {
		if !slices.Contains(own, c.Devices[i].DeviceID) {
			c.Devices[i].Name = ""
		}
	}
	return c, nil
}

// projectCompliance is the check the acceptance gate and the spec-mismatch
// rule run: decommissioned devices are left out; pinned devices take their
// item first, the rest are assigned by a maximum matching.
func projectCompliance(ctx context.Context, q querier, projectID int64, requireObserved bool) (*Compliance, error) {
	if ok, err := exists(ctx, q, `SELECT 1 FROM projects WHERE id = ?`, projectID); err != nil {
		return nil, dbErr(err, "project")
	} else if !ok {
		return nil, fmt.Errorf("inventory: project %d: %w", projectID, ErrNotFound)
	}
	c := &Compliance{ProjectID: projectID, RequireObserved: requireObserved, Reasons: []string{}, Items: []ItemCompliance{},
		Devices: []DeviceCompliance{}, UnmatchedDeviceIDs: []int64{}}
	var rev struct {
		ID     int64 `db:"id"`
		Number int   `db:"number"`
	}
	err := q.GetContext(ctx, &rev, q.Rebind(`SELECT id, number FROM spec_revisions
		WHERE project_id = ? AND status = 'current'`), projectID)
	if err := ignoreNoRows(err); err != nil {
		return nil, dbErr(err, "current spec revision")
	}
	if err == nil {
		c.RevisionID, c.RevisionNumber = &rev.ID, rev.Number
	}
	items, err := currentSpecItems(ctx, q, projectID)
	if err != nil {
		return nil, err
	}
	devs, err := complianceDevices(ctx, q, projectID)
	if err != nil {
		return nil, err
	}
	c.assess(items, devs)
	return c, nil
}

// complianceDevices loads the project's devices that count, with their
// latest answering observation.
func complianceDevices(ctx context.Context, q querier, projectID int64) ([]*complianceDevice, error) {
	var devs []*complianceDevice
	err := q.SelectContext(ctx, &devs, q.Rebind(`SELECT id, project_id, name, kind, manufacturer, model, u_height,
		purchase_price, cpu_cores, memory_gb, storage_gb, ports, spec_item_id, snmp_profile_id
		FROM devices WHERE project_id = ? AND status <> 'decommissioned' ORDER BY id`), projectID)
	if err != nil {
		return nil, dbErr(err, "project devices")
	}
	var obs []complianceObservation
	err = q.SelectContext(ctx, &obs, q.Rebind(`SELECT device_id, manufacturer, model, cpu_count, memory_mb,
		storage_gb FROM observations WHERE id IN (SELECT (SELECT l.id FROM observations l
			WHERE l.device_id = d.id AND l.reachable ORDER BY l.at DESC, l.id DESC LIMIT 1)
		FROM devices d WHERE d.project_id = ?)`), projectID)
	if err != nil {
		return nil, dbErr(err, "latest observations")
	}
	byID := make(map[int64]*complianceDevice, len(devs))
	for _, d := range devs {
		byID[d.ID] = d
	}
	for i := range obs {
		if d := byID[obs[i].DeviceID]; d != nil {
			d.obs = &obs[i]
		}
	}
	return devs, nil
}

// projectsCompliance is projectCompliance for every project in one of
// statuses, read with three queries in all rather than three a project: the
// spec-mismatch rule checks them all. Only the verdict and its reasons are
// filled in (not the revision).
func projectsCompliance(ctx context.Context, q querier, statuses []string) (map[int64]*Compliance, error) {
	inProjects, args, err := sqlx.In(`SELECT id FROM projects WHERE status IN (?)`, statuses)
	if err != nil {
		return nil, err
	}
	items, err := selectSpecItems(ctx, q, `revision_id IN (SELECT id FROM spec_revisions
		WHERE status = 'current' AND project_id IN (`+inProjects+`))`, args...)
	if err != nil {
		return nil, err
	}
	var devs []*complianceDevice
	err = q.SelectContext(ctx, &devs, q.Rebind(`SELECT id, project_id, name, kind, manufacturer, model, u_height,
		purchase_price, cpu_cores, memory_gb, storage_gb, ports, spec_item_id, snmp_profile_id
		FROM devices WHERE project_id IN (`+inProjects+`) AND status <> 'decommissioned' ORDER BY id`), args...)
	if err != nil {
		return nil, dbErr(err, "project devices")
	}
	var obs []complianceObservation
	err = q.SelectContext(ctx, &obs, q.Rebind(`SELECT device_id, manufacturer, model, cpu_count, memory_mb,
		storage_gb FROM observations WHERE id IN (SELECT (SELECT l.id FROM observations l
			WHERE l.device_id = d.id AND l.reachable ORDER BY l.at DESC, l.id DESC LIMIT 1)
		FROM devices d WHERE d.project_id IN (`+inProjects+`))`), args...)
	if err != nil {
		return nil, dbErr(err, "latest observations")
	}
	byID := make(map[int64]*complianceDevice, len(devs))
	devsOf := map[int64][]*complianceDevice{}
	for _, d := range devs {
		byID[d.ID] = d
		devsOf[d.ProjectID] = append(devsOf[d.ProjectID], d)
	}
	for i := range obs {
		if d := byID[obs[i].DeviceID]; d != nil {
			d.obs = &obs[i]
		}
	}
	itemsOf := map[int64][]SpecItem{}
	for _, it := range items {
		itemsOf[it.ProjectID] = append(itemsOf[it.ProjectID], it)
	}
	var ids []int64
	if err := q.SelectContext(ctx, &ids, q.Rebind(inProjects), args...); err != nil {
		return nil, dbErr(err, "projects")
	}
	out := make(map[int64]*Compliance, len(ids))
	for _, id := range ids {
		c := &Compliance{ProjectID: id, Reasons: []string{}, Items: []ItemCompliance{},
			Devices: []DeviceCompliance{}, UnmatchedDeviceIDs: []int64{}}
		c.assess(itemsOf[id], devsOf[id])
		out[id] = c
	}
	return out, nil
}

// assess fills in the report: pins first, then the maximum matching of the
// rest onto what capacity the pins left, then the verdicts and reasons.
func (c *Compliance) assess(items []SpecItem, devs []*complianceDevice) {
	itemAt := make(map[int64]int, len(items))
	capacity := make([]int, len(items))
	for j, it := range items {
		itemAt[it.ID] = j
		capacity[j] = it.Quantity
	}
	assigned := make([]int, len(devs)) // item index, or -1
	pinned := make([]int, len(devs))   // the item index a device is pinned to, or -1
	failed := make([][]int, len(devs)) // failed[i][j]: checks device i fails of item j, -1 for another kind
	var free []int                     // devices for the matching
	var adj [][]int
	for i, d := range devs {
		assigned[i], pinned[i] = -1, -1
		failed[i] = make([]int, len(items))
		var ok []int
		for j := range items {
			if failed[i][j] = failedCount(d, &items[j]); failed[i][j] == 0 {
				ok = append(ok, j)
			}
		}
		if j, isPinned := pinIndex(d, itemAt); isPinned {
			pinned[i] = j
			if failed[i][j] == 0 && capacity[j] > 0 {
				capacity[j]--
				assigned[i] = j
			} else if failed[i][j] != 0 {
				assigned[i] = j // shown against its item, failing
			}
			continue
		}
		free = append(free, i)
		adj = append(adj, ok)
	}
	for k, j := range maxMatching(adj, capacity) {
		assigned[free[k]] = j
	}
	c.report(items, devs, assigned, pinned, failed)
}

func pinIndex(d *complianceDevice, itemAt map[int64]int) (int, bool) {
	if d.SpecItemID == nil {
		return 0, false
	}
	j, ok := itemAt[*d.SpecItemID]
	return j, ok
}

// report writes the per-item and per-device results and the reasons.
func (c *Compliance) report(items []SpecItem, devs []*complianceDevice, assigned, pinned []int, failed [][]int) {
	if len(items) == 0 {
		c.reason(M("compl.no_items", c.ProjectID))
	}
	for _, it := range items {
		c.Items = append(c.Items, ItemCompliance{ItemID: it.ID, Kind: it.Kind, Name: it.Name,
			Required: it.Quantity, DeviceIDs: []int64{}})
	}
	for i, d := range devs {
		dc := DeviceCompliance{DeviceID: d.ID, Name: d.Name, Kind: d.Kind, Pinned: pinned[i] >= 0,
			Observed: d.obs != nil, Checks: []RequirementCheck{}}
		j := assigned[i]
		if j < 0 && pinned[i] >= 0 { // pinned, fits, but its item is full
			j = pinned[i]
			dc.CandidateItemID = &items[j].ID
		} else if j < 0 {
			j = closestItem(failed[i])
			if j >= 0 {
				dc.CandidateItemID = &items[j].ID
			}
		} else {
			dc.ItemID = &items[j].ID
		}
		var f itemFit
		if j >= 0 {
			f = checkItem(d, &items[j])
			dc.Checks, dc.Price = f.checks, f.price
		}
		switch {
		case assigned[i] >= 0 && f.pass():
			c.matched(&dc, d, &items[j], &c.Items[j])
		case assigned[i] >= 0:
			c.reason(M("compl.pinned_fails", d.Name, d.ID, items[j].ID, f.failures(d, &items[j])))
		default:
			c.UnmatchedDeviceIDs = append(c.UnmatchedDeviceIDs, d.ID)
			c.reason(unmatchedReason(d, items, j, f, pinned[i] >= 0))
		}
		c.Devices = append(c.Devices, dc)
	}
	for j := range c.Items {
		ic := &c.Items[j]
		ic.Pass = ic.Matched == ic.Required
		if !ic.Pass {
			what := M("compl.item_kind", L(setDeviceKind, ic.Kind))
			if ic.Name != "" {
				what = M("compl.item_kind_name", L(setDeviceKind, ic.Kind), ic.Name)
			}
			c.reason(M("compl.item_short", ic.ItemID, what, ic.Required, ic.Matched, ic.Required-ic.Matched))
		}
	}
	c.Pass = len(c.Reasons) == 0
}

// matched counts a device that fits its item. While observed evidence is
// required, a device with an SNMP profile that no poll has answered passes
// only once one has: until then it is unverified, with a reason.
func (c *Compliance) matched(dc *DeviceCompliance, d *complianceDevice, item *SpecItem, ic *ItemCompliance) {
	ic.Matched++
	ic.DeviceIDs = append(ic.DeviceIDs, d.ID)
	if !c.RequireObserved || d.SNMPProfileID == nil || d.obs != nil {
		dc.Pass = true
		return
	}
	dc.Unverified = true
	c.reason(M("compl.unverified", d.Name, d.ID, item.ID, d.ID))
}

// closestItem is the item of the device's kind it fails least, -1 when the
// plan has none of its kind.
func closestItem(failed []int) int {
	best := -1
	for j, n := range failed {
		if n >= 0 && (best < 0 || n < failed[best]) {
			best = j
		}
	}
	return best
}

func unmatchedReason(d *complianceDevice, items []SpecItem, j int, f itemFit, pinned bool) Msg {
	switch {
	case j < 0:
		return M("compl.no_item_of_kind", d.Name, d.ID, L(setDeviceKind, d.Kind))
	case f.pass() && pinned:
		return M("compl.pinned_surplus", d.Name, d.ID, items[j].ID, items[j].Quantity)
	case f.pass():
		return M("compl.surplus", d.Name, d.ID, items[j].ID)
	}
	return M("compl.no_match", d.Name, d.ID, items[j].ID, f.failures(d, &items[j]))
}

// reason adds a reason the check fails.
func (c *Compliance) reason(m Msg) {
	c.reasons = append(c.reasons, m)
	c.Reasons = append(c.Reasons, m.Text("en"))
}

// ReasonMsgs are the reasons as catalog messages.
func (c *Compliance) ReasonMsgs() []Msg { return slices.Clone(c.reasons) }

// In is the check with its reasons in lang ("zh" or "en").
func (c Compliance) In(lang string) Compliance {
	c.Reasons = make([]string, len(c.reasons))
	for i, m := range c.reasons {
		c.Reasons[i] = m.Text(lang)
	}
	return c
}

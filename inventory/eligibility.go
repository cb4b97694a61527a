package inventory

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"
)

// Reasons a unit gets no project in next year's plan (Art. 16).
var EligibilityReasons = []string{"unfinished", "acceptance_not_requested", "acceptance_failed", "unrectified_evaluation", "unrectified_order"}

// Eligibility answers, for a plan year, which units may have projects in it
// (Art. 16). AsOf is the business day the answer was computed on: overdue
// acceptance depends on it. Provisional: the previous year (whose plan is
// judged) has not ended yet on AsOf, so the answer may still change.
type Eligibility struct {
	Year        int               `json:"year"`
	AsOf        Date              `json:"as_of"`
	Provisional bool              `json:"provisional"`
	GraceDays   int               `json:"grace_days"`
	Items       []UnitEligibility `json:"items"`
	Total       int               `json:"total"`
}

// UnitEligibility is one unit's answer: eligible, or the reasons it is not.
type UnitEligibility struct {
	UnitID   int64               `json:"unit_id"`
	UnitCode string              `json:"unit_code"`
	UnitName string              `json:"unit_name"`
	Eligible bool                `json:"eligible"`
	Reasons  []EligibilityReason `json:"reasons"`
}

// EligibilityReason is one project that stands in a unit's way.
type EligibilityReason struct {
	Reason      string `json:"reason"`
	Article     string `json:"article"`
	ProjectID   int64  `json:"project_id"`
	ProjectCode string `json:"project_code"`
	// RectificationID is the order behind an unrectified_order reason.
	RectificationID int64 `json:"rectification_id,omitempty"`
	// Message says it in English; Eligibility.In renders it in another
	// language.
	Message string `json:"message"`
	msg     Msg
	// CanChange: the fact behind the reason may still change before the
	// plan is decided (a project may still reach its trial run this year, be
	// accepted after failing, or have its problems rectified); false for
	// what is already history (acceptance requested late or not in time,
	// a trial run that began after its plan year ended).
	CanChange bool `json:"can_change"`
}

// eligibilityFacts are what the check reads about one project of a lead unit.
type eligibilityFacts struct {
	ID           int64  `db:"id"`
	Code         string `db:"code"`
	Name         string `db:"name"`
	LeadUnitID   int64  `db:"lead_unit_id"`
	PlanYear     int    `db:"plan_year"`
	Status       string `db:"status"`
	TrialRunEnd  *Date  `db:"trial_run_end"`
	TrialRunOn   *Date  `db:"trial_run_on"`
	RequestedOn  *Date  `db:"requested_on"`
	Failed       bool   `db:"failed"`
	OpenProblems int    `db:"open_problems"`
	LastEval     *Date  `db:"last_eval"`
}

// Eligibility decides, for every unit, whether it may have projects in the
// plan of year (Art. 16). A unit is not eligible when, as lead unit, it has:
// a project of the previous year's plan that had not reached its trial run
// by the end of that year; one whose acceptance was not requested within
// graceDays of the end of its trial run, or failed and has not been accepted
// since; or any project with evaluation problems not yet rectified; or a
// rectification order open past its due day at the end of that year.
func (s *Store) Eligibility(ctx context.Context, year, graceDays int) (Eligibility, error) {
	if year < 2001 || year > 2101 {
		return Eligibility{}, Invalid("year", "err.eligibility.year.plan_year_between", year)
	}
	if graceDays < 0 {
		return Eligibility{}, Invalid("grace_days", "err.eligibility.grace_days.more")
	}
	out := Eligibility{Year: year, AsOf: dayIn(s.zone, s.now()), GraceDays: graceDays, Items: []UnitEligibility{}}
	out.Provisional = out.AsOf <= yearEnd(year-1)
	var units []struct {
		ID   int64  `db:"id"`
		Code string `db:"code"`
		Name string `db:"name"`
	}
	query, args := andScope(ctx, `SELECT id, code, name FROM units`, nil, scopeUnits, false)
	if err := s.db.SelectContext(ctx, &units, s.db.Rebind(query+` ORDER BY code, id`), args...); err != nil {
		return out, dbErr(err, "list units")
	}
	var facts []eligibilityFacts
	// The history is aggregated once for the projects of the previous
	// year's plan, the open evaluation problems once for all projects.
	err := s.db.SelectContext(ctx, &facts, s.db.Rebind(`WITH h AS (
			SELECT project_id,
				MIN(CASE WHEN to_status = 'trial_run' THEN date END) AS trial_run_on,
				MIN(CASE WHEN to_status = 'acceptance_requested' THEN date END) AS requested_on,
				MAX(CASE WHEN to_status = 'acceptance_failed' THEN 1 ELSE 0 END) AS failed
			FROM project_history
			WHERE project_id IN (SELECT id FROM projects WHERE plan_year = ?)
			GROUP BY project_id),
		e AS (
			SELECT project_id, COUNT(*) AS open_problems, MAX(date) AS last_eval
			FROM evaluations WHERE problems <> '' AND NOT rectified
			GROUP BY project_id)
		SELECT p.id, p.code, p.name, p.lead_unit_id, p.plan_year, p.status, p.trial_run_end,
			h.trial_run_on, h.requested_on, COALESCE(h.failed, 0) AS failed,
			COALESCE(e.open_problems, 0) AS open_problems, e.last_eval
		FROM projects p
		LEFT JOIN h ON h.project_id = p.id
		LEFT JOIN e ON e.project_id = p.id
		WHERE (p.plan_year = ? AND p.status NOT IN ('draft', 'submitted', 'rejected')) OR e.project_id IS NOT NULL
		ORDER BY p.code, p.id`), year-1, year-1)
	if err != nil {
		return out, dbErr(err, "read projects for eligibility")
	}
	if err := leadUnitsInForce(ctx, s.db, facts); err != nil {
		return out, err
	}
	byUnit := map[int64][]EligibilityReason{}
	for _, f := range facts {
		byUnit[f.LeadUnitID] = append(byUnit[f.LeadUnitID], f.reasons(year, out.AsOf, graceDays)...)
	}
	if err := s.unrectifiedOrders(ctx, year, out.AsOf, byUnit); err != nil {
		return out, err
	}
	for _, u := range units {
		reasons := byUnit[u.ID]
		if reasons == nil {
			reasons = []EligibilityReason{}
		}
		out.Items = append(out.Items, UnitEligibility{UnitID: u.ID, UnitCode: u.Code, UnitName: u.Name,
			Eligible: len(reasons) == 0, Reasons: reasons})
	}
	out.Total = len(out.Items)
	return out, nil
}

// reasons are what one project holds against its lead unit for the plan of
// year, judged on asOf.
func (f eligibilityFacts) reasons(year int, asOf Date, graceDays int) []EligibilityReason {
	var out []EligibilityReason
	add := func(reason, article string, canChange bool, key string, args ...any) {
		m := eligibilityMsg(M("elig.project", M("rule.ref.project", f.Name, f.Code), M(key, args...)), canChange)
		out = append(out, EligibilityReason{Reason: reason, Article: article, ProjectID: f.ID, ProjectCode: f.Code,
			Message: m.Text("en"), msg: m, CanChange: canChange})
	}
	if f.PlanYear == year-1 {
		end := yearEnd(year - 1)
		completed := slices.Contains(completedStatuses, f.Status)
		switch {
		case !completed:
			add("unfinished", "16(1)", asOf <= end, "elig.unfinished", year-1, L(setProjectStatus, f.Status))
		case f.TrialRunOn != nil && *f.TrialRunOn > end:
			add("unfinished", "16(1)", false, "elig.unfinished_late", year-1, *f.TrialRunOn)
		}
		if due, ok := f.acceptanceDue(graceDays); ok {
			switch {
			case f.RequestedOn == nil && f.Status == "trial_run" && asOf > due:
				add("acceptance_not_requested", "16(2)", false, "elig.not_requested",
					*f.TrialRunEnd, due)
			case f.RequestedOn != nil && *f.RequestedOn > due:
				add("acceptance_not_requested", "16(2)", false, "elig.requested_late",
					*f.TrialRunEnd, due, *f.RequestedOn)
			}
		}
		if f.Failed && f.Status != "accepted" && f.Status != "settled" {
			add("acceptance_failed", "16(2)", true, "elig.acceptance_failed", L(setProjectStatus, f.Status))
		}
	}
	if f.OpenProblems > 0 {
		add("unrectified_evaluation", "16(3)", true, "elig.unrectified_evaluation",
			f.OpenProblems, *f.LastEval, f.ID)
	}
	return out
}

// yearEnd is the last day of year.
func yearEnd(year int) Date { return Date(fmt.Sprintf("%04d-12-31", year)) }

// leadUnitsInForce sets each project's lead unit to the one in force when
// its plan year ended: an amendment recorded after that does not move what
// Art. 16 holds against a unit.
func leadUnitsInForce(ctx context.Context, q querier, facts []eligibilityFacts) error {
	ids := make([]int64, len(facts))
	at := make(map[int64]int, len(facts))
	for i, f := range facts {
		ids[i], at[f.ID] = f.ID, i
	}
	cutoff := func(id int64) Date { return yearEnd(facts[at[id]].PlanYear) }
	return valuesInForce(ctx, q, ids, cutoff, func(id int64, field string, old RawJSON) error {
		if field != "lead_unit_id" {
			return nil
		}
		return json.Unmarshal(old, &facts[at[id]].LeadUnitID)
	})
}

// acceptanceDue is the last day acceptance may be requested, when the trial
// run's end is known.
func (f eligibilityFacts) acceptanceDue(graceDays int) (Date, bool) {
	if f.TrialRunEnd == nil {
		return "", false
	}
	end, err := time.Parse(time.DateOnly, string(*f.TrialRunEnd))
	if err != nil {
		return "", false
	}
	return Date(acceptanceDue(end, graceDays).Format(time.DateOnly)), true
}

// unrectifiedOrders adds the reason unrectified_order (Art. 16 (3)) for each
// rectification order that, at the end of the previous plan year (or today,
// while that year runs), was past its due day and not closed. A response the
// office has not yet accepted does not rectify; closing the order later does
// not undo a year end it was open at.
func (s *Store) unrectifiedOrders(ctx context.Context, year int, asOf Date, byUnit map[int64][]EligibilityReason) error {
	day := min(asOf, Date(fmt.Sprintf("%d-12-31", year-1)))
	var orders []struct {
		ID          int64   `db:"id"`
		UnitID      int64   `db:"unit_id"`
		ProjectID   *int64  `db:"project_id"`
		ProjectCode *string `db:"project_code"`
		ProjectName *string `db:"project_name"`
		DueOn       Date    `db:"due_on"`
		ClosedOn    *Date   `db:"closed_on"`
	}
	err := s.db.SelectContext(ctx, &orders, s.db.Rebind(`SELECT r.id, r.unit_id, r.project_id, p.code AS project_code, p.name AS project_name,
			r.due_on, r.closed_on
		FROM rectifications r LEFT JOIN projects p ON p.id = r.project_id
		WHERE r.issued_on <= ? AND r.due_on < ? AND (r.closed_on IS NULL OR r.closed_on > ?)
		ORDER BY r.due_on, r.id`), day, day, day)
	if err != nil {
		return dbErr(err, "read rectification orders for eligibility")
	}
	for _, o := range orders {
		r := EligibilityReason{Reason: "unrectified_order", Article: "16(3)", RectificationID: o.ID}
		m := M("elig.order_open", o.ID, o.DueOn, day)
		if o.ClosedOn != nil {
			m = M("elig.order_closed_late", o.ID, o.DueOn, day, *o.ClosedOn)
		}
		if o.ProjectID != nil {
			r.ProjectID, r.ProjectCode = *o.ProjectID, *o.ProjectCode
			m = M("elig.project", M("rule.ref.project", *o.ProjectName, *o.ProjectCode), m)
		}
		// While the year runs the order may still be closed in time.
		r.CanChange = day < yearEnd(year-1)
		r.msg = eligibilityMsg(m, r.CanChange)
		r.Message = r.msg.Text("en")
		byUnit[o.UnitID] = append(byUnit[o.UnitID], r)
	}
	return nil
}

// eligibilityMsg adds to a reason whether it can still change.
func eligibilityMsg(m Msg, canChange bool) Msg {
	if canChange {
		return M("elig.can_change", m)
	}
	return M("elig.final", m)
}

// In is the answer with its reasons in lang ("zh" or "en").
func (e Eligibility) In(lang string) Eligibility {
	items := make([]UnitEligibility, len(e.Items))
	for i, u := range e.Items {
		if len(u.Reasons) > 0 {
			rs := make([]EligibilityReason, len(u.Reasons))
			for j, r := range u.Reasons {
				if r.msg.Key != "" {
					r.Message = r.msg.Text(lang)
				}
				rs[j] = r
			}
			u.Reasons = rs
		}
		items[i] = u
	}
	e.Items = items
	return e
}

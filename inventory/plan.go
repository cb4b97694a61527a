package inventory

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"
)

// Plan is the annual e-government project plan: the approved projects of a
// plan year, with budget totals by funding source and by lead unit, as in
// force at the end of the business day AsOf (amendments recorded later are
// not yet in it).
type Plan struct {
	Year            int            `json:"year"`
	AsOf            Date           `json:"as_of"`
	Projects        []PlanProject  `json:"projects"`
	ByFundingSource []FundingTotal `json:"by_funding_source"`
	ByUnit          []UnitTotal    `json:"by_unit"`
	ProjectCount    int            `json:"project_count"`
	TotalBudget     float64        `json:"total_budget"`
}

// PlanProject is one project of the plan.
type PlanProject struct {
	ID             int64   `db:"id" json:"id"`
	Code           string  `db:"code" json:"code"`
	Name           string  `db:"name" json:"name"`
	LeadUnitID     int64   `db:"lead_unit_id" json:"lead_unit_id"`
	UnitCode       string  `db:"unit_code" json:"unit_code"`
	UnitName       string  `db:"unit_name" json:"unit_name"`
	Category       string  `db:"category" json:"category"`
	FundingSource  string  `db:"funding_source" json:"funding_source"`
	Classified     bool    `db:"classified" json:"classified"`
	Status         string  `db:"status" json:"status"`
	ApprovalNumber string  `db:"approval_number" json:"approval_number"`
	Budget         float64 `db:"budget" json:"budget"`
}

// FundingTotal is the budget of the plan's projects of one funding source.
type FundingTotal struct {
	FundingSource string  `json:"funding_source"`
	Projects      int     `json:"projects"`
	Budget        float64 `json:"budget"`
}

// UnitTotal is the budget of the plan's projects one unit leads.
type UnitTotal struct {
	UnitID   int64   `json:"unit_id"`
	UnitCode string  `json:"unit_code"`
	UnitName string  `json:"unit_name"`
	Projects int     `json:"projects"`
	Budget   float64 `json:"budget"`
}

// Plan returns the plan of year as it stands today; see PlanAsOf.
func (s *Store) Plan(ctx context.Context, year int) (Plan, error) {
	return s.PlanAsOf(ctx, year, "")
}

// PlanAsOf returns the plan of year as in force at the end of the business
// day asOf ("" for today): every project of that plan year approved on or
// before asOf (and not only submitted, rejected or still a draft), by code,
// with the lead unit, name, category and budget in force then.
func (s *Store) PlanAsOf(ctx context.Context, year int, asOf Date) (Plan, error) {
	if year < 2000 || year > 2100 {
		return Plan{}, Invalid("year", "err.plan.year.plan_year_between", year)
	}
	now := dayIn(s.zone, s.now())
	if asOf == "" {
		asOf = now
	}
	if !asOf.valid() {
		return Plan{}, Invalid("as_of", "err.plan.as_of.date_yyyy_mm", string(asOf))
	}
	if asOf > now {
		return Plan{}, Invalid("as_of", "err.evaluation.date.after_today", now)
	}
	out := Plan{Year: year, AsOf: asOf, Projects: []PlanProject{}, ByFundingSource: []FundingTotal{}, ByUnit: []UnitTotal{}}
	query, args := andScopeIn(ctx, `SELECT p.id, p.code, p.name, p.lead_unit_id,
		u.code AS unit_code, u.name AS unit_name, p.category, p.funding_source, p.classified, p.status,
		p.approval_number, p.budget
		FROM projects p JOIN units u ON u.id = p.lead_unit_id
		WHERE p.plan_year = ? AND p.status NOT IN ('draft', 'submitted', 'rejected')
			AND EXISTS (SELECT 1 FROM project_history h WHERE h.project_id = p.id
				AND h.to_status = 'approved' AND h.date <= ?)`, []any{year, asOf}, "p.id", "projects")
	err := s.db.SelectContext(ctx, &out.Projects, s.db.Rebind(query+` ORDER BY p.code`), args...)
	if err != nil {
		return out, dbErr(err, fmt.Sprintf("plan %d", year))
	}
	if err := s.planInForce(ctx, out.Projects, asOf); err != nil {
		return out, err
	}
	out.total()
	return out, nil
}

// planInForce rolls the plan's projects back to the values in force on
// asOf, and names the lead unit in force.
func (s *Store) planInForce(ctx context.Context, items []PlanProject, asOf Date) error {
	ids := make([]int64, len(items))
	at := make(map[int64]int, len(items))
	for i, p := range items {
		ids[i], at[p.ID] = p.ID, i
	}
	moved := false
	err := valuesInForce(ctx, s.db, ids, func(int64) Date { return asOf }, func(id int64, field string, old RawJSON) error {
		p := &items[at[id]]
		switch field {
		case "lead_unit_id":
			moved = true
			return json.Unmarshal(old, &p.LeadUnitID)
		case "name":
			return json.Unmarshal(old, &p.Name)
		case "category":
			return json.Unmarshal(old, &p.Category)
		case "budget":
			return json.Unmarshal(old, &p.Budget)
		}
		return nil
	})
	if err != nil || !moved {
		return err
	}
	for i := range items {
		p := &items[i]
		err := s.db.QueryRowxContext(ctx, s.db.Rebind(`SELECT code, name FROM units WHERE id = ?`), p.LeadUnitID).
			Scan(&p.UnitCode, &p.UnitName)
		if err != nil {
			return dbErr(err, fmt.Sprintf("unit %d", p.LeadUnitID))
		}
	}
	return nil
}

// total adds up the plan's projects by funding source, by lead unit and in
// all.
func (out *Plan) total() {
	// Sums in fen, so that many amounts add up exactly.
	fen := func(v float64) int64 { return int64(math.Round(v * 100)) }
	bySource := map[string]*FundingTotal{}
	for _, src := range FundingSources {
		out.ByFundingSource = append(out.ByFundingSource, FundingTotal{FundingSource: src})
	}
	for i := range out.ByFundingSource {
		bySource[out.ByFundingSource[i].FundingSource] = &out.ByFundingSource[i]
	}
	units := map[int64]*UnitTotal{}
	sourceFen, unitFen := map[string]int64{}, map[int64]int64{}
	var total int64
	for _, p := range out.Projects {
		bySource[p.FundingSource].Projects++
		sourceFen[p.FundingSource] += fen(p.Budget)
		u := units[p.LeadUnitID]
		if u == nil {
			u = &UnitTotal{UnitID: p.LeadUnitID, UnitCode: p.UnitCode, UnitName: p.UnitName}
			units[p.LeadUnitID] = u
		}
		u.Projects++
		unitFen[p.LeadUnitID] += fen(p.Budget)
		total += fen(p.Budget)
	}
	for src, f := range sourceFen {
		bySource[src].Budget = float64(f) / 100
	}
	for id, u := range units {
		u.Budget = float64(unitFen[id]) / 100
		out.ByUnit = append(out.ByUnit, *u)
	}
	sort.Slice(out.ByUnit, func(i, j int) bool { return out.ByUnit[i].UnitCode < out.ByUnit[j].UnitCode })
	out.ProjectCount, out.TotalBudget = len(out.Projects), float64(total)/100
}

// WriteCSV writes the plan as one table: a row per project, then a row per
// funding source, per unit and the grand total, told apart by the section
// column.
func (p Plan) WriteCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	amount := func(v float64) string { return strconv.FormatFloat(v, 'f', 2, 64) }
	rows := [][]string{{"section", "code", "name", "unit_code", "unit_name", "category", "funding_source",
		"classified", "status", "approval_number", "projects", "budget"}}
	for _, x := range p.Projects {
		rows = append(rows, []string{"project", csvCell(x.Code), csvCell(x.Name), csvCell(x.UnitCode), csvCell(x.UnitName), x.Category,
			x.FundingSource, strconv.FormatBool(x.Classified), x.Status, csvCell(x.ApprovalNumber), "1", amount(x.Budget)})
	}
	for _, f := range p.ByFundingSource {
		rows = append(rows, []string{"funding_source", "", "", "", "", "", f.FundingSource, "", "", "",
			strconv.Itoa(f.Projects), amount(f.Budget)})
	}
	for _, u := range p.ByUnit {
		rows = append(rows, []string{"unit", "", "", csvCell(u.UnitCode), csvCell(u.UnitName), "", "", "", "", "",
			strconv.Itoa(u.Projects), amount(u.Budget)})
	}
	rows = append(rows, []string{"total", "", "", "", "", "", "", "", "", "", strconv.Itoa(p.ProjectCount), amount(p.TotalBudget)})
	if err := cw.WriteAll(rows); err != nil {
		return fmt.Errorf("inventory: write plan CSV: %w", err)
	}
	return nil
}

// csvCell keeps a spreadsheet from reading user text as a formula: text that
// starts with =, +, -, @, a tab or a carriage return gets a leading '.
func csvCell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

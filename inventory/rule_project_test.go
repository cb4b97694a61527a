package inventory_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"hostroll/inventory"
	"hostroll/inventory/dbtest"
)

// projectRuleCase builds one subject and says whether the rule holds for it.
type projectRuleCase struct {
	name  string
	setup func(t *testing.T, f *fixture) int64 // returns the subject id
	holds bool
}

// projectRuleNow is the time the project rules are evaluated at: 1 June 2026,
// noon in the prefecture.
var projectRuleNow = time.Date(2026, 6, 1, 4, 0, 0, 0, time.UTC)

// runProjectRuleCases sets up every case in one database, evaluates the rule once
// and checks each subject; it also renders each hit's message in both
// languages from its params after a JSON round trip, as the engine does.
func runProjectRuleCases(t *testing.T, rule string, cases []projectRuleCase) {
	r, ok := inventory.RuleByName(rule)
	if !ok {
		t.Fatalf("rule %s is not registered", rule)
	}
	dbtest.Each(t, func(t *testing.T, db dbtest.DB) {
		f := newFixture(t, db.Store)
		ids := make([]int64, len(cases))
		for i, tc := range cases {
			ids[i] = tc.setup(t, f)
		}
		snap := &inventory.Snapshot{Q: db.Store.DB(), Dialect: db.Name, Now: projectRuleNow, Config: inventory.DefaultRuleConfig()}
		hits, err := r.Eval(f.ctx, snap)
		noErr(t, err)
		got := map[int64]inventory.Hit{}
		for _, h := range hits {
			got[h.SubjectID] = h
		}
		for i, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				h, held := got[ids[i]]
				if held != tc.holds {
					t.Fatalf("rule %s holds = %v for subject %d, want %v (hits %+v)", rule, held, ids[i], tc.holds, hits)
				}
				if !held {
					return
				}
				var params map[string]any
				js, err := json.Marshal(h.Params)
				noErr(t, err)
				noErr(t, json.Unmarshal(js, &params))
				for _, lang := range []string{"en", "zh"} {
					msg := r.Message(lang, params)
					if msg == "" || strings.Contains(msg, "%!") || strings.Contains(msg, "<nil>") {
						t.Fatalf("%s message %q", lang, msg)
					}
				}
			})
		}
	})
}

// inStatus creates a project of the fixture and puts it in status.
func projectInStatus(t *testing.T, f *fixture, status string, edit func(*inventory.ProjectInput)) inventory.Project {
	t.Helper()
	p := f.specProject(t, fmt.Sprintf("R%d", fixtureSeq.Add(1)))
	if edit != nil {
		var err error
		p, err = f.s.UpdateProject(f.ctx, p.ID, func(in *inventory.ProjectInput) error { edit(in); return nil })
		noErr(t, err)
	}
	f.forceStatus(t, p.ID, status)
	return p
}

// submitted records the project's step to submitted on day.
func recordSubmission(t *testing.T, f *fixture, p inventory.Project, day string) {
	t.Helper()
	db := f.s.DB()
	_, err := db.ExecContext(f.ctx, db.Rebind(`INSERT INTO project_history (project_id, from_status, to_status, date,
		recorded_on, note, at, actor) VALUES (?, 'draft', 'submitted', ?, ?, '', CURRENT_TIMESTAMP, 'test')`), p.ID, day, day)
	noErr(t, err)
}

func TestRuleLateApplication(t *testing.T) {
	sub := func(day string, funding string) func(t *testing.T, f *fixture) int64 {
		return func(t *testing.T, f *fixture) int64 {
			p := projectInStatus(t, f, "submitted", func(in *inventory.ProjectInput) { in.FundingSource = funding })
			if day != "" {
				recordSubmission(t, f, p, day)
			}
			return p.ID
		}
	}
	runProjectRuleCases(t, "late-application", []projectRuleCase{
		{"submitted on 31 October", sub("2025-10-31", "prefecture"), false},
		{"submitted on 1 November", sub("2025-11-01", "prefecture"), true},
		{"submitted in the plan year", sub("2026-02-10", "prefecture"), true},
		{"self-funded, late", sub("2025-12-01", "self"), false},
		{"higher-level, late", sub("2025-12-01", "higher_level"), false},
		{"never submitted", sub("", "prefecture"), false},
	})
}

// dayFromToday is the business day (UTC+8) days from today.
func dayFromToday(days int) string {
	return time.Now().In(time.FixedZone("CST", 8*3600)).AddDate(0, 0, days).Format(time.DateOnly)
}

func TestRuleBackdatedStep(t *testing.T) {
	// Each project steps to submitted on a day relative to today, the day
	// it is recorded.
	sub := func(daysBefore int) func(t *testing.T, f *fixture) int64 {
		return func(t *testing.T, f *fixture) int64 {
			p := f.newProject(t, fmt.Sprintf("BD%d", fixtureSeq.Add(1)), "self", false, 2027)
			f.step(t, p, "submitted", dayFromToday(-daysBefore))
			return p.ID
		}
	}
	runProjectRuleCases(t, "backdated-step", []projectRuleCase{
		{"dated today", sub(0), false},
		{"dated 7 days before", sub(inventory.BackdateDays), false},
		{"dated 8 days before", sub(inventory.BackdateDays + 1), true},
		{"dated two months before", sub(60), true},
		{"never stepped", func(t *testing.T, f *fixture) int64 {
			return f.newProject(t, fmt.Sprintf("BD%d", fixtureSeq.Add(1)), "self", false, 2027).ID
		}, false},
	})
	r, _ := inventory.RuleByName("backdated-step")
	params := map[string]any{"project": "XZ-2027-01", "name": "政务云", "from": "draft", "to": "submitted",
		"date": "2026-10-01", "recorded_on": "2026-11-30", "note": "按纸质申报日期补录", "days": float64(60)}
	for lang, want := range map[string]string{
		"zh": "项目「政务云」（XZ-2027-01）从「草稿」到「已申报」的步骤日期为 2026-10-01，却于 2026-11-30 才登记（晚 60 天）；说明：按纸质申报日期补录",
		"en": `project "政务云" (XZ-2027-01): the step draft → submitted is dated 2026-10-01 but was recorded on 2026-11-30 (60 days later)`,
	} {
		if got := r.Message(lang, params); !strings.Contains(got, want) {
			t.Errorf("%s message %q, want it to contain %q", lang, got, want)
		}
	}
	if r.Articles[0] != 17 {
		t.Errorf("backdated-step cites %v, want Art. 17", r.Articles)
	}
}

func TestRuleNoSupervision(t *testing.T) {
	proj := func(status, supervisor string) func(t *testing.T, f *fixture) int64 {
		return func(t *testing.T, f *fixture) int64 {
			return projectInStatus(t, f, status, func(in *inventory.ProjectInput) { in.Supervisor = supervisor }).ID
		}
	}
	runProjectRuleCases(t, "no-supervision", []projectRuleCase{
		{"implementing without", proj("implementing", ""), true},
		{"implementing with", proj("implementing", "湘西信息工程监理有限公司"), false},
		{"trial run without", proj("trial_run", ""), true},
		{"accepted without", proj("accepted", ""), true},
		{"settled without", proj("settled", ""), false},
		{"procuring without", proj("procuring", ""), false},
	})
}

func TestRuleRunningBeforeAcceptance(t *testing.T) {
	pos := 0
	device := func(projectStatus, deviceStatus string) func(t *testing.T, f *fixture) int64 {
		return func(t *testing.T, f *fixture) int64 {
			p := projectInStatus(t, f, projectStatus, nil)
			pos += 2
			return f.specDevice(t, p, pos, specDev{name: "run-" + p.Code, kind: "server", status: deviceStatus}).ID
		}
	}
	runProjectRuleCases(t, "running-before-acceptance", []projectRuleCase{
		{"active, implementing", device("implementing", "active"), true},
		{"active, procuring", device("procuring", "active"), true},
		{"active, acceptance failed", device("acceptance_failed", "active"), true},
		{"active, trial run", device("trial_run", "active"), false},
		{"active, accepted", device("accepted", "active"), false},
		{"active, settled", device("settled", "active"), false},
		{"staged, implementing", device("implementing", "staged"), false},
	})
}

func TestRuleAcceptanceOverdue(t *testing.T) {
	proj := func(status, end string) func(t *testing.T, f *fixture) int64 {
		return func(t *testing.T, f *fixture) int64 {
			return projectInStatus(t, f, status, func(in *inventory.ProjectInput) {
				if end != "" {
					in.TrialRunEnd = ptr(inventory.Date(end))
				}
			}).ID
		}
	}
	// With 90 days of grace a trial run that ended on 3 March 2026 is due
	// on 1 June 2026, the evaluation day: not yet overdue.
	runProjectRuleCases(t, "acceptance-overdue", []projectRuleCase{
		{"due today", proj("trial_run", "2026-03-03"), false},
		{"one day overdue", proj("trial_run", "2026-03-02"), true},
		{"failed acceptance, overdue", proj("acceptance_failed", "2025-12-01"), true},
		{"acceptance requested", proj("acceptance_requested", "2025-12-01"), false},
		{"accepted", proj("accepted", "2025-12-01"), false},
		{"no trial-run end", proj("trial_run", ""), false},
	})
}

func TestRuleSpecMismatch(t *testing.T) {
	pos := 0
	proj := func(status string, delivered int) func(t *testing.T, f *fixture) int64 {
		return func(t *testing.T, f *fixture) int64 {
			p := f.specProject(t, fmt.Sprintf("SM%d", fixtureSeq.Add(1)))
			_, err := f.s.CreateSpecItem(f.ctx, p.ID, specItemIn("server", 2, specReq("memory_gb", "min", 128)))
			noErr(t, err)
			for i := 0; i < delivered; i++ {
				pos += 2
				f.specDevice(t, p, pos, specDev{name: fmt.Sprintf("%s-%d", p.Code, i), kind: "server", mem: 256})
			}
			f.forceStatus(t, p.ID, status)
			return p.ID
		}
	}
	runProjectRuleCases(t, "spec-mismatch", []projectRuleCase{
		{"implementing, one of two delivered", proj("implementing", 1), true},
		{"implementing, all delivered", proj("implementing", 2), false},
		{"accepted, one extra", proj("accepted", 3), true},
		{"procuring, nothing delivered yet", proj("procuring", 0), false},
	})
}

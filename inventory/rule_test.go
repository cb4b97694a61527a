package inventory_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"hostroll/inventory"
	"hostroll/inventory/dbtest"
)

// policy is the fixture of the rule tests: the base fixture (a unit, the
// central room and a rack) plus builders for what the rules look at.
type policy struct {
	*fixture
	t *testing.T
	n int
}

func newPolicy(t *testing.T, s *inventory.Store) *policy {
	return &policy{fixture: newFixture(t, s), t: t}
}

func (p *policy) seq() int { p.n++; return p.n }

// unitRoom adds a private room of the fixture's unit with one 42U rack.
func (p *policy) unitRoom(status string) (inventory.Room, inventory.Rack) {
	p.t.Helper()
	room, err := p.s.CreateRoom(p.ctx, inventory.RoomInput{Name: fmt.Sprintf("Bureau room %d", p.seq()),
		UnitID: p.unit.ID, Kind: "unit", Status: status})
	noErr(p.t, err)
	rack, err := p.s.CreateRack(p.ctx, inventory.RackInput{RoomID: room.ID, Name: "B01", UHeight: 42})
	noErr(p.t, err)
	return room, rack
}

func (p *policy) project(classified bool) inventory.Project {
	p.t.Helper()
	pr, err := p.s.CreateProject(p.ctx, inventory.ProjectInput{Code: fmt.Sprintf("P-%s-%d", p.unit.Code, p.seq()),
		Name: "Records system", LeadUnitID: p.unit.ID, Category: "application", FundingSource: "prefecture",
		Classified: classified, PlanYear: 2026})
	noErr(p.t, err)
	return pr
}

// projectDevice racks a device of a project at U1 of rack.
func (p *policy) projectDevice(projectID, rackID int64, status string) inventory.Device {
	p.t.Helper()
	in := p.device(fmt.Sprintf("srv-%d", p.seq()), 1)
	in.RackID, in.ProjectID, in.Status = &rackID, &projectID, status
	d, err := p.s.CreateDevice(p.ctx, in)
	noErr(p.t, err)
	return d
}

func (p *policy) line(platform, status, a, z string, mbps int) inventory.Line {
	p.t.Helper()
	l, err := p.s.CreateLine(p.ctx, inventory.LineInput{Carrier: "China Telecom", CircuitID: p.sn(fmt.Sprintf("CT-%d", p.seq())),
		UnitID: p.unit.ID, AEnd: a, ZEnd: z, BandwidthMbps: mbps, MonthlyFee: 1200, Platform: platform, Status: status})
	noErr(p.t, err)
	return l
}

func (p *policy) setLine(id int64, f func(*inventory.LineInput)) {
	p.t.Helper()
	_, err := p.s.UpdateLine(p.ctx, id, func(in *inventory.LineInput) error { f(in); return nil })
	noErr(p.t, err)
}

func (p *policy) setDevice(id int64, f func(*inventory.DeviceInput)) {
	p.t.Helper()
	_, err := p.s.UpdateDevice(p.ctx, id, func(in *inventory.DeviceInput) error { f(in); return nil })
	noErr(p.t, err)
}

// sn makes a serial number unique to the fixture's unit.
func (p *policy) sn(s string) string { return p.unit.Code + "-" + s }

// serverWith registers an unracked active server with a serial and model.
func (p *policy) serverWith(serial, model string) inventory.Device {
	p.t.Helper()
	in := inventory.DefaultDeviceInput()
	in.Name, in.Kind, in.UnitID, in.Status = fmt.Sprintf("host-%d", p.seq()), "server", p.unit.ID, "active"
	in.Manufacturer, in.Serial, in.Model = "Huawei", serial, model
	d, err := p.s.CreateDevice(p.ctx, in)
	noErr(p.t, err)
	return d
}

// observe inserts a poll result directly, as the collector would.
func (p *policy) observe(deviceID int64, reachable bool, serial, model string) {
	p.t.Helper()
	p.observeAt(deviceID, time.Now(), reachable, serial, model)
}

// observeAt inserts a poll result made at at: a late write of an old poll
// gets a higher id than newer polls.
func (p *policy) observeAt(deviceID int64, at time.Time, reachable bool, serial, model string) {
	p.t.Helper()
	db := p.s.DB()
	_, err := db.ExecContext(p.ctx, db.Rebind(`INSERT INTO observations (device_id, at, reachable, serial, model)
		VALUES (?, ?, ?, ?, ?)`), deviceID, at.UTC(), reachable, serial, model)
	noErr(p.t, err)
}

// order issues an order to the fixture's unit on paper ten days ago, due
// dueIn days from today (negative: already past).
func (p *policy) order(dueIn int) {
	p.t.Helper()
	day := func(d int) inventory.Date {
		return inventory.Date(time.Now().In(cst).AddDate(0, 0, d).Format(time.DateOnly))
	}
	_, err := p.s.CreateRectification(p.ctx, inventory.RectificationInput{SubjectType: "unit", SubjectID: p.unit.ID,
		Problem: "自建机房未撤并", Action: "撤并", IssuedOn: ptr(day(-10)), DueOn: day(dueIn)})
	noErr(p.t, err)
}

var cst = time.FixedZone("CST", 8*3600)

func (p *policy) run(now time.Time) inventory.Check {
	p.t.Helper()
	c, err := p.s.RunCheck(p.ctx, inventory.CheckOptions{Now: now})
	noErr(p.t, err)
	return c
}

// finding returns the finding of rule on the subject, ok false when none.
func (p *policy) finding(rule, subjectType string, id int64) (inventory.Finding, bool) {
	p.t.Helper()
	items, _, err := p.s.Findings(p.ctx, inventory.ListParams{Filters: map[string]string{
		"rule": rule, "subject_type": subjectType, "subject_id": fmt.Sprint(id)}})
	noErr(p.t, err)
	switch len(items) {
	case 0:
		return inventory.Finding{}, false
	case 1:
		return items[0], true
	}
	p.t.Fatalf("%d findings of %s on %s %d, want at most one", len(items), rule, subjectType, id)
	return inventory.Finding{}, false
}

func (p *policy) wantStatus(rule, subjectType string, id int64, status string) inventory.Finding {
	p.t.Helper()
	f, ok := p.finding(rule, subjectType, id)
	if !ok {
		p.t.Fatalf("no %s finding on %s %d, want one %s", rule, subjectType, id, status)
	}
	if f.Status != status {
		p.t.Fatalf("%s finding on %s %d is %s, want %s", rule, subjectType, id, f.Status, status)
	}
	return f
}

// ruleCase sets up data and says whether and how the rule holds on the
// subject; fix then changes the data so that it no longer holds.
type ruleCase struct {
	name     string
	rule     string
	setup    func(p *policy) (subjectType string, id int64)
	severity string // "" when the rule must not hold
	zh, en   string // substrings of the messages
	fix      func(p *policy, id int64)
}

var ruleCases = []ruleCase{
	{name: "planned private room", rule: "private-room", severity: "high", zh: "第五条：单位", en: "Art. 5: unit",
		setup: func(p *policy) (string, int64) { r, _ := p.unitRoom("planned"); return "room", r.ID },
		fix: func(p *policy, id int64) {
			_, err := p.s.UpdateRoom(p.ctx, id, func(in *inventory.RoomInput) error { in.Status = "retired"; return nil })
			noErr(p.t, err)
		}},
	{name: "active private room", rule: "private-room", severity: "medium", zh: "自建并使用机房", en: "keeps its own machine room",
		setup: func(p *policy) (string, int64) { r, _ := p.unitRoom("active"); return "room", r.ID },
		fix: func(p *policy, id int64) {
			_, err := p.s.UpdateRoom(p.ctx, id, func(in *inventory.RoomInput) error { in.Kind = "central"; return nil })
			noErr(p.t, err)
		}},
	{name: "rectification order past its due day", rule: "rectification-overdue", severity: "high",
		zh: "第十二条：整改通知", en: "Art. 12: rectification order",
		setup: func(p *policy) (string, int64) { p.order(-2); return "unit", p.unit.ID },
		fix: func(p *policy, id int64) {
			rs, _, err := p.s.Rectifications(p.ctx, inventory.ListParams{Filters: map[string]string{"unit_id": fmt.Sprint(id)}})
			noErr(p.t, err)
			_, err = p.s.RespondRectification(p.ctx, rs[0].ID, inventory.RectificationStep{Note: "已整改"})
			noErr(p.t, err)
		}},
	{name: "rectification order due in two days", rule: "rectification-overdue",
		setup: func(p *policy) (string, int64) { p.order(2); return "unit", p.unit.ID }},
	{name: "retired private room", rule: "private-room",
		setup: func(p *policy) (string, int64) { r, _ := p.unitRoom("retired"); return "room", r.ID }},
	{name: "central room", rule: "private-room",
		setup: func(p *policy) (string, int64) { return "room", p.room.ID }},

	{name: "project device in a private room", rule: "hosted-outside-central", severity: "medium",
		zh: "第五条：项目", en: "not in the central machine room",
		setup: func(p *policy) (string, int64) {
			_, rack := p.unitRoom("active")
			return "device", p.projectDevice(p.project(false).ID, rack.ID, "active").ID
		},
		fix: func(p *policy, id int64) {
			p.setDevice(id, func(in *inventory.DeviceInput) { in.RackID, in.Position = &p.rack.ID, ptr(30) })
		}},
	{name: "decommissioned project device", rule: "hosted-outside-central", severity: "medium",
		setup: func(p *policy) (string, int64) {
			_, rack := p.unitRoom("active")
			return "device", p.projectDevice(p.project(false).ID, rack.ID, "planned").ID
		},
		fix: func(p *policy, id int64) {
			p.setDevice(id, func(in *inventory.DeviceInput) { in.Status = "decommissioned" })
		}},
	{name: "classified project device", rule: "hosted-outside-central",
		setup: func(p *policy) (string, int64) {
			_, rack := p.unitRoom("active")
			return "device", p.projectDevice(p.project(true).ID, rack.ID, "active").ID
		}},
	{name: "project device in the central room", rule: "hosted-outside-central",
		setup: func(p *policy) (string, int64) {
			return "device", p.projectDevice(p.project(false).ID, p.rack.ID, "active").ID
		}},

	{name: "requested private line", rule: "private-line", severity: "high", zh: "申请租用未并入电子政务内外网的专线",
		en: "Art. 5: unit", setup: func(p *policy) (string, int64) {
			return "line", p.line("private", "requested", "A", "B", 100).ID
		},
		fix: func(p *policy, id int64) { p.setLine(id, func(in *inventory.LineInput) { in.Platform = "extranet" }) }},
	{name: "active private line", rule: "private-line", severity: "medium", en: "leases a private line",
		setup: func(p *policy) (string, int64) { return "line", p.line("private", "active", "A", "B", 100).ID },
		fix:   func(p *policy, id int64) { p.setLine(id, func(in *inventory.LineInput) { in.Status = "terminated" }) }},
	{name: "intranet line", rule: "private-line",
		setup: func(p *policy) (string, int64) { return "line", p.line("intranet", "active", "A", "B", 100).ID }},

	{name: "private line raised", rule: "line-expansion", severity: "medium", zh: "带宽由 100 扩容至 200",
		en: "from 100 to 200 Mbit/s", setup: func(p *policy) (string, int64) {
			l := p.line("private", "active", "A", "B", 100)
			p.setLine(l.ID, func(in *inventory.LineInput) { in.BandwidthMbps = 200 })
			return "line", l.ID
		},
		fix: func(p *policy, id int64) { p.setLine(id, func(in *inventory.LineInput) { in.BandwidthMbps = 100 }) }},
	{name: "private line lowered", rule: "line-expansion", setup: func(p *policy) (string, int64) {
		l := p.line("private", "active", "A", "B", 100)
		p.setLine(l.ID, func(in *inventory.LineInput) { in.BandwidthMbps = 50 })
		return "line", l.ID
	}},
	{name: "line raised while on the extranet", rule: "line-expansion", setup: func(p *policy) (string, int64) {
		l := p.line("extranet", "active", "A", "B", 100)
		p.setLine(l.ID, func(in *inventory.LineInput) { in.BandwidthMbps = 1000 })
		return "line", l.ID
	}},

	{name: "two lines between the same ends", rule: "duplicate-lines", severity: "low", zh: "第三条：单位",
		en: "Art. 3: unit", setup: func(p *policy) (string, int64) {
			p.line("private", "active", "Finance Bureau", "Central Room", 100)
			p.line("extranet", "active", " central  ROOM", "finance bureau ", 50)
			return "unit", p.unit.ID
		},
		fix: func(p *policy, id int64) {
			ls, _, err := p.s.Lines(p.ctx, inventory.ListParams{Filters: map[string]string{"unit_id": fmt.Sprint(id)}})
			noErr(p.t, err)
			p.setLine(ls[0].ID, func(in *inventory.LineInput) { in.Status = "terminated" })
		}},
	{name: "lines between different ends", rule: "duplicate-lines", setup: func(p *policy) (string, int64) {
		p.line("private", "active", "Finance Bureau", "Central Room", 100)
		p.line("private", "active", "Tax Bureau", "Central Room", 100)
		return "unit", p.unit.ID
	}},

	{name: "serial differs", rule: "identity-mismatch", severity: "high", zh: "第十条、第十三条：SNMP 采集到设备",
		en: "Art. 10, 13: SNMP reports device", setup: func(p *policy) (string, int64) {
			d := p.serverWith(p.sn("SN-1"), "RH2288")
			p.observe(d.ID, true, p.sn("SN-2"), "rh2288 ")
			return "device", d.ID
		},
		fix: func(p *policy, id int64) { p.observe(id, true, p.sn("SN-1"), "RH2288") }},
	{name: "model differs, newest failed poll ignored", rule: "identity-mismatch", severity: "high", en: `model "X9"`,
		setup: func(p *policy) (string, int64) {
			d := p.serverWith(p.sn("SN-1"), "RH2288")
			p.observe(d.ID, true, "", "X9")
			p.observe(d.ID, false, "", "")
			return "device", d.ID
		},
		fix: func(p *policy, id int64) {
			p.setDevice(id, func(in *inventory.DeviceInput) { in.Model = "X9" })
		}},
	{name: "serial differs, an older matching poll written late", rule: "identity-mismatch", severity: "high",
		en: "SNMP reports device", setup: func(p *policy) (string, int64) {
			d := p.serverWith(p.sn("SN-1"), "RH2288")
			p.observe(d.ID, true, p.sn("SN-2"), "RH2288")
			p.observeAt(d.ID, time.Now().Add(-time.Hour), true, p.sn("SN-1"), "RH2288")
			return "device", d.ID
		},
		fix: func(p *policy, id int64) { p.observe(id, true, p.sn("SN-1"), "RH2288") }},
	{name: "identity matches", rule: "identity-mismatch", setup: func(p *policy) (string, int64) {
		d := p.serverWith(p.sn("SN-1"), "RH2288")
		p.observe(d.ID, true, strings.ToLower(p.sn("SN-1")), "RH2288")
		return "device", d.ID
	}},

	{name: "last three polls failed", rule: "unreachable", severity: "medium", zh: "最近 3 次采集均失败",
		en: "failed its last 3 polls; it last answered", setup: func(p *policy) (string, int64) {
			d := p.serverWith(p.sn("SN-1"), "M")
			p.observe(d.ID, true, "", "")
			for range 3 {
				p.observe(d.ID, false, "", "")
			}
			return "device", d.ID
		},
		fix: func(p *policy, id int64) { p.observe(id, true, "", "") }},
	{name: "never answered, then marked offline", rule: "unreachable", severity: "medium", en: "has never answered",
		setup: func(p *policy) (string, int64) {
			d := p.serverWith(p.sn("SN-1"), "M")
			for range 4 {
				p.observe(d.ID, false, "", "")
			}
			return "device", d.ID
		},
		fix: func(p *policy, id int64) { p.setDevice(id, func(in *inventory.DeviceInput) { in.Status = "offline" }) }},
	{name: "last three polls failed, an older answer written late", rule: "unreachable", severity: "medium",
		en: "failed its last 3 polls", setup: func(p *policy) (string, int64) {
			d := p.serverWith(p.sn("SN-1"), "M")
			for range 3 {
				p.observe(d.ID, false, "", "")
			}
			p.observeAt(d.ID, time.Now().Add(-time.Hour), true, "", "")
			return "device", d.ID
		},
		fix: func(p *policy, id int64) { p.observe(id, true, "", "") }},
	{name: "two failed polls only", rule: "unreachable", setup: func(p *policy) (string, int64) {
		d := p.serverWith(p.sn("SN-1"), "M")
		p.observe(d.ID, false, "", "")
		p.observe(d.ID, false, "", "")
		return "device", d.ID
	}},
}

// TestRules runs every rule case through a finding's life: it holds (or
// not), is exempted, stays exempted, reopens when the exemption expires, and
// is resolved once the data is fixed.
func TestRules(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db dbtest.DB) {
		t.Parallel()
		for _, tc := range ruleCases {
			t.Run(tc.name, func(t *testing.T) {
				p := newPolicy(t, db.Store)
				subject, id := tc.setup(p)
				today := time.Now().UTC()
				p.run(today)
				f, ok := p.finding(tc.rule, subject, id)
				if tc.severity == "" {
					if ok {
						t.Fatalf("rule %s holds on %s %d, want not: %s", tc.rule, subject, id, f.Message)
					}
					return
				}
				f = p.wantStatus(tc.rule, subject, id, "open")
				checkFinding(t, p, f, tc)

				// Exempted until next month: the run leaves it exempted.
				until := inventory.Date(today.AddDate(0, 1, 0).Format(time.DateOnly))
				_, err := p.s.GrantExemption(p.ctx, f.ID, inventory.ExemptionInput{
					Reason: "classified per secrecy bureau filing 2026-17", Basis: "classified", ExpiresOn: &until})
				noErr(t, err)
				if c := p.run(today); c.Written != 0 {
					t.Errorf("a run over unchanged data wrote %d finding rows", c.Written)
				}
				p.wantStatus(tc.rule, subject, id, "exempted")

				// Two months on the exemption has expired: it reopens.
				p.run(today.AddDate(0, 2, 0))
				if f := p.wantStatus(tc.rule, subject, id, "open"); f.Exemption != nil {
					t.Errorf("reopened finding still shows its expired exemption %+v", f.Exemption)
				}

				tc.fix(p, id)
				c := p.run(today)
				f = p.wantStatus(tc.rule, subject, id, "resolved")
				if f.ResolvedAt == nil || c.Resolved < 1 {
					t.Errorf("resolved finding: resolved_at %v, check resolved %d", f.ResolvedAt, c.Resolved)
				}
			})
		}
	})
}

func checkFinding(t *testing.T, p *policy, f inventory.Finding, tc ruleCase) {
	t.Helper()
	if f.Severity != tc.severity {
		t.Errorf("severity %s, want %s", f.Severity, tc.severity)
	}
	if f.UnitID == nil || *f.UnitID != p.unit.ID {
		t.Errorf("unit_id %v, want %d", f.UnitID, p.unit.ID)
	}
	if !strings.Contains(f.Message, tc.zh) {
		t.Errorf("Chinese message %q does not contain %q", f.Message, tc.zh)
	}
	en, err := p.s.Finding(p.ctx, f.ID, "en")
	noErr(t, err)
	if !strings.Contains(en.Message, tc.en) {
		t.Errorf("English message %q does not contain %q", en.Message, tc.en)
	}
	r, ok := inventory.RuleByName(tc.rule)
	if !ok {
		t.Fatalf("rule %s is not registered", tc.rule)
	}
	if len(r.Articles) > 0 && !strings.HasPrefix(en.Message, "Art. ") {
		t.Errorf("English message %q does not start with its article", en.Message)
	}
}

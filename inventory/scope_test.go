package inventory_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"hostroll/inventory"
	"hostroll/inventory/dbtest"
)

// secretB marks every record of unit B; unit A's staff must never see it.
const secretB = "BSECRET"

// twoUnits is an inventory of two units, A and B, each with a device in the
// central room's rack (owned by the fixture's unit), B also with its own room,
// rack, device, line, project (documents, spec item, history), observation
// and findings, all named with secretB.
type twoUnits struct {
	*fixture
	a, b                   inventory.Unit
	devA, devB, devBRoom   inventory.Device
	roomB                  inventory.Room
	rackB                  inventory.Rack
	lineA, lineB           inventory.Line
	projA, projB, projJoin inventory.Project
	findingA, findingB     int64
	orderA, orderB         int64           // rectification orders to A and B
	draftB                 int64           // a draft notice about B
	staffA                 context.Context // unit_staff of A, a signed-in user
}

func seedTwoUnits(t *testing.T, s *inventory.Store) *twoUnits {
	t.Helper()
	w := &twoUnits{fixture: newFixture(t, s)}
	ctx := w.ctx
	var err error
	w.a, err = s.CreateUnit(ctx, inventory.UnitInput{Code: "UA", Name: "甲单位", Kind: "department"})
	noErr(t, err)
	w.b, err = s.CreateUnit(ctx, inventory.UnitInput{Code: "UB" + secretB, Name: "乙单位" + secretB, Kind: "county"})
	noErr(t, err)
	in := w.device("dev-a", 10)
	in.UnitID, in.Serial, in.Manufacturer = w.a.ID, "SN-A-1", "Huawei"
	w.devA, err = s.CreateDevice(ctx, in)
	noErr(t, err)
	in = w.device("dev-b-"+secretB, 20)
	in.UnitID, in.Serial, in.AssetTag, in.Manufacturer = w.b.ID, "SN-"+secretB, "AT-"+secretB, "Huawei"
	w.devB, err = s.CreateDevice(ctx, in)
	noErr(t, err)
	w.roomB, err = s.CreateRoom(ctx, inventory.RoomInput{Name: "room-" + secretB, UnitID: w.b.ID, Kind: "unit", Status: "active"})
	noErr(t, err)
	w.rackB, err = s.CreateRack(ctx, inventory.RackInput{RoomID: w.roomB.ID, Name: "rack-" + secretB, UHeight: 42})
	noErr(t, err)
	in = w.device("dev-b-room-"+secretB, 1)
	in.UnitID, in.RackID, in.Serial = w.b.ID, &w.rackB.ID, "SN2-"+secretB
	w.devBRoom, err = s.CreateDevice(ctx, in)
	noErr(t, err)
	w.lineA = w.line(t, w.a.ID, "CIRCUIT-A")
	w.lineB = w.line(t, w.b.ID, "CIRCUIT-"+secretB)
	w.projA = w.project(t, "PA-1", w.a.ID)
	w.projB = w.project(t, "PB-"+secretB, w.b.ID)
	w.projJoin = w.project(t, "PJ-1", w.unit.ID, w.a.ID) // led by the fixture's unit, A takes part
	w.upload(t, w.projB.ID, "technical_plan")
	item := inventory.DefaultSpecItemInput()
	item.Kind, item.Name, item.Quantity = "server", "spec-"+secretB, 1
	_, err = s.CreateSpecItem(ctx, w.projB.ID, item)
	noErr(t, err)
	w.projB = w.advance(t, w.projB, "approved", "2025-03-01")
	w.projA = w.advance(t, w.projA, "approved", "2025-03-01")
	_, err = s.AddObservation(ctx, inventory.Observation{DeviceID: w.devB.ID, At: time.Now(), Reachable: true,
		SysName: "sys-" + secretB, Serial: "SN-" + secretB})
	noErr(t, err)
	_, err = s.RunCheck(ctx, inventory.CheckOptions{Now: time.Now()})
	noErr(t, err)
	w.findingA, w.findingB = w.findingOf(t, w.a.ID), w.findingOf(t, w.b.ID)
	w.orderA, w.orderB = w.order(t, w.a.ID, "整改-A"), w.order(t, w.b.ID, "整改-"+secretB)
	draft, err := s.CreateNotice(ctx, inventory.NoticeInput{Title: "通报-" + secretB, Body: "b", UnitIDs: []int64{w.b.ID},
		RectificationIDs: []int64{w.orderB}})
	noErr(t, err)
	w.draftB = draft.ID
	w.staffA = inventory.WithCaller(context.Background(), inventory.Caller{Name: "staff-a", UserID: 7,
		Role: inventory.RoleUnitStaff, UnitID: w.a.ID})
	return w
}

// order issues a rectification order to unit, its problem named problem.
func (w *twoUnits) order(t *testing.T, unit int64, problem string) int64 {
	t.Helper()
	r, err := w.s.CreateRectification(w.ctx, inventory.RectificationInput{SubjectType: "unit", SubjectID: unit,
		Problem: problem, Action: "整改", DueOn: "2099-12-31"})
	noErr(t, err)
	return r.ID
}

func (w *twoUnits) line(t *testing.T, unit int64, circuit string) inventory.Line {
	t.Helper()
	in := inventory.DefaultLineInput()
	in.Carrier, in.CircuitID, in.UnitID, in.AEnd, in.ZEnd = "电信", circuit, unit, "甲端 "+circuit, "乙端"
	in.BandwidthMbps, in.Platform = 100, "private"
	l, err := w.s.CreateLine(w.ctx, in)
	noErr(t, err)
	return l
}

func (w *twoUnits) project(t *testing.T, code string, lead int64, others ...int64) inventory.Project {
	t.Helper()
	in := inventory.DefaultProjectInput()
	in.Code, in.Name, in.LeadUnitID, in.UnitIDs, in.Category = code, "项目 "+code, lead, others, "application"
	in.FundingSource, in.PlanYear, in.Budget = "self", 2025, 1000
	p, err := w.s.CreateProject(w.ctx, in)
	noErr(t, err)
	return p
}

func (w *twoUnits) findingOf(t *testing.T, unit int64) int64 {
	t.Helper()
	fs, _, err := w.s.Findings(w.ctx, inventory.ListParams{Filters: map[string]string{"unit_id": fmt.Sprint(unit)}})
	noErr(t, err)
	if len(fs) == 0 {
		t.Fatalf("no finding of unit %d", unit)
	}
	return fs[0].ID
}

// listed is a page and its total.
type listed struct {
	Items any
	Total int
	Len   int
}

func page[T any](items []T, total int, err error) (any, error) {
	return listed{Items: items, Total: total, Len: len(items)}, err
}

func TestScopeReads(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db dbtest.DB) {
		t.Parallel()
		w := seedTwoUnits(t, db.Store)
		s := w.s
		all := inventory.ListParams{Limit: inventory.MaxLimit}
		reads := []struct {
			name string
			read func(ctx context.Context) (any, error)
			// aSees is a text of A's own that A's staff must see in it, "" for none.
			aSees string
		}{
			{"units", func(ctx context.Context) (any, error) { return page(s.Units(ctx, all)) }, "甲单位"},
			{"rooms", func(ctx context.Context) (any, error) { return page(s.Rooms(ctx, all)) }, "Central"},
			{"racks", func(ctx context.Context) (any, error) { return page(s.Racks(ctx, all)) }, "A01"},
			{"devices", func(ctx context.Context) (any, error) { return page(s.Devices(ctx, all)) }, "SN-A-1"},
			{"devices q", func(ctx context.Context) (any, error) {
				return page(s.Devices(ctx, inventory.ListParams{Q: "SN"}))
			}, "SN-A-1"},
			{"devices of B filtered", func(ctx context.Context) (any, error) {
				return page(s.Devices(ctx, inventory.ListParams{Filters: map[string]string{"unit_id": fmt.Sprint(w.b.ID)}}))
			}, ""},
			{"lines", func(ctx context.Context) (any, error) { return page(s.Lines(ctx, all)) }, "CIRCUIT-A"},
			{"projects", func(ctx context.Context) (any, error) { return page(s.Projects(ctx, all)) }, "PA-1"},
			{"findings", func(ctx context.Context) (any, error) { return page(s.Findings(ctx, all)) }, "CIRCUIT-A"},
			{"audit", func(ctx context.Context) (any, error) { return page(s.Audit(ctx, all)) }, "SN-A-1"},
			{"finding summary", func(ctx context.Context) (any, error) { return s.FindingSummary(ctx) }, "UA"},
			{"consolidation", func(ctx context.Context) (any, error) { return s.ConsolidationReport(ctx) }, "UA"},
			{"eligibility", func(ctx context.Context) (any, error) { return s.Eligibility(ctx, 2026, 30) }, "UA"},
			{"move plan", func(ctx context.Context) (any, error) { return s.MovePlan(ctx, inventory.MovePlanOptions{}) }, ""},
			{"plan", func(ctx context.Context) (any, error) { return s.Plan(ctx, 2025) }, "PA-1"},
			{"central elevation", func(ctx context.Context) (any, error) { return s.RackElevation(ctx, w.rack.ID) }, "dev-a"},
			{"joint project", func(ctx context.Context) (any, error) { return s.Project(ctx, w.projJoin.ID) }, "PJ-1"},
			{"compliance of A", func(ctx context.Context) (any, error) { return s.Compliance(ctx, w.projA.ID) }, ""},
			{"rectifications", func(ctx context.Context) (any, error) { return page(s.Rectifications(ctx, all)) }, "整改-A"},
			{"notices", func(ctx context.Context) (any, error) { return page(s.Notices(ctx, all)) }, ""},
		}
		for _, r := range reads {
			t.Run(r.name, func(t *testing.T) {
				got, err := r.read(w.staffA)
				noErr(t, err)
				js, err := json.Marshal(got)
				noErr(t, err)
				if bytes.Contains(js, []byte(secretB)) {
					t.Errorf("unit A's staff see unit B's records: %s", js)
				}
				if r.aSees != "" && !bytes.Contains(js, []byte(r.aSees)) {
					t.Errorf("unit A's staff miss their own %q: %s", r.aSees, js)
				}
				if l, ok := got.(listed); ok && l.Total != l.Len {
					t.Errorf("total %d, but %d rows visible", l.Total, l.Len)
				}
			})
		}
		// The same reads as the system show B's records: the test can fail.
		for _, r := range reads {
			if r.name == "joint project" || r.name == "compliance of A" {
				continue // nothing of B's in these
			}
			t.Run("system/"+r.name, func(t *testing.T) {
				got, err := r.read(w.ctx)
				noErr(t, err)
				js, _ := json.Marshal(got)
				if !bytes.Contains(js, []byte(secretB)) {
					t.Errorf("as the system: no sign of unit B: %s", js)
				}
			})
		}
	})
}

func TestScopeGetsAreNotFound(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db dbtest.DB) {
		t.Parallel()
		w := seedTwoUnits(t, db.Store)
		s := w.s
		docs, err := s.Documents(w.ctx, w.projB.ID)
		noErr(t, err)
		items, err := s.SpecItems(w.ctx, w.projB.ID)
		noErr(t, err)
		for _, tc := range []struct {
			name string
			get  func(ctx context.Context) (any, error)
		}{
			{"unit", func(ctx context.Context) (any, error) { return s.Unit(ctx, w.b.ID) }},
			{"room", func(ctx context.Context) (any, error) { return s.Room(ctx, w.roomB.ID) }},
			{"rack", func(ctx context.Context) (any, error) { return s.Rack(ctx, w.rackB.ID) }},
			{"elevation", func(ctx context.Context) (any, error) { return s.RackElevation(ctx, w.rackB.ID) }},
			{"device", func(ctx context.Context) (any, error) { return s.Device(ctx, w.devB.ID) }},
			{"observations", func(ctx context.Context) (any, error) {
				return page(s.Observations(ctx, w.devB.ID, inventory.ListParams{}))
			}},
			{"latest observation", func(ctx context.Context) (any, error) { return s.LatestObservation(ctx, w.devB.ID) }},
			{"line", func(ctx context.Context) (any, error) { return s.Line(ctx, w.lineB.ID) }},
			{"line history", func(ctx context.Context) (any, error) { return s.LineHistory(ctx, w.lineB.ID) }},
			{"project", func(ctx context.Context) (any, error) { return s.Project(ctx, w.projB.ID) }},
			{"project history", func(ctx context.Context) (any, error) { return s.ProjectHistory(ctx, w.projB.ID) }},
			{"documents", func(ctx context.Context) (any, error) { return s.Documents(ctx, w.projB.ID) }},
			{"document", func(ctx context.Context) (any, error) {
				d, _, err := s.DocumentContent(ctx, w.projB.ID, docs[0].ID)
				return d, err
			}},
			{"spec items", func(ctx context.Context) (any, error) { return s.SpecItems(ctx, w.projB.ID) }},
			{"spec item", func(ctx context.Context) (any, error) { return s.SpecItem(ctx, w.projB.ID, items[0].ID) }},
			{"spec revisions", func(ctx context.Context) (any, error) { return s.SpecRevisions(ctx, w.projB.ID) }},
			{"evaluations", func(ctx context.Context) (any, error) { return s.Evaluations(ctx, w.projB.ID) }},
			{"compliance", func(ctx context.Context) (any, error) { return s.Compliance(ctx, w.projB.ID) }},
			{"finding", func(ctx context.Context) (any, error) { return s.Finding(ctx, w.findingB, "zh") }},
			{"rectification", func(ctx context.Context) (any, error) { return s.Rectification(ctx, w.orderB) }},
			{"draft notice", func(ctx context.Context) (any, error) { return s.Notice(ctx, w.draftB) }},
			{"draft notice page", func(ctx context.Context) (any, error) { return s.NoticePage(ctx, w.draftB, "zh") }},
		} {
			t.Run(tc.name, func(t *testing.T) {
				_, err := tc.get(w.ctx)
				noErr(t, err) // the system sees it: it exists
				_, err = tc.get(w.staffA)
				wantErr(t, err, "not_found", "")
			})
		}
		// Move plan of another unit: as if there were no such unit.
		_, err = s.MovePlan(w.staffA, inventory.MovePlanOptions{UnitID: &w.b.ID})
		wantErr(t, err, "validation", "unit_id")
	})
}

func TestScopeCentralElevation(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db dbtest.DB) {
		t.Parallel()
		w := seedTwoUnits(t, db.Store)
		e, err := w.s.RackElevation(w.staffA, w.rack.ID)
		noErr(t, err)
		var mine, others int
		for _, u := range e.Units {
			switch {
			case u.Front == nil:
			case u.Front.ID == w.devA.ID && u.Front.Name == "dev-a":
				mine++
			case u.Front.ID == 0 && u.Front.Name == "" && u.U == 20:
				others++
			default:
				t.Errorf("U%d shows %+v", u.U, u.Front)
			}
		}
		if mine != 1 || others != 1 || e.FreeU != 40 {
			t.Errorf("own %d, others' %d, free %d; want 1, 1, 40", mine, others, e.FreeU)
		}
		// Placing onto B's device: a conflict that does not name it.
		in := w.device("dev-a2", 20)
		in.UnitID = w.a.ID
		_, err = w.s.CreateDevice(w.staffA, in)
		wantErr(t, err, "conflict", "position")
		if bytes.Contains([]byte(err.Error()), []byte(secretB)) || bytes.Contains([]byte(err.Error()), []byte(fmt.Sprint(w.devB.ID)+" ")) {
			t.Errorf("conflict names B's device: %v", err)
		}
		// A serial taken by B: a conflict that does not name B's device.
		in = w.device("dev-a3", 30)
		in.UnitID, in.Serial, in.Manufacturer = w.a.ID, "SN-"+secretB, "Huawei"
		_, err = w.s.CreateDevice(w.staffA, in)
		wantErr(t, err, "conflict", "serial")
		if bytes.Contains([]byte(err.Error()), []byte("dev-b")) {
			t.Errorf("conflict names B's device: %v", err)
		}
	})
}

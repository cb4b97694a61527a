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

// dev is a device input of the fixture's unit for project p.
type specDev struct {
	name, kind, model string
	mem, cpu, ports   int
	price             float64
	status            string
	pin               *int64
}

func (f *fixture) specDevice(t *testing.T, p inventory.Project, pos int, d specDev) inventory.Device {
	t.Helper()
	in := f.device(d.name, pos)
	in.Kind, in.Model, in.ProjectID, in.SpecItemID = d.kind, d.model, &p.ID, d.pin
	if d.mem > 0 {
		in.Specs.MemoryGB = ptr(d.mem)
	}
	if d.cpu > 0 {
		in.Specs.CPUCores = ptr(d.cpu)
	}
	if d.ports > 0 {
		in.Specs.Ports = ptr(d.ports)
	}
	if d.price > 0 {
		in.PurchasePrice = ptr(d.price)
	}
	if d.status != "" {
		in.Status = d.status
	}
	out, err := f.s.CreateDevice(f.ctx, in)
	noErr(t, err)
	return out
}

// observe records what a poll saw; the collector's store is another
// branch's, so the row is written directly.
func (f *fixture) observeDevice(t *testing.T, deviceID int64, reachable bool, memoryMB int, model string) {
	t.Helper()
	db := f.s.DB()
	_, err := db.ExecContext(f.ctx, db.Rebind(`INSERT INTO observations (device_id, at, reachable, memory_mb, model)
		VALUES (?, CURRENT_TIMESTAMP, ?, ?, ?)`), deviceID, reachable, memoryMB, model)
	noErr(t, err)
}

func checkCompliance(t *testing.T, f *fixture, p inventory.Project) *inventory.Compliance {
	t.Helper()
	c, err := f.s.Compliance(f.ctx, p.ID)
	noErr(t, err)
	return c
}

// TestComplianceMaximumMatching is the case a first fit gets wrong: the
// first device fits both items, takes the first, and leaves the second device
// nothing. The maximum matching gives each device an item.
func TestComplianceMaximumMatching(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db dbtest.DB) {
		f := newFixture(t, db.Store)
		p := f.specProject(t, "MM")
		small, err := f.s.CreateSpecItem(f.ctx, p.ID, specItemIn("server", 1, specReq("memory_gb", "min", 64)))
		noErr(t, err)
		big, err := f.s.CreateSpecItem(f.ctx, p.ID, specItemIn("server", 2, specReq("memory_gb", "min", 256)))
		noErr(t, err)
		both1 := f.specDevice(t, p, 1, specDev{name: "both-1", kind: "server", mem: 512})
		both2 := f.specDevice(t, p, 2, specDev{name: "both-2", kind: "server", mem: 512})
		smallOnly := f.specDevice(t, p, 3, specDev{name: "small-only", kind: "server", mem: 128})
		c := checkCompliance(t, f, p)
		if !c.Pass || len(c.Reasons) != 0 {
			t.Fatalf("want a pass, got reasons %q", c.Reasons)
		}
		want := map[int64]int64{both1.ID: big.ID, both2.ID: big.ID, smallOnly.ID: small.ID}
		for _, d := range c.Devices {
			if d.ItemID == nil || *d.ItemID != want[d.DeviceID] || !d.Pass {
				t.Fatalf("device %d assigned %v, want item %d", d.DeviceID, d.ItemID, want[d.DeviceID])
			}
		}
	})
}

// TestComplianceObservedOverridesDeclared: the record says 256 GB, the
// latest answering poll saw 64 GB, and the requirement fails.
func TestComplianceObservedOverridesDeclared(t *testing.T) {
	cases := []struct {
		name     string
		polls    []int // memory_mb of the answering polls, oldest first
		deadPoll bool  // a later poll that did not answer
		pass     bool
		observed any
		latePoll bool // an older poll (64 GB) written after the others
	}{
		{"no poll: declared decides", nil, false, true, nil, false},
		{"poll agrees", []int{262144}, false, true, 256.0, false},
		{"poll shows less", []int{262144, 65536}, false, false, 64.0, false},
		{"OS reserve rounds up", []int{262000}, false, true, 256.0, false},
		{"a real server's MemTotal, 1.6 % below", []int{257946}, false, true, 256.0, false},
		{"a module missing: 224 GiB", []int{229376 - 3000}, false, false, 222.0, false},
		{"unanswered poll ignored", []int{65536}, true, false, 64.0, false},
		{"an older poll written late ignored", []int{262144}, false, true, 256.0, true},
	}
	dbtest.Each(t, func(t *testing.T, db dbtest.DB) {
		f := newFixture(t, db.Store)
		for i, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				p := f.specProject(t, "OBS"+string(rune('A'+i)))
				_, err := f.s.CreateSpecItem(f.ctx, p.ID, specItemIn("server", 1, specReq("memory_gb", "min", 256)))
				noErr(t, err)
				d := f.specDevice(t, p, 1+i, specDev{name: p.Code, kind: "server", mem: 256})
				for _, mb := range tc.polls {
					f.observeDevice(t, d.ID, true, mb, "")
				}
				if tc.deadPoll {
					f.observeDevice(t, d.ID, false, 0, "")
				}
				if tc.latePoll { // made an hour ago, written now: not the latest
					db := f.s.DB()
					_, err := db.ExecContext(f.ctx, db.Rebind(`INSERT INTO observations (device_id, at, reachable, memory_mb)
						VALUES (?, ?, ?, ?)`), d.ID, time.Now().UTC().Add(-time.Hour), true, 65536)
					noErr(t, err)
				}
				c := checkCompliance(t, f, p)
				chk := c.Devices[0].Checks
				if c.Pass != tc.pass || len(chk) != 1 || chk[0].Declared != 256.0 || chk[0].Observed != tc.observed {
					t.Fatalf("pass=%v checks=%+v reasons=%q", c.Pass, chk, c.Reasons)
				}
			})
		}
	})
}

// TestComplianceReport is the golden report of a project with every kind of
// finding: a short item, an observed shortfall, a price over the cap, a
// pinned device, a device of a kind the plan lacks, and a decommissioned one
// left out.
func TestComplianceReport(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db dbtest.DB) {
		f := newFixture(t, db.Store)
		p := goldProject(t, f)
		c := checkCompliance(t, f, p)
		if c.Pass || len(c.UnmatchedDeviceIDs) != 3 {
			t.Fatalf("pass=%v unmatched=%v", c.Pass, c.UnmatchedDeviceIDs)
		}
		out, err := json.MarshalIndent(c, "", "  ")
		noErr(t, err)
		golden(t, "compliance.golden.json", append(out, '\n'))
	})
}

func TestComplianceWithoutSpec(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db dbtest.DB) {
		f := newFixture(t, db.Store)
		p := f.specProject(t, "NOSPEC")
		c := checkCompliance(t, f, p)
		if c.Pass || len(c.Reasons) != 1 || !strings.Contains(c.Reasons[0], "no approved spec items") {
			t.Fatalf("compliance without a spec = %+v", c)
		}
		_, err := f.s.Compliance(f.ctx, p.ID+1000)
		wantErr(t, err, "not_found", "")
	})
}

// TestCompliancePins: pinned devices take their item before the matching;
// a pinned device that fails its item is shown against it, and one pinned to
// an item its pins already fill is surplus, even when another item would take
// it.
func TestCompliancePins(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db dbtest.DB) {
		f := newFixture(t, db.Store)
		p := f.specProject(t, "PINS")
		a, err := f.s.CreateSpecItem(f.ctx, p.ID, specItemIn("server", 1, specReq("memory_gb", "min", 128)))
		noErr(t, err)
		b, err := f.s.CreateSpecItem(f.ctx, p.ID, specItemIn("server", 1, specReq("memory_gb", "min", 64)))
		noErr(t, err)
		first := f.specDevice(t, p, 1, specDev{name: "first", kind: "server", mem: 256, pin: &a.ID})
		surplus := f.specDevice(t, p, 3, specDev{name: "surplus", kind: "server", mem: 256, pin: &a.ID})
		weak := f.specDevice(t, p, 5, specDev{name: "weak", kind: "server", mem: 32, pin: &b.ID})
		c := checkCompliance(t, f, p)
		byID := map[int64]inventory.DeviceCompliance{}
		for _, d := range c.Devices {
			byID[d.DeviceID] = d
		}
		switch {
		case !byID[first.ID].Pass || *byID[first.ID].ItemID != a.ID:
			t.Fatalf("first = %+v", byID[first.ID])
		case byID[surplus.ID].Pass || byID[surplus.ID].ItemID != nil || *byID[surplus.ID].CandidateItemID != a.ID:
			t.Fatalf("surplus = %+v", byID[surplus.ID])
		case byID[weak.ID].Pass || *byID[weak.ID].ItemID != b.ID:
			t.Fatalf("weak = %+v", byID[weak.ID])
		}
		want := []string{
			fmt.Sprintf("device \"surplus\" (id %d) is pinned to spec item %d, which already has its 1 devices", surplus.ID, a.ID),
			fmt.Sprintf("device \"weak\" (id %d) is pinned to spec item %d but fails memory_gb min 64 (declared 32", weak.ID, b.ID),
			fmt.Sprintf("spec item %d (server \"server\") needs 1 and 0 devices satisfy it", b.ID),
		}
		if len(c.Reasons) != len(want) {
			t.Fatalf("reasons = %q", c.Reasons)
		}
		for i, w := range want {
			if !strings.HasPrefix(c.Reasons[i], w) {
				t.Errorf("reason %d = %q, want it to start with %q", i, c.Reasons[i], w)
			}
		}
	})
}

// goldProject is the project of the golden compliance report: a short item,
// an observed shortfall, a price over the cap, a pinned device, a device of
// a kind the plan lacks, and a decommissioned one.
func goldProject(t *testing.T, f *fixture) inventory.Project {
	t.Helper()
	p := f.specProject(t, "GOLD")
	web := specItemIn("server", 2, specReq("memory_gb", "min", 128), specReq("cpu_cores", "min", 32))
	web.Name, web.MaxUnitPrice = "web servers", ptr(80000.0)
	_, err := f.s.CreateSpecItem(f.ctx, p.ID, web)
	noErr(t, err)
	dbItem := specItemIn("server", 1, specReq("memory_gb", "min", 512), specReq("model", "in", []any{"R950", "2488H V6"}))
	dbItem.Name = "database server"
	_, err = f.s.CreateSpecItem(f.ctx, p.ID, dbItem)
	noErr(t, err)
	sw := specItemIn("switch", 1, specReq("ports", "min", 48), specReq("manufacturer", "eq", "Huawei"))
	sw.Name = "access switch"
	swItem, err := f.s.CreateSpecItem(f.ctx, p.ID, sw)
	noErr(t, err)

	f.specDevice(t, p, 1, specDev{name: "srv-1", kind: "server", model: "R950", mem: 1024, cpu: 64, price: 70000})
	f.specDevice(t, p, 3, specDev{name: "srv-2", kind: "server", model: "R750", mem: 256, cpu: 32, price: 60000})
	d3 := f.specDevice(t, p, 5, specDev{name: "srv-3", kind: "server", model: "R750", mem: 256, cpu: 32, price: 60000})
	f.observeDevice(t, d3.ID, true, 65536, "R750")
	f.specDevice(t, p, 7, specDev{name: "srv-4", kind: "server", model: "R750", mem: 256, cpu: 48, price: 90000})
	swIn := specDev{name: "sw-1", kind: "switch", ports: 48, pin: &swItem.ID}
	swDev := f.specDevice(t, p, 9, swIn)
	_, err = f.s.UpdateDevice(f.ctx, swDev.ID, func(in *inventory.DeviceInput) error { in.Manufacturer = "HUAWEI"; return nil })
	noErr(t, err)
	f.specDevice(t, p, 11, specDev{name: "fw-1", kind: "firewall"})
	f.specDevice(t, p, 13, specDev{name: "old-1", kind: "server", status: "decommissioned"})

	return p
}

// TestRuleSpecMismatchAgreesWithCompliance: the spec-mismatch rule, which
// checks every project at once, says what the compliance report of each
// project says.
func TestRuleSpecMismatchAgreesWithCompliance(t *testing.T) {
	r, _ := inventory.RuleByName("spec-mismatch")
	dbtest.Each(t, func(t *testing.T, db dbtest.DB) {
		f := newFixture(t, db.Store)
		gold := goldProject(t, f)
		f.forceStatus(t, gold.ID, "implementing")
		good := f.specProject(t, "GOOD")
		_, err := f.s.CreateSpecItem(f.ctx, good.ID, specItemIn("server", 1, specReq("memory_gb", "min", 128)))
		noErr(t, err)
		f.specDevice(t, good, 20, specDev{name: "good-1", kind: "server", mem: 256})
		f.forceStatus(t, good.ID, "accepted")

		snap := &inventory.Snapshot{Q: db.Store.DB(), Dialect: db.Name, Now: time.Now(), Config: inventory.DefaultRuleConfig()}
		hits, err := r.Eval(f.ctx, snap)
		noErr(t, err)
		if len(hits) != 1 || hits[0].SubjectID != gold.ID {
			t.Fatalf("hits %+v, want one on project %d", hits, gold.ID)
		}
		c := checkCompliance(t, f, gold)
		first, _ := hits[0].Params["first"].(inventory.Msg)
		if n := hits[0].Params["problems"]; n != float64(len(c.Reasons)) || first.Text("en") != c.Reasons[0] {
			t.Errorf("rule: %v problems, first %q; report: %d, first %q", n, first.Text("en"), len(c.Reasons), c.Reasons[0])
		}
		zh := c.In("zh")
		for i, want := range c.Reasons[:min(10, len(c.Reasons))] {
			got, _ := hits[0].Params["reasons"].([]any)[i].(inventory.Msg)
			if got.Text("en") != want || got.Text("zh") != zh.Reasons[i] {
				t.Errorf("reason %d: rule %q / %q, report %q / %q", i, got.Text("en"), got.Text("zh"), want, zh.Reasons[i])
			}
		}
	})
}

package main

import (
	"context"
	"errors"
	"fmt"

	"hostroll/inventory"
)

var errNotEmpty = errors.New("the database already has units: demo data goes only into an empty database")

// demo is a small prefecture: the central machine room, a unit that keeps its
// own room and private lines, a county planning a room, and three projects
// at different steps of their lifecycle.
type demo struct {
	s   *inventory.Store
	ctx context.Context
	n   int
	err error
}

func ptr[T any](v T) *T { return &v }

// loadDemo writes the demo data set through the store, so it is validated and
// audited like any other write. It refuses a database that has units.
func loadDemo(ctx context.Context, s *inventory.Store) (int, error) {
	_, total, err := s.Units(ctx, inventory.ListParams{Limit: 1})
	if err != nil {
		return 0, err
	}
	if total > 0 {
		return 0, errNotEmpty
	}
	d := &demo{s: s, ctx: ctx}
	d.load()
	return d.n, d.err
}

// must records the first error; later calls do nothing once one failed.
func must[T any](d *demo, what string, f func() (T, error)) T {
	var zero T
	if d.err != nil {
		return zero
	}
	v, err := f()
	if err != nil {
		d.err = fmt.Errorf("demo data: %s: %w", what, err)
		return zero
	}
	d.n++
	return v
}

func (d *demo) unit(code, name, kind string) int64 {
	return must(d, "unit "+code, func() (inventory.Unit, error) {
		return d.s.CreateUnit(d.ctx, inventory.UnitInput{Code: code, Name: name, Kind: kind})
	}).ID
}

func (d *demo) room(name string, unit int64, kind, status, addr string) int64 {
	return must(d, "room "+name, func() (inventory.Room, error) {
		return d.s.CreateRoom(d.ctx, inventory.RoomInput{Name: name, UnitID: unit, Kind: kind, Status: status, Address: addr})
	}).ID
}

func (d *demo) rack(room int64, name string) int64 {
	return must(d, "rack "+name, func() (inventory.Rack, error) {
		return d.s.CreateRack(d.ctx, inventory.RackInput{RoomID: room, Name: name, UHeight: 42})
	}).ID
}

type demoDevice struct {
	name, kind, maker, model, serial string
	unit                             int64
	project                          int64
	rack                             int64
	pos, height                      int
	status, ip                       string
	cpu, mem, disk                   int
}

func (d *demo) device(v demoDevice) {
	in := inventory.DefaultDeviceInput()
	in.Name, in.Kind, in.Manufacturer, in.Model, in.Serial = v.name, v.kind, v.maker, v.model, v.serial
	in.UnitID, in.Status, in.MgmtIP = v.unit, v.status, v.ip
	if v.project != 0 {
		in.ProjectID = ptr(v.project)
	}
	in.AssetTag = "XX-" + v.serial
	if v.rack != 0 {
		in.RackID, in.Position = ptr(v.rack), ptr(v.pos)
	}
	if v.height > 0 {
		in.UHeight = v.height
	}
	if v.cpu > 0 {
		in.Specs = inventory.Specs{CPUCores: ptr(v.cpu), MemoryGB: ptr(v.mem), StorageGB: ptr(v.disk)}
	}
	must(d, "device "+v.name, func() (inventory.Device, error) { return d.s.CreateDevice(d.ctx, in) })
}

func (d *demo) line(carrier, circuit string, unit int64, a, z string, mbps int, fee float64, platform string) {
	must(d, "line "+circuit, func() (inventory.Line, error) {
		return d.s.CreateLine(d.ctx, inventory.LineInput{Carrier: carrier, CircuitID: circuit, UnitID: unit,
			AEnd: a, ZEnd: z, BandwidthMbps: mbps, MonthlyFee: fee, Platform: platform, Status: "active",
			StartDate: ptr(inventory.Date("2023-01-01"))})
	})
}

func (d *demo) project(code, name string, lead int64, category, funding string, classified bool, year int, budget float64) int64 {
	return must(d, "project "+code, func() (inventory.Project, error) {
		in := inventory.DefaultProjectInput()
		in.Code, in.Name, in.LeadUnitID, in.Category, in.FundingSource = code, name, lead, category, funding
		in.Classified, in.PlanYear, in.Budget = classified, year, budget
		return d.s.CreateProject(d.ctx, in)
	}).ID
}

func (d *demo) load() {
	egov := d.unit("ZW", "州电子政务办公室", "department")
	fin := d.unit("CZ", "州财政局", "department")
	pol := d.unit("GA", "州公安局", "department")
	fh := d.unit("FH", "凤凰县人民政府", "county")
	park := d.unit("JK", "湘西经济开发区管委会", "park")

	central := d.room("州政府中心机房", egov, "central", "active", "州政府大楼三楼")
	finRoom := d.room("州财政局自建机房", fin, "unit", "active", "财政局办公楼负一楼")
	d.room("凤凰县政务机房（规划）", fh, "unit", "planned", "凤凰县政务中心")

	a01, a02, a03 := d.rack(central, "A01"), d.rack(central, "A02"), d.rack(central, "A03")
	f01 := d.rack(finRoom, "F01")

	pay := d.project("XX-2025-003", "财政一体化支付平台", fin, "application", "prefecture", false, 2025, 1_850_000)
	gov := d.project("XX-2026-001", "政务云扩容", egov, "network_room", "prefecture", false, 2026, 3_200_000)
	sec := d.project("XX-2026-007", "公安视频专网", pol, "security", "higher_level", true, 2026, 5_600_000)
	must(d, "snmp profile", func() (inventory.SNMPProfile, error) {
		in := inventory.DefaultSNMPProfileInput()
		in.Name, in.Community = "central-v2c", "demo-community"
		return d.s.CreateSNMPProfile(d.ctx, in)
	})

	for _, v := range []demoDevice{
		{"core-sw-01", "switch", "Huawei", "CE6881-48S6CQ", "2102351HLS10K1000001", egov, 0, a01, 42, 1, "active", "10.10.0.1", 0, 0, 0},
		{"fw-01", "firewall", "Hillstone", "SG-6000-X9180", "HS9180A00012", egov, 0, a01, 40, 2, "active", "10.10.0.2", 0, 0, 0},
		{"cloud-node-01", "server", "Inspur", "NF5280M6", "NF5280M6-210001", egov, gov, a02, 1, 2, "active", "10.10.1.11", 64, 512, 7680},
		{"cloud-node-02", "server", "Inspur", "NF5280M6", "NF5280M6-210002", egov, gov, a02, 3, 2, "staged", "10.10.1.12", 64, 512, 7680},
		{"cloud-node-03", "server", "Inspur", "NF5280M6", "NF5280M6-210003", egov, gov, a02, 5, 2, "planned", "10.10.1.13", 64, 256, 7680},
		{"pay-app-01", "server", "Sugon", "I620-G30", "SG620G30-88001", fin, pay, a03, 10, 2, "active", "10.10.2.21", 32, 256, 3840},
		{"pay-db-01", "server", "Sugon", "I620-G30", "SG620G30-88002", fin, pay, f01, 20, 2, "active", "172.20.1.5", 48, 384, 9600},
		{"fin-storage-01", "storage", "Huawei", "OceanStor 5310", "2102353GUK10P2000101", fin, pay, f01, 10, 4, "active", "172.20.1.9", 0, 0, 0},
		{"video-gw-01", "security", "Hikvision", "DS-VE22S-B", "HKDSVE22S0091", pol, sec, 0, 0, 0, "planned", "", 0, 0, 0},
	} {
		d.device(v)
	}

	d.line("中国电信", "XXCT-2019-0311", fin, "财政局", "州人民银行", 100, 3200, "private")
	d.line("中国联通", "XXCU-2021-0788", fin, "财政局", "州人民银行", 50, 1800, "private")
	d.line("中国电信", "XXCT-2020-1024", fh, "凤凰县政务中心", "州政府中心机房", 200, 2600, "intranet")
	d.line("中国移动", "XXCM-2022-0520", park, "经开区管委会", "互联网出口", 500, 4500, "extranet")
	d.projectLifecycles(pay, gov, sec)
	d.rectifications(fin, fh, pay)
}

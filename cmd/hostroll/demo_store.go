package main

import (
	"hostroll/demo"
	"hostroll/inventory"
)

// inventory writes the seven importable kinds row by row through the
// store's create methods.
func (l *loader) inventory(set *demo.Set) {
	for _, u := range set.Units {
		l.units[u.Code] = must(l, "unit "+u.Code, func() (inventory.Unit, error) {
			return l.s.CreateUnit(l.ctx, inventory.UnitInput{Code: u.Code, Name: u.Name, Kind: u.Kind})
		}).ID
	}
	for _, r := range set.Rooms {
		l.rooms[r.Name] = must(l, "room "+r.Name, func() (inventory.Room, error) {
			return l.s.CreateRoom(l.ctx, inventory.RoomInput{Name: r.Name, UnitID: l.units[r.Unit], Kind: r.Kind,
				Status: r.Status, Address: r.Address})
		}).ID
	}
	for _, r := range set.Racks {
		l.racks[r.Room+"/"+r.Name] = must(l, "rack "+r.Name, func() (inventory.Rack, error) {
			return l.s.CreateRack(l.ctx, inventory.RackInput{RoomID: l.rooms[r.Room], Name: r.Name, UHeight: r.UHeight})
		}).ID
	}
	for _, p := range set.Projects {
		l.projects[p.Code] = must(l, "project "+p.Code, func() (inventory.Project, error) {
			in := inventory.DefaultProjectInput()
			in.Code, in.Name, in.LeadUnitID, in.Category = p.Code, p.Name, l.units[p.LeadUnit], p.Category
			in.FundingSource, in.Classified, in.PlanYear, in.Budget = p.FundingSource, p.Classified, p.PlanYear, p.Budget
			in.Supervisor = p.Supervisor
			for _, u := range p.Units {
				in.UnitIDs = append(in.UnitIDs, l.units[u])
			}
			return l.s.CreateProject(l.ctx, in)
		})
	}
	for _, it := range set.SpecItems {
		must(l, "spec item of "+it.Project, func() (inventory.SpecItem, error) {
			in := inventory.DefaultSpecItemInput()
			in.Kind, in.Name, in.Quantity, in.Requirements = it.Kind, it.Name, it.Quantity, it.Requirements
			in.MaxUnitPrice = ptr(it.MaxUnitPrice)
			return l.s.CreateSpecItem(l.ctx, l.projects[it.Project].ID, in)
		})
	}
	for _, d := range set.Devices {
		l.devices[d.Manufacturer+"/"+d.Serial] = must(l, "device "+d.Name, func() (inventory.Device, error) {
			return l.s.CreateDevice(l.ctx, l.deviceInput(d))
		}).ID
	}
	for _, ln := range set.Lines {
		l.lines[ln.Carrier+"/"+ln.CircuitID] = must(l, "line "+ln.CircuitID, func() (inventory.Line, error) {
			return l.s.CreateLine(l.ctx, l.lineInput(ln))
		}).ID
	}
}

func (l *loader) deviceInput(d demo.Device) inventory.DeviceInput {
	in := inventory.DefaultDeviceInput()
	in.Name, in.Kind, in.Manufacturer, in.Model, in.Serial = d.Name, d.Kind, d.Manufacturer, d.Model, d.Serial
	in.AssetTag, in.UnitID, in.Status, in.MgmtIP, in.UHeight = d.AssetTag, l.units[d.Unit], d.Status, d.MgmtIP, d.UHeight
	if d.Project != "" {
		in.ProjectID = ptr(l.projects[d.Project].ID)
	}
	if d.Rack != "" {
		in.RackID, in.Position = ptr(l.racks[d.Room+"/"+d.Rack]), ptr(d.Position)
	}
	if d.PurchasePrice > 0 {
		in.PurchasePrice = ptr(d.PurchasePrice)
	}
	positive := func(n int) *int {
		if n > 0 {
			return ptr(n)
		}
		return nil
	}
	in.Specs = inventory.Specs{CPUCores: positive(d.CPUCores), MemoryGB: positive(d.MemoryGB),
		StorageGB: positive(d.StorageGB), Ports: positive(d.Ports)}
	return in
}

func (l *loader) lineInput(ln demo.Line) inventory.LineInput {
	in := inventory.LineInput{Carrier: ln.Carrier, CircuitID: ln.CircuitID, UnitID: l.units[ln.Unit],
		AEnd: ln.AEnd, ZEnd: ln.ZEnd, BandwidthMbps: ln.BandwidthMbps, MonthlyFee: ln.MonthlyFee,
		Platform: ln.Platform, Status: ln.Status}
	if ln.Project != "" {
		in.ProjectID = ptr(l.projects[ln.Project].ID)
	}
	// The line's history starts when it did (a requested one: this autumn),
	// so that later changes can be dated after it.
	in.ChangedOn = ptr(inventory.Date("2026-10-01"))
	if ln.StartDate != "" {
		in.StartDate = ptr(inventory.Date(ln.StartDate))
		in.ChangedOn = in.StartDate
	}
	if ln.EndDate != "" {
		in.EndDate = ptr(inventory.Date(ln.EndDate))
	}
	return in
}

package ui

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"hostroll/inventory"
)

// deviceView is a device's page: placement, declared versus observed
// specs, its last polls, findings and change log.
type deviceView struct {
	Page
	Device   inventory.Device
	Unit     string
	Project  string
	Rack     *inventory.Rack
	Room     *inventory.Room
	Specs    []specRow
	Polls    []inventory.Observation
	Findings []inventory.Finding
	Changes  []inventory.AuditEntry
	CanPoll  bool // a poller runs in this server and the user may poll
	PollErr  string
}

// specRow is one declared figure beside what SNMP last saw.
type specRow struct {
	Field              string // catalog key of the label
	Declared, Observed string
	Drift              bool
}

func (u *UI) deviceShow(c *fiber.Ctx) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	ctx, s := c.UserContext(), u.cfg.Store
	d, err := s.Device(ctx, id)
	if err != nil {
		return err
	}
	p := u.page(c, "ui.devices.device_title", d.Name)
	v := deviceView{Page: p, Device: d, CanPoll: u.cfg.Poller != nil && p.Can("device.poll")}
	if v.Unit, v.Project, err = u.ownerNames(c, d); err != nil {
		return err
	}
	if d.RackID != nil {
		r, err := s.Rack(ctx, *d.RackID)
		if err != nil {
			return err
		}
		room, err := s.Room(ctx, r.RoomID)
		if err != nil {
			return err
		}
		v.Rack, v.Room = &r, &room
	}
	if v.Polls, _, err = s.Observations(ctx, id, inventory.ListParams{Limit: 10}); err != nil {
		return err
	}
	sid := strconv.FormatInt(id, 10)
	if v.Findings, _, err = s.Findings(ctx, inventory.ListParams{Limit: 50, Filters: map[string]string{
		"subject_type": "device", "subject_id": sid, "lang": p.Lang}}); err != nil {
		return err
	}
	if v.Changes, _, err = s.Audit(ctx, inventory.ListParams{Limit: 50, Filters: map[string]string{
		"entity": "device", "entity_id": sid}}); err != nil {
		return err
	}
	v.Specs = specsOf(d, v.Polls)
	return u.render(c, fiber.StatusOK, "devices_show", v)
}

// ownerNames are the names of a device's unit and project.
func (u *UI) ownerNames(c *fiber.Ctx, d inventory.Device) (unit, project string, err error) {
	ctx := c.UserContext()
	un, err := u.cfg.Store.Unit(ctx, d.UnitID)
	if err != nil {
		return "", "", err
	}
	if d.ProjectID != nil {
		pr, err := u.cfg.Store.Project(ctx, *d.ProjectID)
		if err == nil {
			project = pr.Code + " " + pr.Name
		}
	}
	return un.Name, project, nil
}

// specsOf sets the declared figures beside the latest reachable poll's,
// marking those the store found to differ (Device.Drift).
func specsOf(d inventory.Device, polls []inventory.Observation) []specRow {
	var o *inventory.Observation
	for i := range polls {
		if polls[i].Reachable {
			o = &polls[i]
			break
		}
	}
	drift := map[string]bool{}
	for _, x := range d.Drift {
		drift[x.Field] = true
	}
	num := func(p *int) string {
		if p == nil {
			return ""
		}
		return strconv.Itoa(*p)
	}
	num64 := func(p *int64, div int64) string {
		if p == nil {
			return ""
		}
		return strconv.FormatInt((*p+div/2)/div, 10)
	}
	rows := []specRow{
		{Field: "field.device.serial", Declared: d.Serial},
		{Field: "field.device.model", Declared: d.Model},
		{Field: "field.device.manufacturer", Declared: d.Manufacturer},
		{Field: "ui.devices.specs_cpu", Declared: num(d.Specs.CPUCores)},
		{Field: "ui.devices.specs_memory", Declared: num(d.Specs.MemoryGB)},
		{Field: "ui.devices.specs_storage", Declared: num(d.Specs.StorageGB)},
	}
	if o != nil {
		rows[0].Observed, rows[1].Observed, rows[2].Observed = o.Serial, o.Model, o.Manufacturer
		if o.CPUCount != nil {
			rows[3].Observed = strconv.Itoa(*o.CPUCount)
		}
		rows[4].Observed, rows[5].Observed = num64(o.MemoryMB, 1024), num64(o.StorageGB, 1)
	}
	for i, f := range []string{"serial", "model", "manufacturer", "cpu_cores", "memory_gb", ""} {
		rows[i].Drift = f != "" && drift[f]
	}
	return rows
}

// devicePoll polls the device now and shows its page with the result.
func (u *UI) devicePoll(c *fiber.Ctx) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	if u.cfg.Poller == nil {
		return fiber.NewError(fiber.StatusServiceUnavailable, "this server does not poll devices")
	}
	if _, err := u.cfg.Poller.PollDevice(c.UserContext(), id); err != nil {
		return err
	}
	return seeOther(c, deviceHref(id), "device_polled")
}

// deviceDelete deletes the device and goes back to the list.
func (u *UI) deviceDelete(c *fiber.Ctx) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	if err := u.cfg.Store.DeleteDevice(c.UserContext(), id); err != nil {
		return err
	}
	return seeOther(c, "/devices", "device_deleted")
}

// Face is the device's face as the page says it ("full depth" or a face).
func (v deviceView) Face() string {
	if v.Device.FullDepth {
		return v.Field("device", "full_depth")
	}
	return v.Label("face", v.Device.Face) + " · " + v.T("ui.devices.half_depth")
}

// Units is the device's units, "U10–U11".
func (v deviceView) Units() string {
	if v.Device.Position == nil {
		return ""
	}
	pos := *v.Device.Position
	if v.Device.UHeight == 1 {
		return "U" + strconv.Itoa(pos)
	}
	return "U" + strconv.Itoa(pos) + "–U" + strconv.Itoa(pos+v.Device.UHeight-1)
}

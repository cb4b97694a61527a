package ui

import (
	"context"
	"errors"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"hostroll/inventory"
	"hostroll/locale"
)

// deviceFormView is the add and edit form of a device. In holds the
// user's input as typed, so a refused form comes back as it was sent.
type deviceFormView struct {
	Page
	ID      int64 // 0 for a new device
	In      map[string]string
	Form    formError
	Choices deviceChoices
	Here    string // "adding at U12 of A-01 (front)" when opened from a rack
}

// choice is one option of a select.
type choice struct {
	Value, Label string
}

// deviceChoices are the options of the form's selects.
type deviceChoices struct {
	Units, Projects, Racks, Profiles []choice
}

// deviceFields are the form's text inputs, by the input's JSON names.
var deviceFields = []string{"name", "kind", "manufacturer", "model", "serial", "asset_tag", "unit_id",
	"project_id", "rack_id", "position", "u_height", "face", "full_depth", "status", "mgmt_ip",
	"snmp_profile_id", "purchase_price", "specs.cpu_cores", "specs.memory_gb", "specs.storage_gb", "specs.ports"}

func (u *UI) deviceNew(c *fiber.Ctx) error {
	def := inventory.DefaultDeviceInput()
	in := formValuesOf(def)
	for _, k := range []string{"rack_id", "position", "face", "full_depth", "unit_id", "project_id", "kind", "status"} {
		if v := c.Query(k); v != "" {
			in[k] = v
		}
	}
	v := deviceFormView{Page: u.page(c, "ui.devices.new"), In: in}
	return u.showDeviceForm(c, fiber.StatusOK, v)
}

func (u *UI) deviceEdit(c *fiber.Ctx) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	d, err := u.cfg.Store.Device(c.UserContext(), id)
	if err != nil {
		return err
	}
	in := formValuesOf(inputOf(d))
	v := deviceFormView{Page: u.page(c, "ui.devices.edit", d.Name), ID: id, In: in}
	return u.showDeviceForm(c, fiber.StatusOK, v)
}

func (u *UI) deviceCreate(c *fiber.Ctx) error {
	in, raw, perr := u.deviceInputOf(c)
	err := perr
	var d inventory.Device
	if err == nil {
		d, err = u.cfg.Store.CreateDevice(c.UserContext(), in)
	}
	if err != nil {
		return u.refuseDeviceForm(c, deviceFormView{Page: u.page(c, "ui.devices.new"), In: raw}, err)
	}
	return seeOther(c, deviceHref(d.ID), "device_created")
}

func (u *UI) deviceSave(c *fiber.Ctx) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	in, raw, err := u.deviceInputOf(c)
	if err == nil {
		_, err = u.cfg.Store.UpdateDevice(c.UserContext(), id, func(d *inventory.DeviceInput) error {
			in.SpecItemID = d.SpecItemID // the form does not show it: kept as it is
			*d = in
			return nil
		})
	}
	if err != nil {
		return u.refuseDeviceForm(c, deviceFormView{Page: u.page(c, "ui.devices.edit", raw["name"]), ID: id, In: raw}, err)
	}
	return seeOther(c, deviceHref(id), "device_saved")
}

// refuseDeviceForm shows the form again with the store's messages beside
// the fields (400, or 409 for a conflict such as an occupied unit); an
// error that is not the user's goes to the error page.
func (u *UI) refuseDeviceForm(c *fiber.Ctx, v deviceFormView, err error) error {
	fe, ok := formErrorOf(err, v.Lang)
	if !ok {
		return err
	}
	v.Form = fe
	status := fiber.StatusBadRequest
	if errors.Is(err, inventory.ErrConflict) {
		status = fiber.StatusConflict
	}
	return u.showDeviceForm(c, status, v)
}

func (u *UI) showDeviceForm(c *fiber.Ctx, status int, v deviceFormView) error {
	ch, err := u.deviceChoicesOf(c.UserContext(), v.Lang)
	if err != nil {
		return err
	}
	v.Choices = ch
	if v.ID == 0 && v.In["rack_id"] != "" && v.In["position"] != "" {
		for _, r := range ch.Racks {
			if r.Value == v.In["rack_id"] {
				pos, _ := strconv.Atoi(v.In["position"])
				v.Here = v.T("ui.devices.add_here", r.Label, pos, v.Label("face", v.In["face"]))
			}
		}
	}
	return u.render(c, status, "devices_form", v)
}

// deviceChoicesOf reads the options of the form's selects.
func (u *UI) deviceChoicesOf(ctx context.Context, lang string) (deviceChoices, error) {
	s, all := u.cfg.Store, inventory.ListParams{Limit: inventory.MaxLimit}
	var ch deviceChoices
	units, _, err := s.Units(ctx, all)
	if err != nil {
		return ch, err
	}
	for _, x := range units {
		ch.Units = append(ch.Units, choice{strconv.FormatInt(x.ID, 10), x.Name})
	}
	projects, _, err := s.Projects(ctx, all)
	if err != nil {
		return ch, err
	}
	for _, x := range projects {
		ch.Projects = append(ch.Projects, choice{strconv.FormatInt(x.ID, 10), x.Code + " " + x.Name})
	}
	rooms, _, err := s.Rooms(ctx, all)
	if err != nil {
		return ch, err
	}
	roomName := map[int64]string{}
	for _, r := range rooms {
		roomName[r.ID] = r.Name
	}
	racks, _, err := s.Racks(ctx, all)
	if err != nil {
		return ch, err
	}
	for _, x := range racks {
		ch.Racks = append(ch.Racks, choice{strconv.FormatInt(x.ID, 10),
			locale.T(lang, "ui.devices.rack_choice", roomName[x.RoomID], x.Name, x.UHeight)})
	}
	profiles, _, err := s.SNMPProfiles(ctx, all)
	if err != nil {
		return ch, err
	}
	for _, x := range profiles {
		ch.Profiles = append(ch.Profiles, choice{strconv.FormatInt(x.ID, 10), x.Name})
	}
	return ch, nil
}

// inputOf is the input that would recreate d.
func inputOf(d inventory.Device) inventory.DeviceInput {
	return inventory.DeviceInput{Name: d.Name, Kind: d.Kind, Manufacturer: d.Manufacturer, Model: d.Model,
		Serial: d.Serial, AssetTag: d.AssetTag, UnitID: d.UnitID, ProjectID: d.ProjectID, RackID: d.RackID,
		Position: d.Position, UHeight: d.UHeight, Face: d.Face, FullDepth: d.FullDepth, Status: d.Status,
		MgmtIP: d.MgmtIP, SNMPProfileID: d.SNMPProfileID, PurchasePrice: d.PurchasePrice, Specs: d.Specs,
		SpecItemID: d.SpecItemID}
}

// formValuesOf shows an input in the form's fields.
func formValuesOf(in inventory.DeviceInput) map[string]string {
	id := func(p *int64) string {
		if p == nil || *p == 0 {
			return ""
		}
		return strconv.FormatInt(*p, 10)
	}
	n := func(p *int) string {
		if p == nil {
			return ""
		}
		return strconv.Itoa(*p)
	}
	v := map[string]string{"name": in.Name, "kind": in.Kind, "manufacturer": in.Manufacturer, "model": in.Model,
		"serial": in.Serial, "asset_tag": in.AssetTag, "unit_id": id(&in.UnitID), "project_id": id(in.ProjectID),
		"rack_id": id(in.RackID), "position": n(in.Position), "u_height": strconv.Itoa(in.UHeight), "face": in.Face,
		"full_depth": strconv.FormatBool(in.FullDepth), "status": in.Status, "mgmt_ip": in.MgmtIP,
		"snmp_profile_id": id(in.SNMPProfileID), "specs.cpu_cores": n(in.Specs.CPUCores),
		"specs.memory_gb": n(in.Specs.MemoryGB), "specs.storage_gb": n(in.Specs.StorageGB), "specs.ports": n(in.Specs.Ports)}
	if in.PurchasePrice != nil {
		v["purchase_price"] = strconv.FormatFloat(*in.PurchasePrice, 'f', 2, 64)
	}
	return v
}

// deviceInputOf reads the posted form: the input, the values as typed, and
// a ValidationError for numbers that are not numbers (the store checks the
// rest, with the same rules as the API).
func (u *UI) deviceInputOf(c *fiber.Ctx) (inventory.DeviceInput, map[string]string, error) {
	raw := map[string]string{}
	for _, k := range deviceFields {
		raw[k] = strings.TrimSpace(c.FormValue(k))
	}
	if raw["full_depth"] == "" {
		raw["full_depth"] = "false" // an unticked box sends nothing
	}
	lang := u.lang(c)
	ve := &inventory.ValidationError{}
	in := inventory.DeviceInput{Name: raw["name"], Kind: raw["kind"], Manufacturer: raw["manufacturer"],
		Model: raw["model"], Serial: raw["serial"], AssetTag: raw["asset_tag"], Face: raw["face"],
		FullDepth: raw["full_depth"] == "true" || raw["full_depth"] == "on", Status: raw["status"], MgmtIP: raw["mgmt_ip"]}
	if p := optID(ve, lang, raw, "unit_id"); p != nil {
		in.UnitID = *p
	}
	in.ProjectID, in.RackID, in.SNMPProfileID = optID(ve, lang, raw, "project_id"), optID(ve, lang, raw, "rack_id"),
		optID(ve, lang, raw, "snmp_profile_id")
	in.Position = optInt(ve, lang, raw, "position")
	if h := optInt(ve, lang, raw, "u_height"); h != nil {
		in.UHeight = *h
	}
	in.Specs = inventory.Specs{CPUCores: optInt(ve, lang, raw, "specs.cpu_cores"), MemoryGB: optInt(ve, lang, raw, "specs.memory_gb"),
		StorageGB: optInt(ve, lang, raw, "specs.storage_gb"), Ports: optInt(ve, lang, raw, "specs.ports")}
	if v := raw["purchase_price"]; v != "" {
		f, err := strconv.ParseFloat(strings.ReplaceAll(v, ",", ""), 64)
		if err != nil {
			ve.Add("purchase_price", "ui.devices.bad_money")
		} else {
			in.PurchasePrice = &f
		}
	}
	return in, raw, ve.Err()
}

func optInt(ve *inventory.ValidationError, lang string, raw map[string]string, k string) *int {
	if raw[k] == "" {
		return nil
	}
	n, err := strconv.Atoi(raw[k])
	if err != nil {
		ve.Add(k, "ui.devices.bad_number")
		return nil
	}
	return &n
}

func optID(ve *inventory.ValidationError, lang string, raw map[string]string, k string) *int64 {
	n := optInt(ve, lang, raw, k)
	if n == nil {
		return nil
	}
	id := int64(*n)
	return &id
}

// Selected is "selected" when a select's value is the input's.
func (v deviceFormView) Selected(field, value string) bool { return v.In[field] == value }

// Checked tells whether a checkbox is ticked.
func (v deviceFormView) Checked(field string) bool {
	return v.In[field] == "true" || v.In[field] == "on"
}

// Kinds and Statuses list the enumerations the form offers.
func (v deviceFormView) Kinds() []string    { return inventory.DeviceKinds }
func (v deviceFormView) Statuses() []string { return inventory.DeviceStatuses }
func (v deviceFormView) Faces() []string    { return inventory.Faces }

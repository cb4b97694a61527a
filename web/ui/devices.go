package ui

import (
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"hostroll/inventory"
)

// mountDevices adds the device pages: the list (filters, quick search,
// sort, columns, bulk changes), a device's page, its forms and "poll now".
func (u *UI) mountDevices(app fiber.Router) {
	g := u.cfg.Guard
	app.Get("/devices", g("device.read"), u.deviceList)
	app.Post("/devices/columns", g("device.read"), u.deviceColumns)
	app.Post("/devices/bulk", g("device.write"), u.deviceBulk)
	app.Get("/devices/new", g("device.write"), u.deviceNew)
	app.Post("/devices", g("device.write"), u.deviceCreate)
	app.Get("/devices/:id", g("device.read"), u.deviceShow)
	app.Get("/devices/:id/edit", g("device.write"), u.deviceEdit)
	app.Post("/devices/:id", g("device.write"), u.deviceSave)
	app.Post("/devices/:id/delete", g("device.write"), u.deviceDelete)
	app.Post("/devices/:id/poll", g("device.poll"), u.devicePoll)
}

// column is one column the device list can show.
type column struct {
	Key   string // the preference's name for it
	Label string // catalog key
	Sort  string // inventory.DeviceSorts key
}

var deviceColumns = []column{
	{"name", "field.device.name", "name"},
	{"kind", "field.device.kind", "kind"},
	{"status", "field.device.status", "status"},
	{"unit", "field.device.unit_id", "unit"},
	{"project", "field.device.project_id", "project"},
	{"placement", "ui.devices.placement", "placement"},
	{"serial", "field.device.serial", "serial"},
	{"asset_tag", "field.device.asset_tag", "asset_tag"},
	{"manufacturer", "field.device.manufacturer", "manufacturer"},
	{"model", "field.device.model", "model"},
	{"mgmt_ip", "field.device.mgmt_ip", "mgmt_ip"},
	{"poll_status", "field.device.poll_status", "last_polled_at"},
	{"drift", "ui.devices.drift_badge", "drift"},
}

// defaultColumns are shown until a user chooses.
var defaultColumns = []string{"name", "kind", "status", "unit", "project", "placement", "serial", "poll_status"}

// columnsPref is the preference that keeps a user's columns.
const columnsPref = "devices.columns"

// deviceFilters are the list's filters (query parameters).
var deviceFilters = []string{"unit_id", "project_id", "room_id", "rack_id", "kind", "status", "poll_status", "drift"}

type deviceListView struct {
	Page
	Rows     []deviceListRow
	Pager    Pager
	Columns  []column // shown, in order
	All      []column // every column, for the chooser
	Shown    map[string]bool
	Filter   map[string]string
	Sort     string
	Opts     map[string][]option // the filters' and bulk form's options, by kind
	Summary  string              // after a bulk change
	BulkErr  string
	Matching int
}

func (u *UI) deviceList(c *fiber.Ctx) error { return u.showDeviceList(c, fiber.StatusOK, "") }

func (u *UI) showDeviceList(c *fiber.Ctx, status int, bulkErr string) error {
	p := u.page(c, "ui.devices.title")
	ctx := c.UserContext()
	pg := pagerOf(c, p.Lang, 500)
	v := deviceListView{Page: p, All: deviceColumns, Filter: map[string]string{}, Sort: c.Query("sort"), BulkErr: bulkErr}
	for _, k := range deviceFilters {
		if val := c.Query(k); val != "" {
			v.Filter[k] = val
		}
	}
	pref, err := u.cfg.Store.Preference(ctx, columnsPref)
	if err != nil {
		return err
	}
	v.Columns, v.Shown = columnsOf(pref)
	rows, total, err := u.cfg.Store.DeviceTable(ctx, inventory.DeviceQuery{Sort: v.Sort,
		ListParams: inventory.ListParams{Limit: pg.Limit, Offset: pg.Offset, Q: p.Query, Filters: v.Filter}})
	if err != nil {
		return err
	}
	pg.Total = total
	v.Rows, v.Matching, v.Pager = cellsOf(p, v.Columns, rows), total, pg
	if c.Get("HX-Request") == "true" && c.Get("HX-Target") == "device-table" {
		return u.renderFragment(c, "devices_list", "device-table", v)
	}
	choices, err := u.cfg.Store.DeviceChoices(ctx)
	if err != nil {
		return err
	}
	v.Opts = optionsOf(choices, v.Filter)
	if n, err := strconv.Atoi(c.Query("bulk_count")); err == nil {
		if verb := c.Query("bulk_action"); slices.Contains([]string{"status", "unit", "project", "delete"}, verb) {
			v.Summary = p.T("ui.devices.bulk_done", n, p.T("ui.devices.bulk_verb_"+verb))
		}
	}
	return u.render(c, status, "devices_list", v)
}

// columnsOf reads a columns preference ("name,unit,serial"); unknown names
// are dropped, the name is always shown, and no choice means the default.
func columnsOf(pref string) ([]column, map[string]bool) {
	keys := defaultColumns
	if pref != "" {
		keys = strings.Split(pref, ",")
	}
	shown := map[string]bool{"name": true}
	for _, k := range keys {
		shown[k] = true
	}
	var out []column
	for _, col := range deviceColumns {
		if shown[col.Key] {
			out = append(out, col)
		}
	}
	return out, shown
}

// deviceColumns keeps the user's choice of columns and goes back to the list.
func (u *UI) deviceColumns(c *fiber.Ctx) error {
	var keys []string
	args := c.Request().PostArgs()
	for _, col := range deviceColumns {
		for _, v := range args.PeekMulti("columns") {
			if string(v) == col.Key {
				keys = append(keys, col.Key)
			}
		}
	}
	if err := u.cfg.Store.SetPreference(c.UserContext(), columnsPref, strings.Join(keys, ",")); err != nil {
		return err
	}
	return seeOther(c, "/devices"+backQuery(c.FormValue("back")), "columns_saved")
}

// backQuery is a list's query string to go back to ("?status=active"), ""
// when there is none or it is not one.
func backQuery(q string) string {
	vals, err := url.ParseQuery(strings.TrimPrefix(q, "?"))
	if err != nil || len(vals) == 0 {
		return ""
	}
	vals.Del("done")
	vals.Del("bulk_count")
	vals.Del("bulk_action")
	if len(vals) == 0 {
		return ""
	}
	return "?" + vals.Encode()
}

// SortURL is the list sorted by col: ascending first, then descending.
func (v deviceListView) SortURL(col column) string {
	q := url.Values{}
	for k, val := range v.Filter {
		q.Set(k, val)
	}
	if v.Query != "" {
		q.Set("q", v.Query)
	}
	s := col.Sort
	if v.Sort == col.Sort {
		s = "-" + col.Sort
	}
	q.Set("sort", s)
	return "/devices?" + q.Encode()
}

// SortMark is ▲ or ▼ beside the column the list is sorted on.
func (v deviceListView) SortMark(col column) string {
	switch v.Sort {
	case col.Sort:
		return "▲"
	case "-" + col.Sort:
		return "▼"
	}
	return ""
}

// QueryString is the list's filters and search, for links and forms that
// come back to the same selection.
func (v deviceListView) QueryString() string {
	q := url.Values{}
	for k, val := range v.Filter {
		q.Set(k, val)
	}
	if v.Query != "" {
		q.Set("q", v.Query)
	}
	if v.Sort != "" {
		q.Set("sort", v.Sort)
	}
	return q.Encode()
}

// Is tells whether filter k has value val, for selects.
func (v deviceListView) Is(k, val string) bool { return v.Filter[k] == val }

// Kinds, Statuses and PollStatuses are the enumerations the filters offer.
func (v deviceListView) Kinds() []string        { return inventory.DeviceKinds }
func (v deviceListView) Statuses() []string     { return inventory.DeviceStatuses }
func (v deviceListView) PollStatuses() []string { return inventory.PollStatuses }

// option is one option of a select, chosen or not.
type option struct {
	Value, Label string
	Selected     bool
}

// optionsOf turns the filters' choices into options, the current filter's
// chosen: made in Go, as a template comparing each of hundreds of racks
// would cost more than the list itself.
func optionsOf(choices []inventory.Choice, filter map[string]string) map[string][]option {
	field := map[string]string{"unit": "unit_id", "project": "project_id", "room": "room_id", "rack": "rack_id"}
	out := map[string][]option{}
	for _, ch := range choices {
		id := strconv.FormatInt(ch.ID, 10)
		label := ch.Name
		if ch.Parent != "" {
			label = ch.Parent + " / " + ch.Name
		}
		out[ch.Kind] = append(out[ch.Kind], option{Value: id, Label: label, Selected: filter[field[ch.Kind]] == id})
	}
	return out
}

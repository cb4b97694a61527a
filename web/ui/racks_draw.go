package ui

import (
	"fmt"
	"html/template"
	"net/url"
	"strconv"

	"hostroll/inventory"
	"hostroll/locale"
	"hostroll/web/ui/elevation"
)

// Drawing is a rack's elevation made ready for the renderer: the rack, its
// devices with the words of their tooltips, in one language.
type Drawing struct {
	Rack    elevation.Rack
	Devices []elevation.Device
	Lang    string
}

// DrawingOf turns the store's elevation into a drawing in lang. Another
// unit's device (hidden by the store's scope) stays bare occupied space.
func DrawingOf(e inventory.Elevation, lang string) Drawing {
	d := Drawing{Rack: elevation.Rack{ID: e.Rack.ID, Name: e.Rack.Name, UHeight: e.Rack.UHeight}, Lang: lang,
		Devices: make([]elevation.Device, 0, len(e.Occupants))}
	for _, o := range e.Occupants {
		dev := elevation.Device{Position: o.Position, UHeight: o.UHeight, Face: o.Face, FullDepth: o.FullDepth, Hidden: o.Hidden}
		if !o.Hidden {
			dev.ID, dev.Name, dev.UnitID, dev.Unit, dev.Project, dev.Serial = o.ID, o.Name, o.UnitID, o.UnitName, o.Project, o.Serial
			dev.Status = locale.Label(lang, "device_status", o.Status)
		}
		d.Devices = append(d.Devices, dev)
	}
	return d
}

// words are the drawing's texts in lang.
func words(lang string) elevation.Words {
	t := func(k string) string { return locale.T(lang, "ui.racks."+k) }
	return elevation.Words{Front: t("front"), Rear: t("rear"), Unit: t("tip_unit"), Project: t("tip_project"),
		Serial: t("tip_serial"), Status: t("tip_status"), Position: t("tip_position"), Hidden: t("tip_hidden"),
		Free: t("tip_free"), OtherFace: t("tip_other_face")}
}

// deviceHref is a device's page.
func deviceHref(id int64) string { return "/devices/" + strconv.FormatInt(id, 10) }

// SVG draws the rack for a page (links to devices and, when add is true,
// free units as links to the pre-filled new-device form) or, standalone, for
// a file that carries its own stylesheet. faces is nil for both.
func (d Drawing) SVG(faces []string, standalone, add bool) string {
	opt := elevation.Options{Faces: faces, Words: words(d.Lang), Standalone: standalone, DeviceHref: deviceHref}
	if add {
		rack := strconv.FormatInt(d.Rack.ID, 10)
		opt.FreeHref = func(u int, face string, half bool) string {
			// The query's keys in order, as url.Values.Encode writes them.
			q := "/devices/new?face=" + url.QueryEscape(face)
			if half {
				q += "&full_depth=false"
			}
			return q + "&position=" + strconv.Itoa(u) + "&rack_id=" + rack
		}
	}
	return elevation.Render(d.Rack, d.Devices, opt)
}

// Compact draws the rack small, for a room's overview.
func (d Drawing) Compact() string {
	return elevation.Render(d.Rack, d.Devices, elevation.Options{Compact: true, Words: words(d.Lang)})
}

// Occupancy is a rack's units in use (on either face) of its height.
type Occupancy struct{ Used, Total, Pct int }

// Occupancy counts the rack's units in use.
func (d Drawing) Occupancy() Occupancy {
	used, total := elevation.Occupancy(d.Rack, d.Devices)
	o := Occupancy{Used: used, Total: total}
	if total > 0 {
		o.Pct = used * 100 / total
	}
	return o
}

// OccupancyText says "12 of 42 U in use (28%)".
func (d Drawing) OccupancyText() string {
	o := d.Occupancy()
	return locale.T(d.Lang, "ui.racks.occupancy", o.Used, o.Total, o.Pct)
}

// Legend is the units of the drawn devices with their colours.
func (d Drawing) Legend() []elevation.LegendEntry { return elevation.Legend(d.Devices) }

// HasHidden reports whether another unit's device is drawn.
func (d Drawing) HasHidden() bool {
	for _, dev := range d.Devices {
		if dev.Hidden {
			return true
		}
	}
	return false
}

// FileName is the name a downloaded drawing is saved under.
func (d Drawing) FileName(face string) string {
	if face == "" {
		return fmt.Sprintf("rack-%d.svg", d.Rack.ID)
	}
	return fmt.Sprintf("rack-%d-%s.svg", d.Rack.ID, face)
}

// Inline is the drawing for a page, both faces; add links free units to the
// new-device form.
func (d Drawing) Inline(add bool) template.HTML { return safeHTML(d.SVG(nil, false, add)) }

// InlineCompact is the small drawing for a room's overview.
func (d Drawing) InlineCompact() template.HTML { return safeHTML(d.Compact()) }

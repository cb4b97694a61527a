// Package elevation draws a rack's front and rear as SVG: each device a
// box (a link, with a tooltip) coloured by the unit that owns it, a
// half-depth device on its face and hinted, hatched, on the other, and each
// free unit a link to place a device there. It knows nothing of the
// database: the caller gives it the rack, the devices and the words.
package elevation

import (
	"encoding/xml"
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// Faces of a rack.
const (
	Front = "front"
	Rear  = "rear"
)

// Rack is the drawn rack.
type Rack struct {
	ID      int64
	Name    string
	UHeight int
}

// Device is a device as the drawing shows it. Hidden is another unit's
// device, seen by unit staff: drawn as occupied space, with no name, unit,
// project, serial, status or link.
type Device struct {
	ID        int64
	Name      string
	Position  int // lowest unit
	UHeight   int
	Face      string
	FullDepth bool
	UnitID    int64 // chooses the colour
	Unit      string
	Project   string
	Serial    string
	Status    string // already a label in the reader's language
	Hidden    bool
	// Planned is a device not there yet (a move plan's arrival): drawn
	// with the class "planned" beside its unit's colour.
	Planned bool
}

// Top is the highest unit the device occupies.
func (d Device) Top() int { return d.Position + d.UHeight - 1 }

// on reports whether the device is mounted on face (a full-depth device is
// on both).
func (d Device) on(face string) bool { return d.FullDepth || d.Face == face }

// Words are the drawing's texts in the reader's language.
type Words struct {
	Front, Rear string // face titles
	Unit        string // tooltip labels
	Project     string
	Serial      string
	Status      string
	Position    string // "U%d" style is drawn by the package; this labels it
	Hidden      string // "another unit's device"
	Free        string // "free: add a device here (U%d, %s)" with the unit and the face title
	OtherFace   string // "mounted on the other face" prefix of a hint
}

// Options choose what is drawn and how it links.
type Options struct {
	Faces []string // Front, Rear or both (the default), in that order
	Words Words
	// Standalone puts the stylesheet inside the SVG, so the file stands
	// alone (a download); a page uses CSS from its own stylesheet instead.
	Standalone bool
	// Compact draws a small elevation (a room's overview): no texts beside
	// the boxes, no links on free units.
	Compact bool
	// DeviceHref links a device's box; nil for no link.
	DeviceHref func(id int64) string
	// FreeHref links a free unit of a face; nil for no link.
	FreeHref func(u int, face string, halfOnly bool) string
}

// Geometry of the drawing, in SVG units.
const (
	uPx       = 16  // one rack unit
	facePx    = 260 // a face's width, units' numbers included
	numPx     = 26  // the units' numbers column
	headPx    = 22  // the face's title
	gapPx     = 24  // between the faces
	compactU  = 5
	compactW  = 70
	palette   = 12 // unit colours: classes u0 .. u11
	maxNameCh = 30
)

// ColourClass is the stable colour class of a unit: the same unit has the
// same colour on every rack and in every legend.
func ColourClass(unitID int64) string {
	if unitID < 0 {
		unitID = -unitID
	}
	return "u" + strconv.FormatInt(unitID%palette, 10)
}

// LegendEntry is one unit in the legend.
type LegendEntry struct {
	UnitID int64
	Unit   string
	Class  string
}

// Legend lists the units of the visible devices, by name, once each.
func Legend(devs []Device) []LegendEntry {
	seen := map[int64]bool{}
	var out []LegendEntry
	for _, d := range devs {
		if d.Hidden || seen[d.UnitID] {
			continue
		}
		seen[d.UnitID] = true
		out = append(out, LegendEntry{UnitID: d.UnitID, Unit: d.Unit, Class: ColourClass(d.UnitID)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Unit < out[j].Unit })
	return out
}

// Occupancy counts the rack's units in use (on either face) and its height.
func Occupancy(r Rack, devs []Device) (used, total int) {
	taken := make([]bool, r.UHeight+1)
	for _, d := range devs {
		for u := max(d.Position, 1); u <= d.Top() && u <= r.UHeight; u++ {
			taken[u] = true
		}
	}
	for _, t := range taken[1:] {
		if t {
			used++
		}
	}
	return used, r.UHeight
}

// Render draws the rack.
func Render(r Rack, devs []Device, opt Options) string {
	faces := opt.Faces
	if len(faces) == 0 {
		faces = []string{Front, Rear}
	}
	d := drawer{r: r, devs: devs, opt: opt, uh: uPx, fw: facePx, num: numPx, head: headPx}
	if opt.Compact {
		d.uh, d.fw, d.num, d.head = compactU, compactW, 0, 0
	}
	w := len(faces)*d.fw + (len(faces)-1)*gapPx
	h := d.head + r.UHeight*d.uh + 2
	var b strings.Builder
	b.Grow(4096 + len(devs)*600 + r.UHeight*400)
	class := "elevation"
	if opt.Compact {
		class += " compact"
	}
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" class="%s" viewBox="0 0 %d %d" width="%d" height="%d" role="img" aria-label="%s">`,
		class, w, h, w, h, esc(r.Name))
	if opt.Standalone {
		b.WriteString("<style>" + CSS + "</style>")
	}
	b.WriteString(`<defs><pattern id="hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">` +
		`<line x1="0" y1="0" x2="0" y2="6" class="hatch-line"/></pattern></defs>`)
	for i, face := range faces {
		d.face(&b, face, i*(d.fw+gapPx))
	}
	b.WriteString("</svg>")
	return b.String()
}

type drawer struct {
	r                 Rack
	devs              []Device
	opt               Options
	uh, fw, num, head int
}

// y is the top edge of unit u.
func (d drawer) y(u int) int { return d.head + (d.r.UHeight-u)*d.uh + 1 }

func (d drawer) face(b *strings.Builder, face string, x0 int) {
	title := d.opt.Words.Front
	if face == Rear {
		title = d.opt.Words.Rear
	}
	fmt.Fprintf(b, `<g class="face %s" data-face="%s">`, face, face)
	if d.head > 0 {
		fmt.Fprintf(b, `<text class="face-title" x="%d" y="15">%s</text>`, x0+d.num+(d.fw-d.num)/2, esc(title))
	}
	bx, bw := x0+d.num, d.fw-d.num
	fmt.Fprintf(b, `<rect class="frame" x="%d" y="%d" width="%d" height="%d"/>`, bx, d.head, bw, d.r.UHeight*d.uh+2)
	occupied := make([]bool, d.r.UHeight+2)
	other := make([]bool, d.r.UHeight+2)
	for _, dev := range d.devs {
		for u := max(dev.Position, 1); u <= dev.Top() && u <= d.r.UHeight; u++ {
			if dev.on(face) {
				occupied[u] = true
			} else {
				other[u] = true
			}
		}
	}
	for u := d.r.UHeight; u >= 1; u-- {
		if d.num > 0 {
			b.WriteString(`<text class="unum" x="`)
			b.WriteString(strconv.Itoa(x0 + d.num - 4))
			b.WriteString(`" y="`)
			b.WriteString(strconv.Itoa(d.y(u) + d.uh - 3))
			b.WriteString(`">`)
			b.WriteString(strconv.Itoa(u))
			b.WriteString(`</text>`)
		}
		if !occupied[u] {
			d.free(b, face, u, bx, bw, other[u])
		}
	}
	for _, dev := range d.devs {
		if dev.Position < 1 || dev.Position > d.r.UHeight {
			continue
		}
		if dev.on(face) {
			d.device(b, dev, bx, bw, false)
		} else {
			d.device(b, dev, bx, bw, true)
		}
	}
	b.WriteString("</g>")
}

// free draws one free unit of a face, a link to place a device there when
// asked; halfOnly marks a unit whose other face is taken.
func (d drawer) free(b *strings.Builder, face string, u, x, w int, halfOnly bool) {
	if !d.opt.Compact && d.opt.FreeHref != nil {
		b.WriteString(`<a class="free-u" href="`)
		b.WriteString(esc(d.opt.FreeHref(u, face, halfOnly)))
		b.WriteString(`" data-u="`)
		b.WriteString(strconv.Itoa(u))
		b.WriteString(`"><title>`)
		b.WriteString(esc(fmt.Sprintf(d.opt.Words.Free, u, faceWord(d.opt.Words, face))))
		b.WriteString(`</title>`)
	}
	b.WriteString(`<rect class="free" x="`)
	b.WriteString(strconv.Itoa(x + 1))
	b.WriteString(`" y="`)
	b.WriteString(strconv.Itoa(d.y(u)))
	b.WriteString(`" width="`)
	b.WriteString(strconv.Itoa(w - 2))
	b.WriteString(`" height="`)
	b.WriteString(strconv.Itoa(d.uh))
	b.WriteString(`"/>`)
	if !d.opt.Compact && d.opt.FreeHref != nil {
		b.WriteString(`</a>`)
	}
}

func faceWord(w Words, face string) string {
	if face == Rear {
		return w.Rear
	}
	return w.Front
}

// device draws a device's box on a face; hint draws a half-depth device of
// the other face as hatched outline.
func (d drawer) device(b *strings.Builder, dev Device, x, w int, hint bool) {
	top := min(dev.Top(), d.r.UHeight)
	y, h := d.y(top), (top-dev.Position+1)*d.uh
	cls := "dev " + ColourClass(dev.UnitID)
	if dev.Hidden {
		cls = "dev hidden"
	}
	if dev.Planned {
		cls += " planned"
	}
	if hint {
		cls += " hint"
	}
	link := !dev.Hidden && d.opt.DeviceHref != nil && !d.opt.Compact
	if link {
		fmt.Fprintf(b, `<a class="device" href="%s" data-id="%d">`, esc(d.opt.DeviceHref(dev.ID)), dev.ID)
	} else {
		b.WriteString(`<g class="device">`)
	}
	fmt.Fprintf(b, `<title>%s</title>`, esc(d.tooltip(dev, hint)))
	fmt.Fprintf(b, `<rect class="%s" x="%d" y="%d" width="%d" height="%d" rx="2"/>`, cls, x+2, y+1, w-4, h-2)
	if !d.opt.Compact && !dev.Hidden && !hint {
		fmt.Fprintf(b, `<text class="dev-name" x="%d" y="%d">%s</text>`, x+7, y+h/2+4, esc(clip(dev.Name, maxNameCh)))
	}
	if link {
		b.WriteString("</a>")
	} else {
		b.WriteString("</g>")
	}
}

// tooltip is the device's <title>: name, unit, project, serial, status and
// units; only "another unit's device" and its units for a hidden one.
func (d drawer) tooltip(dev Device, hint bool) string {
	w := d.opt.Words
	units := fmt.Sprintf("U%d", dev.Position)
	if dev.UHeight > 1 {
		units = fmt.Sprintf("U%d–U%d", dev.Position, dev.Top())
	}
	var lines []string
	if hint {
		lines = append(lines, w.OtherFace)
	}
	if dev.Hidden {
		return strings.Join(append(lines, w.Hidden, w.Position+": "+units), "\n")
	}
	lines = append(lines, dev.Name, w.Position+": "+units, w.Unit+": "+dev.Unit)
	if dev.Project != "" {
		lines = append(lines, w.Project+": "+dev.Project)
	}
	if dev.Serial != "" {
		lines = append(lines, w.Serial+": "+dev.Serial)
	}
	return strings.Join(append(lines, w.Status+": "+dev.Status), "\n")
}

// clip shortens a name to n characters (runes), with an ellipsis.
func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// esc escapes text for an XML attribute or element.
func esc(s string) string {
	if !strings.ContainsAny(s, "<>&'\"\r\n\t") {
		return s
	}
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(s)) // a strings.Builder never fails
	return b.String()
}

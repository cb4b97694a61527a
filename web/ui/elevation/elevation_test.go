package elevation

import (
	"encoding/xml"
	"fmt"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

var words = Words{Front: "前面", Rear: "后面", Unit: "单位", Project: "项目", Serial: "序列号", Status: "状态",
	Position: "U 位", Hidden: "其他单位的设备", Free: "空闲：在此添加设备（U%d，%s）", OtherFace: "装在另一面"}

func fixture() (Rack, []Device) {
	return Rack{ID: 7, Name: "A-01", UHeight: 42}, []Device{
		{ID: 1, Name: "政务云-web-01", Position: 1, UHeight: 2, Face: Front, FullDepth: true, UnitID: 3, Unit: "财政局",
			Project: "XX-2025-01 政务云", Serial: "SN<&>1", Status: "在用"},
		{ID: 2, Name: "配线架", Position: 10, UHeight: 1, Face: Rear, UnitID: 4, Unit: "公安局", Status: "规划"},
		{ID: 3, Name: "secret-box", Position: 20, UHeight: 4, Face: Front, FullDepth: true, UnitID: 9, Hidden: true},
	}
}

func options() Options {
	return Options{Words: words,
		DeviceHref: func(id int64) string { return fmt.Sprintf("/devices/%d", id) },
		FreeHref: func(u int, face string, half bool) string {
			return fmt.Sprintf("/devices/new?rack_id=7&position=%d&face=%s&half=%v", u, face, half)
		}}
}

// TestRenderWellFormed parses the drawing as XML: the escaping holds.
func TestRenderWellFormed(t *testing.T) {
	r, devs := fixture()
	for _, opt := range []Options{options(), {Words: words, Standalone: true}, {Compact: true}} {
		svg := Render(r, devs, opt)
		dec := xml.NewDecoder(strings.NewReader(svg))
		for {
			_, err := dec.Token()
			if err != nil {
				if err.Error() != "EOF" {
					t.Fatalf("not well-formed XML: %v\n%s", err, svg)
				}
				break
			}
		}
		if strings.Contains(svg, "SN<&>1") {
			t.Error("the serial is not escaped")
		}
		if strings.Contains(svg, "<style>") != opt.Standalone {
			t.Errorf("standalone %v, but <style> present is %v", opt.Standalone, !opt.Standalone)
		}
	}
}

func TestRenderDevicesAndFreeUnits(t *testing.T) {
	r, devs := fixture()
	svg := Render(r, devs, options())
	front, rear := faceOf(t, svg, Front), faceOf(t, svg, Rear)
	// Device 1 is full depth: a link with its tooltip on both faces.
	for _, f := range []string{front, rear} {
		if !strings.Contains(f, `href="/devices/1"`) || !strings.Contains(f, "政务云-web-01") {
			t.Error("the full-depth device is not on both faces")
		}
		if !strings.Contains(f, "单位: 财政局") || !strings.Contains(f, "项目: XX-2025-01 政务云") ||
			!strings.Contains(f, "序列号: SN&lt;&amp;&gt;1") || !strings.Contains(f, "状态: 在用") || !strings.Contains(f, "U 位: U1–U2") {
			t.Errorf("the tooltip lacks name, unit, project, serial, status or units:\n%s", f)
		}
	}
	// Device 2 is half depth on the rear: drawn there, hinted on the front.
	if !strings.Contains(rear, `class="dev u4" `) {
		t.Error("the rear device is not drawn in its unit's colour on the rear")
	}
	if !strings.Contains(front, `class="dev u4 hint"`) || !strings.Contains(front, "装在另一面") {
		t.Error("the rear device is not hinted on the front")
	}
	// Free units: 42 - 2 - 4 on the front (U10 front is free: the rear
	// device is half depth), each a link pre-filled with unit and face.
	if n := strings.Count(front, `class="free-u"`); n != 36 {
		t.Errorf("front has %d free-unit links, want 36", n)
	}
	if n := strings.Count(rear, `class="free-u"`); n != 35 {
		t.Errorf("rear has %d free-unit links, want 35", n)
	}
	if !strings.Contains(front, `href="/devices/new?rack_id=7&amp;position=10&amp;face=front&amp;half=true"`) {
		t.Error("U10 front is not offered, half depth only")
	}
	if !strings.Contains(rear, `href="/devices/new?rack_id=7&amp;position=42&amp;face=rear&amp;half=false"`) {
		t.Error("U42 rear is not offered")
	}
	if strings.Contains(front, "position=1&amp;") || strings.Contains(front, "position=21&amp;") {
		t.Error("an occupied unit is offered")
	}
}

// TestHiddenDeviceShowsNothing: another unit's device is occupied space,
// with no link, name or unit.
func TestHiddenDeviceShowsNothing(t *testing.T) {
	r, devs := fixture()
	devs[2].Serial, devs[2].Unit, devs[2].Project = "HIDDEN-SN", "某单位", "某项目"
	svg := Render(r, devs, options())
	for _, leak := range []string{"secret-box", "HIDDEN-SN", "某单位", "某项目", `href="/devices/3"`, "u9"} {
		if strings.Contains(svg, leak) {
			t.Errorf("the hidden device leaks %q", leak)
		}
	}
	if strings.Count(svg, `class="dev hidden"`) != 2 || !strings.Contains(svg, "其他单位的设备") {
		t.Error("the hidden device is not drawn as occupied space on both faces")
	}
	for _, e := range Legend(devs) {
		if e.UnitID == 9 {
			t.Error("the legend names the hidden device's unit")
		}
	}
}

func TestColoursAndLegendStable(t *testing.T) {
	_, devs := fixture()
	if ColourClass(3) != ColourClass(15) || ColourClass(3) == ColourClass(4) {
		t.Error("colour classes are not a function of the unit id")
	}
	l := Legend(append(devs, devs[0]))
	if len(l) != 2 || l[0].Unit != "公安局" || l[1].Class != "u3" {
		t.Errorf("legend = %+v", l)
	}
	for i := range palette {
		if !strings.Contains(CSS, fmt.Sprintf(".u%d {", i)) {
			t.Errorf("CSS has no colour u%d", i)
		}
	}
}

func TestOccupancy(t *testing.T) {
	r, devs := fixture()
	if used, total := Occupancy(r, devs); used != 7 || total != 42 {
		t.Errorf("occupancy %d/%d, want 7/42", used, total)
	}
}

func TestFaceOption(t *testing.T) {
	r, devs := fixture()
	o := options()
	o.Faces = []string{Rear}
	svg := Render(r, devs, o)
	if strings.Contains(svg, `data-face="front"`) || !strings.Contains(svg, `data-face="rear"`) {
		t.Error("face=rear draws the front")
	}
}

// faceOf is the part of the drawing that draws one face.
func faceOf(t *testing.T, svg, face string) string {
	t.Helper()
	for _, part := range strings.Split(svg, `<g class="face `)[1:] {
		if strings.HasPrefix(part, face+`"`) {
			return part
		}
	}
	t.Fatalf("no %s face", face)
	return ""
}

func BenchmarkRender42U(b *testing.B) {
	r := Rack{ID: 1, Name: "A-01", UHeight: 42}
	var devs []Device
	for u := 1; u <= 40; u += 2 {
		devs = append(devs, Device{ID: int64(u), Name: fmt.Sprintf("device-%02d", u), Position: u, UHeight: 1 + u%2,
			Face: Front, FullDepth: u%3 != 0, UnitID: int64(u % 7), Unit: "单位", Project: "项目", Serial: "SN", Status: "在用"})
	}
	o := options()
	o.FreeHref = func(u int, face string, half bool) string {
		return "/devices/new?face=" + face + "&position=" + strconv.Itoa(u)
	}
	b.ReportAllocs()
	cpu0 := cpuTime()
	n := 0
	for b.Loop() {
		_ = Render(r, devs, o)
		n++
	}
	// The machine is shared: CPU time per drawing is what it costs whatever
	// the load (ns/op is wall-clock).
	b.ReportMetric(float64((cpuTime()-cpu0).Microseconds())/float64(n), "cpu-µs/op")
}

// cpuTime is the CPU time this process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func TestPlannedClass(t *testing.T) {
	svg := Render(Rack{ID: 1, Name: "A01", UHeight: 10}, []Device{{ID: 2, Name: "moved", Position: 3, UHeight: 1, FullDepth: true, UnitID: 4, Planned: true},
		{ID: 3, Name: "there", Position: 5, UHeight: 1, FullDepth: true, UnitID: 4}}, Options{})
	if n := strings.Count(svg, " planned"); n != 2 { // front and rear
		t.Errorf("%d planned boxes, want 2 (one per face):\n%s", n, svg)
	}
}

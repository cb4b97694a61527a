package demo

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"

	"hostroll/inventory"
)

// Devices is how many devices the demo prefecture has, about.
const Devices = 600

// Generate makes the demo prefecture with about devices devices (Devices for
// the shipped demo; more for benchmarks: the central room gets racks to
// match, the units more lines). The same count gives the same set.
func Generate(devices int) *Set {
	g := &gen{Set: &Set{}, rnd: rand.New(rand.NewPCG(2026, uint64(devices))), serials: map[string]int{},
		names: map[string]int{}, rackFill: map[string]int{}}
	g.unitsAndRooms(devices)
	g.projects()
	g.generalDevices(devices - len(g.Devices))
	g.lines(max(120, devices/5))
	g.story()
	return g.Set
}

type gen struct {
	*Set
	rnd      *rand.Rand
	serials  map[string]int // per manufacturer
	names    map[string]int // per unit and kind
	assets   int
	central  []string       // central rack names, in fill order
	reserved int            // central racks kept empty for the move
	cursor   int            // central racks before it are full
	rackFill map[string]int // room/rack -> U used
	private  map[string][]string
}

func (g *gen) unitsAndRooms(devices int) {
	for _, u := range units {
		g.Units = append(g.Units, Unit{Code: u.code, Name: u.name, Kind: u.kind})
	}
	g.Rooms = append(g.Rooms, Room{Name: CentralRoom, Unit: "ZW", Kind: "central", Status: "active", Address: "州政府大楼三楼"})
	n := max(centralRacks, devices/15)
	for i := range n {
		name := fmt.Sprintf("%c%02d", 'A'+rune(i/10%26), i%10+1)
		if i >= 260 {
			name = fmt.Sprintf("%c%c%02d", 'A'+rune(i/260-1), 'A'+rune(i/10%26), i%10+1)
		}
		g.Racks = append(g.Racks, Rack{Room: CentralRoom, Name: name, UHeight: 42})
		g.central = append(g.central, name)
	}
	g.reserved = n / 10 // the last racks stay free for the move plan
	g.private = map[string][]string{}
	for _, r := range privateRooms {
		g.Rooms = append(g.Rooms, Room{Name: r.name, Unit: r.unit, Kind: "unit", Status: r.status, Address: r.address})
		for i := range r.racks {
			name := fmt.Sprintf("R%02d", i+1)
			g.Racks = append(g.Racks, Rack{Room: r.name, Name: name, UHeight: 42})
			g.private[r.unit] = append(g.private[r.unit], r.name+"/"+name)
		}
	}
	// Every central rack has its top-of-rack switch at the top.
	for _, rack := range g.central {
		d := g.device("ZW", "", models["switch"][1], "active")
		g.place(&d, CentralRoom, rack, 42)
	}
}

var abbr = map[string]string{"server": "srv", "switch": "sw", "router": "rt", "firewall": "fw",
	"storage": "stor", "security": "sec", "other": "ups"}

// device makes a device of a model for a unit, not yet placed.
func (g *gen) device(unit, project string, m model, status string) Device {
	g.serials[m.maker]++
	key := unit + "/" + m.kind
	g.names[key]++
	g.assets++
	d := Device{Name: fmt.Sprintf("%s-%s-%02d", strings.ToLower(unit), abbr[m.kind], g.names[key]),
		Kind: m.kind, Manufacturer: m.maker, Model: m.name, Serial: m.serial(g.serials[m.maker]),
		AssetTag: fmt.Sprintf("XXZC-%s-%06d", unit, g.assets), Unit: unit, Project: project,
		UHeight: m.u, Status: status, CPUCores: m.cpu, MemoryGB: m.mem, StorageGB: m.disk, Ports: m.ports,
		PurchasePrice: m.price}
	if m.kind != "server" {
		d.CPUCores, d.MemoryGB = 0, 0
	}
	return d
}

// place puts d at pos of a rack, or the lowest free place when pos is 0,
// and adds it to the set; false when the rack is full.
func (g *gen) place(d *Device, room, rack string, pos int) bool {
	key := room + "/" + rack
	used := g.rackFill[key]
	if pos == 0 {
		if used+d.UHeight > 40 { // U41-42 hold the switch
			return false
		}
		pos = used + 1
		g.rackFill[key] = used + d.UHeight
	}
	d.Room, d.Rack, d.Position = room, rack, pos
	if room == CentralRoom {
		d.MgmtIP = fmt.Sprintf("10.10.%d.%d", 1+len(g.Devices)/250%250, 1+len(g.Devices)%250)
	} else {
		d.MgmtIP = fmt.Sprintf("172.20.%d.%d", 1+len(g.Devices)/250%250, 1+len(g.Devices)%250)
	}
	g.Devices = append(g.Devices, *d)
	return true
}

// placeCentral puts d in the first central rack (not reserved) that is
// filled to less than cap U and has room; in storage when none has.
func (g *gen) placeCentral(d *Device, cap int) {
	open := g.central[:len(g.central)-g.reserved]
	// Racks filled to 36 U or more take nothing more: start after them.
	for g.cursor < len(open) && g.rackFill[CentralRoom+"/"+open[g.cursor]] >= 36 {
		g.cursor++
	}
	for _, rack := range open[g.cursor:] {
		if g.rackFill[CentralRoom+"/"+rack]+d.UHeight <= cap && g.place(d, CentralRoom, rack, 0) {
			return
		}
	}
	g.Devices = append(g.Devices, *d)
}

// placePrivate puts d in one of unit's own racks, in the central room
// when they are full.
func (g *gen) placePrivate(d *Device, unit string) {
	for _, key := range g.private[unit] {
		room, rack, _ := strings.Cut(key, "/")
		if g.rackFill[key]+d.UHeight <= 34 && g.place(d, room, rack, 0) {
			return
		}
	}
	g.placeCentral(d, 40)
}

// pick returns a random element of xs, weighted by weight.
func pick[T any](r *rand.Rand, xs []T, weight func(T) int) T {
	total := 0
	for _, x := range xs {
		total += weight(x)
	}
	n := r.IntN(total)
	for _, x := range xs {
		if n -= weight(x); n < 0 {
			return x
		}
	}
	return xs[len(xs)-1]
}

var kindWeights = map[string]int{"server": 60, "switch": 12, "storage": 7, "firewall": 6, "security": 9,
	"router": 3, "other": 3}

var kindOrder = []string{"server", "switch", "storage", "firewall", "security", "router", "other"}

// generalDevices adds n devices that belong to no project: the units'
// existing systems, most in the central room, a part of those of units with
// their own room in that room, and some in storage.
func (g *gen) generalDevices(n int) {
	for i := range n {
		u := pick(g.rnd, units, func(u unitDef) int { return u.weight })
		kind := pick(g.rnd, kindOrder, func(k string) int { return kindWeights[k] })
		ms := models[kind]
		status := pick(g.rnd, []string{"active", "offline", "staged", "decommissioned"},
			func(s string) int {
				return map[string]int{"active": 88, "offline": 6, "staged": 3, "decommissioned": 3}[s]
			})
		if i%20 == 19 {
			d := g.device(u.code, "", ms[g.rnd.IntN(len(ms))], "planned") // bought, in storage
			g.Devices = append(g.Devices, d)
			continue
		}
		d := g.device(u.code, "", ms[g.rnd.IntN(len(ms))], status)
		if len(g.private[u.code]) > 0 && g.rnd.IntN(10) < 6 {
			g.placePrivate(&d, u.code)
		} else {
			g.placeCentral(&d, 26+g.rnd.IntN(11))
		}
	}
}

// money rounds to a multiple of step yuan.
func money(v, step float64) float64 { return math.Round(v/step) * step }

func date(y, m, d int) inventory.Date { return inventory.Date(fmt.Sprintf("%04d-%02d-%02d", y, m, d)) }

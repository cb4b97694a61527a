package demo

import (
	"fmt"
	"math"
	"strings"
	"time"

	"hostroll/inventory"
)

// privateEnds are where units' own lines go: the bank, the province's
// systems, the hospitals.
var privateEnds = map[string][]string{
	"CZ": {"州人民银行"},
	"GA": {"湖南省公安厅", "吉首市公安局", "凤凰县公安局"},
	"WJ": {"州人民医院", "湖南省卫生健康委员会"},
	"RS": {"湖南省人力资源和社会保障厅", "州社保经办中心"},
	"YB": {"湖南省医疗保障局"},
	"SJ": {"湖南省审计厅"},
	"TJ": {"湖南省统计局"},
	"JS": {"吉首市公安局", "吉首大学"},
	"SC": {"湖南省市场监督管理局"},
}

// fee is a plausible monthly fee of a line of mbps at a carrier's price:
// linear up to 100 Mbit/s, then cheaper per Mbit/s.
func fee(c carrier, mbps int) float64 {
	v := c.perMbps * float64(mbps)
	if mbps > 100 {
		v = c.perMbps * 100 * math.Sqrt(float64(mbps)/100)
	}
	return money(v, 50)
}

var bandwidths = []int{10, 20, 50, 100, 200, 500, 1000}

// lines makes n leased lines: each county's intranet and extranet lines,
// the departments' lines into the e-government networks, and the private
// lines Art. 5 forbids, two of them duplicated and three expanded.
func (g *gen) lines(n int) {
	circuit := map[string]int{}
	add := func(unit string, c carrier, a, z string, mbps int, platform, status string, year int) *Line {
		circuit[c.prefix]++
		l := Line{Carrier: c.name, CircuitID: fmt.Sprintf("%s-%d-%04d", c.prefix, year, circuit[c.prefix]),
			Unit: unit, AEnd: a, ZEnd: z, BandwidthMbps: mbps, MonthlyFee: fee(c, mbps), Platform: platform,
			Status: status, StartDate: fmt.Sprintf("%d-%02d-01", year, 1+len(g.Lines)%12)}
		if status == "terminated" {
			l.EndDate = fmt.Sprintf("%d-12-31", year+2)
		}
		if status == "requested" {
			l.StartDate = ""
		}
		g.Lines = append(g.Lines, l)
		return &g.Lines[len(g.Lines)-1]
	}
	office := func(u unitDef) string { return strings.TrimSuffix(u.name, "人民政府") + "机关" }
	// The finance bureau's two lines to the bank, one per carrier, and the
	// police's two to the province (duplicate-lines).
	add("CZ", carriers[0], "州财政局机关", "州人民银行", 100, "private", "active", 2019)
	add("CZ", carriers[2], "州财政局机关", "州人民银行", 50, "private", "active", 2021)
	add("GA", carriers[0], "州公安局指挥中心", "湖南省公安厅", 200, "private", "active", 2018)
	add("GA", carriers[1], "州公安局指挥中心", "湖南省公安厅", 200, "private", "active", 2022)
	for _, u := range units {
		switch {
		case u.kind == "county":
			add(u.code, carriers[0], office(u), CentralRoom, 200, "intranet", "active", 2020)
			add(u.code, carriers[1], office(u)+"（备用路由）", CentralRoom, 100, "intranet", "active", 2022)
			add(u.code, carriers[2], office(u), "电子政务外网州级节点", 100, "extranet", "active", 2021)
		case u.code != "ZW":
			add(u.code, carriers[len(g.Lines)%3], office(u), "电子政务外网州级节点", 50, "extranet", "active", 2020+len(g.Lines)%5)
		default:
			add(u.code, carriers[0], CentralRoom, "省电子政务外网", 1000, "extranet", "active", 2019)
			add(u.code, carriers[1], CentralRoom, "互联网出口", 1000, "extranet", "active", 2021)
		}
	}
	withEnds := []string{"CZ", "GA", "WJ", "RS", "YB", "SJ", "TJ", "JS", "SC"}
	for i := 0; len(g.Lines) < n; i++ {
		c := carriers[g.rnd.IntN(len(carriers))]
		mbps := bandwidths[g.rnd.IntN(len(bandwidths)-1)]
		year := 2016 + g.rnd.IntN(9)
		status := pick(g.rnd, []string{"active", "terminated", "requested"},
			func(s string) int { return map[string]int{"active": 85, "terminated": 10, "requested": 5}[s] })
		if i%3 == 0 {
			code := withEnds[g.rnd.IntN(len(withEnds))]
			ends := privateEnds[code]
			u := units[indexOf(code)]
			add(code, c, office(u), ends[g.rnd.IntN(len(ends))], mbps, "private", status, year)
			continue
		}
		u := pick(g.rnd, units, func(u unitDef) int { return u.weight })
		platform, z := "intranet", CentralRoom
		if g.rnd.IntN(3) == 0 {
			platform, z = "extranet", "电子政务外网州级节点"
		}
		add(u.code, c, office(u)+fmt.Sprintf("（%d号楼）", 1+i%4), z, mbps, platform, status, year)
	}
	g.expansions()
}

// expansions raise the bandwidth of three active private lines, the way a
// unit "expands" a line Art. 5 forbids.
func (g *gen) expansions() {
	n := 0
	for _, l := range g.Lines {
		if l.Platform != "private" || l.Status != "active" || l.BandwidthMbps >= 500 || n == 3 {
			continue
		}
		c := carriers[slicesIndex(l.Carrier)]
		mbps := l.BandwidthMbps * 2
		g.LineChanges = append(g.LineChanges, LineChange{Carrier: l.Carrier, CircuitID: l.CircuitID,
			BandwidthMbps: mbps, MonthlyFee: fee(c, mbps)})
		n++
	}
}

func indexOf(code string) int {
	for i, u := range units {
		if u.code == code {
			return i
		}
	}
	panic("demo: no unit " + code)
}

func slicesIndex(name string) int {
	for i, c := range carriers {
		if c.name == name {
			return i
		}
	}
	panic("demo: no carrier " + name)
}

// pollTime is when the demo's polls happened: the days before 2026-11-01.
func pollTime(day, minute int) time.Time {
	return time.Date(2026, 10, 31-day, 2, minute, 0, 0, time.UTC)
}

// observations: twenty central servers answered their polls; one answered
// with another serial (identity-mismatch); two active ones stopped
// answering (unreachable).
func (g *gen) observations() {
	n := 0
	for _, d := range g.Devices {
		if d.Room != CentralRoom || d.Kind != "server" || d.Status != "active" || n == 23 {
			continue
		}
		for k := range 3 {
			o := inventory.Observation{At: pollTime(k, n), Reachable: true, DurationMS: 120 + n*7,
				SysName: d.Name, SysDescr: d.Manufacturer + " " + d.Model, Serial: d.Serial, Model: d.Model,
				Manufacturer: d.Manufacturer, CPUCount: ptr(d.CPUCores), MemoryMB: ptr(int64(d.MemoryGB) * 1024),
				UptimeS: ptr(int64(86400 * (40 + n)))}
			switch {
			case n == 20:
				o.Serial = d.Serial[:len(d.Serial)-3] + "999" // the box in the rack is another one
			case n >= 21:
				o = inventory.Observation{At: pollTime(k, n), Error: "request timeout (3 retries)", DurationMS: 3000}
			}
			g.Observations = append(g.Observations, Observation{Manufacturer: d.Manufacturer, Serial: d.Serial, Observation: o})
		}
		n++
	}
}

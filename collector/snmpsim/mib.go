package snmpsim

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/gosnmp/gosnmp"
)

// column kinds of a simulated MIB: what value an entry takes from its device.
const (
	kSysDescr = iota
	kSysObjectID
	kSysUpTime
	kSysName
	kEngineID
	kHrUptime
	kHrMemory
	kEntClass
	kEntSerial
	kEntMfg
	kEntModel
	kProcLoad
	kStorType
	kStorUnits
	kStorSize
	kIfDescr
	kIfType
	kIfSpeed
	kIfPhys
	kIfOper
	kIfName
	kIfHighSpeed
)

// entry is one object of a MIB shape; its value comes from the device.
type entry struct {
	oid  string
	arcs []uint32
	kind int
	row  int // 1-based row of a table entry
}

// shape is the sorted list of a device's objects. Devices with the same
// numbers of CPUs, interfaces and entities share one.
type shape struct {
	entries []entry
}

type shapeKey struct{ cpus, ifaces, entities int }

var (
	shapesMu sync.Mutex
	shapes   = map[shapeKey]*shape{}
)

func shapeFor(k shapeKey) *shape {
	shapesMu.Lock()
	defer shapesMu.Unlock()
	if s, ok := shapes[k]; ok {
		return s
	}
	s := buildShape(k)
	shapes[k] = s
	return s
}

func buildShape(k shapeKey) *shape {
	var es []entry
	add := func(oid string, kind, row int) {
		es = append(es, entry{oid: oid, arcs: parseOID(oid), kind: kind, row: row})
	}
	add(".1.3.6.1.2.1.1.1.0", kSysDescr, 0)
	add(".1.3.6.1.2.1.1.2.0", kSysObjectID, 0)
	add(".1.3.6.1.2.1.1.3.0", kSysUpTime, 0)
	add(".1.3.6.1.2.1.1.5.0", kSysName, 0)
	add(".1.3.6.1.6.3.10.2.1.1.0", kEngineID, 0)
	add(".1.3.6.1.2.1.25.1.1.0", kHrUptime, 0)
	add(".1.3.6.1.2.1.25.2.2.0", kHrMemory, 0)
	for col, kind := range map[int]int{5: kEntClass, 11: kEntSerial, 12: kEntMfg, 13: kEntModel} {
		for r := 1; r <= k.entities; r++ {
			add(fmt.Sprintf(".1.3.6.1.2.1.47.1.1.1.1.%d.%d", col, r), kind, r)
		}
	}
	for r := 1; r <= k.cpus; r++ {
		add(fmt.Sprintf(".1.3.6.1.2.1.25.3.3.1.2.%d", 195+r), kProcLoad, r)
	}
	for col, kind := range map[int]int{2: kStorType, 4: kStorUnits, 5: kStorSize} {
		for r := 1; r <= 2; r++ {
			add(fmt.Sprintf(".1.3.6.1.2.1.25.2.3.1.%d.%d", col, r), kind, r)
		}
	}
	for col, kind := range map[int]int{2: kIfDescr, 3: kIfType, 5: kIfSpeed, 6: kIfPhys, 8: kIfOper} {
		for r := 1; r <= k.ifaces; r++ {
			add(fmt.Sprintf(".1.3.6.1.2.1.2.2.1.%d.%d", col, r), kind, r)
		}
	}
	for col, kind := range map[int]int{1: kIfName, 15: kIfHighSpeed} {
		for r := 1; r <= k.ifaces; r++ {
			add(fmt.Sprintf(".1.3.6.1.2.1.31.1.1.1.%d.%d", col, r), kind, r)
		}
	}
	slices.SortFunc(es, func(a, b entry) int { return slices.Compare(a.arcs, b.arcs) })
	return &shape{entries: es}
}

// find returns the index of the first entry at or after arcs, and whether it
// is arcs itself.
func (s *shape) find(arcs []uint32) (int, bool) {
	return slices.BinarySearchFunc(s.entries, arcs, func(e entry, t []uint32) int { return slices.Compare(e.arcs, t) })
}

// next returns the index of the first entry after arcs (len when none).
func (s *shape) next(arcs []uint32) int {
	i, found := s.find(arcs)
	if found {
		i++
	}
	return i
}

func parseOID(oid string) []uint32 {
	parts := strings.Split(strings.TrimPrefix(oid, "."), ".")
	arcs := make([]uint32, 0, len(parts))
	for _, p := range parts {
		n, err := strconv.ParseUint(p, 10, 32)
		if err != nil {
			return arcs
		}
		arcs = append(arcs, uint32(n))
	}
	return arcs
}

// value is the variable of entry e on device d.
func (d *Device) value(e entry) gosnmp.SnmpPDU {
	v := gosnmp.SnmpPDU{Name: e.oid}
	str := func(s string) { v.Type, v.Value = gosnmp.OctetString, []byte(s) }
	num := func(t gosnmp.Asn1BER, n int) { v.Type, v.Value = t, n }
	u32 := func(t gosnmp.Asn1BER, n uint32) { v.Type, v.Value = t, n }
	switch e.kind {
	case kSysDescr:
		str("Linux " + d.SysName + " 5.10.0 x86_64 (simulated)")
	case kSysObjectID:
		v.Type, v.Value = gosnmp.ObjectIdentifier, ".1.3.6.1.4.1.8072.3.2.10"
	case kSysUpTime, kHrUptime:
		u32(gosnmp.TimeTicks, 123456)
	case kSysName:
		str(d.SysName)
	case kEngineID:
		str(d.engineID)
	case kHrMemory:
		if d.Faults.WrongTypes {
			str("lots")
		} else {
			num(gosnmp.Integer, int(d.MemoryKB))
		}
	case kEntClass:
		if e.row == 1 {
			num(gosnmp.Integer, 3) // chassis
		} else {
			num(gosnmp.Integer, 9) // module
		}
	case kEntSerial:
		switch {
		case d.Faults.WrongTypes && e.row == 1:
			num(gosnmp.Integer, 42)
		case e.row == 1:
			str(d.Serial)
		default:
			str(fmt.Sprintf("%s-M%d", d.Serial, e.row))
		}
	case kEntMfg:
		str(d.Manufacturer)
	case kEntModel:
		if e.row == 1 {
			str(d.Model)
		} else {
			str("module")
		}
	case kProcLoad:
		num(gosnmp.Integer, 5)
	case kStorType:
		if e.row == 1 {
			v.Type, v.Value = gosnmp.ObjectIdentifier, ".1.3.6.1.2.1.25.2.1.4" // fixed disk
		} else {
			v.Type, v.Value = gosnmp.ObjectIdentifier, ".1.3.6.1.2.1.25.2.1.2" // RAM
		}
	case kStorUnits:
		num(gosnmp.Integer, 4096)
	case kStorSize:
		num(gosnmp.Integer, int(d.StorageGB*1e9/4096))
	case kIfDescr, kIfName:
		str(fmt.Sprintf("eth%d", e.row-1))
	case kIfType:
		num(gosnmp.Integer, 6)
	case kIfSpeed:
		u32(gosnmp.Gauge32, 1_000_000_000)
	case kIfHighSpeed:
		u32(gosnmp.Gauge32, 1000)
	case kIfPhys:
		v.Type, v.Value = gosnmp.OctetString, []byte{0x02, 0x00, byte(d.index >> 16), byte(d.index >> 8), byte(d.index), byte(e.row)}
	case kIfOper:
		num(gosnmp.Integer, 1)
	}
	return v
}

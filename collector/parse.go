package collector

import (
	"errors"
	"fmt"
	"math"
	"math/big"
	"net"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/gosnmp/gosnmp"

	"hostroll/inventory"
)

// OIDs the poller reads.
const (
	oidSysDescr       = ".1.3.6.1.2.1.1.1.0"
	oidSysObjectID    = ".1.3.6.1.2.1.1.2.0"
	oidSysUpTime      = ".1.3.6.1.2.1.1.3.0"
	oidSysName        = ".1.3.6.1.2.1.1.5.0"
	oidSnmpEngineID   = ".1.3.6.1.6.3.10.2.1.1.0"
	oidHrSystemUptime = ".1.3.6.1.2.1.25.1.1.0"
	oidHrMemorySize   = ".1.3.6.1.2.1.25.2.2.0"

	oidEntPhysicalClass  = ".1.3.6.1.2.1.47.1.1.1.1.5"
	oidEntPhysicalSerial = ".1.3.6.1.2.1.47.1.1.1.1.11"
	oidEntPhysicalMfg    = ".1.3.6.1.2.1.47.1.1.1.1.12"
	oidEntPhysicalModel  = ".1.3.6.1.2.1.47.1.1.1.1.13"

	oidHrProcessorLoad = ".1.3.6.1.2.1.25.3.3.1.2"

	oidHrStorageType  = ".1.3.6.1.2.1.25.2.3.1.2"
	oidHrStorageUnits = ".1.3.6.1.2.1.25.2.3.1.4"
	oidHrStorageSize  = ".1.3.6.1.2.1.25.2.3.1.5"
	oidHrFixedDisk    = ".1.3.6.1.2.1.25.2.1.4"

	oidIfDescr      = ".1.3.6.1.2.1.2.2.1.2"
	oidIfType       = ".1.3.6.1.2.1.2.2.1.3"
	oidIfSpeed      = ".1.3.6.1.2.1.2.2.1.5"
	oidIfPhysAddr   = ".1.3.6.1.2.1.2.2.1.6"
	oidIfOperStatus = ".1.3.6.1.2.1.2.2.1.8"
	oidIfName       = ".1.3.6.1.2.1.31.1.1.1.1"
	oidIfHighSpeed  = ".1.3.6.1.2.1.31.1.1.1.15"
)

// scalarOIDs are read with the first, cheap GET that also tells whether the
// device answers at all.
var scalarOIDs = []string{oidSysDescr, oidSysObjectID, oidSysUpTime, oidSysName, oidSnmpEngineID,
	oidHrSystemUptime, oidHrMemorySize}

// table is one walk: its name in messages and its columns.
type table struct {
	name string
	cols []string
}

var tables = []table{
	{"entPhysicalTable", []string{oidEntPhysicalClass, oidEntPhysicalSerial, oidEntPhysicalMfg, oidEntPhysicalModel}},
	{"hrProcessorTable", []string{oidHrProcessorLoad}},
	{"hrStorageTable", []string{oidHrStorageType, oidHrStorageUnits, oidHrStorageSize}},
	{"ifTable", []string{oidIfDescr, oidIfType, oidIfSpeed, oidIfPhysAddr, oidIfOperStatus}},
	{"ifXTable", []string{oidIfName, oidIfHighSpeed}},
}

// Raw is what a poll read: the scalars and the variables of each table, by
// table name. Observe turns it into an observation.
type Raw struct {
	Scalars []gosnmp.SnmpPDU
	Tables  map[string][]gosnmp.SnmpPDU
}

// Observe fills o from what the agent returned. A value of the wrong type is
// reported in the returned error (one line per problem) and left out; it never
// panics, whatever the agent sent.
func (r Raw) Observe(o *inventory.Observation) error {
	var errs []error
	bad := func(err error) {
		if err != nil {
			errs = append(errs, err)
		}
	}
	var sysUp, hrUp *int64
	for _, v := range r.Scalars {
		switch v.Name {
		case oidSysDescr:
			bad(text(v, &o.SysDescr))
		case oidSysObjectID:
			bad(objectID(v, &o.SysObjectID))
		case oidSysName:
			bad(text(v, &o.SysName))
		case oidSnmpEngineID:
			bad(hexString(v, &o.EngineID))
		case oidSysUpTime:
			bad(ticks(v, &sysUp))
		case oidHrSystemUptime:
			bad(ticks(v, &hrUp))
		case oidHrMemorySize:
			var kb *int64
			bad(integer(v, &kb))
			if kb != nil && *kb < 0 {
				bad(fmt.Errorf("%s: memory size %d KB is negative", v.Name, *kb))
			} else if kb != nil {
				mb := *kb / 1024
				o.MemoryMB = &mb
			}
		}
	}
	o.UptimeS = sysUp
	if hrUp != nil {
		o.UptimeS = hrUp // the host's uptime rather than the agent's
	}
	bad(observeEntity(r.Tables["entPhysicalTable"], o))
	if procs, ok := r.Tables["hrProcessorTable"]; ok && len(procs) > 0 {
		n := len(procs)
		o.CPUCount = &n
	}
	bad(observeStorage(r.Tables["hrStorageTable"], o))
	bad(observeInterfaces(r.Tables["ifTable"], r.Tables["ifXTable"], o))
	return errors.Join(errs...)
}

// rows groups a table's variables by row index (the OID after the column).
func rows(vars []gosnmp.SnmpPDU, cols ...string) (map[string]map[string]gosnmp.SnmpPDU, []string) {
	byRow := map[string]map[string]gosnmp.SnmpPDU{}
	var order []string
	for _, v := range vars {
		for _, c := range cols {
			idx, ok := strings.CutPrefix(v.Name, c+".")
			if !ok {
				continue
			}
			if byRow[idx] == nil {
				byRow[idx] = map[string]gosnmp.SnmpPDU{}
				order = append(order, idx)
			}
			byRow[idx][c] = v
		}
	}
	return byRow, order
}

// observeEntity takes serial, model and manufacturer from the chassis entity
// (class 3), else from the first entity with a serial number.
func observeEntity(vars []gosnmp.SnmpPDU, o *inventory.Observation) error {
	byRow, order := rows(vars, oidEntPhysicalClass, oidEntPhysicalSerial, oidEntPhysicalMfg, oidEntPhysicalModel)
	var errs []error
	var chosen map[string]gosnmp.SnmpPDU
	var firstSerial map[string]gosnmp.SnmpPDU
	for _, idx := range order {
		row := byRow[idx]
		if c, ok := row[oidEntPhysicalClass]; ok {
			var class *int64
			if err := integer(c, &class); err != nil {
				errs = append(errs, err)
			} else if class != nil && *class == 3 && chosen == nil {
				chosen = row
			}
		}
		if s, ok := row[oidEntPhysicalSerial]; ok && firstSerial == nil {
			var serial string
			if text(s, &serial) == nil && strings.TrimSpace(serial) != "" {
				firstSerial = row
			}
		}
	}
	if chosen == nil {
		chosen = firstSerial
	}
	if chosen != nil {
		for col, dst := range map[string]*string{oidEntPhysicalSerial: &o.Serial,
			oidEntPhysicalModel: &o.Model, oidEntPhysicalMfg: &o.Manufacturer} {
			if v, ok := chosen[col]; ok {
				if err := text(v, dst); err != nil {
					errs = append(errs, err)
				}
				*dst = strings.TrimSpace(*dst)
			}
		}
	}
	return errors.Join(errs...)
}

// observeStorage sums the fixed disks of hrStorageTable, in GB (10^9 bytes).
func observeStorage(vars []gosnmp.SnmpPDU, o *inventory.Observation) error {
	byRow, order := rows(vars, oidHrStorageType, oidHrStorageUnits, oidHrStorageSize)
	var errs []error
	var total float64
	found := false
	var last string // a size's OID, to name in an error
	for _, idx := range order {
		row := byRow[idx]
		var typ string
		if t, ok := row[oidHrStorageType]; !ok {
			continue
		} else if err := objectID(t, &typ); err != nil {
			errs = append(errs, err)
			continue
		}
		if typ != oidHrFixedDisk {
			continue
		}
		var units, size *int64
		errs = append(errs, integer(row[oidHrStorageUnits], &units), integer(row[oidHrStorageSize], &size))
		if units != nil && size != nil && *units >= 0 && *size >= 0 {
			total += float64(*units) * float64(*size)
			found = true
			last = row[oidHrStorageSize].Name
		}
	}
	switch gb := math.Round(total / 1e9); {
	case found && gb >= math.MaxInt64:
		errs = append(errs, fmt.Errorf("%s: fixed disks of %g GB in total: out of range", last, gb))
	case found:
		n := int64(gb)
		o.StorageGB = &n
	}
	return errors.Join(errs...)
}

var operStatuses = map[int64]string{1: "up", 2: "down", 3: "testing", 4: "unknown", 5: "dormant", 6: "notPresent", 7: "lowerLayerDown"}

// observeInterfaces joins ifTable and ifXTable by ifIndex: the name is ifName
// (else ifDescr), the speed ifHighSpeed (else ifSpeed).
func observeInterfaces(ifTable, ifXTable []gosnmp.SnmpPDU, o *inventory.Observation) error {
	byRow, order := rows(append(append([]gosnmp.SnmpPDU(nil), ifTable...), ifXTable...),
		oidIfDescr, oidIfType, oidIfSpeed, oidIfPhysAddr, oidIfOperStatus, oidIfName, oidIfHighSpeed)
	var errs []error
	add := func(err error) { errs = append(errs, err) }
	o.Interfaces = make(inventory.Interfaces, 0, len(order))
	for _, idx := range order {
		row := byRow[idx]
		var it inventory.Interface
		var name, descr string
		var typ, speed, high, oper *int64
		if v, ok := row[oidIfName]; ok {
			add(text(v, &name))
		}
		if v, ok := row[oidIfDescr]; ok {
			add(text(v, &descr))
		}
		it.Name = name
		if it.Name == "" {
			it.Name = descr
		}
		if v, ok := row[oidIfType]; ok {
			add(integer(v, &typ))
		}
		if v, ok := row[oidIfSpeed]; ok {
			add(integer(v, &speed))
		}
		if v, ok := row[oidIfHighSpeed]; ok {
			add(integer(v, &high))
		}
		if v, ok := row[oidIfOperStatus]; ok {
			add(integer(v, &oper))
		}
		if v, ok := row[oidIfPhysAddr]; ok {
			add(mac(v, &it.MAC))
		}
		if typ != nil && *typ >= 0 && *typ <= math.MaxInt32 {
			it.Type = int(*typ)
		}
		switch {
		case high != nil && *high > 0:
			it.SpeedMbps = *high
		case speed != nil:
			it.SpeedMbps = *speed / 1_000_000
		}
		if oper != nil {
			it.OperStatus = operStatuses[*oper]
			if it.OperStatus == "" {
				it.OperStatus = "status " + strconv.FormatInt(*oper, 10)
			}
		}
		o.Interfaces = append(o.Interfaces, it)
	}
	return errors.Join(errs...)
}

// wrongType describes a value of an unexpected type.
func wrongType(v gosnmp.SnmpPDU, want string) error {
	return fmt.Errorf("%s: want %s, agent sent %s", v.Name, want, v.Type)
}

// absent tells the "no such object/instance" answers, skipped without error.
func absent(v gosnmp.SnmpPDU) bool {
	return v.Type == gosnmp.NoSuchObject || v.Type == gosnmp.NoSuchInstance || v.Type == gosnmp.EndOfMibView || v.Type == gosnmp.Null
}

func text(v gosnmp.SnmpPDU, dst *string) error {
	if absent(v) {
		return nil
	}
	b, ok := v.Value.([]byte)
	if v.Type != gosnmp.OctetString || !ok {
		return wrongType(v, "OCTET STRING")
	}
	if utf8.Valid(b) {
		*dst = string(b)
	} else {
		*dst = strings.ToValidUTF8(string(b), "\uFFFD")
	}
	return nil
}

func hexString(v gosnmp.SnmpPDU, dst *string) error {
	if absent(v) {
		return nil
	}
	b, ok := v.Value.([]byte)
	if v.Type != gosnmp.OctetString || !ok {
		return wrongType(v, "OCTET STRING")
	}
	*dst = fmt.Sprintf("%x", b)
	return nil
}

func objectID(v gosnmp.SnmpPDU, dst *string) error {
	if absent(v) {
		return nil
	}
	s, ok := v.Value.(string)
	if v.Type != gosnmp.ObjectIdentifier || !ok {
		return wrongType(v, "OBJECT IDENTIFIER")
	}
	*dst = s
	return nil
}

func mac(v gosnmp.SnmpPDU, dst *string) error {
	if absent(v) {
		return nil
	}
	b, ok := v.Value.([]byte)
	if v.Type != gosnmp.OctetString || !ok {
		return wrongType(v, "OCTET STRING")
	}
	if len(b) > 0 {
		*dst = net.HardwareAddr(b).String()
	}
	return nil
}

// integer reads any integer type (Integer, Counter, Gauge, TimeTicks, ...).
func integer(v gosnmp.SnmpPDU, dst **int64) error {
	if v.Name == "" || absent(v) {
		return nil
	}
	switch v.Type {
	case gosnmp.Integer, gosnmp.Counter32, gosnmp.Gauge32, gosnmp.TimeTicks, gosnmp.Counter64, gosnmp.Uinteger32:
	default:
		return wrongType(v, "an integer")
	}
	var n int64
	switch x := v.Value.(type) {
	case int:
		n = int64(x)
	case uint:
		n = int64(min(uint64(x), math.MaxInt64))
	case uint32:
		n = int64(x)
	case uint64:
		n = int64(min(x, math.MaxInt64))
	case *big.Int:
		if !x.IsInt64() {
			return fmt.Errorf("%s: integer out of range", v.Name)
		}
		n = x.Int64()
	default:
		return wrongType(v, "an integer")
	}
	*dst = &n
	return nil
}

// ticks reads TimeTicks (hundredths of a second) as seconds.
func ticks(v gosnmp.SnmpPDU, dst **int64) error {
	if absent(v) {
		return nil
	}
	if v.Type != gosnmp.TimeTicks {
		return wrongType(v, "TimeTicks")
	}
	var n *int64
	if err := integer(v, &n); err != nil {
		return err
	}
	s := *n / 100
	*dst = &s
	return nil
}

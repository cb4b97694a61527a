package collector

import (
	"strings"
	"testing"

	"github.com/gosnmp/gosnmp"

	"hostroll/inventory"
)

// splitVars sorts a response's variables into the scalars and tables of a
// Raw by their OIDs, as the poller's walks would.
func splitVars(vars []gosnmp.SnmpPDU) Raw {
	raw := Raw{Tables: map[string][]gosnmp.SnmpPDU{}}
	for _, v := range vars {
		placed := false
		for _, tb := range tables {
			for _, c := range tb.cols {
				if strings.HasPrefix(v.Name, c+".") {
					raw.Tables[tb.name] = append(raw.Tables[tb.name], v)
					placed = true
				}
			}
		}
		if !placed {
			raw.Scalars = append(raw.Scalars, v)
		}
	}
	return raw
}

// seedPacket is a well-formed response carrying one value of each kind the
// poller reads.
func seedPacket(tb testing.TB) []byte {
	pkt := &gosnmp.SnmpPacket{Version: gosnmp.Version2c, Community: "public", PDUType: gosnmp.GetResponse, RequestID: 7,
		Variables: []gosnmp.SnmpPDU{
			{Name: oidSysName, Type: gosnmp.OctetString, Value: []byte("srv1")},
			{Name: oidSysObjectID, Type: gosnmp.ObjectIdentifier, Value: ".1.3.6.1.4.1.8072"},
			{Name: oidSysUpTime, Type: gosnmp.TimeTicks, Value: uint32(100)},
			{Name: oidHrMemorySize, Type: gosnmp.Integer, Value: 1048576},
			{Name: oidSnmpEngineID, Type: gosnmp.OctetString, Value: []byte{0x80, 0, 0x1f}},
			{Name: oidEntPhysicalClass + ".1", Type: gosnmp.Integer, Value: 3},
			{Name: oidEntPhysicalSerial + ".1", Type: gosnmp.OctetString, Value: []byte("SN1")},
			{Name: oidHrProcessorLoad + ".196", Type: gosnmp.Integer, Value: 3},
			{Name: oidHrStorageType + ".1", Type: gosnmp.ObjectIdentifier, Value: oidHrFixedDisk},
			{Name: oidHrStorageUnits + ".1", Type: gosnmp.Integer, Value: 4096},
			{Name: oidHrStorageSize + ".1", Type: gosnmp.Integer, Value: 1000},
			{Name: oidIfName + ".1", Type: gosnmp.OctetString, Value: []byte("eth0")},
			{Name: oidIfPhysAddr + ".1", Type: gosnmp.OctetString, Value: []byte{1, 2, 3, 4, 5, 6}},
			{Name: oidIfSpeed + ".1", Type: gosnmp.Gauge32, Value: uint32(1e9)},
			{Name: oidIfHighSpeed + ".1", Type: gosnmp.Counter64, Value: uint64(1000)},
		}}
	b, err := pkt.MarshalMsg()
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// FuzzObserve feeds arbitrary datagrams through gosnmp's decoder and the
// poller's response-to-observation parsing: whatever an agent sends, parsing
// returns (an observation and perhaps an error) without panicking, and the
// observation can be stored.
func FuzzObserve(f *testing.F) {
	f.Add(seedPacket(f))
	f.Add([]byte{0x30, 0x03, 0x02, 0x01, 0x01})
	f.Fuzz(func(t *testing.T, data []byte) {
		dec := &gosnmp.GoSNMP{Logger: gosnmp.NewLogger(nil)}
		pkt, err := dec.SnmpDecodePacket(data)
		if err != nil || pkt == nil {
			return
		}
		var o inventory.Observation
		err = splitVars(pkt.Variables).Observe(&o)
		if err != nil {
			for _, line := range strings.Split(err.Error(), "\n") {
				if !strings.Contains(line, ".1.3.6.1.") {
					t.Errorf("error line %q does not name the OID", line)
				}
			}
		}
		if o.CPUCount != nil && *o.CPUCount <= 0 {
			t.Errorf("cpu_count %d from a non-empty table", *o.CPUCount)
		}
	})
}

// TestObserveSeed checks the seed parses to what it says.
func TestObserveSeed(t *testing.T) {
	pkt, err := (&gosnmp.GoSNMP{Logger: gosnmp.NewLogger(nil)}).SnmpDecodePacket(seedPacket(t))
	if err != nil {
		t.Fatal(err)
	}
	var o inventory.Observation
	if err := splitVars(pkt.Variables).Observe(&o); err != nil {
		t.Fatal(err)
	}
	if o.Serial != "SN1" || *o.MemoryMB != 1024 || *o.CPUCount != 1 || *o.StorageGB != 0 || o.SysName != "srv1" ||
		len(o.Interfaces) != 1 || o.Interfaces[0].SpeedMbps != 1000 || o.Interfaces[0].MAC != "01:02:03:04:05:06" || *o.UptimeS != 1 {
		t.Errorf("observation %+v", o)
	}
}

// TestObserveOutOfRange: values no real host has (a negative memory size, a
// storage total past int64) are errors naming the OID, never negative or
// wrapped numbers in the observation.
func TestObserveOutOfRange(t *testing.T) {
	huge := uint64(1) << 62
	raw := Raw{Scalars: []gosnmp.SnmpPDU{{Name: oidHrMemorySize, Type: gosnmp.Integer, Value: -4096}},
		Tables: map[string][]gosnmp.SnmpPDU{"hrStorageTable": {
			{Name: oidHrStorageType + ".1", Type: gosnmp.ObjectIdentifier, Value: oidHrFixedDisk},
			{Name: oidHrStorageUnits + ".1", Type: gosnmp.Counter64, Value: huge},
			{Name: oidHrStorageSize + ".1", Type: gosnmp.Counter64, Value: huge},
		}}}
	var o inventory.Observation
	err := raw.Observe(&o)
	if o.MemoryMB != nil || o.StorageGB != nil {
		t.Errorf("memory_mb %v, storage_gb %v from out-of-range values, want neither", deref(o.MemoryMB), deref(o.StorageGB))
	}
	for _, want := range []string{oidHrMemorySize, oidHrStorageSize} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error %v does not name %s", err, want)
		}
	}
}

func deref[T any](p *T) any {
	if p == nil {
		return nil
	}
	return *p
}

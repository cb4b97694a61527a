package snmpsim

import (
	"testing"

	"github.com/gosnmp/gosnmp"
)

func bulkRequest(tb testing.TB, oids ...string) []byte {
	req := &gosnmp.SnmpPacket{Version: gosnmp.Version2c, Community: "public", PDUType: gosnmp.GetBulkRequest,
		RequestID: 1, MaxRepetitions: 25, Logger: quiet}
	for _, o := range oids {
		req.Variables = append(req.Variables, gosnmp.SnmpPDU{Name: o, Type: gosnmp.Null})
	}
	b, err := req.MarshalMsg()
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// TestBulk checks a GetBulk answer: rows side by side, then the end of the
// MIB view.
func TestBulk(t *testing.T) {
	s := &Sim{cfg: Config{Community: "public"}}
	d := Fleet(1, Faults{})[0]
	out := s.handle(d, bulkRequest(t, ".1.3.6.1.2.1.2.2.1.2", ".1.3.6.1.2.1.2.2.1.3"))
	resp, err := (&gosnmp.GoSNMP{Logger: quiet}).SnmpDecodePacket(out)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{".1.3.6.1.2.1.2.2.1.2.1", ".1.3.6.1.2.1.2.2.1.3.1", ".1.3.6.1.2.1.2.2.1.2.2", ".1.3.6.1.2.1.2.2.1.3.2"}
	for i, w := range want {
		if resp.Variables[i].Name != w {
			t.Errorf("variable %d is %s, want %s", i, resp.Variables[i].Name, w)
		}
	}
	out = s.handle(d, bulkRequest(t, ".1.3.6.1.6.3.10.2.1.1.0")) // snmpEngineID.0, the last object
	if resp, err = (&gosnmp.GoSNMP{Logger: quiet}).SnmpDecodePacket(out); err != nil {
		t.Fatal(err)
	}
	if v := resp.Variables[0]; v.Type != gosnmp.EndOfMibView {
		t.Errorf("after the last object: %v, want endOfMibView", v)
	}
	if s.handle(d, []byte{0x30, 0x01}) != nil {
		t.Error("garbage answered")
	}
}

func BenchmarkHandleBulk(b *testing.B) {
	s := &Sim{cfg: Config{Community: "public"}}
	d := Fleet(1, Faults{})[0]
	req := bulkRequest(b, ".1.3.6.1.2.1.2.2.1.2", ".1.3.6.1.2.1.2.2.1.3", ".1.3.6.1.2.1.2.2.1.5", ".1.3.6.1.2.1.2.2.1.6", ".1.3.6.1.2.1.2.2.1.8")
	b.ReportAllocs()
	for range b.N {
		s.handle(d, req)
	}
}

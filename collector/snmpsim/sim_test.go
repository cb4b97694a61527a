package snmpsim

import (
	"fmt"
	"os"
	"os/exec"
	"strings"
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

// TestNetSnmpClient reads the simulator with net-snmp's own snmpget and
// snmpbulkwalk, over v2c and v3 authPriv: the simulator speaks SNMP, not
// just what gosnmp accepts. Skipped without the net-snmp tools unless
// HOSTROLL_REQUIRE_EXTERNAL=1.
func TestNetSnmpClient(t *testing.T) {
	for _, tool := range []string{"snmpget", "snmpbulkwalk"} {
		if _, err := exec.LookPath(tool); err != nil {
			if os.Getenv("HOSTROLL_REQUIRE_EXTERNAL") == "1" {
				t.Fatalf("HOSTROLL_REQUIRE_EXTERNAL=1 requires %s (apt-get install snmp)", tool)
			}
			t.Skipf("%s not installed (apt-get install snmp)", tool)
		}
	}
	sim, err := Start(Config{Community: "c-ro", User: "u1", AuthProtocol: gosnmp.SHA,
		AuthPassphrase: "authpass123", PrivPassphrase: "privpass456"}, Fleet(2, Faults{}))
	if err != nil {
		t.Fatal(err)
	}
	defer sim.Close()
	addr := fmt.Sprintf("127.0.0.1:%d", sim.Port(1))
	v3 := []string{"-v3", "-l", "authPriv", "-u", "u1", "-a", "SHA", "-A", "authpass123", "-x", "AES"}
	tests := []struct {
		name string
		args []string
		want string
		fail bool
	}{
		{"v2c get", []string{"snmpget", "-v2c", "-c", "c-ro", "-On", addr, ".1.3.6.1.2.1.47.1.1.1.1.11.1"}, `STRING: "SIM000002"`, false},
		{"v2c bulkwalk", []string{"snmpbulkwalk", "-v2c", "-c", "c-ro", "-On", addr, ".1.3.6.1.2.1.31.1.1.1.1"}, `.1.3.6.1.2.1.31.1.1.1.1.4 = STRING: "eth3"`, false},
		{"v3 get", append(append([]string{"snmpget"}, v3...), "-X", "privpass456", "-On", addr, ".1.3.6.1.2.1.1.5.0"), `STRING: "sim00002"`, false},
		{"v3 bulkwalk", append(append([]string{"snmpbulkwalk"}, v3...), "-X", "privpass456", "-On", addr, ".1.3.6.1.2.1.47.1.1.1.1.13"), `.1.3.6.1.2.1.47.1.1.1.1.13.1 = STRING: "NF5280M6"`, false},
		{"v3 wrong auth", []string{"snmpget", "-v3", "-l", "authPriv", "-u", "u1", "-a", "SHA", "-A", "wrongpass1", "-x", "AES", "-X", "privpass456", "-r", "0", addr, ".1.3.6.1.2.1.1.5.0"}, "Authentication failure", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := exec.Command(tt.args[0], tt.args[1:]...).CombinedOutput()
			if (err != nil) != tt.fail || !strings.Contains(string(out), tt.want) {
				t.Errorf("%v: err %v, output:\n%s\nwant %q", tt.args, err, out, tt.want)
			}
		})
	}
}

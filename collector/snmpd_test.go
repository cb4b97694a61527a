package collector_test

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"hostroll/collector"
	"hostroll/inventory"
	"hostroll/inventory/dbtest"
)

// What the real agent is made to present through override lines.
const (
	realSerial   = "REAL-SN-0042"
	realModel    = "NF5280M6"
	realMfg      = "Inspur"
	realMemoryKB = 64 * 1024 * 1024
	realComm     = "hostroll-ro"
	realUser     = "hruser"
	realAuthPass = "auth-pass-123"
	realPrivPass = "priv-pass-456"
)

// realAgent is a net-snmp snmpd on a loopback port.
type realAgent struct {
	port int
}

// startSnmpd runs snmpd from a generated config in a temporary directory and
// waits until it answers. Without snmpd the test is skipped, unless
// HOSTROLL_REQUIRE_EXTERNAL=1, which makes it a failure.
func startSnmpd(t testing.TB) realAgent {
	t.Helper()
	bin, err := exec.LookPath("snmpd")
	if err != nil {
		if _, serr := os.Stat("/usr/sbin/snmpd"); serr == nil {
			bin, err = "/usr/sbin/snmpd", nil
		}
	}
	if err != nil {
		if os.Getenv(dbtest.RequireEnv) == "1" {
			t.Fatalf("%s=1 requires net-snmp's snmpd (apt-get install snmpd), but it is not installed", dbtest.RequireEnv)
		}
		t.Skip("snmpd not installed (apt-get install snmpd): real-agent test skipped")
	}
	dir := t.TempDir()
	port := freeUDPPort(t)
	conf := fmt.Sprintf(`rocommunity %s 127.0.0.1
createUser %s SHA "%s" AES "%s"
rouser %s priv
createUser %s256 SHA-256 "%s" AES "%s"
rouser %s256 priv
override .1.3.6.1.2.1.47.1.1.1.1.5.1 integer 3
override .1.3.6.1.2.1.47.1.1.1.1.11.1 octet_str "%s"
override .1.3.6.1.2.1.47.1.1.1.1.12.1 octet_str "%s"
override .1.3.6.1.2.1.47.1.1.1.1.13.1 octet_str "%s"
override .1.3.6.1.2.1.25.2.2.0 integer %d
`, realComm, realUser, realAuthPass, realPrivPass, realUser, realUser, realAuthPass, realPrivPass, realUser, realSerial, realMfg, realModel, realMemoryKB)
	file := filepath.Join(dir, "snmpd.conf")
	if err := os.WriteFile(file, []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}
	addr := fmt.Sprintf("udp:127.0.0.1:%d", port)
	cmd := exec.Command(bin, "-f", "-Lo", "-C", "-c", file, "-I", "-smux", addr)
	cmd.Env = append(os.Environ(), "SNMP_PERSISTENT_DIR="+dir, "MIBS=")
	var log strings.Builder
	cmd.Stdout, cmd.Stderr = &log, &log
	if err := cmd.Start(); err != nil {
		t.Fatalf("start snmpd: %v", err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() {
		cmd.Process.Kill()
		<-exited
	})
	a := realAgent{port: port}
	// Wait until it answers: snmpd takes a moment to read its config.
	for i := 0; ; i++ {
		select {
		case err := <-exited:
			t.Fatalf("snmpd exited: %v\n%s", err, log.String())
		default:
		}
		o := collector.Poll(context.Background(), a.target(a.v2c()), collector.Options{})
		if o.Reachable {
			return a
		}
		if i == 100 {
			t.Fatalf("snmpd on port %d does not answer: %s\n%s", port, o.Error, log.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func freeUDPPort(t testing.TB) int {
	t.Helper()
	c, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	return c.LocalAddr().(*net.UDPAddr).Port
}

func (a realAgent) v2c() inventory.SNMPProfile {
	return inventory.SNMPProfile{Name: "real-v2c", Version: "2c", Community: realComm, Port: a.port,
		TimeoutMS: 300, Retries: 0, MaxRepetitions: 25}
}

func (a realAgent) v3() inventory.SNMPProfile {
	return inventory.SNMPProfile{Name: "real-v3", Version: "3", Username: realUser, AuthProtocol: "SHA",
		AuthPassphrase: realAuthPass, PrivProtocol: "AES", PrivPassphrase: realPrivPass, Port: a.port,
		TimeoutMS: 1000, Retries: 1, MaxRepetitions: 25}
}

func (a realAgent) target(p inventory.SNMPProfile) inventory.PollTarget {
	return inventory.PollTarget{DeviceID: 1, Name: "real", MgmtIP: "127.0.0.1", Profile: p}
}

func TestRealSnmpd(t *testing.T) {
	a := startSnmpd(t)
	sha256 := a.v3()
	sha256.Username, sha256.AuthProtocol = realUser+"256", "SHA-256"
	for _, p := range []inventory.SNMPProfile{a.v2c(), a.v3(), sha256} {
		t.Run("v"+p.Version+" "+p.AuthProtocol, func(t *testing.T) {
			o := collector.Poll(context.Background(), a.target(p), collector.Options{})
			if !o.Reachable {
				t.Fatalf("unreachable: %s", o.Error)
			}
			if o.Serial != realSerial || o.Model != realModel || o.Manufacturer != realMfg {
				t.Errorf("identity %q %q %q, want %q %q %q", o.Serial, o.Model, o.Manufacturer, realSerial, realModel, realMfg)
			}
			if o.MemoryMB == nil || *o.MemoryMB != realMemoryKB/1024 {
				t.Errorf("memory_mb %v, want %d", deref(o.MemoryMB), realMemoryKB/1024)
			}
			if o.SysName == "" || o.SysObjectID == "" || o.EngineID == "" || o.UptimeS == nil || len(o.Interfaces) == 0 {
				t.Errorf("system group or interfaces missing: %+v", o)
			}
			if o.Error != "" {
				t.Logf("partial: %s", o.Error)
			}
		})
	}
	t.Run("wrong community", func(t *testing.T) {
		p := a.v2c()
		p.Community = "wrong"
		o := collector.Poll(context.Background(), a.target(p), collector.Options{})
		if o.Reachable || !strings.Contains(o.Error, `check the community of SNMP profile "real-v2c"`) {
			t.Errorf("reachable %v, error %q", o.Reachable, o.Error)
		}
	})
	for _, wrong := range []string{"user", "auth passphrase", "priv passphrase"} {
		t.Run("wrong v3 "+wrong, func(t *testing.T) {
			p := a.v3()
			switch wrong {
			case "user":
				p.Username = "hruser2"
			case "auth passphrase":
				p.AuthPassphrase = "wrong-pass-1"
			default:
				p.PrivPassphrase = "wrong-pass-1"
			}
			o := collector.Poll(context.Background(), a.target(p), collector.Options{})
			want := fmt.Sprintf("check the user name %q and the auth and priv passphrases of SNMP profile \"real-v3\"", p.Username)
			if o.Reachable || !strings.Contains(o.Error, want) {
				t.Errorf("reachable %v, error %q", o.Reachable, o.Error)
			}
		})
	}
}

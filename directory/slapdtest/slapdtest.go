// Package slapdtest starts a real OpenLDAP slapd for tests: in a temporary
// directory, on a loopback port, with a test CA and a server certificate
// made here (for ldaps:// and StartTLS), the memberof overlay, and a seed
// LDIF of users, groups and unit codes loaded with ldapadd. Without slapd and
// ldapadd the tests skip, unless HOSTROLL_REQUIRE_EXTERNAL=1.
package slapdtest

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"hostroll/directory"
)

// Names of the seeded directory.
const (
	Base      = "dc=xx,dc=gov,dc=cn"
	People    = "ou=people," + Base
	Groups    = "ou=groups," + Base
	RootDN    = "cn=admin," + Base
	RootPW    = "root-secret"
	ServiceDN = "cn=hostroll-svc,ou=services," + Base
	ServicePW = "svc-secret-2024"
	// Password is the password of every seeded person.
	Password = "Dir-Pass-2024x"
	// The groups the seed defines.
	Admins    = "cn=hostroll-admins," + Groups
	Reviewers = "cn=hostroll-reviewers," + Groups
	UnitStaff = "cn=hostroll-unit-staff," + Groups
	Others    = "cn=canteen," + Groups
)

// Server is a running slapd.
type Server struct {
	URL    string // ldap://127.0.0.1:port
	Host   string // 127.0.0.1:port
	TLSURL string // ldaps://127.0.0.1:port (the test CA's certificate)
	CAFile string // the test CA's certificate (PEM)
	dir    string
	cmd    *exec.Cmd
	done   chan struct{}
}

// seed: alice is a reviewer, bob unit staff of unit code "XXJ-01" (groups
// by uniqueMember), carol only in a group that maps to no role, dave a
// reviewer whose unit code hostroll does not know, erin an admin.
var seed = `dn: ` + Base + `
objectClass: dcObject
objectClass: organization
o: xx
dc: xx

dn: ou=people,` + Base + `
objectClass: organizationalUnit
ou: people

dn: ou=groups,` + Base + `
objectClass: organizationalUnit
ou: groups

dn: ou=services,` + Base + `
objectClass: organizationalUnit
ou: services

dn: ` + ServiceDN + `
objectClass: person
cn: hostroll-svc
sn: svc
userPassword: ` + ServicePW + `
` + person("alice", "张丽", "XXJ-01") + person("bob", "王波", "XXJ-01") +
	person("carol", "李卡", "XXJ-01") + person("dave", "赵迪", "NOPE-99") + person("erin", "陈尔", "") + `
dn: ` + Reviewers + `
objectClass: groupOfNames
cn: hostroll-reviewers
member: uid=alice,` + People + `
member: uid=dave,` + People + `

dn: ` + Admins + `
objectClass: groupOfNames
cn: hostroll-admins
member: uid=erin,` + People + `

dn: ` + UnitStaff + `
objectClass: groupOfUniqueNames
cn: hostroll-unit-staff
uniqueMember: uid=bob,` + People + `

dn: ` + Others + `
objectClass: groupOfNames
cn: canteen
member: uid=carol,` + People + `
member: uid=alice,` + People + `
`

func person(uid, name, unit string) string {
	s := "\ndn: uid=" + uid + "," + People + "\nobjectClass: inetOrgPerson\nuid: " + uid +
		"\ncn: " + uid + "\nsn: " + uid + "\ndisplayName: " + name + "\nuserPassword: " + Password + "\n"
	if unit != "" {
		s += "departmentNumber: " + unit + "\n"
	}
	return s
}

// Available reports whether slapd and ldapadd are installed.
func Available() bool {
	_, err1 := os.Stat("/usr/sbin/slapd")
	_, err2 := exec.LookPath("ldapadd")
	return err1 == nil && err2 == nil
}

// Start starts a seeded slapd, stopped when the test ends; without slapd the
// test is skipped (failed when HOSTROLL_REQUIRE_EXTERNAL=1).
func Start(tb testing.TB) *Server {
	tb.Helper()
	if !Available() {
		if os.Getenv("HOSTROLL_REQUIRE_EXTERNAL") == "1" {
			tb.Fatal("slapd or ldapadd is not installed (apt-get install slapd ldap-utils) and HOSTROLL_REQUIRE_EXTERNAL=1")
		}
		tb.Skip("slapd or ldapadd is not installed (apt-get install slapd ldap-utils)")
	}
	dir, err := os.MkdirTemp("", "slapd")
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { os.RemoveAll(dir) })
	s := &Server{dir: dir, CAFile: filepath.Join(dir, "ca.pem")}
	if err := writeCerts(dir); err != nil {
		tb.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(dir, "db"), 0o700); err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "slapd.conf"), []byte(config(dir)), 0o600); err != nil {
		tb.Fatal(err)
	}
	if err := s.start(); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(s.Kill)
	if err := s.Load(seed); err != nil {
		tb.Fatal(err)
	}
	return s
}

func config(dir string) string {
	return `include /etc/ldap/schema/core.schema
include /etc/ldap/schema/cosine.schema
include /etc/ldap/schema/inetorgperson.schema
include /etc/ldap/schema/nis.schema
modulepath /usr/lib/ldap
moduleload back_mdb
moduleload memberof
pidfile ` + dir + `/slapd.pid
TLSCACertificateFile ` + dir + `/ca.pem
TLSCertificateFile ` + dir + `/server.pem
TLSCertificateKeyFile ` + dir + `/server.key
database mdb
suffix "` + Base + `"
rootdn "` + RootDN + `"
rootpw ` + RootPW + `
directory ` + dir + `/db
maxsize 16777216
overlay memberof
access to attrs=userPassword by anonymous auth by * none
access to * by users read by * none
`
}

// start runs slapd in the foreground on a free loopback port and waits
// until it accepts connections.
func (s *Server) start() error {
	var ports [2]string // two free loopback ports, held together so they differ
	var held []net.Listener
	for i := range ports {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return err
		}
		held = append(held, l)
		ports[i] = l.Addr().String()
	}
	for _, l := range held {
		l.Close()
	}
	s.Host, s.URL, s.TLSURL = ports[0], "ldap://"+ports[0], "ldaps://"+ports[1]
	s.cmd = exec.Command("/usr/sbin/slapd", "-d", "0", "-f", filepath.Join(s.dir, "slapd.conf"),
		"-h", s.URL+"/ "+s.TLSURL+"/")
	logf, err := os.Create(filepath.Join(s.dir, "slapd.log"))
	if err != nil {
		return err
	}
	s.cmd.Stdout, s.cmd.Stderr = logf, logf
	if err := s.cmd.Start(); err != nil {
		return fmt.Errorf("start slapd: %w", err)
	}
	s.done = make(chan struct{})
	go func() { _ = s.cmd.Wait(); logf.Close(); close(s.done) }()
	for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		select {
		case <-s.done:
			return fmt.Errorf("slapd exited: %s", s.log())
		default:
		}
		if c, err := net.DialTimeout("tcp", s.Host, time.Second); err == nil {
			c.Close()
			return nil
		}
	}
	s.Kill()
	return fmt.Errorf("slapd did not listen on %s: %s", s.Host, s.log())
}

func (s *Server) log() string {
	b, _ := os.ReadFile(filepath.Join(s.dir, "slapd.log"))
	if len(b) > 2000 {
		b = b[len(b)-2000:]
	}
	return string(b)
}

// Load adds the entries of an LDIF with ldapadd as the root DN.
func (s *Server) Load(ldif string) error {
	return s.ldapTool("ldapadd", ldif)
}

// Modify applies an LDIF of changes with ldapmodify as the root DN.
func (s *Server) Modify(ldif string) error {
	return s.ldapTool("ldapmodify", ldif)
}

func (s *Server) ldapTool(tool, ldif string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, tool, "-x", "-H", s.URL, "-D", RootDN, "-w", RootPW)
	cmd.Stdin = strings.NewReader(ldif)
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("%s: %w: %s", tool, err, out)
	}
	return nil
}

// Kill stops slapd at once (SIGKILL) and waits for it to exit.
func (s *Server) Kill() {
	if s.cmd == nil || s.cmd.Process == nil {
		return
	}
	select {
	case <-s.done:
		return
	default:
	}
	_ = s.cmd.Process.Kill()
	<-s.done
}

// Freeze stops slapd with SIGSTOP: connections are still accepted by the
// kernel but nothing answers, as with a hung server. Thaw continues it.
func (s *Server) Freeze() { _ = s.cmd.Process.Signal(syscall.SIGSTOP) }

// Thaw continues a frozen slapd.
func (s *Server) Thaw() { _ = s.cmd.Process.Signal(syscall.SIGCONT) }

// writeCerts makes a test CA and a certificate for 127.0.0.1 and localhost
// signed by it.
func writeCerts(dir string) error {
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return err
	}
	now := time.Now()
	ca := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "hostroll test CA"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(24 * time.Hour), IsCA: true,
		KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageCRLSign, BasicConstraintsValid: true}
	caDER, err := x509.CreateCertificate(rand.Reader, ca, ca, &caKey.PublicKey, caKey)
	if err != nil {
		return err
	}
	srvKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return err
	}
	srv := &x509.Certificate{SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "127.0.0.1"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(24 * time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}, DNSNames: []string{"localhost"}}
	srvDER, err := x509.CreateCertificate(rand.Reader, srv, ca, &srvKey.PublicKey, caKey)
	if err != nil {
		return err
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(srvKey)
	if err != nil {
		return err
	}
	files := map[string]*pem.Block{
		"ca.pem":     {Type: "CERTIFICATE", Bytes: caDER},
		"server.pem": {Type: "CERTIFICATE", Bytes: srvDER},
		"server.key": {Type: "PRIVATE KEY", Bytes: keyDER},
	}
	for name, b := range files {
		if err := os.WriteFile(filepath.Join(dir, name), pem.EncodeToMemory(b), 0o600); err != nil {
			return err
		}
	}
	return nil
}

// Config is a directory configuration for the seeded server: the service
// account searches, groups under the group base, the unit code in
// departmentNumber, admins before reviewers before unit staff.
func (s *Server) Config() directory.Config {
	return directory.Config{URL: s.URL, BindDN: ServiceDN, BindPassword: ServicePW,
		UserBase: People, GroupBase: Groups, UnitAttr: "departmentNumber",
		GroupRoles: []directory.GroupRole{{Role: "admin", GroupDN: Admins},
			{Role: "reviewer", GroupDN: Reviewers}, {Role: "unit_staff", GroupDN: UnitStaff}}}
}

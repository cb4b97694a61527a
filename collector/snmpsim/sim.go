// Package snmpsim simulates many SNMP agents in one process, one per loopback
// UDP port, for the collector's tests and benchmarks. Each simulated device
// has its own identity (serial, model, memory, CPUs, interfaces) and can be
// told to misbehave: latency, silent drops, error statuses, OIDs that do not
// increase, huge tables, wrong value types. It speaks SNMP v2c and v3
// (USM authPriv with SHA or SHA-256 and AES).
package snmpsim

import (
	"errors"
	"fmt"
	"io"
	"log"
	"math/rand/v2"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gosnmp/gosnmp"
)

// Device is one simulated agent's identity and behaviour.
type Device struct {
	SysName      string
	Serial       string
	Model        string
	Manufacturer string
	MemoryKB     int64
	CPUs         int
	StorageGB    int64
	Interfaces   int
	Faults       Faults

	index    int
	engineID string
	requests atomic.Int64
}

// Faults make a device misbehave.
type Faults struct {
	// Latency delays every answer.
	Latency time.Duration
	// DropRate is the share of requests not answered at all (1: silent).
	DropRate float64
	// ErrorStatus answers GetBulk requests that ask for any OID under
	// ErrorPrefix with this status, its error index pointing at that OID.
	ErrorStatus gosnmp.SNMPError
	ErrorPrefix string
	// NonIncreasing answers the GetBulk columns under this prefix with the
	// same row again and again.
	NonIncreasing string
	// HugeTable gives ifTable and ifXTable this many rows.
	HugeTable int
	// WrongTypes serves the chassis serial as an INTEGER and hrMemorySize as
	// an OCTET STRING.
	WrongTypes bool
}

// Config is what every simulated device shares.
type Config struct {
	Community string // v2c community (default "public")
	// Port, when set, puts every device on this UDP port, each on its own
	// loopback address (see Addr); otherwise each device gets a free port on
	// 127.0.0.1.
	Port int
	// V3 user: authPriv with AuthProtocol (gosnmp.SHA or SHA256) and AES.
	User           string
	AuthProtocol   gosnmp.SnmpV3AuthProtocol
	AuthPassphrase string
	PrivPassphrase string
}

// Sim is a running set of simulated devices.
type Sim struct {
	cfg     Config
	devices []*Device
	conns   []*net.UDPConn
	v3      *v3Keys
	wg      sync.WaitGroup
}

// Start listens on a free loopback UDP port per device and serves them until
// Close.
func Start(cfg Config, devices []*Device) (*Sim, error) {
	if cfg.Community == "" {
		cfg.Community = "public"
	}
	s := &Sim{cfg: cfg, devices: devices}
	for i, d := range devices {
		d.index = i + 1
		d.engineID = fmt.Sprintf("\x80\x00\x1f\x88\x04sim%06d", i+1)
		if d.CPUs == 0 && d.Faults.HugeTable == 0 && d.Interfaces == 0 {
			d.CPUs, d.Interfaces = 1, 1
		}
		conn, err := net.ListenUDP("udp", &net.UDPAddr{IP: ip(cfg.Port, i), Port: cfg.Port})
		if err != nil {
			s.Close()
			return nil, fmt.Errorf("snmpsim: listen for device %d: %w", i+1, err)
		}
		s.conns = append(s.conns, conn)
	}
	if cfg.User != "" {
		s.v3 = &v3Keys{}
	}
	for i, conn := range s.conns {
		s.wg.Add(1)
		go s.serve(conn, devices[i])
	}
	return s, nil
}

// ip is device i's address: 127.0.0.1, or with a shared port 127.1.x.y.
func ip(port, i int) net.IP {
	if port == 0 {
		return net.IPv4(127, 0, 0, 1)
	}
	return net.IPv4(127, 1, byte(i/254), byte(i%254+1))
}

// Address is device i's IP address when devices share a port (Config.Port).
func Address(i int) string { return ip(1, i).String() }

// Port is device i's UDP port.
func (s *Sim) Port(i int) int { return s.conns[i].LocalAddr().(*net.UDPAddr).Port }

// Addr is device i's IP address.
func (s *Sim) Addr(i int) string { return s.conns[i].LocalAddr().(*net.UDPAddr).IP.String() }

// Len is the number of devices.
func (s *Sim) Len() int { return len(s.devices) }

// Requests is how many requests device i has received.
func (s *Sim) Requests(i int) int64 { return s.devices[i].requests.Load() }

// Close stops every device and waits for them.
func (s *Sim) Close() error {
	for _, c := range s.conns {
		c.Close()
	}
	s.wg.Wait()
	return nil
}

var quiet = gosnmp.NewLogger(log.New(io.Discard, "", 0))

func (s *Sim) serve(conn *net.UDPConn, d *Device) {
	defer s.wg.Done()
	buf := make([]byte, 4096)
	for {
		n, addr, err := conn.ReadFromUDP(buf)
		arrived := time.Now()
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return
			}
			continue
		}
		d.requests.Add(1)
		if d.Faults.DropRate > 0 && rand.Float64() < d.Faults.DropRate {
			continue
		}
		out := s.handle(d, buf[:n])
		if out == nil {
			continue
		}
		// The answer leaves Latency after the request arrived: the
		// simulator's own work is part of the round trip, not added to it.
		if wait := d.Faults.Latency - time.Since(arrived); wait > 0 {
			time.Sleep(wait)
		}
		conn.WriteToUDP(out, addr)
	}
}

// handle answers one request; nil means no answer.
func (s *Sim) handle(d *Device, msg []byte) []byte {
	if len(msg) > 2 && isV3(msg) {
		return s.handleV3(d, msg)
	}
	dec := &gosnmp.GoSNMP{Logger: quiet}
	req, err := dec.SnmpDecodePacket(msg)
	if err != nil || req.Version != gosnmp.Version2c || req.Community != s.cfg.Community {
		return nil // a wrong community is ignored, as real agents do
	}
	resp := d.respond(req)
	resp.Version, resp.Community = gosnmp.Version2c, req.Community
	out, err := resp.MarshalMsg()
	if err != nil {
		return nil
	}
	return out
}

// respond computes the response PDU to a request PDU.
func (d *Device) respond(req *gosnmp.SnmpPacket) *gosnmp.SnmpPacket {
	resp := &gosnmp.SnmpPacket{PDUType: gosnmp.GetResponse, RequestID: req.RequestID, Logger: quiet}
	sh := shapeFor(shapeKey{cpus: d.CPUs, ifaces: max(d.Interfaces, d.Faults.HugeTable), entities: 2})
	switch req.PDUType {
	case gosnmp.GetRequest:
		for _, v := range req.Variables {
			i, found := sh.find(parseOID(v.Name))
			if found {
				resp.Variables = append(resp.Variables, d.value(sh.entries[i]))
			} else {
				resp.Variables = append(resp.Variables, gosnmp.SnmpPDU{Name: v.Name, Type: gosnmp.NoSuchObject})
			}
		}
	case gosnmp.GetNextRequest:
		for _, v := range req.Variables {
			resp.Variables = append(resp.Variables, d.nextVar(sh, v.Name))
		}
	case gosnmp.GetBulkRequest:
		d.bulk(sh, req, resp)
	default:
		resp.Error, resp.ErrorIndex = gosnmp.GenErr, 0
	}
	return resp
}

func (d *Device) nextVar(sh *shape, oid string) gosnmp.SnmpPDU {
	i := sh.next(parseOID(oid))
	if i >= len(sh.entries) {
		return gosnmp.SnmpPDU{Name: oid, Type: gosnmp.EndOfMibView}
	}
	return d.value(sh.entries[i])
}

// maxBulkVarbinds keeps answers within a datagram: like a real agent, the
// simulator ends a GetBulk answer early rather than exceed it.
const maxBulkVarbinds = 400

// bulk answers a GetBulk: each of the first NonRepeaters variables once (a
// GETNEXT), then up to MaxRepetitions rows of the others. A fault under
// ErrorPrefix refuses the whole request with the error index of the first
// variable under it; a NonIncreasing column answers its first row again and
// again.
func (d *Device) bulk(sh *shape, req *gosnmp.SnmpPacket, resp *gosnmp.SnmpPacket) {
	f := d.Faults
	if f.ErrorStatus != gosnmp.NoError {
		for i, v := range req.Variables {
			if strings.HasPrefix(v.Name, f.ErrorPrefix) {
				resp.Error, resp.ErrorIndex = f.ErrorStatus, uint8(min(i+1, 255))
				resp.Variables = req.Variables
				return
			}
		}
	}
	nonrep := min(int(req.NonRepeaters), len(req.Variables))
	for _, v := range req.Variables[:nonrep] {
		resp.Variables = append(resp.Variables, d.nextVar(sh, v.Name))
	}
	cols := req.Variables[nonrep:]
	// Each column's position in the MIB, found once and then stepped.
	next := make([]int, len(cols))
	stuck := make([]bool, len(cols))
	for i, v := range cols {
		next[i] = sh.next(parseOID(v.Name))
		stuck[i] = f.NonIncreasing != "" && strings.HasPrefix(v.Name, f.NonIncreasing)
	}
	reps := int(req.MaxRepetitions)
	if len(cols) == 0 {
		reps = 0
	}
	for r := 0; r < reps && len(resp.Variables)+len(next) <= maxBulkVarbinds; r++ {
		for i, e := range next {
			if e >= len(sh.entries) {
				name := cols[i].Name
				if r > 0 {
					name = resp.Variables[len(resp.Variables)-len(next)].Name
				}
				resp.Variables = append(resp.Variables, gosnmp.SnmpPDU{Name: name, Type: gosnmp.EndOfMibView})
				continue
			}
			resp.Variables = append(resp.Variables, d.value(sh.entries[e]))
			if !stuck[i] { // the same row again and again
				next[i] = e + 1
			}
		}
	}
}

// Fleet returns n servers with distinct identities (serial SIM000001 and up,
// sys_name sim00001 and up), each with the given faults.
func Fleet(n int, faults Faults) []*Device {
	devs := make([]*Device, n)
	for i := range devs {
		devs[i] = &Device{SysName: fmt.Sprintf("sim%05d", i+1), Serial: fmt.Sprintf("SIM%06d", i+1),
			Model: "NF5280M6", Manufacturer: "Inspur", MemoryKB: 64 << 20, CPUs: 16, StorageGB: 960,
			Interfaces: 4, Faults: faults}
	}
	return devs
}

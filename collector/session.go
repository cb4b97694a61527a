package collector

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"syscall"

	"github.com/gosnmp/gosnmp"

	"hostroll/inventory"
)

// Poller polls devices one after another and keeps, between them, what a
// v2c session can reuse: its UDP socket (re-aimed at each target with
// connect(2), so the kernel still filters other senders and reports an ICMP
// port unreachable as "connection refused") and gosnmp's 64 KiB receive
// buffer. An SNMPv3 session keeps security state learnt from its agent
// (engine ID, boots, time), so each v3 target gets a session of its own.
//
// A Poller is not safe for concurrent use: each worker goroutine has its
// own.
type Poller struct {
	opt Options
	v2c *gosnmp.GoSNMP // the reusable v2c session, connected; nil before the first
}

// NewPoller returns a poller; Close releases its socket.
func NewPoller(opt Options) *Poller {
	return &Poller{opt: opt.withDefaults()}
}

// Close closes the poller's socket; the poller can still be used after it.
func (p *Poller) Close() {
	if p.v2c != nil {
		p.v2c.Close()
		p.v2c = nil
	}
}

// connect returns a connected session for t, and done to call when the poll
// is over. The target's address, port and credentials come from session: v3 targets get a new one each time, v2c targets the
// poller's reused one, re-aimed.
func (p *Poller) connect(ctx context.Context, t inventory.PollTarget) (*gosnmp.GoSNMP, func(), error) {
	g, err := session(ctx, t)
	if err != nil {
		return nil, nil, err
	}
	connectErr := func(err error) error {
		return fmt.Errorf("connect to %s:%d: %w", g.Target, g.Port, err)
	}
	if g.Version != gosnmp.Version2c {
		if err := g.Connect(); err != nil {
			return nil, nil, connectErr(err)
		}
		return g, func() { g.Close() }, nil
	}
	if r := p.v2c; r != nil {
		if err := reaim(r, g); err == nil {
			return r, func() {}, nil
		}
		p.Close() // another address family, a host name: start afresh
	}
	if err := g.Connect(); err != nil {
		return nil, nil, connectErr(err)
	}
	p.v2c = g
	return g, func() {}, nil
}

// reaim points the connected v2c session r at the target of the new,
// unconnected session g: its socket is connected to g's address and g's
// settings are copied, so r keeps its socket, receive buffer and request
// ids. It fails when the address is not an IP of the socket's family.
func reaim(r, g *gosnmp.GoSNMP) error {
	ip, err := netip.ParseAddr(g.Target)
	if err != nil {
		return err
	}
	local, ok := r.Conn.LocalAddr().(*net.UDPAddr)
	uc, isUDP := r.Conn.(*net.UDPConn)
	if !ok || !isUDP || (local.IP.To4() != nil) != ip.Unmap().Is4() {
		return fmt.Errorf("cannot re-aim the session at %s", g.Target)
	}
	if err := connectUDP(uc, netip.AddrPortFrom(ip.Unmap(), g.Port)); err != nil {
		return err
	}
	r.Target, r.Port, r.Community = g.Target, g.Port, g.Community
	r.Timeout, r.Retries, r.MaxRepetitions, r.Context = g.Timeout, g.Retries, g.MaxRepetitions, g.Context
	return nil
}

// connectUDP connects the socket of c to addr again (Linux and the BSDs let
// a connected UDP socket change its peer this way).
func connectUDP(c *net.UDPConn, addr netip.AddrPort) error {
	raw, err := c.SyscallConn()
	if err != nil {
		return err
	}
	var sa syscall.Sockaddr
	if addr.Addr().Is4() {
		sa = &syscall.SockaddrInet4{Port: int(addr.Port()), Addr: addr.Addr().As4()}
	} else {
		sa = &syscall.SockaddrInet6{Port: int(addr.Port()), Addr: addr.Addr().As16()}
	}
	var cerr error
	if err := raw.Control(func(fd uintptr) { cerr = syscall.Connect(int(fd), sa) }); err != nil {
		return err
	}
	return cerr
}

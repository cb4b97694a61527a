// Package collector polls registered devices over SNMP (v2c and v3 authPriv)
// and records what they really are as observations in the inventory store.
//
// Each device gets its own gosnmp session, never shared between goroutines.
// Polling logic talks to the session through Client, so that the walk loop
// and the parsing are tested against the simulator in collector/snmpsim and a
// real net-snmp agent alike.
package collector

import (
	"context"
	"fmt"
	"time"

	"github.com/gosnmp/gosnmp"

	"hostroll/inventory"
)

// Client is the part of a gosnmp session the poller uses; *gosnmp.GoSNMP
// satisfies it.
type Client interface {
	Get(oids []string) (*gosnmp.SnmpPacket, error)
	GetBulk(oids []string, nonRepeaters uint8, maxRepetitions uint32) (*gosnmp.SnmpPacket, error)
}

var _ Client = (*gosnmp.GoSNMP)(nil)

// session builds a new, unconnected gosnmp session for one target from its
// profile and its device: address, port, credentials, timeouts, its own v3
// security parameters, bound to ctx, which carries the deadline of the whole
// device. It is the one place that decides where and how a device is asked:
// Poller.connect connects a new session, or re-aims the worker's reused v2c
// one, from what it returns.
func session(ctx context.Context, t inventory.PollTarget) (*gosnmp.GoSNMP, error) {
	p := t.Profile
	g := &gosnmp.GoSNMP{
		Target:             t.MgmtIP,
		Port:               uint16(p.Port),
		Transport:          "udp",
		Timeout:            time.Duration(p.TimeoutMS) * time.Millisecond,
		Retries:            p.Retries,
		MaxRepetitions:     uint32(p.MaxRepetitions),
		MaxOids:            gosnmp.MaxOids,
		Context:            ctx,
		ExponentialTimeout: false,
	}
	switch p.Version {
	case "2c":
		g.Version = gosnmp.Version2c
		g.Community = p.Community.Reveal()
	case "3":
		g.Version = gosnmp.Version3
		g.SecurityModel = gosnmp.UserSecurityModel
		g.MsgFlags = gosnmp.AuthPriv
		auth := gosnmp.SHA
		if p.AuthProtocol == "SHA-256" {
			auth = gosnmp.SHA256
		}
		g.SecurityParameters = &gosnmp.UsmSecurityParameters{
			UserName:                 p.Username,
			AuthenticationProtocol:   auth,
			AuthenticationPassphrase: p.AuthPassphrase.Reveal(),
			PrivacyProtocol:          gosnmp.AES,
			PrivacyPassphrase:        p.PrivPassphrase.Reveal(),
		}
	default:
		return nil, fmt.Errorf("SNMP profile %q: unsupported version %q", p.Name, p.Version)
	}
	return g, nil
}

package snmpsim

import (
	"crypto/rand"
	"strings"
	"sync"
	"time"

	"github.com/gosnmp/gosnmp"
)

// v3Keys caches each device's localized keys (RFC 3414 key localization
// hashes a megabyte per passphrase).
type v3Keys struct {
	mu   sync.Mutex
	keys map[string][2][]byte // by engine ID: auth key, priv key
}

var simStart = time.Now()

// isV3 tells an SNMPv3 message by its version field.
func isV3(msg []byte) bool {
	i := 2
	if msg[1]&0x80 != 0 {
		i += int(msg[1] & 0x7f)
	}
	return i+2 < len(msg) && msg[i] == 0x02 && msg[i+1] == 0x01 && msg[i+2] == 0x03
}

// params returns USM parameters for device d with its keys filled in.
func (s *Sim) params(d *Device) *gosnmp.UsmSecurityParameters {
	sp := &gosnmp.UsmSecurityParameters{
		AuthoritativeEngineID:    d.engineID,
		AuthoritativeEngineBoots: 1,
		AuthoritativeEngineTime:  uint32(time.Since(simStart).Seconds()),
		UserName:                 s.cfg.User,
		AuthenticationProtocol:   s.cfg.AuthProtocol,
		AuthenticationPassphrase: s.cfg.AuthPassphrase,
		PrivacyProtocol:          gosnmp.AES,
		PrivacyPassphrase:        s.cfg.PrivPassphrase,
		Logger:                   quiet,
	}
	s.v3.mu.Lock()
	defer s.v3.mu.Unlock()
	if s.v3.keys == nil {
		s.v3.keys = map[string][2][]byte{}
	}
	if k, ok := s.v3.keys[d.engineID]; ok {
		sp.SecretKey, sp.PrivacyKey = k[0], k[1]
		return sp
	}
	if err := sp.InitSecurityKeys(); err != nil {
		return nil
	}
	s.v3.keys[d.engineID] = [2][]byte{sp.SecretKey, sp.PrivacyKey}
	return sp
}

// handleV3 answers an SNMPv3 request: engine discovery with a report of the
// device's engine ID, bad credentials with the matching USM report, and
// authenticated requests with an authenticated, encrypted response.
func (s *Sim) handleV3(d *Device, msg []byte) []byte {
	if s.v3 == nil {
		return nil
	}
	sp := s.params(d)
	if sp == nil {
		return nil
	}
	dec := &gosnmp.GoSNMP{Version: gosnmp.Version3, SecurityModel: gosnmp.UserSecurityModel,
		MsgFlags: gosnmp.AuthPriv, SecurityParameters: sp, Logger: quiet}
	req, err := dec.UnmarshalTrap(append([]byte(nil), msg...), false)
	if err != nil {
		report := ".1.3.6.1.6.3.15.1.1.5.0" // usmStatsWrongDigests
		if strings.Contains(err.Error(), "decrypt") {
			report = ".1.3.6.1.6.3.15.1.1.6.0" // usmStatsDecryptionErrors
		}
		return s.report(d, v3MsgID(msg), 0, report)
	}
	usm, _ := req.SecurityParameters.(*gosnmp.UsmSecurityParameters)
	if req.MsgFlags&gosnmp.AuthNoPriv == 0 {
		// Discovery: tell the engine ID, boots and time.
		return s.report(d, req.MsgID, req.RequestID, ".1.3.6.1.6.3.15.1.1.4.0") // usmStatsUnknownEngineIDs
	}
	if usm == nil || usm.UserName != s.cfg.User {
		return s.report(d, req.MsgID, req.RequestID, ".1.3.6.1.6.3.15.1.1.3.0") // usmStatsUnknownUserNames
	}
	resp := d.respond(req)
	salt := make([]byte, 8)
	rand.Read(salt)
	out := s.params(d)
	out.PrivacyParameters = salt
	resp.Version, resp.MsgFlags, resp.SecurityModel = gosnmp.Version3, gosnmp.AuthPriv, gosnmp.UserSecurityModel
	resp.MsgID, resp.ContextEngineID, resp.ContextName = req.MsgID, d.engineID, req.ContextName
	resp.SecurityParameters = out
	b, err := resp.MarshalMsg()
	if err != nil {
		return nil
	}
	return b
}

// report sends an unauthenticated USM report with one counter.
func (s *Sim) report(d *Device, msgID, requestID uint32, oid string) []byte {
	pkt := &gosnmp.SnmpPacket{
		Version: gosnmp.Version3, MsgFlags: gosnmp.NoAuthNoPriv, SecurityModel: gosnmp.UserSecurityModel,
		MsgID: msgID, RequestID: requestID, PDUType: gosnmp.Report, ContextEngineID: d.engineID,
		SecurityParameters: &gosnmp.UsmSecurityParameters{AuthoritativeEngineID: d.engineID,
			AuthoritativeEngineBoots: 1, AuthoritativeEngineTime: uint32(time.Since(simStart).Seconds()),
			Logger: quiet},
		Variables: []gosnmp.SnmpPDU{{Name: oid, Type: gosnmp.Counter32, Value: uint32(1)}},
		Logger:    quiet,
	}
	b, err := pkt.MarshalMsg()
	if err != nil {
		return nil
	}
	return b
}

// v3MsgID reads msgID out of an SNMPv3 message's header without checking
// anything else, so that a report on a message that fails authentication
// still reaches the request that sent it.
func v3MsgID(msg []byte) uint32 {
	skipLen := func(i int) int { // i at a length octet; returns the index after it
		if i >= len(msg) {
			return len(msg)
		}
		if msg[i]&0x80 != 0 {
			return i + 1 + int(msg[i]&0x7f)
		}
		return i + 1
	}
	i := skipLen(1) + 3 // outer SEQUENCE, version INTEGER 3
	if i >= len(msg) || msg[i] != 0x30 {
		return 0
	}
	i = skipLen(i + 1)
	if i+1 >= len(msg) || msg[i] != 0x02 {
		return 0
	}
	n := int(msg[i+1])
	var id uint32
	for j := i + 2; j < i+2+n && j < len(msg); j++ {
		id = id<<8 | uint32(msg[j])
	}
	return id
}

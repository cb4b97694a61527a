package collector

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strings"
	"syscall"
	"time"

	"github.com/gosnmp/gosnmp"

	"hostroll/inventory"
)

// Options tune polling; zero values take the defaults.
type Options struct {
	// MaxVarbinds caps the variables read from one table (default 50,000).
	MaxVarbinds int
	// DeviceTimeout bounds the whole poll of one device (default 60s).
	DeviceTimeout time.Duration
	// Metrics, when not nil, count polls and packets (metrics.go).
	Metrics *Metrics
}

// DefaultDeviceTimeout bounds the whole poll of one device.
const DefaultDeviceTimeout = 60 * time.Second

func (o Options) withDefaults() Options {
	if o.MaxVarbinds <= 0 {
		o.MaxVarbinds = DefaultMaxVarbinds
	}
	if o.DeviceTimeout <= 0 {
		o.DeviceTimeout = DefaultDeviceTimeout
	}
	return o
}

// Poll polls one device and returns what it saw; it does not store it. A
// device that does not answer the first request is unreachable; a later
// failure (an error status, a wrong type, a runaway table) keeps what was
// read and says what went wrong in Error. It sets up and tears down its own
// session; a worker that polls many devices uses a Poller.
func Poll(ctx context.Context, t inventory.PollTarget, opt Options) inventory.Observation {
	p := NewPoller(opt)
	defer p.Close()
	return p.Poll(ctx, t)
}

// Poll polls one device with the poller's reusable session; see the
// function Poll.
func (p *Poller) Poll(ctx context.Context, t inventory.PollTarget) inventory.Observation {
	start := time.Now()
	done := p.opt.Metrics.pollStarted()
	o := inventory.Observation{DeviceID: t.DeviceID, At: start, Interfaces: inventory.Interfaces{}}
	result := p.poll(ctx, t, &o)
	o.DurationMS = int(time.Since(start).Milliseconds())
	done(result, time.Since(start))
	return o
}

// poll fills o and returns its result for the metrics; see Poll.
func (p *Poller) poll(ctx context.Context, t inventory.PollTarget, o *inventory.Observation) (result string) {
	ctx, cancel := context.WithTimeout(ctx, p.opt.DeviceTimeout)
	defer cancel()
	// One agent's malformed answer must not take the collector down, even if
	// it trips a bug in the SNMP library.
	defer func() {
		if r := recover(); r != nil {
			p.Close() // the session may be left in any state
			o.Error = fmt.Sprintf("poll of %s aborted: the agent's answer could not be handled (%v)", t.MgmtIP, r)
			result = ResultError
		}
	}()
	g, done, err := p.connect(ctx, t)
	if err != nil {
		o.Error = err.Error()
		return ResultError
	}
	defer done()
	raw, reachable, err := read(ctx, p.opt.Metrics.hook(g), uint32(t.Profile.MaxRepetitions), p.opt.MaxVarbinds)
	o.Reachable = reachable
	result = classify(err, reachable, discovered(g))
	if err != nil {
		o.Error = explain(err, t, reachable, discovered(g))
	}
	if perr := raw.Observe(o); perr != nil {
		o.Error = strings.TrimPrefix(o.Error+"; "+strings.ReplaceAll(perr.Error(), "\n", "; "), "; ")
		if result == ResultOK {
			result = ResultError
		}
	}
	return result
}

// read reads the scalars and walks the tables in one GetBulk stream (see
// stream). reachable is false when the agent answered no request.
func read(ctx context.Context, c Client, maxReps uint32, maxVarbinds int) (Raw, bool, error) {
	raw := Raw{Tables: map[string][]gosnmp.SnmpPDU{}}
	s := newStream(c, tables, scalarOIDs, maxReps, maxVarbinds)
	answered, err := s.run(ctx)
	if !answered {
		return raw, false, err
	}
	raw.Scalars = s.scalars
	for i, tb := range tables {
		raw.Tables[tb.name] = s.out[i]
	}
	return raw, true, s.err()
}

// discovered tells whether a v3 session learnt the agent's engine ID: the
// agent answered the unauthenticated discovery.
func discovered(g *gosnmp.GoSNMP) bool {
	usm, ok := g.SecurityParameters.(*gosnmp.UsmSecurityParameters)
	return ok && g.Version == gosnmp.Version3 && usm.AuthoritativeEngineID != ""
}

// explain turns a poll error into a message that says what to check.
// discovered is true when a v3 agent answered the engine discovery.
func explain(err error, t inventory.PollTarget, reachable, discovered bool) string {
	p := t.Profile
	addr := fmt.Sprintf("%s:%d", t.MgmtIP, p.Port)
	msg := strings.ReplaceAll(err.Error(), "\n", "; ")
	switch {
	case errors.Is(err, gosnmp.ErrWrongDigest), errors.Is(err, gosnmp.ErrUnknownUsername),
		errors.Is(err, gosnmp.ErrDecryption), errors.Is(err, gosnmp.ErrUnknownSecurityLevel),
		strings.Contains(msg, "not authentic"), strings.Contains(msg, "decrypt"):
		return fmt.Sprintf("SNMPv3 authentication failed at %s (%s): check the user name %q and the auth and priv passphrases of SNMP profile %q",
			addr, msg, p.Username, p.Name)
	case errors.Is(err, syscall.ECONNREFUSED):
		where := fmt.Sprintf("the port of SNMP profile %q", p.Name)
		if t.DevicePort != nil {
			where = "the device's snmp_port"
		}
		return fmt.Sprintf("%s refused the request (no SNMP agent listens on UDP port %d): check %s and that the agent runs",
			addr, p.Port, where)
	case !reachable && discovered && isTimeout(err):
		return fmt.Sprintf("the SNMPv3 agent at %s answered engine discovery but not the authenticated request: check the user name %q and the auth and priv passphrases of SNMP profile %q (an agent ignores a wrong priv passphrase silently)",
			addr, p.Username, p.Name)
	case !reachable && isTimeout(err):
		tries := p.Retries + 1
		if p.Version == "2c" {
			return fmt.Sprintf("no answer from %s within %d ms × %d tries: check the community of SNMP profile %q (a wrong community is ignored silently) and that the device is reachable",
				addr, p.TimeoutMS, tries, p.Name)
		}
		return fmt.Sprintf("no answer from %s within %d ms × %d tries: check that the device is reachable and its SNMP agent runs",
			addr, p.TimeoutMS, tries)
	}
	return msg
}

func isTimeout(err error) bool {
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return true
	}
	return errors.Is(err, context.DeadlineExceeded) || strings.Contains(err.Error(), "timeout")
}

// logPoll logs one poll's outcome.
func logPoll(log *slog.Logger, t inventory.PollTarget, o inventory.Observation) {
	attrs := []any{"device_id", t.DeviceID, "addr", t.MgmtIP, "status", o.Status(), "duration_ms", o.DurationMS}
	if o.Error != "" {
		log.Warn("poll", append(attrs, "error", o.Error)...)
		return
	}
	log.Debug("poll", attrs...)
}

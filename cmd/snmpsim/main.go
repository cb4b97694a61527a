// Command snmpsim serves many simulated SNMP devices (v2c, and v3 authPriv
// SHA/AES when -user is set) on loopback UDP, for trying hostroll's
// collector and benchmarking it:
//
//	snmpsim -n 1000 -port 16100 -community public [-latency 20ms] [-drop 0.01] [-csv]
//
// Device i listens on 127.1.x.y:PORT (i = 0 is 127.1.0.1); with -csv it
// prints "address,port,serial,sys_name" per device, to register them.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/gosnmp/gosnmp"

	"hostroll/collector/snmpsim"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr, nil); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "snmpsim:", err)
		}
		os.Exit(2)
	}
}

// run serves until ctx ends; ready, when not nil, is closed once the devices
// answer.
func run(ctx context.Context, args []string, stdout, stderr io.Writer, ready chan<- struct{}) error {
	fs := flag.NewFlagSet("snmpsim", flag.ContinueOnError)
	fs.SetOutput(stderr)
	n := fs.Int("n", 100, "number of devices")
	port := fs.Int("port", 16100, "UDP port every device listens on, each on its own 127.1.x.y address")
	community := fs.String("community", "public", "v2c community")
	user := fs.String("user", "", "SNMPv3 user (authPriv, SHA and AES); empty for v2c only")
	authPass := fs.String("auth-pass", "", "SNMPv3 auth passphrase")
	privPass := fs.String("priv-pass", "", "SNMPv3 priv passphrase")
	latency := fs.Duration("latency", 0, "delay before every answer")
	drop := fs.Float64("drop", 0, "share of requests not answered (0 to 1)")
	csv := fs.Bool("csv", false, "print address,port,serial,sys_name for each device")
	if err := fs.Parse(args); err != nil {
		return err
	}
	switch {
	case *n < 1 || *n > 60000:
		return fmt.Errorf("-n must be between 1 and 60000, not %d", *n)
	case *port < 1 || *port > 65535:
		return fmt.Errorf("-port must be between 1 and 65535, not %d", *port)
	case *drop < 0 || *drop > 1:
		return fmt.Errorf("-drop must be between 0 and 1, not %g", *drop)
	}
	devs := snmpsim.Fleet(*n, snmpsim.Faults{Latency: *latency, DropRate: *drop})
	sim, err := snmpsim.Start(snmpsim.Config{Community: *community, Port: *port, User: *user,
		AuthProtocol: gosnmp.SHA, AuthPassphrase: *authPass, PrivPassphrase: *privPass}, devs)
	if err != nil {
		return err
	}
	defer sim.Close()
	if *csv {
		fmt.Fprintln(stdout, "address,port,serial,sys_name")
		for i, d := range devs {
			fmt.Fprintf(stdout, "%s,%d,%s,%s\n", sim.Addr(i), sim.Port(i), d.Serial, d.SysName)
		}
	}
	fmt.Fprintf(stderr, "snmpsim: serving %d devices on %s..%s port %d\n", *n, sim.Addr(0), sim.Addr(*n-1), *port)
	if ready != nil {
		close(ready)
	}
	<-ctx.Done()
	return nil
}

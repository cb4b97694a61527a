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
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/gosnmp/gosnmp"

	"hostroll/collector/snmpsim"
)

func main() {
	n := flag.Int("n", 100, "number of devices")
	port := flag.Int("port", 16100, "UDP port every device listens on, each on its own 127.1.x.y address")
	community := flag.String("community", "public", "v2c community")
	user := flag.String("user", "", "SNMPv3 user (authPriv, SHA and AES); empty for v2c only")
	authPass := flag.String("auth-pass", "", "SNMPv3 auth passphrase")
	privPass := flag.String("priv-pass", "", "SNMPv3 priv passphrase")
	latency := flag.Duration("latency", 0, "delay before every answer")
	drop := flag.Float64("drop", 0, "share of requests not answered (0 to 1)")
	csv := flag.Bool("csv", false, "print address,port,serial,sys_name for each device")
	flag.Parse()
	if *n < 1 || *n > 60000 {
		fmt.Fprintln(os.Stderr, "snmpsim: -n must be between 1 and 60000")
		os.Exit(2)
	}
	devs := snmpsim.Fleet(*n, snmpsim.Faults{Latency: *latency, DropRate: *drop})
	sim, err := snmpsim.Start(snmpsim.Config{Community: *community, Port: *port, User: *user,
		AuthProtocol: gosnmp.SHA, AuthPassphrase: *authPass, PrivPassphrase: *privPass}, devs)
	if err != nil {
		fmt.Fprintln(os.Stderr, "snmpsim:", err)
		os.Exit(1)
	}
	if *csv {
		fmt.Println("address,port,serial,sys_name")
		for i, d := range devs {
			fmt.Printf("%s,%d,%s,%s\n", sim.Addr(i), sim.Port(i), d.Serial, d.SysName)
		}
	}
	fmt.Fprintf(os.Stderr, "snmpsim: serving %d devices on %s..%s port %d\n", *n, sim.Addr(0), sim.Addr(*n-1), *port)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	<-ctx.Done()
	sim.Close()
}

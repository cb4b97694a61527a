package main

import (
	"bytes"
	"context"
	"net"
	"strconv"
	"strings"
	"sync"
	"testing"

	"hostroll/collector"
	"hostroll/inventory"
)

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestServeAndPoll(t *testing.T) {
	c, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	port := c.LocalAddr().(*net.UDPAddr).Port
	c.Close()
	ctx, cancel := context.WithCancel(context.Background())
	var out, errb syncBuffer
	ready, done := make(chan struct{}), make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"-n", "2", "-port", strconv.Itoa(port), "-community", "c1", "-csv"}, &out, &errb, ready)
	}()
	select {
	case <-ready:
	case err := <-done:
		t.Fatalf("run: %v\n%s", err, errb.String())
	}
	if !strings.Contains(out.String(), "127.1.0.2,"+strconv.Itoa(port)+",SIM000002,sim00002") {
		t.Errorf("csv: %s", out.String())
	}
	o := collector.Poll(ctx, inventory.PollTarget{MgmtIP: "127.1.0.2", Profile: inventory.SNMPProfile{
		Version: "2c", Community: "c1", Port: port, TimeoutMS: 1000, Retries: 1, MaxRepetitions: 25}}, collector.Options{})
	if !o.Reachable || o.Serial != "SIM000002" {
		t.Errorf("poll: %+v", o)
	}
	cancel()
	if err := <-done; err != nil {
		t.Error(err)
	}
	for _, bad := range [][]string{{"-n", "0"}, {"-drop", "2"}, {"-port", "70000"}} {
		if err := run(context.Background(), bad, &out, &errb, nil); err == nil {
			t.Errorf("%v accepted", bad)
		}
	}
}

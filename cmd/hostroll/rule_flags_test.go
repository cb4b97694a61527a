package main

import (
	"flag"
	"io"
	"strings"
	"testing"

	"hostroll/inventory"
)

// TestCostOverrunFlags: defaults, the environment, a flag over the
// environment, and refused values naming where they came from.
func TestCostOverrunFlags(t *testing.T) {
	for _, tc := range []struct {
		name         string
		env          map[string]string
		args         []string
		medium, high int
		err          string
	}{
		{"defaults", nil, nil, 10, 20, ""},
		{"environment", map[string]string{"HOSTROLL_COST_OVERRUN_PERCENT": "15", "HOSTROLL_COST_OVERRUN_HIGH_PERCENT": "30"}, nil, 15, 30, ""},
		{"flag over environment", map[string]string{"HOSTROLL_COST_OVERRUN_PERCENT": "15"}, []string{"--cost-overrun-percent", "12"}, 12, 20, ""},
		{"equal thresholds", nil, []string{"--cost-overrun-percent", "20"}, 20, 20, ""},
		{"bad environment", map[string]string{"HOSTROLL_COST_OVERRUN_HIGH_PERCENT": "二十"}, nil, 0, 0, "HOSTROLL_COST_OVERRUN_HIGH_PERCENT"},
		{"too high", nil, []string{"--cost-overrun-percent", "1001"}, 0, 0, "from 1 to 1000"},
		{"high below medium", nil, []string{"--cost-overrun-percent", "25"}, 0, 0, "must not be below"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
			fs := flag.NewFlagSet("test", flag.ContinueOnError)
			fs.SetOutput(io.Discard)
			apply := costOverrunFlags(fs)
			if err := fs.Parse(tc.args); err != nil {
				t.Fatal(err)
			}
			var c inventory.RuleConfig
			err := apply(&c)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("err %v, want one saying %q", err, tc.err)
				}
				return
			}
			if err != nil || c.CostOverrunPercent != tc.medium || c.CostOverrunHighPercent != tc.high {
				t.Fatalf("config %+v, err %v; want %d and %d", c, err, tc.medium, tc.high)
			}
		})
	}
}

package main

import (
	"flag"
	"fmt"
	"strconv"

	"hostroll/inventory"
)

// costOverrunFlags adds --cost-overrun-percent and
// --cost-overrun-high-percent (env HOSTROLL_COST_OVERRUN_PERCENT and
// HOSTROLL_COST_OVERRUN_HIGH_PERCENT) to fs: the thresholds of the rule
// cost-overrun (Art. 18). The returned function checks them after parsing
// and sets them on a rule configuration.
func costOverrunFlags(fs *flag.FlagSet) func(*inventory.RuleConfig) error {
	def := inventory.DefaultRuleConfig()
	medium := envOr("HOSTROLL_COST_OVERRUN_PERCENT", strconv.Itoa(def.CostOverrunPercent))
	high := envOr("HOSTROLL_COST_OVERRUN_HIGH_PERCENT", strconv.Itoa(def.CostOverrunHighPercent))
	fs.StringVar(&medium, "cost-overrun-percent", medium,
		"cost-overrun holds when a settlement exceeds the budget by more than this percentage (env HOSTROLL_COST_OVERRUN_PERCENT)")
	fs.StringVar(&high, "cost-overrun-high-percent", high,
		"past this percentage over budget a cost-overrun finding is high (env HOSTROLL_COST_OVERRUN_HIGH_PERCENT)")
	return func(c *inventory.RuleConfig) error {
		m, err := percent("--cost-overrun-percent or HOSTROLL_COST_OVERRUN_PERCENT", medium)
		if err != nil {
			return err
		}
		h, err := percent("--cost-overrun-high-percent or HOSTROLL_COST_OVERRUN_HIGH_PERCENT", high)
		if err != nil {
			return err
		}
		if h < m {
			return fmt.Errorf("the high cost-overrun percentage (%d) must not be below the cost-overrun percentage (%d)", h, m)
		}
		c.CostOverrunPercent, c.CostOverrunHighPercent = m, h
		return nil
	}
}

func percent(name, raw string) (int, error) {
	v, err := strconv.Atoi(raw)
	if err != nil || v < 1 || v > inventory.MaxCostOverrunPercent {
		return 0, fmt.Errorf("%s must be a whole percentage from 1 to %d, not %q", name, inventory.MaxCostOverrunPercent, raw)
	}
	return v, nil
}

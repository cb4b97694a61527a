package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"

	"hostroll/inventory"
)

// exitError ends the program with a code other than 1, after saying why.
type exitError struct {
	code int
	msg  string
}

func (e *exitError) Error() string { return e.msg }

// failOnLevels are the thresholds of check --fail-on.
var failOnLevels = []string{"high", "medium", "low"}

// checkReport is what check prints: the run, then the open findings by rule
// and by unit.
type checkReport struct {
	Check  inventory.Check       `json:"check"`
	Total  inventory.Counts      `json:"total"`
	ByRule []inventory.RuleCount `json:"by_rule"`
	ByUnit []inventory.UnitCount `json:"by_unit"`
	open   []inventory.Finding   // text only: the open findings themselves
}

// openFindings reads every open finding, page by page.
func openFindings(ctx context.Context, s *inventory.Store) ([]inventory.Finding, error) {
	var all []inventory.Finding
	for {
		page, total, err := s.Findings(ctx, inventory.ListParams{Limit: inventory.MaxLimit, Offset: len(all),
			Filters: map[string]string{"status": "open"}})
		if err != nil {
			return nil, err
		}
		all = append(all, page...)
		if len(page) == 0 || len(all) >= total {
			return all, nil
		}
	}
}

func cmdCheck(ctx context.Context, args []string, w streams) error {
	var cfg Config
	fs := newFlags("check", &cfg, w)
	format := fs.String("format", "text", "output: text or json")
	failOn := fs.String("fail-on", "", "exit with code 3 when open findings of this severity or higher exist: high, medium or low")
	grace := graceDaysFlag(fs)
	overrun := costOverrunFlags(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	graceDays, err := grace()
	if err != nil {
		return badValue(err)
	}
	rules := inventory.RuleConfig{AcceptanceGraceDays: graceDays}
	if err := overrun(&rules); err != nil {
		return badValue(err)
	}
	if *format != "text" && *format != "json" {
		fmt.Fprintf(w.err, "hostroll check: --format must be text or json, not %q\n", *format)
		return errUsage
	}
	if *failOn != "" && !slices.Contains(failOnLevels, *failOn) {
		fmt.Fprintf(w.err, "hostroll check: --fail-on must be high, medium or low, not %q\n", *failOn)
		return errUsage
	}
	s, err := openExisting(ctx, cfg.DB)
	if err != nil {
		return err
	}
	defer s.Close()
	s.SetRuleConfig(rules)
	c, err := s.RunCheck(ctx, inventory.CheckOptions{})
	if err != nil {
		return err
	}
	sum, err := s.FindingSummary(ctx)
	if err != nil {
		return err
	}
	rep := checkReport{Check: c, Total: sum.Total(), ByRule: sum.ByRule, ByUnit: sum.ByUnit}
	if *format == "text" {
		if rep.open, err = openFindings(ctx, s); err != nil {
			return err
		}
	}
	if *format == "json" {
		enc := json.NewEncoder(w.out)
		enc.SetIndent("", "  ")
		err = enc.Encode(rep)
	} else {
		err = rep.writeText(w.out)
	}
	if err != nil {
		return err
	}
	if n := rep.Total.AtOrAbove(*failOn); *failOn != "" && n > 0 {
		return &exitError{code: 3, msg: fmt.Sprintf("%d open findings of severity %s or higher", n, *failOn)}
	}
	return nil
}

// writeText prints the summary as aligned tables.
func (r checkReport) writeText(out io.Writer) error {
	c := r.Check
	fmt.Fprintf(out, "check %d: %d rules; %d opened, %d still open, %d resolved; now %d open, %d exempted\n",
		c.ID, c.Rules, c.Opened, c.StillOpen, c.Resolved, c.Open, c.Exempted)
	if len(r.ByRule) == 0 {
		fmt.Fprintln(out, "\nno open or exempted findings")
		return nil
	}
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(out, "\nby rule:")
	fmt.Fprintln(tw, "rule\tarticle\thigh\tmedium\tlow\tinfo\topen\texempted")
	for _, rc := range r.ByRule {
		art := "-"
		if rc.Article != "" {
			art = "Art. " + strings.ReplaceAll(rc.Article, ",", ", ")
		}
		countRow(tw, rc.Rule+"\t"+art, rc.Counts)
	}
	countRow(tw, "total\t", r.Total)
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintln(out, "\nby unit:")
	// The name goes last: tabwriter counts a Chinese character as one
	// column, a terminal shows it as two, so nothing after it would line up.
	fmt.Fprintln(tw, "unit\thigh\tmedium\tlow\tinfo\topen\texempted\tname")
	for _, uc := range r.ByUnit {
		code, name := uc.UnitCode, uc.UnitName
		if uc.UnitID == nil {
			code, name = "-", "(no unit)"
		}
		c := uc.Counts
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\t%d\t%d\t%s\n", code, c.High, c.Medium, c.Low, c.Info, c.Open, c.Exempted, name)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	return r.writeOpen(out)
}

// writeOpen prints the open findings themselves, grouped by unit in the
// order of the unit table (most findings first), then those of no unit.
func (r checkReport) writeOpen(out io.Writer) error {
	byUnit := map[int64][]inventory.Finding{}
	for _, f := range r.open {
		var u int64 // 0: no unit
		if f.UnitID != nil {
			u = *f.UnitID
		}
		byUnit[u] = append(byUnit[u], f)
	}
	for _, uc := range r.ByUnit {
		var u int64
		head := "(no unit)"
		if uc.UnitID != nil {
			u, head = *uc.UnitID, uc.UnitCode+" "+uc.UnitName
		}
		fs := byUnit[u]
		if len(fs) == 0 {
			continue
		}
		fmt.Fprintf(out, "\nopen findings of %s:\n", head)
		for _, f := range fs {
			art := ""
			if f.Article != "" {
				art = " Art. " + strings.ReplaceAll(f.Article, ",", ", ")
			}
			fmt.Fprintf(out, "  #%d %-6s %s%s, %s %d: %s\n", f.ID, f.Severity, f.Rule, art, f.SubjectType, f.SubjectID, f.Message)
		}
	}
	return nil
}

func countRow(w io.Writer, label string, c inventory.Counts) {
	fmt.Fprintf(w, "%s\t%d\t%d\t%d\t%d\t%d\t%d\n", label, c.High, c.Medium, c.Low, c.Info, c.Open, c.Exempted)
}

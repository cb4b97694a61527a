package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"

	"hostroll/inventory"
	"hostroll/locale"
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

// openFindings reads every open finding, page by page, its message in lang.
func openFindings(ctx context.Context, s *inventory.Store, lang string) ([]inventory.Finding, error) {
	var all []inventory.Finding
	for {
		page, total, err := s.Findings(ctx, inventory.ListParams{Limit: inventory.MaxLimit, Offset: len(all),
			Filters: map[string]string{"status": "open", "lang": lang}})
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
	lang := fs.String("lang", w.lang, "language of the output: zh or en (default: HOSTROLL_LANG, else the locale's, else zh)")
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
	if l, ok := locale.Of(*lang); ok {
		w.lang = l
	} else {
		fmt.Fprintf(w.err, "hostroll check: %s\n", w.t("cli.bad_lang", *lang))
		return errUsage
	}
	if *format != "text" && *format != "json" {
		fmt.Fprintf(w.err, "hostroll check: %s\n", w.t("cli.check.bad_format", *format))
		return errUsage
	}
	if *failOn != "" && !slices.Contains(failOnLevels, *failOn) {
		fmt.Fprintf(w.err, "hostroll check: %s\n", w.t("cli.check.bad_fail_on", *failOn))
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
		if rep.open, err = openFindings(ctx, s, w.lang); err != nil {
			return err
		}
	}
	if *format == "json" {
		enc := json.NewEncoder(w.out)
		enc.SetIndent("", "  ")
		err = enc.Encode(rep)
	} else {
		err = rep.writeText(w)
	}
	if err != nil {
		return err
	}
	if n := rep.Total.AtOrAbove(*failOn); *failOn != "" && n > 0 {
		return &exitError{code: 3, msg: w.t("cli.check.fail_on", n, inventory.L("severity", *failOn))}
	}
	return nil
}

// writeText prints the summary as aligned tables, in the command's
// language.
func (r checkReport) writeText(w streams) error {
	c, out := r.Check, w.out
	w.printf(out, "cli.check.summary", c.ID, c.Rules, c.Opened, c.StillOpen, c.Resolved, c.Open, c.Exempted)
	if len(r.ByRule) == 0 {
		w.printf(out, "cli.check.none")
		return nil
	}
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	w.printf(out, "cli.check.by_rule")
	w.printf(tw, "cli.check.rule_header")
	for _, rc := range r.ByRule {
		art := "-"
		if rc.Article != "" {
			art = articles(w.lang, rc.Article)
		}
		countRow(tw, rc.Rule+"\t"+art, rc.Counts)
	}
	countRow(tw, w.t("cli.check.total")+"\t", r.Total)
	if err := tw.Flush(); err != nil {
		return err
	}
	w.printf(out, "cli.check.by_unit")
	// The name goes last: tabwriter counts a Chinese character as one
	// column, a terminal shows it as two, so nothing after it would line up.
	w.printf(tw, "cli.check.unit_header")
	for _, uc := range r.ByUnit {
		code, name := uc.UnitCode, uc.UnitName
		if uc.UnitID == nil {
			code, name = "-", w.t("cli.check.no_unit")
		}
		c := uc.Counts
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\t%d\t%d\t%s\n", code, c.High, c.Medium, c.Low, c.Info, c.Open, c.Exempted, name)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	return r.writeOpen(w)
}

// articles names the articles "10,13" in lang: 第十条、第十三条 or Art. 10, 13.
func articles(lang, text string) string {
	if lang == locale.EN {
		return "Art. " + strings.ReplaceAll(text, ",", ", ")
	}
	var out []string
	for _, a := range strings.Split(text, ",") {
		if n, err := strconv.Atoi(strings.TrimSpace(a)); err == nil {
			out = append(out, inventory.M("cli.article", inventory.Article(n)).Text(lang))
		}
	}
	return strings.Join(out, "、")
}

// writeOpen prints the open findings themselves, grouped by unit in the
// order of the unit table (most findings first), then those of no unit.
func (r checkReport) writeOpen(w streams) error {
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
		head := w.t("cli.check.no_unit")
		if uc.UnitID != nil {
			u, head = *uc.UnitID, w.t("cli.check.unit", uc.UnitName, uc.UnitCode)
		}
		fs := byUnit[u]
		if len(fs) == 0 {
			continue
		}
		w.printf(w.out, "cli.check.open_of", head)
		for _, f := range fs {
			w.printf(w.out, "cli.check.finding", f.ID, inventory.L("severity", f.Severity), inventory.L("rule", f.Rule),
				inventory.M("err.entity."+f.SubjectType), f.SubjectID, f.Message)
		}
	}
	return nil
}

func countRow(w io.Writer, label string, c inventory.Counts) {
	fmt.Fprintf(w, "%s\t%d\t%d\t%d\t%d\t%d\t%d\n", label, c.High, c.Medium, c.Low, c.Info, c.Open, c.Exempted)
}

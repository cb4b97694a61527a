package main

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"

	"hostroll/inventory"
)

// cmdAudit runs "hostroll audit verify": it recomputes the audit chain and
// exits 0 when it is intact, 1 when a row was changed, removed or inserted
// out of order (naming the first such row).
func cmdAudit(ctx context.Context, args []string, w streams) error {
	if len(args) == 0 || args[0] != "verify" {
		fmt.Fprintln(w.err, "usage: hostroll audit verify [--lang zh|en] [--format text|json] [--db URL]")
		return errUsage
	}
	var cfg Config
	flags := newFlags("audit verify", &cfg, w)
	lang := flags.String("lang", w.lang, "language of the result: zh or en (default: HOSTROLL_LANG, else the locale's, else zh)")
	format := flags.String("format", "text", "text or json")
	if err := parse(flags, args[1:]); err != nil {
		return err
	}
	if !slices.Contains(inventory.Languages, *lang) || (*format != "text" && *format != "json") {
		fmt.Fprintf(w.err, "hostroll audit verify: --lang must be zh or en and --format text or json\n")
		return errUsage
	}
	s, err := openExisting(ctx, cfg.DB)
	if err != nil {
		return err
	}
	defer s.Close()
	v, err := s.VerifyAudit(ctx, *lang)
	if err != nil {
		return err
	}
	if *format == "json" {
		enc := json.NewEncoder(w.out)
		enc.SetIndent("", "  ")
		if err := enc.Encode(v); err != nil {
			return err
		}
	} else {
		printVerification(w, v)
	}
	if !v.OK {
		return &exitError{code: 1, msg: "the audit chain is broken"}
	}
	return nil
}

func printVerification(w streams, v inventory.AuditVerification) {
	if v.OK {
		fmt.Fprintln(w.out, v.Reason)
		if v.HeadID > 0 {
			fmt.Fprintf(w.out, "head: row %d, hash %s\n", v.HeadID, v.HeadHash)
		}
		return
	}
	fmt.Fprintf(w.out, "BROKEN at row %d (%s): %s\n", *v.FirstBadID, v.Problem, v.Reason)
	fmt.Fprintf(w.out, "rows checked: %d; last good row: %d\n", v.Checked, v.HeadID)
}

package main

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"hostroll/inventory"
)

const tokenUsage = `usage: hostroll token add USER [--write] [--expires 90d] [--allow-ip CIDR]... [--description S]
       hostroll token list
       hostroll token revoke KEY
`

// listFlag collects a repeated flag.
type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, ",") }
func (l *listFlag) Set(v string) error { *l = append(*l, v); return nil }

// cmdToken manages API tokens from the command line, as cli:<os user>.
func cmdToken(ctx context.Context, args []string, w streams) error {
	if len(args) == 0 {
		fmt.Fprint(w.err, tokenUsage)
		return errUsage
	}
	sub, rest := args[0], args[1:]
	var cfg Config
	fs := newFlags("token "+sub, &cfg, w)
	var write bool
	var expires, description string
	var ips listFlag
	switch sub {
	case "add":
		fs.BoolVar(&write, "write", false, "let the token change things (default: read-only)")
		fs.StringVar(&expires, "expires", "", "lifetime, e.g. 90d or 12h (default: never expires)")
		fs.Var(&ips, "allow-ip", "a network (CIDR) the token may be used from; repeatable (default: anywhere)")
		fs.StringVar(&description, "description", "", "what the token is for")
	case "list", "revoke":
	default:
		fmt.Fprintf(w.err, "hostroll token: unknown subcommand %q\n\n%s", sub, tokenUsage)
		return errUsage
	}
	arg, err := nameAndFlags(fs, sub, rest)
	if err != nil {
		return err
	}
	s, err := openExisting(ctx, cfg.DB)
	if err != nil {
		return err
	}
	defer s.Close()
	ctx = cliCtx(ctx)
	switch sub {
	case "list":
		return listTokens(ctx, s, w.out)
	case "revoke":
		t, err := s.TokenByKey(ctx, arg)
		if err != nil {
			return err
		}
		if err := s.RevokeToken(ctx, t.ID, 0); err != nil {
			return err
		}
		w.printf(w.out, "cli.token.revoked", t.Key, t.Username)
		return nil
	}
	in := inventory.TokenInput{Description: description, WriteEnabled: write, AllowedIPs: ips}
	if expires != "" {
		d, err := parseLifetime(expires)
		if err != nil {
			return err
		}
		at := time.Now().Add(d).UTC()
		in.ExpiresAt = &at
	}
	return addToken(ctx, s, cfg, w, arg, in)
}

func addToken(ctx context.Context, s *inventory.Store, cfg Config, w streams, username string, in inventory.TokenInput) error {
	pepper, err := tokenPepper(cfg.DB)
	if err != nil {
		return err
	}
	u, err := s.UserByName(ctx, username)
	if err != nil {
		return err
	}
	t, text, err := s.CreateToken(ctx, pepper, u.ID, in)
	if err != nil {
		return err
	}
	mode := "cli.token.read_only"
	if t.WriteEnabled {
		mode = "cli.token.read_write"
	}
	w.printf(w.err, "cli.token.added", t.Key, u.Username, inventory.M(mode), inventory.L("role", u.Role))
	fmt.Fprintln(w.out, text)
	return nil
}

// parseLifetime reads "90d" (days) or a Go duration ("12h").
func parseLifetime(v string) (time.Duration, error) {
	if days, ok := strings.CutSuffix(v, "d"); ok {
		n, err := strconv.Atoi(days)
		if err == nil && n > 0 && n <= 3650 {
			return time.Duration(n) * 24 * time.Hour, nil
		}
	} else if d, err := time.ParseDuration(v); err == nil && d > 0 {
		return d, nil
	}
	return 0, fmt.Errorf("--expires %q: want days such as 90d, or a duration such as 12h", v)
}

func listTokens(ctx context.Context, s *inventory.Store, out io.Writer) error {
	tokens, err := s.Tokens(ctx, 0)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "KEY\tUSER\tWRITE\tEXPIRES\tLAST USED\tALLOWED\tDESCRIPTION")
	when := func(t *time.Time) string {
		if t == nil {
			return "-"
		}
		return t.Local().Format("2006-01-02 15:04")
	}
	for _, t := range tokens {
		allowed := "anywhere"
		if len(t.AllowedIPs) > 0 {
			parts := make([]string, len(t.AllowedIPs))
			for i, p := range t.AllowedIPs {
				parts[i] = p.String()
			}
			allowed = strings.Join(parts, ",")
		}
		fmt.Fprintf(tw, "%s\t%s\t%v\t%s\t%s\t%s\t%s\n", t.Key, t.Username, t.WriteEnabled, when(t.ExpiresAt),
			when(t.LastUsedAt), allowed, t.Description)
	}
	return tw.Flush()
}

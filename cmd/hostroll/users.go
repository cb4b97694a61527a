package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"hostroll/inventory"
)

const userUsage = `usage: hostroll user add NAME --role ROLE [--unit CODE] [--display-name S] [--password-stdin]
       hostroll user list
       hostroll user set NAME [--role ROLE] [--unit CODE] [--display-name S] [--disable] [--enable]
       hostroll user reset-password NAME [--password-stdin]
       hostroll user reset-2fa NAME   remove the user's second factor (they enrol again)
roles: admin, operator, planner, reviewer, unit_staff, auditor
`

// cmdUser manages users from the command line, as cli:<os user>.
func cmdUser(ctx context.Context, args []string, w streams, stdin io.Reader) error {
	if len(args) == 0 {
		fmt.Fprint(w.err, userUsage)
		return errUsage
	}
	sub, rest := args[0], args[1:]
	var cfg Config
	fs := newFlags("user "+sub, &cfg, w)
	var role, unit, display string
	var fromStdin, disable, enable bool
	switch sub {
	case "add", "set":
		fs.StringVar(&role, "role", "", "role: "+strings.Join(inventory.Roles, ", "))
		fs.StringVar(&unit, "unit", "", "code of the user's unit (required for unit_staff)")
		fs.StringVar(&display, "display-name", "", "the name shown for the user")
		if sub == "add" {
			fs.BoolVar(&fromStdin, "password-stdin", false, "read the password from the first line of stdin")
		} else {
			fs.BoolVar(&disable, "disable", false, "disable the user (ends their sessions, stops their tokens)")
			fs.BoolVar(&enable, "enable", false, "enable the user again")
		}
	case "reset-password":
		fs.BoolVar(&fromStdin, "password-stdin", false, "read the password from the first line of stdin")
	case "list", "reset-2fa":
	default:
		fmt.Fprintf(w.err, "hostroll user: unknown subcommand %q\n\n%s", sub, userUsage)
		return errUsage
	}
	name, err := nameAndFlags(fs, sub, rest)
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
		return listUsers(ctx, s, w.out)
	case "add":
		return addUser(ctx, s, w, stdin, name, role, unit, display, fromStdin)
	case "set":
		return setUser(ctx, s, w, name, role, unit, display, fs, disable, enable)
	case "reset-2fa":
		return resetUser2FA(ctx, s, w, name)
	}
	return resetUserPassword(ctx, s, w, stdin, name, fromStdin)
}

// nameAndFlags parses "NAME --flags" (or flags then NAME); list takes no
// name.
func nameAndFlags(fs *flag.FlagSet, sub string, args []string) (string, error) {
	var name string
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		name, args = args[0], args[1:]
	}
	if err := envDefaults(fs); err != nil {
		return "", errUsage
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return "", err
		}
		return "", errUsage
	}
	if name == "" && fs.NArg() > 0 {
		name = fs.Arg(0)
		if err := fs.Parse(fs.Args()[1:]); err != nil {
			return "", errUsage
		}
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(fs.Output(), "%s: unexpected argument %q\n", fs.Name(), fs.Arg(0))
		return "", errUsage
	}
	needName := sub != "list"
	if needName != (name != "") {
		fmt.Fprintf(fs.Output(), "%s: %s\n", fs.Name(), map[bool]string{true: "name the user", false: "takes no user name"}[needName])
		return "", errUsage
	}
	return name, nil
}

func readPassword(stdin io.Reader) (string, error) {
	line, err := bufio.NewReader(stdin).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("read the password from stdin: %w", err)
	}
	pw := strings.TrimRight(line, "\r\n")
	if pw == "" {
		return "", errors.New("--password-stdin: stdin has no password on its first line")
	}
	return pw, nil
}

// unitID finds a unit by its code.
func unitID(ctx context.Context, s *inventory.Store, code string) (*int64, error) {
	if code == "" {
		return nil, nil
	}
	units, _, err := s.Units(ctx, inventory.ListParams{Filters: map[string]string{"code": code}})
	if err != nil {
		return nil, err
	}
	if len(units) != 1 {
		return nil, fmt.Errorf("no unit has the code %q", code)
	}
	return &units[0].ID, nil
}

func addUser(ctx context.Context, s *inventory.Store, w streams, stdin io.Reader, name, role, unit, display string, fromStdin bool) error {
	in := inventory.UserInput{Username: name, Role: role, DisplayName: display}
	var err error
	if in.UnitID, err = unitID(ctx, s, unit); err != nil {
		return err
	}
	if fromStdin {
		if in.Password, err = readPassword(stdin); err != nil {
			return err
		}
	}
	u, pw, err := s.CreateUser(ctx, in)
	if err != nil {
		return err
	}
	w.printf(w.out, "cli.user.added", u.Username, u.ID, inventory.L("role", u.Role))
	if !fromStdin {
		w.printf(w.out, "cli.user.password_first", pw)
	}
	return nil
}

func setUser(ctx context.Context, s *inventory.Store, w streams, name, role, unit, display string, fs *flag.FlagSet, disable, enable bool) error {
	if disable && enable {
		return errors.New("--disable and --enable exclude each other")
	}
	u, err := s.UserByName(ctx, name)
	if err != nil {
		return err
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	uid, err := unitID(ctx, s, unit)
	if err != nil {
		return err
	}
	u, err = s.UpdateUser(ctx, u.ID, func(e *inventory.UserEdit) error {
		if set["role"] {
			e.Role = role
		}
		if set["unit"] {
			e.UnitID = uid
		}
		if set["display-name"] {
			e.DisplayName = display
		}
		if disable {
			e.Status = "disabled"
		}
		if enable {
			e.Status = "active"
		}
		return nil
	})
	if err != nil {
		return err
	}
	w.printf(w.out, "cli.user.set", u.Username, inventory.L("role", u.Role), deref(u.UnitCode, "-"),
		inventory.L("user_status", u.Status))
	return nil
}

func resetUserPassword(ctx context.Context, s *inventory.Store, w streams, stdin io.Reader, name string, fromStdin bool) error {
	u, err := s.UserByName(ctx, name)
	if err != nil {
		return err
	}
	pw := ""
	if fromStdin {
		if pw, err = readPassword(stdin); err != nil {
			return err
		}
	}
	got, err := s.SetPassword(ctx, u.ID, pw, !fromStdin)
	if err != nil {
		return err
	}
	if fromStdin {
		w.printf(w.out, "cli.user.password_set", u.Username)
		return nil
	}
	w.printf(w.out, "cli.user.password_reset", u.Username, got)
	return nil
}

func listUsers(ctx context.Context, s *inventory.Store, out io.Writer) error {
	users, _, err := s.Users(ctx, inventory.ListParams{Limit: inventory.MaxLimit})
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tUSERNAME\tROLE\tUNIT\tSTATUS\tLAST SIGN-IN\tDISPLAY NAME")
	for _, u := range users {
		last := "-"
		if u.LastLoginAt != nil {
			last = u.LastLoginAt.Local().Format("2006-01-02 15:04")
		}
		status := u.Status
		if u.MustChangePassword {
			status += " (must change password)"
		}
		if u.Source == inventory.SourceLDAP {
			status += " (directory)"
		}
		if u.TOTPEnabled {
			status += " (2FA)"
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%s\n", u.ID, u.Username, u.Role, deref(u.UnitCode, "-"), status, last, u.DisplayName)
	}
	return tw.Flush()
}

func deref(s *string, def string) string {
	if s == nil {
		return def
	}
	return *s
}

func resetUser2FA(ctx context.Context, s *inventory.Store, w streams, name string) error {
	u, err := s.UserByName(ctx, name)
	if err != nil {
		return err
	}
	if err := s.ResetTOTP(ctx, u.ID); err != nil {
		return err
	}
	fmt.Fprintf(w.out, "second factor of %s removed; their sessions ended (they enrol again at the next sign-in)\n", u.Username)
	return nil
}

package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strconv"
	"time"

	"hostroll/inventory"
	"hostroll/password"
)

// cliCtx names the command line's caller in the audit log: cli:<os user>
// (run already does so for every command; see cliActor).
func cliCtx(ctx context.Context) context.Context {
	return inventory.WithActor(ctx, cliActor())
}

// authConfig reads the sign-in and session limits from the environment.
func authConfig() (inventory.AuthConfig, error) {
	var c inventory.AuthConfig
	for _, d := range []struct {
		key string
		to  *time.Duration
	}{
		{"HOSTROLL_SESSION_IDLE", &c.SessionIdle},
		{"HOSTROLL_SESSION_MAX", &c.SessionMax},
		{"HOSTROLL_LOCKOUT_WINDOW", &c.LockoutWindow},
		{"HOSTROLL_LOCKOUT_DURATION", &c.LockoutDuration},
	} {
		if v := os.Getenv(d.key); v != "" {
			dur, err := time.ParseDuration(v)
			if err != nil || dur <= 0 {
				return c, fmt.Errorf("%s=%q: want a positive duration such as 30m or 12h", d.key, v)
			}
			*d.to = dur
		}
	}
	if v := os.Getenv("HOSTROLL_LOCKOUT_ATTEMPTS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 100 {
			return c, fmt.Errorf("HOSTROLL_LOCKOUT_ATTEMPTS=%q: want a whole number from 1 to 100", v)
		}
		c.LockoutAttempts = n
	}
	return c, nil
}

// secureCookies reads HOSTROLL_SECURE_COOKIES (1 behind HTTPS).
func secureCookies() (bool, error) {
	switch v := os.Getenv("HOSTROLL_SECURE_COOKIES"); v {
	case "", "0", "false":
		return false, nil
	case "1", "true":
		return true, nil
	default:
		return false, fmt.Errorf("HOSTROLL_SECURE_COOKIES=%q: want 1 or 0", v)
	}
}

// firstAdmin creates the user admin on a database without users, with a
// random password that must be changed at the first sign-in, and prints
// that password in one line on w.
func firstAdmin(ctx context.Context, s *inventory.Store, w io.Writer) error {
	n, err := s.CountUsers(ctx)
	if err != nil || n > 0 {
		return err
	}
	_, pw, err := s.CreateUser(cliCtx(ctx), inventory.UserInput{Username: "admin", DisplayName: "系统管理员", Role: inventory.RoleAdmin})
	if err != nil {
		return fmt.Errorf("create the first administrator: %w", err)
	}
	fmt.Fprintf(w, "hostroll: first start: created user admin with password %s (change it at the first sign-in, /login)\n", pw)
	return nil
}

// demoUsers creates one demo user per role (demo_<role>), with a password
// of their own, and prints their names and passwords on w. Unit staff
// belong to the first unit. Users that exist are left alone.
func demoUsers(ctx context.Context, s *inventory.Store, w io.Writer) error {
	units, _, err := s.Units(ctx, inventory.ListParams{Limit: 1})
	if err != nil {
		return err
	}
	for _, role := range inventory.Roles {
		in := inventory.UserInput{Username: "demo_" + role, DisplayName: "演示 " + role, Role: role,
			Password: password.Generate()}
		if role == inventory.RoleUnitStaff {
			if len(units) == 0 {
				continue
			}
			in.UnitID = &units[0].ID
		}
		if _, err := s.UserByName(ctx, in.Username); err == nil {
			continue
		}
		if _, _, err := s.CreateUser(cliCtx(ctx), in); err != nil {
			return fmt.Errorf("demo user %s: %w", in.Username, err)
		}
		fmt.Fprintf(w, "demo user %-16s role %-10s password %s\n", in.Username, role, in.Password)
	}
	return nil
}

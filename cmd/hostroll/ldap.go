package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"hostroll/directory"
	"hostroll/inventory"
)

const ldapUsage = `usage: hostroll ldap test USER     look USER up in the directory (no sign-in): DN, groups, role, unit
       hostroll ldap seal-password  read the service account's password from stdin and print it
                                    sealed with the secret key, for HOSTROLL_LDAP_BIND_PASSWORD

The directory is configured by HOSTROLL_LDAP_URL, HOSTROLL_LDAP_STARTTLS, HOSTROLL_LDAP_BIND_DN,
HOSTROLL_LDAP_BIND_PASSWORD, HOSTROLL_LDAP_USER_BASE, HOSTROLL_LDAP_USER_FILTER,
HOSTROLL_LDAP_GROUP_BASE, HOSTROLL_LDAP_GROUP_ROLES, HOSTROLL_LDAP_UNIT_ATTR and
HOSTROLL_LDAP_CA_FILE (see docs/administrator.md).
`

// directoryFromEnv is the directory of HOSTROLL_LDAP_*, nil when
// HOSTROLL_LDAP_URL is not set. A sealed bind password is opened with the
// database's key.
func directoryFromEnv(dbURL string) (*directory.Client, error) {
	open := func(sealed string) (string, error) {
		k, _, _, err := loadKey(dbURL)
		if err != nil {
			return "", err
		}
		return k.Open(sealed)
	}
	cfg, ok, err := directory.FromEnv(os.Getenv, open)
	if !ok || err != nil {
		return nil, err
	}
	return directory.New(cfg)
}

// secondFactorRoles reads HOSTROLL_2FA_ROLES: roles separated by commas,
// "none" for none; unset means admin.
func secondFactorRoles() ([]string, error) {
	v := strings.TrimSpace(os.Getenv("HOSTROLL_2FA_ROLES"))
	switch v {
	case "":
		return []string{inventory.RoleAdmin}, nil
	case "none":
		return []string{}, nil
	}
	var out []string
	for _, r := range strings.Split(v, ",") {
		r = strings.TrimSpace(r)
		if !slices.Contains(inventory.Roles, r) {
			return nil, fmt.Errorf("HOSTROLL_2FA_ROLES: unknown role %q (roles separated by commas, of %s; or none)",
				r, strings.Join(inventory.Roles, ", "))
		}
		out = append(out, r)
	}
	return out, nil
}

// cmdLDAP checks the directory configuration.
func cmdLDAP(ctx context.Context, args []string, w streams, stdin io.Reader) error {
	if len(args) == 0 || (args[0] != "test" && args[0] != "seal-password") {
		fmt.Fprint(w.err, ldapUsage)
		return errUsage
	}
	var cfg Config
	fs := newFlags("ldap "+args[0], &cfg, w)
	if args[0] == "seal-password" {
		if err := parse(fs, args[1:]); err != nil {
			return err
		}
		return sealBindPassword(cfg.DB, w, stdin)
	}
	name, err := nameAndFlags(fs, "test", args[1:])
	if err != nil {
		return err
	}
	dir, err := directoryFromEnv(cfg.DB)
	if err != nil {
		return badValue(err)
	}
	if dir == nil {
		return badValue(errors.New("HOSTROLL_LDAP_URL is not set: directory sign-in is off"))
	}
	du, err := dir.Lookup(ctx, name)
	if errors.Is(err, inventory.ErrSignIn) {
		return &exitError{code: 1, msg: fmt.Sprintf("%s: no such user in the directory (filter %s under %s)",
			name, dir.Config().UserFilter, dir.Config().UserBase)}
	}
	if err != nil {
		return err
	}
	printDirectoryUser(w.out, du)
	if du.Role == "" {
		return &exitError{code: 1, msg: "the user is in no group of HOSTROLL_LDAP_GROUP_ROLES: sign-in would be refused"}
	}
	return nil
}

func printDirectoryUser(out io.Writer, du inventory.DirectoryUser) {
	fmt.Fprintf(out, "dn:     %s\nname:   %s\n", du.DN, du.DisplayName)
	fmt.Fprintf(out, "groups: %d\n", len(du.Groups))
	for _, g := range du.Groups {
		fmt.Fprintf(out, "  %s\n", g)
	}
	role, unit := du.Role, du.UnitCode
	if role == "" {
		role = "(none: in no mapped group)"
	}
	if unit == "" {
		unit = "(none)"
	}
	fmt.Fprintf(out, "role:   %s\nunit:   %s\n", role, unit)
}

func sealBindPassword(dbURL string, w streams, stdin io.Reader) error {
	pw, err := readPassword(stdin)
	if err != nil {
		return err
	}
	k, _, _, err := loadKey(dbURL)
	if err != nil {
		return err
	}
	sealed, err := k.Seal(pw)
	if err != nil {
		return err
	}
	fmt.Fprintln(w.out, sealed)
	return nil
}

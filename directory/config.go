// Package directory signs users in against the office's directory (LDAP,
// github.com/go-ldap/ldap/v3): a search with the service account finds the
// user's entry, their groups and unit; a bind as the user checks the
// password; the first mapped group gives the role. It keeps nothing: the
// store creates and updates the local user (inventory.Store.SetDirectory).
package directory

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/go-ldap/ldap/v3"

	"hostroll/inventory"
)

// DefaultTimeout bounds one sign-in's whole conversation with the directory
// (connect, StartTLS, binds, searches): past it the sign-in answers 503.
const DefaultTimeout = 5 * time.Second

// DefaultUserFilter finds a user by name; %s is the name, escaped.
const DefaultUserFilter = "(uid=%s)"

// GroupRole maps the members of a group to a role.
type GroupRole struct {
	Role    string
	GroupDN string
}

// Config is the directory's configuration, from HOSTROLL_LDAP_* (FromEnv).
type Config struct {
	URL          string // ldap://host:389 or ldaps://host:636
	StartTLS     bool   // ldap:// upgraded with StartTLS
	BindDN       string // the service account that searches
	BindPassword inventory.Secret
	UserBase     string
	UserFilter   string // default (uid=%s)
	GroupBase    string // groups with member/uniqueMember = the user's DN; "" uses memberOf only
	GroupRoles   []GroupRole
	UnitAttr     string // the attribute holding the user's unit code; "" for none
	CAFile       string // PEM CA certificates for ldaps:// and StartTLS; "" uses the system's
	Timeout      time.Duration
}

// FromEnv reads the configuration from the environment (getenv is
// os.Getenv). ok is false when HOSTROLL_LDAP_URL is not set: directory
// sign-in is off. A bind password sealed with the secret key ("v1:…", from
// "hostroll ldap seal-password") is opened with open.
func FromEnv(getenv func(string) string, open func(string) (string, error)) (cfg Config, ok bool, err error) {
	cfg = Config{
		URL:        strings.TrimSpace(getenv("HOSTROLL_LDAP_URL")),
		StartTLS:   getenv("HOSTROLL_LDAP_STARTTLS") == "1",
		BindDN:     strings.TrimSpace(getenv("HOSTROLL_LDAP_BIND_DN")),
		UserBase:   strings.TrimSpace(getenv("HOSTROLL_LDAP_USER_BASE")),
		UserFilter: strings.TrimSpace(getenv("HOSTROLL_LDAP_USER_FILTER")),
		GroupBase:  strings.TrimSpace(getenv("HOSTROLL_LDAP_GROUP_BASE")),
		UnitAttr:   strings.TrimSpace(getenv("HOSTROLL_LDAP_UNIT_ATTR")),
		CAFile:     strings.TrimSpace(getenv("HOSTROLL_LDAP_CA_FILE")),
	}
	if cfg.URL == "" {
		return cfg, false, nil
	}
	pw := getenv("HOSTROLL_LDAP_BIND_PASSWORD")
	if strings.HasPrefix(pw, "v1:") && open != nil {
		if pw, err = open(pw); err != nil {
			return cfg, true, fmt.Errorf("HOSTROLL_LDAP_BIND_PASSWORD: %w", err)
		}
	}
	cfg.BindPassword = inventory.Secret(pw)
	if cfg.GroupRoles, err = ParseGroupRoles(getenv("HOSTROLL_LDAP_GROUP_ROLES")); err != nil {
		return cfg, true, err
	}
	return cfg, true, cfg.Validate()
}

// ParseGroupRoles reads "role=groupDN;role=groupDN": each pair split at its
// first "=", in order (a user in several groups gets the first listed).
func ParseGroupRoles(s string) ([]GroupRole, error) {
	var out []GroupRole
	for _, part := range strings.Split(s, ";") {
		if part = strings.TrimSpace(part); part == "" {
			continue
		}
		role, dn, found := strings.Cut(part, "=")
		role, dn = strings.TrimSpace(role), strings.TrimSpace(dn)
		if !found || dn == "" {
			return nil, fmt.Errorf("HOSTROLL_LDAP_GROUP_ROLES: %q is not role=groupDN", part)
		}
		if !slices.Contains(inventory.Roles, role) {
			return nil, fmt.Errorf("HOSTROLL_LDAP_GROUP_ROLES: unknown role %q (one of %s)", role, strings.Join(inventory.Roles, ", "))
		}
		if _, err := ldap.ParseDN(dn); err != nil {
			return nil, fmt.Errorf("HOSTROLL_LDAP_GROUP_ROLES: %q is not a DN: %w", dn, err)
		}
		out = append(out, GroupRole{Role: role, GroupDN: dn})
	}
	return out, nil
}

// Validate says what is missing or wrong, naming the variable to set.
func (c *Config) Validate() error {
	if c.UserFilter == "" {
		c.UserFilter = DefaultUserFilter
	}
	if c.Timeout <= 0 {
		c.Timeout = DefaultTimeout
	}
	switch {
	case !strings.HasPrefix(c.URL, "ldap://") && !strings.HasPrefix(c.URL, "ldaps://"):
		return fmt.Errorf("HOSTROLL_LDAP_URL %q: want ldap://host:port or ldaps://host:port", c.URL)
	case c.StartTLS && strings.HasPrefix(c.URL, "ldaps://"):
		return fmt.Errorf("HOSTROLL_LDAP_STARTTLS=1 is for ldap:// URLs; ldaps:// is TLS already")
	case c.UserBase == "":
		return fmt.Errorf("HOSTROLL_LDAP_USER_BASE is not set: the DN under which users are searched")
	case strings.Count(c.UserFilter, "%s") != 1 || !strings.HasPrefix(c.UserFilter, "("):
		return fmt.Errorf("HOSTROLL_LDAP_USER_FILTER %q: want an LDAP filter with one %%s for the name, e.g. %s", c.UserFilter, DefaultUserFilter)
	case len(c.GroupRoles) == 0:
		return fmt.Errorf("HOSTROLL_LDAP_GROUP_ROLES is not set: nobody could sign in (role=groupDN;…)")
	}
	if _, err := ldap.CompileFilter(strings.Replace(c.UserFilter, "%s", "x", 1)); err != nil {
		return fmt.Errorf("HOSTROLL_LDAP_USER_FILTER %q: %w", c.UserFilter, err)
	}
	return nil
}

// tlsConfig is the TLS of ldaps:// and StartTLS: the CA file's certificates
// when one is given, else the system's.
func (c *Config) tlsConfig() (*tls.Config, error) {
	host := strings.TrimPrefix(strings.TrimPrefix(c.URL, "ldaps://"), "ldap://")
	host, _, _ = strings.Cut(host, "/")
	if h, _, found := strings.Cut(host, ":"); found && !strings.HasPrefix(host, "[") {
		host = h
	}
	tc := &tls.Config{ServerName: strings.Trim(host, "[]"), MinVersion: tls.VersionTLS12}
	if c.CAFile == "" {
		return tc, nil
	}
	pem, err := os.ReadFile(c.CAFile)
	if err != nil {
		return nil, fmt.Errorf("HOSTROLL_LDAP_CA_FILE: %w", err)
	}
	tc.RootCAs = x509.NewCertPool()
	if !tc.RootCAs.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("HOSTROLL_LDAP_CA_FILE %s: no PEM certificate in it", c.CAFile)
	}
	return tc, nil
}

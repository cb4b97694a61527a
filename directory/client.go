package directory

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
	"time"

	"github.com/go-ldap/ldap/v3"

	"hostroll/inventory"
)

// Client asks the directory; it satisfies inventory.Directory. Each call
// opens its own connection, so a directory that restarts costs nothing.
type Client struct {
	cfg Config
	tls *tls.Config
}

// New checks the configuration and loads the CA file.
func New(cfg Config) (*Client, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	tc, err := cfg.tlsConfig()
	if err != nil {
		return nil, err
	}
	return &Client{cfg: cfg, tls: tc}, nil
}

// Config returns the client's configuration.
func (c *Client) Config() Config { return c.cfg }

// conn is one conversation with the directory, with one deadline for all of
// it.
type conn struct {
	*ldap.Conn
	deadline time.Time
}

// down wraps an error as the directory being unavailable.
func down(what string, err error) error {
	return fmt.Errorf("directory: %s: %w (%w)", what, inventory.ErrDirectoryDown, err)
}

// open connects, upgrades with StartTLS when configured and binds as the
// service account, all before the deadline.
func (c *Client) open(ctx context.Context) (*conn, error) {
	deadline := time.Now().Add(c.cfg.Timeout)
	if d, ok := ctx.Deadline(); ok && d.Before(deadline) {
		deadline = d
	}
	lc, err := c.dial(ctx, deadline)
	if err != nil {
		return nil, down("connect to "+c.cfg.URL, err)
	}
	cn := &conn{Conn: lc, deadline: deadline}
	if c.cfg.StartTLS {
		if err := cn.op(func() error { return lc.StartTLS(c.tls) }); err != nil {
			lc.Close()
			return nil, down("StartTLS", err)
		}
	}
	if c.cfg.BindDN != "" {
		err := cn.op(func() error { return lc.Bind(c.cfg.BindDN, c.cfg.BindPassword.Reveal()) })
		if err != nil {
			lc.Close()
			return nil, down("bind as the service account "+c.cfg.BindDN, err)
		}
	}
	return cn, nil
}

// dial connects (and for ldaps:// shakes hands) before the deadline, which
// then stays on the socket: no read or write of the whole conversation,
// StartTLS's handshake included, can outlive it.
func (c *Client) dial(ctx context.Context, deadline time.Time) (*ldap.Conn, error) {
	u, err := url.Parse(c.cfg.URL)
	if err != nil {
		return nil, err
	}
	host := u.Host
	if u.Port() == "" {
		port := "389"
		if u.Scheme == "ldaps" {
			port = "636"
		}
		host = net.JoinHostPort(u.Hostname(), port)
	}
	dctx, cancel := context.WithDeadline(ctx, deadline)
	defer cancel()
	raw, err := (&net.Dialer{}).DialContext(dctx, "tcp", host)
	if err != nil {
		return nil, err
	}
	if err := raw.SetDeadline(deadline); err != nil {
		raw.Close()
		return nil, err
	}
	if u.Scheme != "ldaps" {
		lc := ldap.NewConn(raw, false)
		lc.Start()
		return lc, nil
	}
	tc := tls.Client(raw, c.tls)
	if err := tc.HandshakeContext(dctx); err != nil {
		raw.Close()
		return nil, err
	}
	lc := ldap.NewConn(tc, true)
	lc.Start()
	return lc, nil
}

// op runs one request with what is left of the deadline as its timeout.
func (cn *conn) op(f func() error) error {
	left := time.Until(cn.deadline)
	if left <= 0 {
		return errors.New("timed out")
	}
	cn.SetTimeout(left)
	return f()
}

// Lookup finds a user with the service account, without their password:
// their entry, groups, the role the first mapped group gives ("" when none)
// and unit code. An unknown user is inventory.ErrSignIn. "hostroll ldap test"
// shows it.
func (c *Client) Lookup(ctx context.Context, username string) (inventory.DirectoryUser, error) {
	cn, err := c.open(ctx)
	if err != nil {
		return inventory.DirectoryUser{}, err
	}
	defer cn.Close()
	return c.find(cn, username)
}

// Authenticate finds the user and binds as them with password (see
// inventory.Directory for the errors).
func (c *Client) Authenticate(ctx context.Context, username, password string) (inventory.DirectoryUser, error) {
	if password == "" { // an empty password is an anonymous bind, which "succeeds"
		return inventory.DirectoryUser{}, inventory.ErrSignIn
	}
	cn, err := c.open(ctx)
	if err != nil {
		return inventory.DirectoryUser{}, err
	}
	defer cn.Close()
	du, err := c.find(cn, username)
	if err != nil {
		return du, err
	}
	err = cn.op(func() error { return cn.Bind(du.DN, password) })
	switch {
	case ldap.IsErrorWithCode(err, ldap.LDAPResultInvalidCredentials):
		return inventory.DirectoryUser{}, inventory.ErrSignIn
	case err != nil:
		return inventory.DirectoryUser{}, down("bind as "+du.DN, err)
	case du.Role == "":
		return du, inventory.NoGroupError(username)
	}
	return du, nil
}

// find searches the user's entry (exactly one), their groups and unit.
func (c *Client) find(cn *conn, username string) (inventory.DirectoryUser, error) {
	attrs := []string{"cn", "displayName", "memberOf"}
	if c.cfg.UnitAttr != "" {
		attrs = append(attrs, c.cfg.UnitAttr)
	}
	filter := strings.Replace(c.cfg.UserFilter, "%s", ldap.EscapeFilter(username), 1)
	req := ldap.NewSearchRequest(c.cfg.UserBase, ldap.ScopeWholeSubtree, ldap.NeverDerefAliases,
		2, 0, false, filter, attrs, nil)
	var res *ldap.SearchResult
	err := cn.op(func() (err error) { res, err = cn.Search(req); return err })
	switch {
	case ldap.IsErrorWithCode(err, ldap.LDAPResultSizeLimitExceeded):
		return inventory.DirectoryUser{}, inventory.ErrSignIn // more than one: not a user name
	case err != nil:
		return inventory.DirectoryUser{}, down("search users under "+c.cfg.UserBase, err)
	case len(res.Entries) != 1:
		return inventory.DirectoryUser{}, inventory.ErrSignIn
	}
	e := res.Entries[0]
	du := inventory.DirectoryUser{DN: e.DN, DisplayName: e.GetAttributeValue("displayName"),
		Groups: e.GetAttributeValues("memberOf")}
	if du.DisplayName == "" {
		du.DisplayName = e.GetAttributeValue("cn")
	}
	if c.cfg.UnitAttr != "" {
		du.UnitCode = strings.TrimSpace(e.GetAttributeValue(c.cfg.UnitAttr))
	}
	if c.cfg.GroupBase != "" {
		groups, err := c.groups(cn, e.DN)
		if err != nil {
			return inventory.DirectoryUser{}, err
		}
		du.Groups = appendNew(du.Groups, groups...)
	}
	du.Role = c.role(du.Groups)
	return du, nil
}

// groups are the groups under the group base that name dn as a member.
func (c *Client) groups(cn *conn, dn string) ([]string, error) {
	esc := ldap.EscapeFilter(dn)
	req := ldap.NewSearchRequest(c.cfg.GroupBase, ldap.ScopeWholeSubtree, ldap.NeverDerefAliases,
		0, 0, false, "(|(member="+esc+")(uniqueMember="+esc+"))", []string{"1.1"}, nil)
	var res *ldap.SearchResult
	if err := cn.op(func() (err error) { res, err = cn.Search(req); return err }); err != nil {
		return nil, down("search groups under "+c.cfg.GroupBase, err)
	}
	out := make([]string, 0, len(res.Entries))
	for _, e := range res.Entries {
		out = append(out, e.DN)
	}
	return out, nil
}

// role is the role of the first mapping whose group is among groups.
func (c *Client) role(groups []string) string {
	for _, gr := range c.cfg.GroupRoles {
		for _, g := range groups {
			if sameDN(gr.GroupDN, g) {
				return gr.Role
			}
		}
	}
	return ""
}

// sameDN compares two DNs as the directory does: attribute names and
// values regardless of case and spacing.
func sameDN(a, b string) bool {
	da, errA := ldap.ParseDN(a)
	db, errB := ldap.ParseDN(b)
	if errA != nil || errB != nil {
		return strings.EqualFold(a, b)
	}
	return da.EqualFold(db)
}

// appendNew appends the DNs of more that are not in list yet.
func appendNew(list []string, more ...string) []string {
next:
	for _, m := range more {
		for _, l := range list {
			if sameDN(l, m) {
				continue next
			}
		}
		list = append(list, m)
	}
	return list
}

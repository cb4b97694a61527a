package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"testing"
	"time"

	"hostroll/directory"
	"hostroll/directory/slapdtest"
	"hostroll/inventory"
	"hostroll/inventory/dbtest"
	"hostroll/web"
)

// signInAs posts to /api/v1/session and returns the answer, and the
// session (nil when refused).
func (c *client) signInAs(t *testing.T, username, password string) (response, *browser) {
	t.Helper()
	js, _ := json.Marshal(obj{"username": username, "password": password})
	req := httptest.NewRequest("POST", "/api/v1/session", bytes.NewReader(js))
	req.Header.Set("Content-Type", "application/json")
	res := c.send(t, req)
	if res.status != 200 {
		return res, nil
	}
	var me obj
	if err := json.Unmarshal(res.raw, &me); err != nil {
		t.Fatal(err)
	}
	b := &browser{c: c}
	b.csrf, _ = me["csrf_token"].(string)
	for _, ck := range (&http.Response{Header: res.header}).Cookies() {
		if ck.Name == web.SessionCookie {
			b.cookie = ck.Value
		}
	}
	return res, b
}

// withDirectory makes the client's store sign in with the slapd.
func withDirectory(t *testing.T, c *client, srv *slapdtest.Server) {
	t.Helper()
	dir, err := directory.New(srv.Config())
	if err != nil {
		t.Fatal(err)
	}
	c.store.SetDirectory(dir)
	c.create(t, "/api/v1/units", obj{"code": "XXJ-01", "name": "州信息中心", "kind": "department"})
}

// TestDirectorySignInAPI signs in with POST /api/v1/session against a real
// slapd: directory users get their role and unit, the refusals say why, and
// a stopped directory is a 503 rather than a hang.
func TestDirectorySignInAPI(t *testing.T) {
	srv := slapdtest.Start(t)
	dbtest.Each(t, func(t *testing.T, db dbtest.DB) {
		c := newClient(t, testConfig(db.Store), db.Name)
		withDirectory(t, c, srv)
		anon := c.anonymous()
		res, b := anon.signInAs(t, "alice", slapdtest.Password)
		me := res.want(t, 200)
		if me["source"] != "ldap" || me["role"] != "reviewer" || me["unit_code"] != "XXJ-01" || me["display_name"] != "张丽" {
			t.Fatalf("alice: %v", me)
		}
		if r := b.req(t, "GET", "/api/v1/projects", "", ""); r.status != 200 {
			t.Fatalf("alice reads projects: %d %s", r.status, r.raw)
		}
		cases := []struct {
			name, user, password string
			status               int
			code, says           string
		}{
			{"wrong password", "alice", "Wrong-Pass-2024x", 401, "unauthorized", "用户名或密码错误"},
			{"unknown user", "mallory", slapdtest.Password, 401, "unauthorized", "用户名或密码错误"},
			{"filter injection", "*)(uid=*", slapdtest.Password, 401, "unauthorized", "用户名或密码错误"},
			{"no mapped group", "carol", slapdtest.Password, 403, "forbidden", "不属于任何已映射"},
			{"unknown unit", "dave", slapdtest.Password, 403, "forbidden", "NOPE-99"},
		}
		for _, tc := range cases {
			r, _ := anon.signInAs(t, tc.user, tc.password)
			d := wantErr(t, r, tc.status, tc.code, "")
			if !strings.Contains(message(d), tc.says) {
				t.Errorf("%s: message %q lacks %q", tc.name, message(d), tc.says)
			}
		}
		users, _ := c.list(t, "/api/v1/users?q=carol")
		if len(users) != 0 {
			t.Errorf("a refused directory user was created: %v", users)
		}
	})
}

// TestDirectoryDownAPI: with the directory stopped, sign-in is a 503
// directory_unavailable within the directory timeout, never a hang; local
// users still sign in.
func TestDirectoryDownAPI(t *testing.T) {
	srv := slapdtest.Start(t)
	db := dbtest.SQLite(t)
	c := newClient(t, testConfig(db.Store), db.Name)
	withDirectory(t, c, srv)
	anon := c.anonymous()
	if r, _ := anon.signInAs(t, "bob", slapdtest.Password); r.status != 200 {
		t.Fatalf("bob before the directory stops: %d %s", r.status, r.raw)
	}
	for _, stop := range []struct {
		name string
		do   func()
	}{{"hung (SIGSTOP)", srv.Freeze}, {"killed", srv.Kill}} {
		stop.do()
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute) // generous: a bound, not a measurement
		done := make(chan response, 1)
		go func() { r, _ := anon.signInAs(t, "bob", slapdtest.Password); done <- r }()
		select {
		case r := <-done:
			d := wantErr(t, r, 503, "directory_unavailable", "")
			if !strings.Contains(message(d), "目录服务") {
				t.Errorf("%s: message %q", stop.name, message(d))
			}
		case <-ctx.Done():
			t.Fatalf("%s: sign-in still hangs after a minute", stop.name)
		}
		cancel()
	}
	srv.Thaw()
	if r, _ := anon.signInAs(t, "admin", testPassword); r.status != 200 {
		t.Fatalf("local admin with the directory down: %d %s", r.status, r.raw)
	}
}

// TestDirectoryAudit: a directory sign-in, and the role change it brings,
// are audit rows.
func TestDirectoryAudit(t *testing.T) {
	srv := slapdtest.Start(t)
	db := dbtest.Postgres(t)
	c := newClient(t, testConfig(db.Store), db.Name)
	withDirectory(t, c, srv)
	c.anonymous().signInAs(t, "erin", slapdtest.Password)
	rows, _ := c.list(t, "/api/v1/audit?actor=directory")
	if len(rows) != 1 || rows[0]["action"] != "create" || rows[0]["entity"] != "user" {
		t.Fatalf("audit of the directory user's creation: %v", rows)
	}
	signIns, _ := c.list(t, "/api/v1/audit?action=sign_in&actor=erin")
	var sources []string
	for _, r := range signIns {
		after, _ := r["after"].(obj)
		src, _ := after["source"].(string)
		sources = append(sources, src)
	}
	sort.Strings(sources)
	if len(sources) != 1 || sources[0] != inventory.SourceLDAP {
		t.Fatalf("audit of the directory sign-in: %v", signIns)
	}
}

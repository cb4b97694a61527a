package web_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp/fasthttputil"

	"hostroll/inventory"
	"hostroll/inventory/dbtest"
	"hostroll/web"
)

// obj is a decoded JSON object; numbers are json.Number so that integers can
// be told from fractions.
type obj = map[string]any

// client drives one fiber app over one fresh database, as one user: its
// requests carry that user's API token (write-enabled). Its requests run one
// at a time (subtests that share a client are sequential).
type client struct {
	app     *fiber.App
	store   *inventory.Store
	dialect string
	cfg     web.Config
	token   string // "hr_…", sent as Authorization: Bearer; "" sends none
	user    string
	users   *int // how many users as() made, for unique names
	// lang is the Accept-Language the API requests carry unless they set
	// their own: "en" for the tests that read the English messages (the
	// API's default, Chinese, has its own tests in api_lang_test.go); ""
	// sends none. Page requests carry none.
	lang string
}

// inLang is the client sending Accept-Language lang ("" for none).
func (c *client) inLang(lang string) *client {
	other := *c
	other.lang = lang
	return &other
}

// testPepper keys the test apps' token HMAC.
var testPepper = []byte("test pepper: 32 bytes of nothing")

// testPassword passes the password rules.
const testPassword = "Test-Pass-2024x"

// testConfig is the web config of the test apps over store.
func testConfig(store *inventory.Store) web.Config {
	return web.Config{Store: store, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Version: "test", TokenPepper: testPepper}
}

// newClient makes the app over store and a client authenticated as a fresh
// admin user ("admin").
func newClient(t *testing.T, cfg web.Config, dialect string) *client {
	t.Helper()
	c := &client{app: web.New(cfg), store: cfg.Store, dialect: dialect, cfg: cfg, users: new(int), lang: "en"}
	c.token = c.mkUser(t, "admin", inventory.RoleAdmin, nil)
	c.user = "admin"
	return c
}

// eachAPI runs fn, in parallel, once per database dialect, each with its own
// fresh database and app, as an admin.
func eachAPI(t *testing.T, fn func(t *testing.T, c *client)) {
	t.Helper()
	dbtest.Each(t, func(t *testing.T, db dbtest.DB) {
		t.Parallel()
		fn(t, newClient(t, testConfig(db.Store), db.Name))
	})
}

// mkUser creates a user through the store and returns a write-enabled token
// of theirs.
func (c *client) mkUser(t *testing.T, name, role string, unitID *int64) string {
	t.Helper()
	ctx := inventory.WithActor(context.Background(), "test-setup")
	u, _, err := c.store.CreateUser(ctx, inventory.UserInput{Username: name, Role: role, UnitID: unitID, Password: testPassword})
	if err != nil {
		t.Fatalf("create user %s: %v", name, err)
	}
	_, tok, err := c.store.CreateToken(ctx, testPepper, u.ID, inventory.TokenInput{WriteEnabled: true, Description: "test"})
	if err != nil {
		t.Fatalf("create token of %s: %v", name, err)
	}
	return tok
}

// as returns a client over the same app as a new user of role (a second
// admin for "admin"): the other identity a four-eyes step needs.
func (c *client) as(t *testing.T, role string) *client {
	t.Helper()
	return c.asUnit(t, role, nil)
}

// asUnit is as with the user's unit (required for unit_staff).
func (c *client) asUnit(t *testing.T, role string, unitID *int64) *client {
	t.Helper()
	*c.users++
	other := *c
	other.user = fmt.Sprintf("%s%d", role, *c.users)
	other.token = c.mkUser(t, other.user, role, unitID)
	return &other
}

// anonymous returns a client over the same app that sends no credentials.
func (c *client) anonymous() *client {
	other := *c
	other.token, other.user = "", ""
	return &other
}

// authorize adds the client's credentials to a request.
func (c *client) authorize(req *http.Request) {
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	if c.lang != "" && strings.HasPrefix(req.URL.Path, "/api/") && req.Header.Get("Accept-Language") == "" &&
		req.URL.Query().Get("lang") == "" { // the pages keep their own default
		req.Header.Set("Accept-Language", c.lang)
	}
}

// response is what the app answered.
type response struct {
	status int
	header http.Header
	raw    []byte
}

// do sends one request. body is nil (no body), a string or []byte (sent as
// is) or anything else (sent as its JSON).
func (c *client) do(t *testing.T, method, path string, body any) response {
	t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		js, err := json.Marshal(b)
		if err != nil {
			t.Fatalf("marshal request body: %v", err)
		}
		rd = bytes.NewReader(js)
	}
	req := httptest.NewRequest(method, path, rd)
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	c.authorize(req)
	return c.send(t, req)
}

// send sends a request to the app and checks the exchange against
// web/openapi.yaml (checkOpenAPI): every request of the API tests goes
// through here or through doListening.
func (c *client) send(t *testing.T, req *http.Request) response {
	t.Helper()
	sent := recordBody(req)
	res, err := c.app.Test(req, -1)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatalf("%s %s: read body: %v", req.Method, req.URL, err)
	}
	r := response{status: res.StatusCode, header: res.Header, raw: raw}
	checkOpenAPI(t, c.app, req, sent.Bytes(), r)
	return r
}

// sendUnchecked sends a request without the OpenAPI check, for what the
// API description does not cover: the sign-in page (HTML, outside /api/v1)
// and the route table test, which probes every route with placeholder ids
// and empty bodies only to see the access check answer.
func (c *client) sendUnchecked(t *testing.T, req *http.Request) response {
	t.Helper()
	res, err := c.app.Test(req, -1)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatalf("%s %s: read body: %v", req.Method, req.URL, err)
	}
	return response{status: res.StatusCode, header: res.Header, raw: raw}
}

// doListening sends one request to a fresh app over the same store, served
// on an in-memory listener: the way to see what a client gets when the server
// refuses a request before its handlers run (app.Test turns that into an
// error). The whole request is written at once and the answer read from the
// same connection.
func (c *client) doListening(t *testing.T, method, path, body string) response {
	t.Helper()
	app := web.New(c.cfg)
	ln := fasthttputil.NewInmemoryListener()
	served := make(chan error, 1)
	go func() { served <- app.Listener(ln) }()
	defer func() {
		if err := app.Shutdown(); err != nil {
			t.Errorf("shutdown: %v", err)
		}
		<-served
	}()
	conn, err := ln.Dial()
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	defer conn.Close()
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	c.authorize(req)
	var buf bytes.Buffer
	if err := req.Write(&buf); err != nil {
		t.Fatal(err)
	}
	if _, err := conn.Write(buf.Bytes()); err != nil {
		t.Fatalf("write request: %v", err)
	}
	res, err := http.ReadResponse(bufio.NewReader(conn), req)
	if err != nil {
		t.Fatalf("%s %s: read response: %v", method, path, err)
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatalf("%s %s: read body: %v", method, path, err)
	}
	r := response{status: res.StatusCode, header: res.Header, raw: raw}
	checkOpenAPI(t, app, req, []byte(body), r)
	return r
}

// obj decodes the body as one JSON object.
func (r response) obj(t *testing.T) obj {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(r.raw))
	dec.UseNumber()
	var o obj
	if err := dec.Decode(&o); err != nil || o == nil {
		t.Fatalf("body is not a JSON object (%v): %s", err, r.raw)
	}
	return o
}

// want fails the test unless the status is want, and decodes the object.
func (r response) want(t *testing.T, want int) obj {
	t.Helper()
	if r.status != want {
		t.Fatalf("status %d, want %d; body: %s", r.status, want, r.raw)
	}
	return r.obj(t)
}

func (c *client) create(t *testing.T, path string, body any) obj {
	t.Helper()
	o := c.do(t, "POST", path, body).want(t, fiber.StatusCreated)
	checkObject(t, o)
	return o
}

func (c *client) get(t *testing.T, path string) obj {
	t.Helper()
	return c.do(t, "GET", path, nil).want(t, fiber.StatusOK)
}

func (c *client) patch(t *testing.T, path string, body any) obj {
	t.Helper()
	return c.do(t, "PATCH", path, body).want(t, fiber.StatusOK)
}

// list GETs a collection and returns its items and total, checking the shape.
func (c *client) list(t *testing.T, path string) ([]obj, int) {
	t.Helper()
	o := c.get(t, path)
	if len(o) != 2 {
		t.Fatalf("GET %s: keys %v, want exactly items and total", path, keys(o))
	}
	raw, ok := o["items"].([]any)
	if !ok {
		t.Fatalf("GET %s: items is %T, want an array: %v", path, o["items"], o)
	}
	items := make([]obj, len(raw))
	for i, it := range raw {
		if items[i], ok = it.(obj); !ok {
			t.Fatalf("GET %s: item %d is %T", path, i, it)
		}
	}
	return items, int(intOf(t, o["total"]))
}

// ids returns the ids of list items, in order.
func ids(t *testing.T, items []obj) []int64 {
	t.Helper()
	out := make([]int64, len(items))
	for i, it := range items {
		out[i] = idOf(t, it)
	}
	return out
}

// wantErr checks the one error shape of the API and returns its detail:
// {"error": {"code": code, "message": "...", "fields": {field: "..."}}}.
func wantErr(t *testing.T, r response, status int, code, field string) obj {
	t.Helper()
	if r.status != status {
		t.Fatalf("status %d, want %d (%s); body: %s", r.status, status, code, r.raw)
	}
	if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("Content-Type %q, want application/json", ct)
	}
	o := r.obj(t)
	if len(o) != 1 {
		t.Errorf("error body has keys %v, want only error", keys(o))
	}
	d, ok := o["error"].(obj)
	if !ok {
		t.Fatalf("error is %T, want an object: %s", o["error"], r.raw)
	}
	if d["code"] != code {
		t.Errorf("error.code = %v, want %q; body: %s", d["code"], code, r.raw)
	}
	if m, _ := d["message"].(string); strings.TrimSpace(m) == "" {
		t.Errorf("error.message is empty: %s", r.raw)
	}
	if field != "" {
		f, _ := d["fields"].(obj)
		if m, _ := f[field].(string); m == "" {
			t.Errorf("error.fields has no message for %q: %s", field, r.raw)
		}
	}
	return d
}

// message is the error message of an error detail.
func message(d obj) string { s, _ := d["message"].(string); return s }

// fieldMsg is the message for one field of an error detail.
func fieldMsg(d obj, field string) string {
	f, _ := d["fields"].(obj)
	s, _ := f[field].(string)
	return s
}

var snakeCase = regexp.MustCompile(`^[a-z][a-z0-9]*(_[a-z0-9]+)*$`)

// checkObject asserts that an entity has a positive integer id and snake_case
// keys.
func checkObject(t *testing.T, o obj) {
	t.Helper()
	if id := idOf(t, o); id < 1 {
		t.Errorf("id = %d, want a positive integer", id)
	}
	for k := range o {
		if !snakeCase.MatchString(k) {
			t.Errorf("key %q is not snake_case", k)
		}
	}
}

// idOf reads the integer id of an entity.
func idOf(t *testing.T, o obj) int64 {
	t.Helper()
	return intOf(t, o["id"])
}

// intOf reads a JSON integer, failing on fractions, strings and absence.
func intOf(t *testing.T, v any) int64 {
	t.Helper()
	n, ok := v.(json.Number)
	if !ok {
		t.Fatalf("%v (%T) is not a JSON number", v, v)
	}
	i, err := strconv.ParseInt(string(n), 10, 64)
	if err != nil {
		t.Fatalf("%s is not a JSON integer", n)
	}
	return i
}

// num reads a JSON number.
func num(t *testing.T, v any) float64 {
	t.Helper()
	n, ok := v.(json.Number)
	if !ok {
		t.Fatalf("%v (%T) is not a JSON number", v, v)
	}
	f, err := n.Float64()
	if err != nil {
		t.Fatalf("%s: %v", n, err)
	}
	return f
}

func keys(o obj) []string {
	out := make([]string, 0, len(o))
	for k := range o {
		out = append(out, k)
	}
	return out
}

// merge returns a copy of base with over's keys set on it.
func merge(base obj, over obj) obj {
	out := obj{}
	for k, v := range base {
		out[k] = v
	}
	for k, v := range over {
		out[k] = v
	}
	return out
}

// without returns a copy of base without the named keys.
func without(base obj, names ...string) obj {
	out := merge(base, nil)
	for _, n := range names {
		delete(out, n)
	}
	return out
}

func p(format string, args ...any) string { return fmt.Sprintf(format, args...) }

// Seeds, created through the API.

func (c *client) unit(t *testing.T, code string) int64 {
	t.Helper()
	return idOf(t, c.create(t, "/api/v1/units", obj{"code": code, "name": "Unit " + code}))
}

func (c *client) room(t *testing.T, unitID int64, name string) int64 {
	t.Helper()
	return idOf(t, c.create(t, "/api/v1/rooms", obj{"name": name, "unit_id": unitID, "kind": "central"}))
}

func (c *client) rack(t *testing.T, roomID int64, name string, height int) int64 {
	t.Helper()
	return idOf(t, c.create(t, "/api/v1/racks", obj{"room_id": roomID, "name": name, "u_height": height}))
}

// rackIn creates a unit, a room and a rack of the given height and returns
// the unit and rack ids.
func (c *client) rackIn(t *testing.T, tag string, height int) (unitID, roomID, rackID int64) {
	t.Helper()
	unitID = c.unit(t, "U-"+tag)
	roomID = c.room(t, unitID, "Room "+tag)
	return unitID, roomID, c.rack(t, roomID, "R-"+tag, height)
}

// device creates a server of unitID with the extra fields set.
func (c *client) device(t *testing.T, unitID int64, name string, extra obj) obj {
	t.Helper()
	return c.create(t, "/api/v1/devices", merge(obj{"name": name, "kind": "server", "unit_id": unitID}, extra))
}

func (c *client) auditTotal(t *testing.T) int {
	t.Helper()
	_, total := c.list(t, "/api/v1/audit?limit=1")
	return total
}

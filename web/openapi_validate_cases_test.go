package web_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/gofiber/fiber/v2"

	"hostroll/web"
)

// exchangeCase is one doctored exchange and what the check must say of it.
type exchangeCase struct {
	name   string
	app    *fiber.App // nil: the real app
	method string
	path   string
	ctype  string // request Content-Type
	body   string
	res    response
	want   []string // each must appear in one violation; none: no violation
}

// TestOpenAPICheckCatches proves the check the API tests run on every
// exchange finds what it must: real answers pass, and the same answers
// doctored (a wrong type, a missing field, a value outside its enum, an
// undescribed status, header or route, a request the description refuses
// but the server took) fail with the method, the path, the status and the
// place in the body.
func TestOpenAPICheckCatches(t *testing.T) {
	eachAPI(t, func(t *testing.T, c *client) {
		unit := c.unit(t, "NEG")
		dev := c.device(t, unit, "neg-1", obj{"purchase_price": 1200.5})
		item := p("/api/v1/devices/%d", idOf(t, dev))
		got := c.do(t, "GET", item, nil)
		csv := c.do(t, "GET", "/api/v1/reports/consolidation?format=csv", nil)
		missing := c.do(t, "GET", "/api/v1/no-such-thing", nil)

		extra := fiber.New()
		extra.Get("/api/v1/units/:id/badges", func(c *fiber.Ctx) error { return c.JSON(fiber.Map{"badges": 1}) })

		doctor := func(r response, edit func(o obj)) response {
			o := r.obj(t)
			edit(o)
			js, err := json.Marshal(o)
			if err != nil {
				t.Fatal(err)
			}
			return response{status: r.status, header: r.header, raw: js}
		}
		withHeader := func(r response, k, v string) response {
			h := r.header.Clone()
			h.Set(k, v)
			return response{status: r.status, header: h, raw: r.raw}
		}
		cases := []exchangeCase{
			{name: "a real answer passes", method: "GET", path: item, res: got},
			{name: "a real CSV answer passes", method: "GET", path: "/api/v1/reports/consolidation?format=csv", res: csv},
			{name: "an unknown route's 404 passes", method: "GET", path: "/api/v1/no-such-thing", res: missing},
			{name: "a number where the schema says number or null", method: "GET", path: item,
				res:  doctor(got, func(o obj) { o["purchase_price"] = "free" }),
				want: []string{"GET /api/v1/devices/{id} → 200", "operationId getDevice", "at /purchase_price", "must be a number", `"free"`}},
			{name: "null where null is not allowed", method: "GET", path: item,
				res:  doctor(got, func(o obj) { o["name"] = nil }),
				want: []string{"at /name", "not nullable"}},
			{name: "a value outside the enum", method: "GET", path: item,
				res:  doctor(got, func(o obj) { o["kind"] = "toaster" }),
				want: []string{"at /kind", "allowed values", "schema DeviceKind"}},
			{name: "a required field missing", method: "GET", path: item,
				res:  doctor(got, func(o obj) { delete(o, "status") }),
				want: []string{`property "status" is missing`}},
			{name: "a field the description does not name", method: "GET", path: item,
				res:  doctor(got, func(o obj) { o["colour"] = "red" }),
				want: []string{`at /: property "colour" is unsupported`}},
			{name: "a value outside its format", method: "GET", path: item,
				res:  doctor(got, func(o obj) { o["last_polled_at"] = "yesterday" }),
				want: []string{"at /last_polled_at", "date-time"}},
			{name: "a status the operation does not describe", method: "GET", path: item,
				res:  response{status: http.StatusTeapot, header: got.header, raw: got.raw},
				want: []string{"GET /api/v1/devices/{id} → 418", "status is not supported"}},
			{name: "a content type the operation does not describe", method: "GET", path: item,
				res:  withHeader(got, "Content-Type", "text/html"),
				want: []string{"Content-Type", "text/html"}},
			{name: "a described header that breaks its schema", method: "GET", path: "/api/v1/reports/consolidation?format=csv",
				res:  withHeader(csv, "Content-Disposition", "inline"),
				want: []string{`response header "Content-Disposition"`, "regular expression"}},
			{name: "a CSV body that is not CSV", method: "GET", path: "/api/v1/reports/consolidation?format=csv",
				res:  response{status: 200, header: csv.header, raw: []byte("a,\"b\n")},
				want: []string{"failed to decode response body"}},
			{name: "a request the description refuses, accepted", method: "POST", path: "/api/v1/units",
				ctype: "application/json", body: `{"code": 5, "name": "x"}`,
				res:  response{status: 201, header: got.header, raw: []byte(`{}`)},
				want: []string{"POST /api/v1/units → 201", "the description refuses this request, yet the server accepted it", "request body: at /code"}},
			{name: "a request the description refuses, refused", method: "POST", path: "/api/v1/units",
				ctype: "application/json", body: `{"code": 5, "name": "x"}`,
				res: c.do(t, "POST", "/api/v1/units", `{"code": 5, "name": "x"}`)},
			{name: "a multipart upload the description refuses, accepted", method: "POST", path: "/api/v1/projects/1/documents",
				ctype: "multipart/form-data; boundary=B",
				body:  "--B\r\nContent-Disposition: form-data; name=\"type\"\r\n\r\nbrochure\r\n--B--\r\n",
				res:   response{status: 201, header: got.header, raw: []byte(`{}`)},
				want: []string{"POST /api/v1/projects/{id}/documents → 201", "request body: at /type",
					`request body: at /title: property "title" is missing`, "/title absent"}},
			{name: "a query parameter the description refuses, accepted", method: "GET", path: "/api/v1/devices?unit_id=abc",
				res:  got,
				want: []string{`query parameter "unit_id"`}},
			{name: "a route the app serves and the description lacks", app: extra, method: "GET", path: "/api/v1/units/3/badges",
				res: response{status: 200, header: got.header, raw: []byte(`{"badges": 1}`)},
				want: []string{"GET /api/v1/units/{id}/badges → 200", "the app serves GET /api/v1/units/:id/badges: describe it",
					"e.g. /api/v1/units/3/badges"}},
			{name: "a method the path lacks, refused by the app", method: "PUT", path: item,
				ctype: "application/json", body: `{"name": "x"}`,
				res: c.do(t, "PUT", item, `{"name": "x"}`)},
			{name: "a method the path lacks, answered", method: "PUT", path: item,
				res:  response{status: 200, header: got.header, raw: got.raw},
				want: []string{"PUT /api/v1/devices/", "web/openapi.yaml has the path but not the method PUT", "not 404 or 405"}},
			{name: "an unknown route that answers 200", method: "GET", path: "/api/v1/no-such-thing",
				res:  response{status: 200, header: got.header, raw: []byte(`{}`)},
				want: []string{"no route answered, yet the status is not 404 or 405"}},
			{name: "an unknown route whose 404 is not the error shape", method: "GET", path: "/api/v1/no-such-thing",
				res:  response{status: 404, header: got.header, raw: []byte(`{"message": "gone"}`)},
				want: []string{`error body: at /error: property "error" is missing`, "schema Error"}},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				app := tc.app
				if app == nil {
					app = c.app
				}
				problems := violationsOfExchange(t, app, tc)
				if len(tc.want) == 0 {
					if len(problems) > 0 {
						t.Errorf("want no violation, got:\n%s", strings.Join(problems, "\n"))
					}
					return
				}
				if len(problems) == 0 {
					t.Fatalf("want a violation mentioning %q, got none", tc.want)
				}
				for _, w := range tc.want {
					if !slices.ContainsFunc(problems, func(p string) bool { return strings.Contains(p, w) }) {
						t.Errorf("no violation mentions %q; got:\n%s", w, strings.Join(problems, "\n"))
					}
				}
			})
		}
	})
}

// violationsOfExchange runs the check on one exchange and returns each
// violation as the failure message would print it.
func violationsOfExchange(t *testing.T, app *fiber.App, tc exchangeCase) []string {
	t.Helper()
	spec, err := openAPI()
	if err != nil {
		t.Fatal(err)
	}
	req := httptest.NewRequest(tc.method, tc.path, strings.NewReader(tc.body))
	if tc.ctype != "" {
		req.Header.Set("Content-Type", tc.ctype)
	}
	var out []string
	for _, v := range spec.violations(app, req, []byte(tc.body), tc.res) {
		out = append(out, fmt.Sprintf("%s [%s] %s (e.g. %s)", v.exchange, v.where, v.problem, v.example))
	}
	return out
}

// recordingTB is a test that records what it would report, to see the
// collected violations fail it when it ends.
type recordingTB struct {
	testing.TB
	cleanups []func()
	errors   []string
}

func (r *recordingTB) Helper()                   {}
func (r *recordingTB) Cleanup(f func())          { r.cleanups = append(r.cleanups, f) }
func (r *recordingTB) Error(args ...any)         { r.errors = append(r.errors, fmt.Sprint(args...)) }
func (r *recordingTB) Fatal(args ...any)         { panic(fmt.Sprint(args...)) }
func (r *recordingTB) Errorf(f string, a ...any) { r.errors = append(r.errors, fmt.Sprintf(f, a...)) }

// end runs the cleanups as the testing package does when a test ends.
func (r *recordingTB) end() {
	for i := len(r.cleanups) - 1; i >= 0; i-- {
		r.cleanups[i]()
	}
}

// TestOpenAPICheckFailsTheTest: violations found during a test fail that test
// once it ends, with one entry per distinct problem and how often it was
// seen; a test with none is not failed.
func TestOpenAPICheckFailsTheTest(t *testing.T) {
	eachAPI(t, func(t *testing.T, c *client) {
		r := c.do(t, "GET", "/api/v1/units?limit=1", nil)
		bad := response{status: r.status, header: r.header, raw: []byte(`{"items": [], "total": "none"}`)}

		clean := &recordingTB{TB: t}
		checkOpenAPI(clean, c.app, httptest.NewRequest("GET", "/api/v1/units?limit=1", nil), nil, r)
		clean.end()
		if len(clean.errors) != 0 {
			t.Errorf("a valid exchange failed the test: %v", clean.errors)
		}

		failing := &recordingTB{TB: t}
		for range 3 {
			checkOpenAPI(failing, c.app, httptest.NewRequest("GET", "/api/v1/units?limit=2", nil), nil, bad)
		}
		if len(failing.errors) != 0 {
			t.Fatalf("violations were reported before the test ended: %v", failing.errors)
		}
		failing.end()
		if len(failing.errors) != 1 {
			t.Fatalf("want one failure message at the end, got %d: %v", len(failing.errors), failing.errors)
		}
		msg := failing.errors[0]
		for _, want := range []string{"web/openapi.yaml does not describe what the API did (1 problem;",
			"GET /api/v1/units → 200", "operationId listUnits", "seen 3 times", "at /total: value must be an integer",
			"e.g. /api/v1/units?limit=2; /total = \"none\""} {
			if !strings.Contains(msg, want) {
				t.Errorf("failure message lacks %q:\n%s", want, msg)
			}
		}
	})
}

// TestOpenAPICheckLeavesAuthToTheServer: once the description declares a
// bearer token and a session cookie, requests with or without them pass the
// check; whether they may pass is the server's business, and its 401 and 403
// must then be described like any other status.
func TestOpenAPICheckLeavesAuthToTheServer(t *testing.T) {
	doc, err := openapi3.NewLoader().LoadFromData(web.OpenAPI())
	if err != nil {
		t.Fatal(err)
	}
	if doc.Components.SecuritySchemes == nil {
		doc.Components.SecuritySchemes = openapi3.SecuritySchemes{}
	}
	doc.Components.SecuritySchemes["zzBearer"] = &openapi3.SecuritySchemeRef{
		Value: openapi3.NewJWTSecurityScheme()}
	doc.Components.SecuritySchemes["zzCookie"] = &openapi3.SecuritySchemeRef{
		Value: &openapi3.SecurityScheme{Type: "apiKey", In: "cookie", Name: "zz_session"}}
	doc.Security = openapi3.SecurityRequirements{{"zzBearer": {}}, {"zzCookie": {}}}
	spec, err := newOpenAPIDoc(doc)
	if err != nil {
		t.Fatal(err)
	}
	list := response{status: 200, header: http.Header{"Content-Type": {"application/json"}},
		raw: []byte(`{"items": [], "total": 0}`)}
	for _, auth := range []string{"", "Bearer hr_k1.s3cret"} {
		req := httptest.NewRequest("GET", "/api/v1/units", nil)
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		if v := spec.violations(web.New(web.Config{}), req, nil, list); len(v) > 0 {
			t.Errorf("Authorization %q: %v", auth, v)
		}
	}
}

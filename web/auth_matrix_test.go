package web_test

import (
	"io"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"hostroll/inventory"
	"hostroll/web"
)

// openRoutes are the routes anyone may call without credentials.
var openRoutes = map[string]bool{
	"GET /login":               true,
	"GET /static/+":            true, // the pages' CSS and scripts
	"POST /language":           true, // a cookie with the visitor's language
	"POST /login":              true,
	"GET /static/login.css":    true,
	"GET /api/v1/health":       true,
	"GET /api/v1/openapi.yaml": true,
	"POST /api/v1/session":     true, // signing in
}

// machineRoutes are the routes outside /api/v1 that programs, not people,
// call: they refuse like the API (JSON 401 and 403), not like a page. The
// metrics route also lets in HOSTROLL_METRICS_ALLOW's addresses without
// credentials; the test app's requests come from 0.0.0.0, which is not one.
var machineRoutes = map[string]bool{
	"GET /metrics": true,
}

var pathParam = regexp.MustCompile(`:[a-z_]+`)

// probe sends one request of the route table test: placeholder ids and empty
// bodies, to see the access check's answer, so not checked against the API
// description.
func (c *client) probe(t *testing.T, method, path string, body any) response {
	t.Helper()
	var rd io.Reader
	if body != nil {
		rd = strings.NewReader("{}")
	}
	req := httptest.NewRequest(method, path, rd)
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	c.authorize(req)
	return c.sendUnchecked(t, req)
}

// TestRouteTable walks the router: every route under /api/v1 but the open
// ones declares a known action, every role is checked against every route
// (403 forbidden naming the action, or through to the handler), and without
// credentials every guarded route is 401.
func TestRouteTable(t *testing.T) {
	eachAPI(t, func(t *testing.T, c *client) {
		unit := c.unit(t, "MATRIX")
		as := map[string]*client{}
		for _, role := range inventory.Roles {
			if role == inventory.RoleUnitStaff {
				as[role] = c.asUnit(t, role, &unit)
			} else {
				as[role] = c.as(t, role)
			}
		}
		anon := c.anonymous()
		routes := web.Routes(c.app)
		if len(routes) < 70 {
			t.Fatalf("only %d routes", len(routes))
		}
		for _, r := range routes {
			op := r.Method + " " + r.Path
			t.Run(op, func(t *testing.T) {
				path := pathParam.ReplaceAllString(r.Path, "999999")
				var body any
				if r.Method != "GET" && r.Method != "DELETE" {
					body = obj{}
				}
				if openRoutes[op] {
					if r.Action != "" {
						t.Errorf("open route declares %s", r.Action)
					}
					// Signing in may refuse; no open route asks for credentials.
					if res := anon.probe(t, r.Method, path, body); strings.Contains(string(res.raw), "请先登录") {
						t.Errorf("open route answered %d: %s", res.status, res.raw)
					}
					return
				}
				if !inventory.KnownAction(r.Action) {
					t.Fatalf("route declares no known action (%q): put can(\"resource.verb\") first", r.Action)
				}
				if !strings.HasPrefix(r.Path, "/api/") && !machineRoutes[op] {
					checkPageRoute(t, anon, as, r, path)
					return
				}
				d := wantErr(t, anon.probe(t, r.Method, path, body), 401, "unauthorized", "")
				if message(d) == "" {
					t.Error("401 without a message")
				}
				for _, role := range inventory.Roles {
					res := as[role].probe(t, r.Method, path, body)
					if inventory.Allowed(role, r.Action) {
						if res.status == 401 || (res.status == 403 && strings.Contains(string(res.raw), `"action"`)) {
							t.Errorf("%s may %s but got %d: %s", role, r.Action, res.status, res.raw)
						}
						continue
					}
					d := wantErr(t, res, 403, "forbidden", "action")
					if fieldMsg(d, "action") != r.Action || !strings.Contains(message(d), r.Action) {
						t.Errorf("%s: 403 names %q / %q, want %s", role, fieldMsg(d, "action"), message(d), r.Action)
					}
				}
			})
		}
	})
}

// checkPageRoute checks a page's route: without a session the visitor is
// sent to sign in (or, for a form only the signed-in post, refused with a
// page); a role that may not is refused with a page naming the action.
func checkPageRoute(t *testing.T, anon *client, as map[string]*client, r web.Route, path string) {
	t.Helper()
	res := anon.probe(t, r.Method, path, nil)
	switch {
	case res.status == 303 && strings.HasPrefix(res.header.Get("Location"), "/login"):
	case res.status == 401 && strings.HasPrefix(res.header.Get("Content-Type"), "text/html"):
	default:
		t.Errorf("anonymous %s %s: %d %s, want a redirect to /login", r.Method, path, res.status, res.header.Get("Location"))
	}
	for _, role := range inventory.Roles {
		res := as[role].probe(t, r.Method, path, nil)
		if inventory.Allowed(role, r.Action) {
			if res.status == 401 || res.status == 403 && strings.Contains(string(res.raw), r.Action) {
				t.Errorf("%s may %s but got %d", role, r.Action, res.status)
			}
			continue
		}
		if res.status != 403 || !strings.Contains(string(res.raw), r.Action) ||
			!strings.HasPrefix(res.header.Get("Content-Type"), "text/html") {
			t.Errorf("%s may not %s: got %d %s, want a 403 page naming the action", role, r.Action, res.status,
				res.header.Get("Content-Type"))
		}
	}
}

// The role table as the issue words it, checked action by action.
func TestAccessTable(t *testing.T) {
	tests := []struct {
		role   string
		may    []string
		mayNot []string
	}{
		{inventory.RoleAdmin, []string{"user.write", "token.write", "snmp.write", "device.write", "check.run",
			"exemption.write", "spec.revision.review", "audit.verify", "project.step.submitted", "project.step.accepted"}, nil},
		{inventory.RoleOperator, []string{"unit.write", "room.write", "rack.write", "device.write", "line.write", "device.poll",
			"project.read", "audit.read", "report.read"},
			[]string{"snmp.write", "project.write", "exemption.write", "user.read", "token.read", "check.run", "project.step.approved"}},
		{inventory.RolePlanner, []string{"check.run", "exemption.write", "report.read", "plan.read", "device.read"},
			[]string{"device.write", "project.step.approved", "spec.write", "user.write", "procurement.write"}},
		{inventory.RoleReviewer, []string{"project.step", "project.step.approved", "project.step.accepted", "project.step.settled",
			"spec.write", "spec.revision.propose", "spec.revision.review", "evaluation.write", "document.write", "check.run",
			"procurement.write", "rectification.issue", "rectification.review", "notice.write", "notice.publish",
			"rectification.read"},
			[]string{"project.step.submitted", "device.write", "exemption.write", "user.read", "project.write",
				"rectification.respond"}},
		{inventory.RoleUnitStaff, []string{"project.write", "project.step", "project.step.submitted", "project.step.acceptance_requested",
			"document.write", "spec.revision.propose", "device.read", "eligibility.read", "finding.read",
			"rectification.read", "rectification.respond", "notice.read"},
			[]string{"project.step.approved", "project.step.accepted", "spec.revision.review", "report.read", "plan.read",
				"snmp.read", "device.write", "audit.verify", "exemption.write", "procurement.write", "rectification.issue",
				"rectification.review", "notice.write", "notice.publish"}},
		{inventory.RoleAuditor, []string{"audit.read", "audit.verify", "device.read", "report.read", "self"},
			[]string{"device.write", "check.run", "project.step.accepted", "user.read", "token.write", "exemption.write",
				"procurement.write", "rectification.issue", "rectification.respond", "notice.publish"}},
	}
	for _, tt := range tests {
		for _, a := range tt.may {
			if !inventory.KnownAction(a) || !inventory.Allowed(tt.role, a) {
				t.Errorf("%s may not %s, want may", tt.role, a)
			}
		}
		for _, a := range tt.mayNot {
			if !inventory.KnownAction(a) || inventory.Allowed(tt.role, a) {
				t.Errorf("%s may %s, want may not", tt.role, a)
			}
		}
	}
	if inventory.Allowed("root", "device.read") || inventory.Allowed("", "self") {
		t.Error("an unknown role is allowed something")
	}
}

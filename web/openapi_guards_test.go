package web_test

import (
	"encoding/json"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"go.yaml.in/yaml/v3"

	"hostroll/inventory/dbtest"
	"hostroll/web"
)

// Guards around the OpenAPI check: the description loads and keeps the one
// form of nullable; the check reaches every API test; what it costs.
// TestOpenAPIDescriptionLoads: kin-openapi loads web/openapi.yaml, finds it a
// valid OpenAPI 3.0 document and builds its router (what every API test's
// check needs first).
func TestOpenAPIDescriptionLoads(t *testing.T) {
	if _, err := openAPI(); err != nil {
		t.Fatal(err)
	}
}

// TestOpenAPINullable keeps every nullable schema in the one form OpenAPI 3.0
// validators and client generators read as nullable: `nullable: true` in the
// schema object that states the type. Beside $ref, allOf, oneOf or anyOf it
// reaches nothing: the referenced schema still refuses null (kin-openapi is
// lenient here, Prism and generated clients are not, so this is checked on
// the document itself). A nullable object is a component declared nullable; a
// nullable number or string writes its type and bounds out.
func TestOpenAPINullable(t *testing.T) {
	var raw any
	if err := yaml.Unmarshal(web.OpenAPI(), &raw); err != nil {
		t.Fatal(err)
	}
	bad := nullableBesideRefs(raw, "")
	for _, where := range bad {
		t.Errorf("%s: `nullable: true` beside $ref/allOf/oneOf/anyOf does not make the value nullable in OpenAPI 3.0; "+
			"write the type out with `nullable: true`, or make the referenced component nullable", where)
	}
}

// nullableBesideRefs returns the paths of the schemas that put nullable: true
// beside a reference or a combination.
func nullableBesideRefs(node any, at string) []string {
	var out []string
	switch v := node.(type) {
	case map[string]any:
		if v["nullable"] == true {
			for _, k := range []string{"$ref", "allOf", "oneOf", "anyOf"} {
				if _, ok := v[k]; ok {
					out = append(out, at)
					break
				}
			}
		}
		for k, child := range v {
			out = append(out, nullableBesideRefs(child, at+"/"+k)...)
		}
	case []any:
		for i, child := range v {
			out = append(out, nullableBesideRefs(child, fmt.Sprintf("%s/%d", at, i))...)
		}
	}
	slices.Sort(out)
	return out
}

func TestNullableBesideRefsFindsThePattern(t *testing.T) {
	var doc any
	src := `
components:
  schemas:
    Ok: {type: number, nullable: true}
    Wrapped:
      properties:
        price: {type: number, nullable: true, allOf: [{$ref: '#/components/schemas/Money'}]}
        front: {nullable: true, $ref: '#/components/schemas/Occupant'}
`
	if err := yaml.Unmarshal([]byte(src), &doc); err != nil {
		t.Fatal(err)
	}
	got := nullableBesideRefs(doc, "")
	want := []string{"/components/schemas/Wrapped/properties/front", "/components/schemas/Wrapped/properties/price"}
	if !slices.Equal(got, want) {
		t.Errorf("found %v, want %v", got, want)
	}
}

// BenchmarkOpenAPICheck is the cost the check adds to one exchange of the API
// tests: a list of 50 devices (the largest common answer), and the POST that
// created one of them (request and response validated).
func BenchmarkOpenAPICheck(b *testing.B) {
	db := dbtest.SQLite(b)
	app := web.New(web.Config{Store: db.Store, Logger: slog.New(slog.DiscardHandler)})
	send := func(method, path, body string) (*http.Request, response) {
		req := httptest.NewRequest(method, path, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		res, err := app.Test(req, -1)
		if err != nil {
			b.Fatal(err)
		}
		defer res.Body.Close()
		raw, err := io.ReadAll(res.Body)
		if err != nil {
			b.Fatal(err)
		}
		return req, response{status: res.StatusCode, header: res.Header, raw: raw}
	}
	if _, r := send("POST", "/api/v1/units", `{"code": "B", "name": "Bench"}`); r.status != 201 {
		b.Fatalf("unit: %d %s", r.status, r.raw)
	}
	var create string
	var created response
	for i := range 50 {
		create = fmt.Sprintf(`{"name": "d%d", "kind": "server", "unit_id": 1, "purchase_price": 9999.5, "mgmt_ip": "10.0.0.%d", "specs": {"cpu_cores": 32}}`, i, i+1)
		if _, created = send("POST", "/api/v1/devices", create); created.status != 201 {
			b.Fatalf("device: %d %s", created.status, created.raw)
		}
	}
	listReq, list := send("GET", "/api/v1/devices?limit=50", "")
	spec, err := openAPI()
	if err != nil {
		b.Fatal(err)
	}
	cases := []struct {
		name string
		req  *http.Request
		body string
		res  response
	}{
		{"list-50-devices", listReq, "", list},
		{"create-device", httptest.NewRequest("POST", "/api/v1/devices", strings.NewReader(create)), create, created},
	}
	cases[1].req.Header.Set("Content-Type", "application/json")
	for _, tc := range cases {
		b.Run(tc.name, func(b *testing.B) {
			for b.Loop() {
				if v := spec.violations(app, tc.req, []byte(tc.body), tc.res); len(v) > 0 {
					b.Fatalf("%v", v)
				}
			}
		})
	}
}

// TestCloseObjects: the check closes object schemas to undescribed
// properties, but not the parts of an allOf that each bring properties.
func TestCloseObjects(t *testing.T) {
	src := `
openapi: 3.0.3
info: {title: t, version: "1"}
paths: {}
components:
  schemas:
    Plain: {type: object, properties: {c: {type: integer}}}
    Open: {type: object, additionalProperties: true, properties: {o: {type: integer}}}
    Base: {type: object, properties: {a: {type: integer}}}
    Extended:
      allOf:
        - $ref: '#/components/schemas/Base'
        - {type: object, properties: {b: {type: integer}}}
`
	doc, err := openapi3.NewLoader().LoadFromData([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	closeObjects(doc)
	tests := []struct {
		schema string
		value  string
		ok     bool
	}{
		{"Plain", `{"c": 1}`, true},
		{"Plain", `{"c": 1, "x": 2}`, false},
		{"Open", `{"o": 1, "x": 2}`, true},
		{"Extended", `{"a": 1, "b": 2}`, true},
	}
	for _, tt := range tests {
		var v any
		if err := json.Unmarshal([]byte(tt.value), &v); err != nil {
			t.Fatal(err)
		}
		err := doc.Components.Schemas[tt.schema].Value.VisitJSON(v)
		if (err == nil) != tt.ok {
			t.Errorf("%s %s: error %v, want ok=%v", tt.schema, tt.value, err, tt.ok)
		}
	}
}

// TestAPITestsGoThroughTheCheck keeps the API tests (package web_test) from
// sending requests past client.send, which checks each exchange against
// web/openapi.yaml: a direct app.Test call elsewhere would go unchecked.
func TestAPITestsGoThroughTheCheck(t *testing.T) {
	checked := map[string]bool{
		"api_helpers_test.go":     true, // client.send and doListening
		"api_concurrency_test.go": true, // race: checks each answer after the race
		"openapi_guards_test.go":  true, // the benchmark of the check itself
		"bench_auth_test.go":      true, // benchmarks of sign-in and the token check
		"bench_ui_test.go":        true, // benchmarks of pages, not of the API
	}
	files, err := filepath.Glob("*_test.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	for _, name := range files {
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		if f.Name.Name != "web_test" || checked[name] {
			continue
		}
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			if sel, ok := call.Fun.(*ast.SelectorExpr); ok && sel.Sel.Name == "Test" && len(call.Args) == 2 {
				t.Errorf("%s: a request sent with app.Test skips the OpenAPI check; send it with client.send",
					fset.Position(call.Pos()))
			}
			return true
		})
	}
}

package web

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"
	"go.yaml.in/yaml/v3"

	"hostroll/inventory"
)

// The parts of an OpenAPI 3.0 document these tests read.
type specDoc struct {
	OpenAPI    string                   `yaml:"openapi"`
	Paths      map[string]*specPathItem `yaml:"paths"`
	Components struct {
		Schemas    map[string]*specSchema `yaml:"schemas"`
		Parameters map[string]*specParam  `yaml:"parameters"`
	} `yaml:"components"`
}

type specPathItem struct {
	Parameters []*specParam `yaml:"parameters"`
	Get        *specOp      `yaml:"get"`
	Post       *specOp      `yaml:"post"`
	Put        *specOp      `yaml:"put"`
	Patch      *specOp      `yaml:"patch"`
	Delete     *specOp      `yaml:"delete"`
}

// operations maps each HTTP method of the path to its operation.
func (p *specPathItem) operations() map[string]*specOp {
	ops := map[string]*specOp{}
	for method, op := range map[string]*specOp{
		fiber.MethodGet: p.Get, fiber.MethodPost: p.Post, fiber.MethodPut: p.Put,
		fiber.MethodPatch: p.Patch, fiber.MethodDelete: p.Delete,
	} {
		if op != nil {
			ops[method] = op
		}
	}
	return ops
}

type specOp struct {
	OperationID string               `yaml:"operationId"`
	Summary     string               `yaml:"summary"`
	Parameters  []*specParam         `yaml:"parameters"`
	RequestBody *yaml.Node           `yaml:"requestBody"`
	Responses   map[string]yaml.Node `yaml:"responses"`
}

type specParam struct {
	Ref      string      `yaml:"$ref"`
	Name     string      `yaml:"name"`
	In       string      `yaml:"in"`
	Required bool        `yaml:"required"`
	Schema   *specSchema `yaml:"schema"`
}

type specSchema struct {
	Ref        string                 `yaml:"$ref"`
	Type       string                 `yaml:"type"`
	Enum       []string               `yaml:"enum"`
	AllOf      []*specSchema          `yaml:"allOf"`
	OneOf      []*specSchema          `yaml:"oneOf"`
	Properties map[string]*specSchema `yaml:"properties"`
	Required   []string               `yaml:"required"`
	Items      *specSchema            `yaml:"items"`
}

const schemaRef = "#/components/schemas/"

func loadSpec(t *testing.T) *specDoc {
	t.Helper()
	var doc specDoc
	if err := yaml.Unmarshal(OpenAPI(), &doc); err != nil {
		t.Fatalf("web/openapi.yaml does not parse: %v", err)
	}
	return &doc
}

// schema returns a component schema by name.
func (d *specDoc) schema(t *testing.T, name string) *specSchema {
	t.Helper()
	s, ok := d.Components.Schemas[name]
	if !ok || s == nil {
		t.Fatalf("web/openapi.yaml has no schema components/schemas/%s", name)
	}
	return s
}

// resolve follows a $ref, or an allOf of a single $ref (the OpenAPI 3.0 way to
// add nullable or default to a referenced schema), to the schema it names.
func (d *specDoc) resolve(t *testing.T, s *specSchema) *specSchema {
	t.Helper()
	for range 10 {
		switch {
		case s == nil:
			return nil
		case s.Ref != "":
			s = d.schema(t, strings.TrimPrefix(s.Ref, schemaRef))
		case len(s.AllOf) == 1 && len(s.Properties) == 0 && len(s.Enum) == 0:
			s = s.AllOf[0]
		default:
			return s
		}
	}
	t.Fatalf("schema references nest too deep")
	return nil
}

// param resolves a parameter that is a $ref to components/parameters.
func (d *specDoc) param(t *testing.T, p *specParam) *specParam {
	t.Helper()
	if p.Ref == "" {
		return p
	}
	name := strings.TrimPrefix(p.Ref, "#/components/parameters/")
	q, ok := d.Components.Parameters[name]
	if !ok {
		t.Fatalf("parameter reference %s does not resolve", p.Ref)
	}
	return q
}

// TestOpenAPIDocument checks the document on its own: version, every $ref
// resolves, every operation is named and answers, path parameters declared.
func TestOpenAPIDocument(t *testing.T) {
	doc := loadSpec(t)
	if doc.OpenAPI != "3.0.3" {
		t.Errorf("openapi = %q, want 3.0.3", doc.OpenAPI)
	}

	var raw any
	if err := yaml.Unmarshal(OpenAPI(), &raw); err != nil {
		t.Fatal(err)
	}
	for _, ref := range specRefs(raw) {
		parts := strings.Split(strings.TrimPrefix(ref, "#/"), "/")
		node := raw
		for _, p := range parts {
			m, ok := node.(map[string]any)
			if !ok {
				node = nil
				break
			}
			node = m[p]
		}
		if node == nil {
			t.Errorf("$ref %s does not resolve", ref)
		}
	}

	for _, key := range specOddKeys(raw, "") {
		t.Errorf("key %q: no OpenAPI key has a space or ends in a full stop; quote a value with a comma inside {...}", key)
	}

	ids := map[string]string{}
	for path, item := range doc.Paths {
		for method, op := range item.operations() {
			where := method + " " + path
			t.Run(where, func(t *testing.T) {
				if op.Summary == "" {
					t.Error("no summary")
				}
				if op.OperationID == "" {
					t.Error("no operationId")
				} else if other, dup := ids[op.OperationID]; dup {
					t.Errorf("operationId %s is also used by %s", op.OperationID, other)
				}
				ids[op.OperationID] = where
				if len(op.Responses) == 0 {
					t.Error("no responses")
				}
				if (method == fiber.MethodPost || method == fiber.MethodPatch) && op.RequestBody == nil {
					t.Error("no requestBody")
				}
				declared := map[string]bool{}
				for _, p := range slices.Concat(item.Parameters, op.Parameters) {
					if p = doc.param(t, p); p.In == "path" {
						declared[p.Name] = true
						if !p.Required {
							t.Errorf("path parameter %s is not required", p.Name)
						}
					}
				}
				for _, seg := range strings.Split(path, "/") {
					if name, ok := strings.CutPrefix(seg, "{"); ok {
						if name = strings.TrimSuffix(name, "}"); !declared[name] {
							t.Errorf("path parameter %s is not declared", name)
						}
					}
				}
			})
		}
	}
}

// specOddKeys returns the keys of a decoded YAML tree that cannot be OpenAPI
// keys: what is left of a flow mapping such as {description: a, b} whose
// comma split the text.
func specOddKeys(node any, at string) []string {
	var odd []string
	switch v := node.(type) {
	case map[string]any:
		for k, child := range v {
			if strings.Contains(k, " ") || strings.HasSuffix(k, ".") {
				odd = append(odd, at+"/"+k)
			}
			odd = append(odd, specOddKeys(child, at+"/"+k)...)
		}
	case []any:
		for i, child := range v {
			odd = append(odd, specOddKeys(child, fmt.Sprintf("%s/%d", at, i))...)
		}
	}
	return odd
}

// specRefs returns every $ref value in a decoded YAML tree.
func specRefs(node any) []string {
	var refs []string
	switch v := node.(type) {
	case map[string]any:
		for k, child := range v {
			if s, ok := child.(string); ok && k == "$ref" {
				refs = append(refs, s)
				continue
			}
			refs = append(refs, specRefs(child)...)
		}
	case []any:
		for _, child := range v {
			refs = append(refs, specRefs(child)...)
		}
	}
	return refs
}

// TestRoutesMatchOpenAPI fails for every API route the document leaves out
// and every documented operation no route serves.
func TestRoutesMatchOpenAPI(t *testing.T) {
	app := New(Config{}) // building routes must not touch the store
	served := map[string]bool{}
	for _, r := range app.GetRoutes(true) {
		switch r.Method {
		case fiber.MethodGet, fiber.MethodPost, fiber.MethodPut, fiber.MethodPatch, fiber.MethodDelete:
		default:
			continue
		}
		if !strings.HasPrefix(r.Path, "/api/v1/") {
			continue
		}
		served[r.Method+" "+specPath(r.Path)] = true
	}
	if len(served) == 0 {
		t.Fatal("the app serves no routes under /api/v1/")
	}

	documented := map[string]bool{}
	for path, item := range loadSpec(t).Paths {
		for method := range item.operations() {
			documented[method+" "+path] = true
		}
	}

	var missing, extra []string
	for op := range served {
		if !documented[op] {
			missing = append(missing, op)
		}
	}
	for op := range documented {
		if !served[op] {
			extra = append(extra, op)
		}
	}
	sort.Strings(missing)
	sort.Strings(extra)
	if len(missing) > 0 {
		t.Errorf("routes served but not in web/openapi.yaml (document them):\n\t%s", strings.Join(missing, "\n\t"))
	}
	if len(extra) > 0 {
		t.Errorf("operations in web/openapi.yaml that no route serves (remove them or add the route):\n\t%s", strings.Join(extra, "\n\t"))
	}
}

// specPath turns fiber's /racks/:id into OpenAPI's /racks/{id}.
func specPath(path string) string {
	segs := strings.Split(path, "/")
	for i, s := range segs {
		if name, ok := strings.CutPrefix(s, ":"); ok {
			segs[i] = "{" + strings.TrimSuffix(name, "?") + "}"
		}
	}
	return strings.Join(segs, "/")
}

// specJSONFields returns the JSON names of a struct's fields, and which of them
// are always present (no omitempty).
func specJSONFields(typ reflect.Type) (names []string, always []string) {
	for i := range typ.NumField() {
		f := typ.Field(i)
		if !f.IsExported() {
			continue
		}
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if name == "" {
			name = f.Name
		}
		names = append(names, name)
		if !slices.Contains(strings.Split(opts, ","), "omitempty") {
			always = append(always, name)
		}
	}
	sort.Strings(names)
	sort.Strings(always)
	return names, always
}

func specKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// TestSchemasMatchGoTypes keeps each schema's properties equal to the JSON
// fields of its Go type. Response schemas require every field the server
// always writes; input schemas require none (PATCH is partial; the create
// bodies add their required fields).
func TestSchemasMatchGoTypes(t *testing.T) {
	doc := loadSpec(t)
	tests := []struct {
		schema string
		value  any
		input  bool
	}{
		{"Unit", inventory.Unit{}, false},
		{"Room", inventory.Room{}, false},
		{"Rack", inventory.Rack{}, false},
		{"Device", inventory.Device{}, false},
		{"Specs", inventory.Specs{}, false},
		{"Line", inventory.Line{}, false},
		{"LineState", inventory.LineState{}, false},
		{"Project", inventory.Project{}, false},
		{"SNMPProfile", inventory.SNMPProfile{}, false},
		{"AuditEntry", inventory.AuditEntry{}, false},
		{"Elevation", inventory.Elevation{}, false},
		{"ElevationU", inventory.ElevationU{}, false},
		{"Occupant", inventory.Occupant{}, false},
		{"Error", errorBody{}, false},
		{"ErrorDetail", errorDetail{}, false},
		{"UnitList", listBody[inventory.Unit]{}, false},
		{"RoomList", listBody[inventory.Room]{}, false},
		{"RackList", listBody[inventory.Rack]{}, false},
		{"DeviceList", listBody[inventory.Device]{}, false},
		{"LineList", listBody[inventory.Line]{}, false},
		{"LineStateList", listBody[inventory.LineState]{}, false},
		{"ProjectList", listBody[inventory.Project]{}, false},
		{"SNMPProfileList", listBody[inventory.SNMPProfile]{}, false},
		{"AuditEntryList", listBody[inventory.AuditEntry]{}, false},
		{"UnitInput", inventory.UnitInput{}, true},
		{"RoomInput", inventory.RoomInput{}, true},
		{"RackInput", inventory.RackInput{}, true},
		{"DeviceInput", inventory.DeviceInput{}, true},
		{"SpecsInput", inventory.Specs{}, true},
		{"LineInput", inventory.LineInput{}, true},
		{"ProjectInput", inventory.ProjectInput{}, true},
		{"SNMPProfileInput", inventory.SNMPProfileInput{}, true},
	}
	for _, tt := range tests {
		t.Run(tt.schema, func(t *testing.T) {
			typ := reflect.TypeOf(tt.value)
			s := doc.schema(t, tt.schema)
			names, always := specJSONFields(typ)
			if got := specKeys(s.Properties); !slices.Equal(got, names) {
				t.Errorf("schema %s has properties %v; Go type %s has JSON fields %v", tt.schema, got, typ, names)
			}
			required := slices.Sorted(slices.Values(s.Required))
			if tt.input {
				always = nil
			}
			if !slices.Equal(required, always) {
				t.Errorf("schema %s requires %v, want %v", tt.schema, required, always)
			}
		})
	}

	// Every list envelope holds the entity its name says.
	for name := range doc.Components.Schemas {
		entity, ok := strings.CutSuffix(name, "List")
		if !ok {
			continue
		}
		t.Run(name+"/items", func(t *testing.T) {
			items := doc.schema(t, name).Properties["items"]
			if items == nil || items.Items == nil || items.Items.Ref != schemaRef+entity {
				t.Errorf("%s.items must be an array of $ref %s%s", name, schemaRef, entity)
			}
		})
	}
}

// TestEnumsMatchGo keeps every enumerated property equal to the package
// variable the store validates it against.
func TestEnumsMatchGo(t *testing.T) {
	doc := loadSpec(t)
	withEmpty := func(values []string) []string { return append([]string{""}, values...) }
	tests := []struct {
		schema, property string
		want             []string
	}{
		{"Unit", "kind", inventory.UnitKinds},
		{"UnitInput", "kind", inventory.UnitKinds},
		{"Room", "kind", inventory.RoomKinds},
		{"Room", "status", inventory.RoomStatuses},
		{"RoomInput", "kind", inventory.RoomKinds},
		{"RoomInput", "status", inventory.RoomStatuses},
		{"Device", "kind", inventory.DeviceKinds},
		{"Device", "status", inventory.DeviceStatuses},
		{"Device", "face", inventory.Faces},
		{"DeviceInput", "kind", inventory.DeviceKinds},
		{"DeviceInput", "status", inventory.DeviceStatuses},
		{"DeviceInput", "face", inventory.Faces},
		{"Occupant", "kind", inventory.DeviceKinds},
		{"Occupant", "status", inventory.DeviceStatuses},
		{"Occupant", "face", inventory.Faces},
		{"Line", "platform", inventory.LinePlatforms},
		{"Line", "status", inventory.LineStatuses},
		{"LineInput", "platform", inventory.LinePlatforms},
		{"LineInput", "status", inventory.LineStatuses},
		{"LineState", "platform", inventory.LinePlatforms},
		{"Project", "category", inventory.ProjectCategories},
		{"Project", "funding_source", inventory.FundingSources},
		{"Project", "status", inventory.ProjectStatuses},
		{"ProjectInput", "category", inventory.ProjectCategories},
		{"ProjectInput", "funding_source", inventory.FundingSources},
		{"ProjectInput", "status", inventory.ProjectStatuses},
		{"SNMPProfile", "version", inventory.SNMPVersions},
		{"SNMPProfileInput", "version", inventory.SNMPVersions},
		// v2c profiles store and return the v3 protocols empty.
		{"SNMPProfile", "auth_protocol", withEmpty(inventory.SNMPAuthProtocols)},
		{"SNMPProfile", "priv_protocol", withEmpty(inventory.SNMPPrivProtocols)},
		{"SNMPProfileInput", "auth_protocol", withEmpty(inventory.SNMPAuthProtocols)},
		{"SNMPProfileInput", "priv_protocol", withEmpty(inventory.SNMPPrivProtocols)},
		{"AuditEntry", "action", inventory.AuditActions},
		{"AuditEntry", "entity", inventory.AuditEntities},
		{"Health", "dialect", []string{inventory.Postgres, inventory.SQLite}},
	}
	for _, tt := range tests {
		t.Run(tt.schema+"."+tt.property, func(t *testing.T) {
			prop, ok := doc.schema(t, tt.schema).Properties[tt.property]
			if !ok {
				t.Fatalf("schema %s has no property %s", tt.schema, tt.property)
			}
			got := slices.Sorted(slices.Values(doc.resolve(t, prop).Enum))
			want := slices.Sorted(slices.Values(tt.want))
			if !slices.Equal(got, want) {
				t.Errorf("%s.%s enum = %v, want %v (from package inventory)", tt.schema, tt.property, got, want)
			}
		})
	}
}

// specTestApp serves the API over a fresh, migrated SQLite store.
func specTestApp(t *testing.T) *fiber.App {
	t.Helper()
	ctx := context.Background()
	store, err := inventory.Open(ctx, "sqlite://"+filepath.Join(t.TempDir(), "openapi.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	if _, err := store.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	return New(Config{Store: store, Logger: slog.New(slog.DiscardHandler), Version: "test"})
}

// specGet requests a path and decodes the JSON answer.
func specGet(t *testing.T, app *fiber.App, target string) (int, map[string]any) {
	t.Helper()
	resp, err := app.Test(httptest.NewRequest(fiber.MethodGet, target, nil), -1)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	var out map[string]any
	if err := json.Unmarshal(body, &out); err != nil {
		t.Fatalf("GET %s: %d, body is not a JSON object: %s", target, resp.StatusCode, body)
	}
	return resp.StatusCode, out
}

// specFieldError returns the message the API gave for one field of a 400.
func specFieldError(t *testing.T, target string, status int, body map[string]any, field string) string {
	t.Helper()
	if status != fiber.StatusBadRequest {
		t.Fatalf("GET %s = %d, want 400: %v", target, status, body)
	}
	e, _ := body["error"].(map[string]any)
	fields, _ := e["fields"].(map[string]any)
	msg, ok := fields[field].(string)
	if !ok {
		t.Fatalf("GET %s: no message for %s in %v", target, field, body)
	}
	return msg
}

// TestOpenAPIListFilters asks the server which filters each documented list
// accepts and which values each enum filter allows, and compares both with
// the document. A nullable id filter must accept null.
func TestOpenAPIListFilters(t *testing.T) {
	doc := loadSpec(t)
	app := specTestApp(t)
	const unknown = "zz_no_such_filter"
	for path, item := range doc.Paths {
		op := item.Get
		if op == nil || strings.Contains(path, "{") {
			continue
		}
		params := map[string]*specParam{}
		for _, p := range op.Parameters {
			if p = doc.param(t, p); p.In == "query" {
				params[p.Name] = p
			}
		}
		if params["limit"] == nil {
			continue // not a paged collection
		}
		t.Run(path, func(t *testing.T) {
			if params["offset"] == nil {
				t.Error("limit is documented but offset is not")
			}
			target := path + "?" + unknown + "=1"
			status, body := specGet(t, app, target)
			msg := specFieldError(t, target, status, body, unknown)
			_, list, ok := strings.Cut(msg, "this list takes ")
			if !ok {
				t.Fatalf("unexpected message for an unknown filter: %q", msg)
			}
			var accepted []string
			for _, f := range strings.Split(list, ", ") {
				if f != "limit" && f != "offset" && f != "q" {
					accepted = append(accepted, f)
				}
			}
			var documented []string
			for name := range params {
				if name != "limit" && name != "offset" && name != "q" {
					documented = append(documented, name)
				}
			}
			sort.Strings(accepted)
			sort.Strings(documented)
			if !slices.Equal(accepted, documented) {
				t.Errorf("GET %s accepts filters %v; web/openapi.yaml documents %v", path, accepted, documented)
			}

			for _, name := range documented {
				p := params[name]
				schema := doc.resolve(t, p.Schema)
				switch {
				case len(schema.Enum) > 0:
					target := fmt.Sprintf("%s?%s=zz_bad", path, name)
					status, body := specGet(t, app, target)
					msg := specFieldError(t, target, status, body, name)
					rest, ok := strings.CutPrefix(msg, "must be one of ")
					values, _, found := strings.Cut(rest, `, not "zz_bad"`)
					if !ok || !found {
						t.Errorf("filter %s: unexpected message %q", name, msg)
						continue
					}
					got := slices.Sorted(slices.Values(schema.Enum))
					want := slices.Sorted(slices.Values(strings.Split(values, ", ")))
					if !slices.Equal(got, want) {
						t.Errorf("filter %s: documented values %v, server allows %v", name, got, want)
					}
				case len(schema.OneOf) > 0: // IDOrNull
					target := fmt.Sprintf("%s?%s=null", path, name)
					if status, body := specGet(t, app, target); status != fiber.StatusOK {
						t.Errorf("filter %s is documented as accepting null; GET %s = %d %v", name, target, status, body)
					}
				}
			}
		})
	}
}

// TestOpenAPIHealthSchema compares the Health schema with what GET /health
// really answers.
func TestOpenAPIHealthSchema(t *testing.T) {
	doc := loadSpec(t)
	status, body := specGet(t, specTestApp(t), "/api/v1/health")
	if status != fiber.StatusOK {
		t.Fatalf("GET /api/v1/health = %d: %v", status, body)
	}
	if got, want := specKeys(body), specKeys(doc.schema(t, "Health").Properties); !slices.Equal(got, want) {
		t.Errorf("GET /api/v1/health answers fields %v; schema Health has %v", got, want)
	}
}

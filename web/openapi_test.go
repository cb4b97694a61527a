package web

import (
	"fmt"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"
	"go.yaml.in/yaml/v3"
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
	AnyOf      []*specSchema          `yaml:"anyOf"`
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
// add a default or a description to a referenced schema), to the schema it
// names.
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
		if f.Anonymous && tag == "" && f.Type.Kind() == reflect.Struct {
			// encoding/json flattens an untagged embedded struct.
			n, a := specJSONFields(f.Type)
			names, always = append(names, n...), append(always, a...)
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

package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
	"github.com/gofiber/fiber/v2"

	"hostroll/web"
)

// Every request the API tests send through client.send, and every answer they
// get, is held against web/openapi.yaml by kin-openapi's openapi3filter, the
// way a generated client or a validating proxy would hold the real traffic:
// the route and its method, parameters and request body; the status, the
// headers the description names, the Content-Type and the body. What does not
// match is collected per test and fails that test when it ends (see
// checkOpenAPI).

// openAPI is web/openapi.yaml, loaded and validated once for the package.
var openAPI = sync.OnceValues(func() (*openAPIDoc, error) {
	doc, err := openapi3.NewLoader().LoadFromData(web.OpenAPI())
	if err != nil {
		return nil, fmt.Errorf("web/openapi.yaml does not load: %w", err)
	}
	return newOpenAPIDoc(doc)
})

// newOpenAPIDoc validates a loaded description and builds its router. Every
// object schema that lists its properties is then closed to others, for this
// check only: a field the server sends and the description does not name is
// drift that a generated client would silently drop.
func newOpenAPIDoc(doc *openapi3.T) (*openAPIDoc, error) {
	if err := doc.Validate(context.Background()); err != nil {
		return nil, fmt.Errorf("web/openapi.yaml is not a valid OpenAPI 3.0 document: %w", err)
	}
	closeObjects(doc)
	router, err := gorillamux.NewRouter(doc)
	if err != nil {
		return nil, fmt.Errorf("web/openapi.yaml: routes: %w", err)
	}
	names := map[*openapi3.Schema]string{}
	for name, ref := range doc.Components.Schemas {
		names[ref.Value] = name
	}
	return &openAPIDoc{doc: doc, router: router, names: names}, nil
}

// closeObjects sets additionalProperties: false on every object schema that
// has properties and says nothing of others, except the parts of an allOf
// that brings properties from more than one part (closed, each would refuse
// the others' properties).
func closeObjects(doc *openapi3.T) {
	all := map[*openapi3.Schema]bool{} // schema → may be closed
	var walk func(ref *openapi3.SchemaRef)
	walk = func(ref *openapi3.SchemaRef) {
		if ref == nil || ref.Value == nil {
			return
		}
		s := ref.Value
		if _, seen := all[s]; seen {
			return
		}
		all[s] = true
		for _, p := range s.Properties {
			walk(p)
		}
		for _, list := range [][]*openapi3.SchemaRef{s.AllOf, s.OneOf, s.AnyOf} {
			for _, r := range list {
				walk(r)
			}
		}
		walk(s.Items)
		walk(s.AdditionalProperties.Schema)
	}
	for _, ref := range doc.Components.Schemas {
		walk(ref)
	}
	for _, item := range doc.Paths.Map() {
		for _, op := range item.Operations() {
			if op.RequestBody != nil && op.RequestBody.Value != nil {
				for _, mt := range op.RequestBody.Value.Content {
					walk(mt.Schema)
				}
			}
			for _, res := range op.Responses.Map() {
				if res.Value != nil {
					for _, mt := range res.Value.Content {
						walk(mt.Schema)
					}
				}
			}
		}
	}
	open := func(s *openapi3.Schema) { all[s] = false }
	for s := range all {
		withProps := 0
		for _, r := range s.AllOf {
			if r.Value != nil && len(r.Value.Properties) > 0 {
				withProps++
			}
		}
		if withProps > 1 || (withProps > 0 && len(s.Properties) > 0) {
			open(s)
			for _, r := range s.AllOf {
				open(r.Value)
			}
		}
	}
	for s, closable := range all {
		if closable && len(s.Properties) > 0 && s.AdditionalProperties.Has == nil && s.AdditionalProperties.Schema == nil {
			closed := false
			s.AdditionalProperties.Has = &closed
		}
	}
}

type openAPIDoc struct {
	doc    *openapi3.T
	router routers.Router
	names  map[*openapi3.Schema]string // component schemas by value, to name them in messages
}

// openAPIOptions validate everything the description states, report every
// problem of a body at once, and leave authentication to the server: a
// request's Authorization header or session cookie is not judged here.
func openAPIOptions() *openapi3filter.Options {
	return &openapi3filter.Options{
		MultiError:            true,
		IncludeResponseStatus: true,
		SkipSettingDefaults:   true,
		AuthenticationFunc:    openapi3filter.NoopAuthenticationFunc,
		SchemaValidationOptions: []openapi3.SchemaValidationOption{
			openapi3.EnableFormatValidation(), // date, date-time, ipv4, …
		},
	}
}

// recordBody makes req keep a copy of the body it sends, for checkOpenAPI.
func recordBody(req *http.Request) *bytes.Buffer {
	var sent bytes.Buffer
	if req.Body != nil && req.Body != http.NoBody {
		req.Body = struct {
			io.Reader
			io.Closer
		}{io.TeeReader(req.Body, &sent), req.Body}
	}
	return &sent
}

// checkOpenAPI holds one exchange (the request as sent, with its body, and the
// answer) against web/openapi.yaml. What does not match is recorded for t and
// reported, once per distinct problem, when t ends.
func checkOpenAPI(t testing.TB, app *fiber.App, req *http.Request, body []byte, res response) {
	t.Helper()
	spec, err := openAPI()
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range spec.violations(app, req, body, res) {
		violationsOf(t).add(v)
	}
}

// violations checks one exchange and returns what disagrees.
func (s *openAPIDoc) violations(app *fiber.App, req *http.Request, body []byte, res response) []violation {
	if !strings.HasPrefix(req.URL.Path, "/api/") {
		return nil // the web pages and the sign-in page are not the API
	}
	vreq := httptest.NewRequest(req.Method, req.URL.RequestURI(), bytes.NewReader(body))
	vreq.Header = req.Header.Clone()
	route, params, err := s.router.FindRoute(vreq)
	if err != nil {
		return s.unrouted(app, req, res, err)
	}
	exchange := fmt.Sprintf("%s %s → %d", route.Method, route.Path, res.status)
	where := "operationId " + route.Operation.OperationID
	var out []violation
	ctx := context.Background()
	in := &openapi3filter.RequestValidationInput{Request: vreq, PathParams: params, Route: route, Options: openAPIOptions()}
	if err := openapi3filter.ValidateRequest(ctx, in); err != nil && res.status < 400 {
		// The server refusing what the description refuses is fine; the
		// server accepting it means one of the two is wrong.
		out = append(out, violationsFrom(exchange, where,
			"the description refuses this request, yet the server accepted it: ", req, s.problems(err, ""))...)
	}
	rin := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: in,
		Status:                 res.status,
		Header:                 res.header,
		Body:                   io.NopCloser(bytes.NewReader(res.raw)),
		Options:                openAPIOptions(),
	}
	if err := openapi3filter.ValidateResponse(ctx, rin); err != nil {
		out = append(out, violationsFrom(exchange, where, "", req, s.problems(err, ""))...)
	}
	return out
}

// unrouted judges an exchange whose path and method the description does not
// have: fine when the app has no such route either and answered 404 or 405
// with the one error body; a violation otherwise.
func (s *openAPIDoc) unrouted(app *fiber.App, req *http.Request, res response, routeErr error) []violation {
	where := "no operation in web/openapi.yaml"
	if errors.Is(routeErr, routers.ErrMethodNotAllowed) {
		where = "web/openapi.yaml has the path but not the method " + req.Method
	}
	one := func(exchange, text string) []violation {
		return violationsFrom(exchange, where, "", req, []problem{{text: text}})
	}
	if pattern, ok := servedBy(app, req.Method, req.URL.Path); ok {
		return one(fmt.Sprintf("%s %s → %d", req.Method, openAPIPath(pattern), res.status),
			fmt.Sprintf("the app serves %s %s: describe it in web/openapi.yaml", req.Method, pattern))
	}
	exchange := fmt.Sprintf("%s %s → %d", req.Method, req.URL.Path, res.status)
	if res.status != fiber.StatusNotFound && res.status != fiber.StatusMethodNotAllowed {
		return one(exchange, "no route answered, yet the status is not 404 or 405")
	}
	errSchema := s.doc.Components.Schemas["Error"]
	if errSchema == nil {
		return one(exchange, "components/schemas/Error is missing")
	}
	var value any
	if err := json.Unmarshal(res.raw, &value); err != nil {
		return one(exchange, "the error body is not JSON: "+err.Error())
	}
	if err := errSchema.Value.VisitJSON(value, openapi3.MultiErrors(), openapi3.VisitAsResponse()); err != nil {
		return violationsFrom(exchange, where, "", req, s.problems(err, "error body"))
	}
	return nil
}

// servedBy returns the app's route pattern for method and path, if any.
// Middleware (app.Use) is not a route.
func servedBy(app *fiber.App, method, path string) (string, bool) {
	want := strings.Split(strings.TrimSuffix(path, "/"), "/")
	for _, r := range app.GetRoutes(true) {
		if r.Method != method {
			continue
		}
		have := strings.Split(strings.TrimSuffix(r.Path, "/"), "/")
		if len(have) == len(want) && !slices.ContainsFunc(have, func(seg string) bool { return strings.Contains(seg, "*") }) &&
			segmentsMatch(have, want) {
			return r.Path, true
		}
	}
	return "", false
}

// openAPIPath writes fiber's /racks/:id as OpenAPI's /racks/{id}.
func openAPIPath(pattern string) string {
	segs := strings.Split(pattern, "/")
	for i, seg := range segs {
		if name, ok := strings.CutPrefix(seg, ":"); ok {
			segs[i] = "{" + strings.TrimSuffix(name, "?") + "}"
		}
	}
	return strings.Join(segs, "/")
}

func segmentsMatch(pattern, path []string) bool {
	for i, seg := range pattern {
		if !strings.HasPrefix(seg, ":") && seg != path[i] {
			return false
		}
	}
	return true
}

package web_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
)

// What the OpenAPI check found, put so that whoever reads a failure can fix
// the description fast: one line per problem, collected per test.

// violation is one way an exchange disagrees with the description.
type violation struct {
	exchange string // GET /api/v1/devices/{id} → 200: the operation, or the route or path when none matched
	where    string // the operationId, or what the router said
	problem  string // array indices written N, so that one problem of many items is one violation
	example  string // the first request that showed it, and the value there
}

// problem is one line of what kin-openapi found, and an example of it.
type problem struct{ text, example string }

// violationsFrom turns problems into violations of one exchange.
func violationsFrom(exchange, where, prefix string, req *http.Request, problems []problem) []violation {
	out := make([]violation, 0, len(problems))
	for _, p := range problems {
		example := req.URL.RequestURI()
		if p.example != "" {
			example += "; " + p.example
		}
		out = append(out, violation{exchange, where, prefix + p.text, example})
	}
	return out
}

// problems turns a kin-openapi error into one line per problem: the part of
// the exchange, the JSON pointer of the value, the reason, the value and the
// component schema it failed.
func (s *openAPIDoc) problems(err error, part string) []problem {
	var out []problem
	var walk func(err error, part string)
	walk = func(err error, part string) {
		inner := errors.Unwrap(err)
		switch e := err.(type) {
		case openapi3.MultiError:
			for _, e := range e {
				walk(e, part)
			}
			return
		case *openapi3filter.RequestError:
			switch {
			case e.Parameter != nil:
				part = fmt.Sprintf("%s parameter %q", e.Parameter.In, e.Parameter.Name)
			case e.RequestBody != nil:
				part = "request body"
			default:
				part = "request"
			}
			inner = e.Err
		case *openapi3filter.ResponseError:
			part, inner = "response", e.Err
			if e.Err != nil && containsSchemaError(e.Err) {
				part = strings.Replace(e.Reason, " doesn't match schema", "", 1) // "response body #/components/schemas/X"
			}
		case *openapi3.SchemaError:
			for _, leaf := range schemaLeaves(e) {
				p := s.describe(leaf)
				p.text = label(part) + p.text
				out = append(out, p)
			}
			return
		}
		if inner != nil && containsSchemaError(inner) {
			walk(inner, part)
			return
		}
		out = append(out, problem{text: label(part) + oneLine(err.Error())})
	}
	walk(err, part)
	return out
}

func containsSchemaError(err error) bool {
	if multi, ok := err.(openapi3.MultiError); ok {
		return slices.ContainsFunc(multi, containsSchemaError)
	}
	var se *openapi3.SchemaError
	return errors.As(err, &se)
}

// schemaLeaves returns the innermost schema errors under err: those of an
// allOf's or a oneOf's parts rather than the allOf that wraps them.
// kin-openapi keeps the full JSON pointer on each.
func schemaLeaves(err error) []*openapi3.SchemaError {
	switch e := err.(type) {
	case *openapi3.SchemaError:
		if e.Origin != nil {
			if inner := schemaLeaves(e.Origin); len(inner) > 0 {
				return inner
			}
		}
		return []*openapi3.SchemaError{e}
	case openapi3.MultiError:
		var out []*openapi3.SchemaError
		for _, e := range e {
			out = append(out, schemaLeaves(e)...)
		}
		return out
	}
	if inner := errors.Unwrap(err); inner != nil {
		return schemaLeaves(inner)
	}
	return nil
}

// describe writes one schema error in a line: where (array indices as N),
// why, and which component schema refused it; the example has the real
// place and the value found there.
func (s *openAPIDoc) describe(se *openapi3.SchemaError) problem {
	pointer := se.JSONPointer()
	general := make([]string, len(pointer))
	for i, seg := range pointer {
		general[i] = seg
		if _, err := strconv.Atoi(seg); err == nil {
			general[i] = "N"
		}
	}
	reason := se.Reason
	if reason == "" {
		reason = fmt.Sprintf("does not match %q", se.SchemaField)
	}
	text := fmt.Sprintf("at /%s: %s", strings.Join(general, "/"), reason)
	if name, ok := s.names[se.Schema]; ok {
		text += " (schema " + name + ")"
	}
	at := "/" + strings.Join(pointer, "/")
	if se.SchemaField == "required" { // the pointer names the missing property, the value is its parent
		return problem{text: text, example: at + " absent"}
	}
	got, _ := json.Marshal(se.Value)
	if len(got) > 80 {
		got = append(got[:77], "..."...)
	}
	return problem{text: text, example: fmt.Sprintf("%s = %s", at, got)}
}

// label introduces a problem with the part of the exchange it is in.
func label(part string) string {
	if part == "" {
		return ""
	}
	return part + ": "
}

func oneLine(s string) string {
	s, _, _ = strings.Cut(s, "\nSchema:")
	return strings.Join(strings.Fields(s), " ")
}

// violationLog collects one test's violations, each distinct one once with
// the number of exchanges that showed it.
type violationLog struct {
	mu    sync.Mutex
	order []violation       // the first of each, with its example
	count map[violation]int // by violation without example
}

var violationLogs sync.Map // testing.TB → *violationLog

// violationsOf returns t's log, creating it and its report at the end of t.
func violationsOf(t testing.TB) *violationLog {
	v, loaded := violationLogs.LoadOrStore(t, &violationLog{count: map[violation]int{}})
	log := v.(*violationLog)
	if !loaded {
		t.Cleanup(func() {
			violationLogs.Delete(t)
			if msg := log.report(); msg != "" {
				t.Error(msg)
			}
		})
	}
	return log
}

func (l *violationLog) add(v violation) {
	l.mu.Lock()
	defer l.mu.Unlock()
	key := v
	key.example = ""
	if l.count[key] == 0 {
		l.order = append(l.order, v)
	}
	l.count[key]++
}

// report is the failure message, or "" when nothing disagreed.
func (l *violationLog) report() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.order) == 0 {
		return ""
	}
	var b strings.Builder
	noun := "problems"
	if len(l.order) == 1 {
		noun = "problem"
	}
	fmt.Fprintf(&b, "web/openapi.yaml does not describe what the API did (%d %s; fix the description, "+
		"or the handler where the description is right):", len(l.order), noun)
	for _, v := range l.order {
		fmt.Fprintf(&b, "\n  %s  [%s]\n      %s", v.exchange, v.where, v.problem)
		key := v
		key.example = ""
		seen := ""
		if n := l.count[key]; n > 1 {
			seen = fmt.Sprintf("seen %d times; first ", n)
		}
		fmt.Fprintf(&b, "\n      (%se.g. %s)", seen, v.example)
	}
	return b.String()
}

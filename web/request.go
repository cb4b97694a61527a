package web

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"hostroll/inventory"
)

// decodeJSON reads a JSON object onto v strictly: what strictJSON refuses,
// unknown fields, wrong types, malformed JSON and trailing data are refused
// with a message that names the field.
func decodeJSON(body []byte, v any) error {
	if err := strictJSON(body, v); err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return jsonError(err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return badRequest("api.json.trailing")
	}
	return nil
}

func jsonError(err error) error {
	var (
		syn *json.SyntaxError
		typ *json.UnmarshalTypeError
	)
	switch {
	case errors.As(err, &syn):
		return badRequest("api.json.syntax", syn.Offset)
	case errors.Is(err, io.ErrUnexpectedEOF):
		return badRequest("api.json.eof")
	case errors.As(err, &typ):
		field := typ.Field
		if field == "" {
			return badRequest("api.json.not_object", typ.Value)
		}
		return inventory.Invalid(field, "api.json.type", inventory.M("api.json.kind."+jsonKind(typ.Type.String())), typ.Value)
	}
	if name, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		name = strings.Trim(name, `"`)
		return inventory.Invalid(name, "api.json.unknown_field")
	}
	return badRequest("api.json.malformed")
}

// jsonKind names a Go type as a JSON user knows it.
func jsonKind(goType string) string {
	t := strings.TrimLeft(goType, "*")
	switch {
	case strings.HasPrefix(t, "int"), strings.HasPrefix(t, "uint"):
		return "int"
	case strings.HasPrefix(t, "float"):
		return "number"
	case t == "bool":
		return "bool"
	case strings.HasPrefix(t, "[]"):
		return "array"
	case t == "string", strings.HasSuffix(t, ".Secret"), strings.HasSuffix(t, ".Date"):
		return "string"
	}
	return "object"
}

// pathID reads the :id path parameter.
func pathID(c *fiber.Ctx) (int64, error) { return pathParam(c, "id") }

// pathParam reads the path parameter name, a positive integer id.
func pathParam(c *fiber.Ctx, name string) (int64, error) {
	raw := c.Params(name)
	n, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || n < 1 {
		return 0, badRequest("api.path_id", name, raw)
	}
	return n, nil
}

// pathIDs reads the id of a record and the id, named name, of one of its
// parts: /projects/{id}/documents/{document_id}.
func pathIDs(c *fiber.Ctx, name string) (id, partID int64, err error) {
	if id, err = pathID(c); err != nil {
		return 0, 0, err
	}
	if partID, err = pathParam(c, name); err != nil {
		return 0, 0, err
	}
	return id, partID, nil
}

// listParams reads limit, offset and q; every other query parameter is an
// equality filter, checked by the store.
func listParams(c *fiber.Ctx) (inventory.ListParams, error) {
	p := inventory.ListParams{Filters: map[string]string{}}
	ve := &inventory.ValidationError{}
	for k, v := range c.Queries() {
		switch k {
		case "limit", "offset":
			n, err := strconv.Atoi(v)
			if err != nil {
				ve.Add(k, "err.request.field.whole_number", v)
				continue
			}
			if k == "limit" {
				p.Limit = n
				if n == 0 {
					ve.Add(k, "err.list.limit.between", inventory.MaxLimit)
				}
			} else {
				p.Offset = n
			}
		case "q":
			p.Q = v
		case "lang": // the language of the answer, not a filter
		default:
			p.Filters[k] = v
		}
	}
	return p, ve.Err()
}

// listBody is every collection's response.
type listBody[T any] struct {
	Items []T `json:"items"`
	Total int `json:"total"`
}

// partList serves the whole list of one record's parts, such as a
// project's documents: {"items": [...], "total": n}. These lists have no
// filters or pages, so any query parameter is refused rather than ignored.
func partList[T any](fetch func(ctx context.Context, id int64) ([]T, error)) fiber.Handler {
	return func(c *fiber.Ctx) error {
		if err := refuseOtherQuery(c); err != nil {
			return err
		}
		id, err := pathID(c)
		if err != nil {
			return err
		}
		items, err := fetch(c.UserContext(), id)
		if err != nil {
			return err
		}
		return c.JSON(listBody[T]{Items: items, Total: len(items)})
	}
}

// refuseOtherQuery refuses every query parameter but names, each in fields.
func refuseOtherQuery(c *fiber.Ctx, names ...string) error {
	ve := &inventory.ValidationError{}
	for k := range c.Queries() {
		switch {
		case slices.Contains(names, k) || k == "lang": // every answer takes lang
		case len(names) == 0:
			ve.Add(k, "err.request.no_parameters")
		default:
			ve.Add(k, "err.request.field.unknown_parameter_this", strings.Join(names, ", "))
		}
	}
	return ve.Err()
}

package web

import (
	"errors"
	"log/slog"
	"sort"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/utils"

	"hostroll/inventory"
	"hostroll/web/ui"
)

// apiError is an error the web layer itself raises: bad paths, bodies and
// query parameters. msg, when set, is the message of the catalog that
// message says in English; the answer renders it in the request's language.
type apiError struct {
	status  int
	code    string
	message string
	fields  map[string]string
	msg     *inventory.Msg
	// fieldMsgs are the catalog messages of fields, rendered like msg.
	fieldMsgs map[string]inventory.Msg
}

// fieldMsg sets the message of one field.
func (e *apiError) fieldMsg(field string, m inventory.Msg) {
	if e.fields == nil {
		e.fields = map[string]string{}
		e.fieldMsgs = map[string]inventory.Msg{}
	}
	e.fields[field] = m.Text("en")
	e.fieldMsgs[field] = m
}

func (e *apiError) Error() string { return e.message }

// text is the message in lang.
func (e *apiError) text(lang string) string {
	if e.msg != nil {
		return e.msg.Text(lang)
	}
	return e.message
}

// refusal is an apiError with the catalog message key and its args.
func refusal(status int, code, key string, args ...any) *apiError {
	m := inventory.M(key, args...)
	return &apiError{status: status, code: code, message: m.Text("en"), msg: &m}
}

// badRequest is a 400 bad_request with the catalog message key and args.
func badRequest(key string, args ...any) error {
	return refusal(fiber.StatusBadRequest, "bad_request", key, args...)
}

// errorBody is the one error shape of the API.
type errorBody struct {
	Error errorDetail `json:"error"`
}

type errorDetail struct {
	Code    string            `json:"code"`
	Message string            `json:"message"`
	Fields  map[string]string `json:"fields,omitempty"`
}

// statusOf maps an error to its HTTP status and error code.
func statusOf(err error) (int, errorDetail) {
	var (
		ae *apiError
		ve *inventory.ValidationError
		ce *inventory.ConflictError
		xe *inventory.ForbiddenError
		fe *fiber.Error
	)
	switch {
	case errors.As(err, &ae):
		return ae.status, errorDetail{Code: ae.code, Message: ae.message, Fields: ae.fields}
	case errors.As(err, &ve):
		return fiber.StatusBadRequest, errorDetail{Code: "validation", Message: ve.Error(), Fields: ve.Fields}
	case errors.As(err, &ce):
		d := errorDetail{Code: "conflict", Message: ce.Message}
		if ce.Field != "" || len(ce.Fields) > 0 {
			d.Fields = map[string]string{}
			for k, v := range ce.Fields {
				d.Fields[k] = v
			}
			if ce.Field != "" {
				d.Fields[ce.Field] = ce.Message
			}
		}
		return fiber.StatusConflict, d
	case errors.As(err, &xe):
		return fiber.StatusForbidden, errorDetail{Code: "forbidden", Message: xe.Message}
	case errors.Is(err, inventory.ErrForbidden):
		return fiber.StatusForbidden, errorDetail{Code: "forbidden", Message: trimPrefix(err.Error())}
	case errors.Is(err, inventory.ErrNotFound):
		return fiber.StatusNotFound, errorDetail{Code: "not_found", Message: trimPrefix(err.Error())}
	case errors.As(err, &fe):
		// Never fe.Message: for a request the server could not parse, fiber
		// puts fasthttp's error there, and that quotes the request's own
		// header lines, Authorization and Cookie included.
		return fe.Code, errorDetail{Code: fiberCode(fe.Code), Message: fiberMessage(fe.Code)}
	}
	return fiber.StatusInternalServerError, errorDetail{Code: "internal", Message: "internal error; the server log has the details"}
}

// fiberMessage is what the client is told of an error fiber raised, in
// English.
func fiberMessage(status int) string {
	if status == fiber.StatusBadRequest {
		return "the request is not valid HTTP"
	}
	if text := utils.StatusMessage(status); text != "" {
		return strings.ToLower(text[:1]) + text[1:]
	}
	return "request refused"
}

// localize puts the message and the fields of an error in the request's
// language (lang): the code and the keys of fields stay as they are.
func localize(err error, lang string, status int, d *errorDetail) {
	var (
		ae *apiError
		ve *inventory.ValidationError
		ce *inventory.ConflictError
		xe *inventory.ForbiddenError
		fe *fiber.Error
	)
	switch {
	case errors.As(err, &ae):
		if ae.msg != nil {
			d.Message = ae.msg.Text(lang)
		}
		for k, m := range ae.fieldMsgs {
			d.Fields[k] = m.Text(lang)
		}
		if status == fiber.StatusRequestEntityTooLarge && ae.msg == nil {
			d.Message = tooLarge(lang, false)
		}
	case errors.As(err, &ve):
		d.Fields = ve.FieldsIn(lang)
		d.Message = validationMessage(lang, d.Fields)
	case errors.As(err, &ce):
		d.Message = ce.Text(lang)
		d.Fields = ce.FieldsIn(lang)
	case errors.As(err, &xe):
		d.Message = xe.Text(lang)
	case errors.Is(err, inventory.ErrForbidden):
		d.Message = inventory.M("api.forbidden_record").Text(lang)
	case errors.Is(err, inventory.ErrNotFound):
		if !isEnglish(lang) { // English keeps the store's own words: what was not found
			d.Message = inventory.M("api.not_found").Text(lang)
		}
	case errors.As(err, &fe):
		d.Message = inventory.M(fiberKey(fe.Code)).Text(lang)
	case status >= 500:
		d.Message = inventory.M("api.internal").Text(lang)
	}
}

// fiberKey is the catalog key of what the client is told of an error fiber
// raised.
func fiberKey(status int) string {
	switch status {
	case fiber.StatusBadRequest, fiber.StatusNotFound, fiber.StatusMethodNotAllowed, fiber.StatusRequestEntityTooLarge,
		fiber.StatusUnsupportedMediaType, fiber.StatusTooManyRequests, fiber.StatusRequestTimeout,
		fiber.StatusRequestHeaderFieldsTooLarge, fiber.StatusServiceUnavailable:
		return "api.http." + strconv.Itoa(status)
	}
	if status >= 500 {
		return "api.internal"
	}
	return "api.http.refused"
}

// validationMessage sums up the fields of a validation error in one line:
// "invalid input: position: ...; rack_id: ..." (in Chinese with the same
// field keys, which are part of the answer scripts read).
func validationMessage(lang string, fields map[string]string) string {
	keys := make([]string, 0, len(fields))
	for k := range fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]inventory.Msg, len(keys))
	for i, k := range keys {
		parts[i] = inventory.M("api.field_problem", fieldName(lang, k), fields[k])
	}
	return inventory.M("api.invalid_input", parts).Text(lang)
}

// tooLarge is the message of a body over the limit.
func tooLarge(lang string, upload bool) string {
	if upload {
		return inventory.M("api.too_large_upload").Text(lang)
	}
	return inventory.M("api.too_large").Text(lang)
}

func fiberCode(status int) string {
	switch status {
	case fiber.StatusNotFound:
		return "not_found"
	case fiber.StatusMethodNotAllowed:
		return "method_not_allowed"
	case fiber.StatusRequestEntityTooLarge:
		return "too_large"
	case fiber.StatusUnsupportedMediaType:
		return "unsupported_media_type"
	}
	if status >= 500 {
		return "internal"
	}
	return "bad_request"
}

// trimPrefix drops the "inventory: " of store errors shown to users.
func trimPrefix(msg string) string {
	const p = "inventory: "
	if len(msg) > len(p) && msg[:len(p)] == p {
		return msg[len(p):]
	}
	return msg
}

// errorHandler writes every error in the one JSON shape. Only server errors are
// logged, and their internals never reach the client.
//
// A request for a page (any path outside /api/) gets the error as a page
// instead: the message in the visitor's language, the same status.
func errorHandler(log *slog.Logger, pages *ui.UI) fiber.ErrorHandler {
	return func(c *fiber.Ctx, err error) error {
		setSecureHeaders(c)
		status, detail := statusOf(err)
		l := langOf(c)
		localize(err, l, status, &detail)
		var ae *apiError
		if status == fiber.StatusRequestEntityTooLarge && !errors.As(err, &ae) {
			detail.Message = tooLarge(l, isUpload(c))
		}
		if status >= 500 {
			log.Error("request failed", "method", c.Method(), "path", c.Path(), "status", status, "err", err)
		}
		if pages != nil && isPage(c) {
			return pages.ErrorPage(c, status, detail.Message)
		}
		return c.Status(status).JSON(errorBody{Error: detail})
	}
}

// isPage reports whether a request is for a web page rather than the API.
func isPage(c *fiber.Ctx) bool {
	p := c.Path()
	return !strings.HasPrefix(p, "/api/") && p != "/api" && !strings.HasPrefix(p, "/metrics")
}

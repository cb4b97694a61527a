package web

import (
	"errors"
	"log/slog"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/utils"

	"hostroll/inventory"
	"hostroll/web/ui"
)

// apiError is an error the web layer itself raises: bad paths, bodies and
// query parameters.
type apiError struct {
	status  int
	code    string
	message string
	fields  map[string]string
}

func (e *apiError) Error() string { return e.message }

func badRequest(msg string) error {
	return &apiError{status: fiber.StatusBadRequest, code: "bad_request", message: msg}
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

// fiberMessage is what the client is told of an error fiber raised.
func fiberMessage(status int) string {
	if status == fiber.StatusBadRequest {
		return "the request is not valid HTTP"
	}
	if text := utils.StatusMessage(status); text != "" {
		return strings.ToLower(text[:1]) + text[1:]
	}
	return "request refused"
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
		if xe := (*inventory.ForbiddenError)(nil); errors.As(err, &xe) {
			detail.Message = xe.Text(lang(c))
		}
		if ce := (*inventory.ConflictError)(nil); errors.As(err, &ce) && ce.MessageZH != "" {
			detail.Message = ce.Text(lang(c))
			if ce.Field != "" {
				detail.Fields[ce.Field] = detail.Message
			}
		}
		var ae *apiError
		if status == fiber.StatusRequestEntityTooLarge && !errors.As(err, &ae) {
			detail.Message = "request body is larger than 1 MiB"
			if isUpload(c) {
				detail.Message = "request body is larger than 21 MiB; a document's file may be at most 20 MiB"
			}
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

package web

import (
	"errors"
	"slices"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"
)

// unknownMethod stands in for any request method fiber does not know
// ("FOO"), so that the router answers it like a known method without a
// route: 405 with Allow where the path exists, 404 where it does not. No
// route uses it.
const unknownMethod = "X-HOSTROLL-UNKNOWN"

// sentMethod is the request's own method, kept while it is routed as
// unknownMethod.
const sentMethod = "hostroll.sent_method"

// catchUnknownMethods wraps the app's fasthttp handler: fiber itself would
// answer an unknown method with a text/plain 400.
func catchUnknownMethods(app *fiber.App) {
	srv := app.Server()
	next := srv.Handler
	srv.Handler = func(ctx *fasthttp.RequestCtx) {
		m := string(ctx.Method())
		if !slices.Contains(fiber.DefaultMethods, m) {
			ctx.SetUserValue(sentMethod, m)
			ctx.Request.Header.SetMethod(unknownMethod)
		}
		next(ctx)
	}
}

// noRoute runs when no route took the request: it lets the router say
// whether the path exists with other methods (405, with Allow) and answers
// in the API's error shape.
func noRoute(c *fiber.Ctx) error {
	err := c.Next()
	method := c.Method()
	if m, ok := c.Context().UserValue(sentMethod).(string); ok {
		method = m
	}
	var fe *fiber.Error
	if errors.As(err, &fe) && fe.Code == fiber.StatusMethodNotAllowed {
		allow := strings.ReplaceAll(string(c.Response().Header.Peek(fiber.HeaderAllow)), ", ", ",")
		return refusal(fiber.StatusMethodNotAllowed, "method_not_allowed", "api.method_not_allowed",
			method, c.Path(), strings.ReplaceAll(allow, ",", ", "))
	}
	return refusal(fiber.StatusNotFound, "not_found", "api.no_route", method, c.Path())
}

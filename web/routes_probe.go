package web

import (
	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"
)

// Route is one route of the app and the action it declares.
type Route struct {
	Method, Path, Action string
}

// Routes lists every route of app with the action its access check declares
// ("" when its first handler is not one: an open route, or a mistake the
// route table test catches). It asks each route's first handler in probe
// mode, where an access check only names its action.
func Routes(app *fiber.App) []Route {
	var out []Route
	for _, r := range app.GetRoutes(true) {
		if r.Method == fiber.MethodHead || r.Method == "USE" || len(r.Handlers) == 0 {
			continue
		}
		out = append(out, Route{Method: r.Method, Path: r.Path, Action: probe(app, r.Handlers[0])})
	}
	return out
}

func probe(app *fiber.App, h fiber.Handler) (action string) {
	c := app.AcquireCtx(&fasthttp.RequestCtx{})
	defer app.ReleaseCtx(c)
	c.Locals(probeKey, &action)
	defer func() { _ = recover() }() // a handler that is not a check may not run outside a request
	c.Request().Header.SetMethod("PROBE")
	_ = h(c)
	return action
}

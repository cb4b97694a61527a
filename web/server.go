// Package web is hostroll's HTTP side: the JSON API under /api/v1, the
// sign-in page, and the web pages of package web/ui.
package web

import (
	_ "embed"
	"log/slog"
	"net/netip"
	"slices"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/recover"

	"hostroll/inventory"
	"hostroll/web/ui"
)

// BodyLimit is the largest request body the API reads.
const BodyLimit = 1 << 20

//go:embed openapi.yaml
var openapiYAML []byte

// OpenAPI returns the API's OpenAPI 3 description.
func OpenAPI() []byte { return openapiYAML }

// Config is what the web app needs.
type Config struct {
	Store   *inventory.Store
	Logger  *slog.Logger
	Version string
	Poller  Poller // POST /devices/{id}/poll; nil answers 503

	// TokenPepper keys the HMAC of API token secrets (HOSTROLL_TOKEN_PEPPER,
	// else derived from the secret key file). Without it no token works.
	TokenPepper []byte
	// SecureCookies marks the session cookie Secure (HOSTROLL_SECURE_COOKIES=1,
	// behind HTTPS).
	SecureCookies bool
	// SignInLimit is how many sign-in attempts one address may make a
	// minute; 0 means 20.
	SignInLimit int
	// Metrics is what GET /metrics serves (nil: a registry of this app's
	// own, see NewRegistry and NewMetrics); MetricsAllow the addresses that
	// may scrape it without an admin's credentials (nil: loopback).
	Metrics      *Metrics
	MetricsAllow []netip.Prefix
	// SecondFactorRoles are the roles whose users must sign in with a
	// second factor (HOSTROLL_2FA_ROLES; cmd/hostroll's default is admin);
	// such a user without one enrols right after the password step.
	SecondFactorRoles []string
}

// New builds the fiber app with every route.
func New(cfg Config) *fiber.App {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	pages := ui.New(ui.Config{Store: cfg.Store, Logger: cfg.Logger, Version: cfg.Version,
		Guard: canPage, CSRF: csrfOf, User: userOfRequest, UserLang: userLang, SessionID: sessionIDOf,
		TokenPepper: cfg.TokenPepper, SecureCookies: cfg.SecureCookies, Poller: cfg.Poller})
	app := fiber.New(fiber.Config{
		AppName:               "hostroll",
		BodyLimit:             UploadBodyLimit, // limitBody keeps the rest to BodyLimit
		ErrorHandler:          errorHandler(cfg.Logger, pages),
		DisableStartupMessage: true,
		ReadTimeout:           30 * time.Second,
		WriteTimeout:          60 * time.Second,
		IdleTimeout:           120 * time.Second,
		RequestMethods:        append(slices.Clone(fiber.DefaultMethods), unknownMethod),
	})
	if cfg.SignInLimit <= 0 {
		cfg.SignInLimit = 20
	}
	if cfg.Metrics == nil && cfg.Store != nil {
		cfg.Metrics = NewMetrics(NewRegistry(cfg.Version, cfg.Store.DB().DB), cfg.Store)
	}
	if cfg.Metrics == nil { // an app without a store (tests of the middleware)
		cfg.Metrics = NewMetrics(NewRegistry(cfg.Version, nil), nil)
	}
	if cfg.MetricsAllow == nil {
		cfg.MetricsAllow = DefaultMetricsAllow
	}
	app.Use(recover.New())
	known := map[string]bool{} // the routes, filled in below before any request
	app.Use(cfg.Metrics.observe(known))
	app.Use(secureHeaders)
	app.Use(requestLog(cfg.Logger))
	app.Use(limitBody)
	app.Use(authenticate(cfg))
	routes(app, cfg)
	pages.Mount(app)
	app.Use(noRoute)
	catchUnknownMethods(app)
	for _, r := range app.GetRoutes(true) {
		known[r.Method+" "+r.Path] = true
	}
	return app
}

// routes is the whole route table.
func routes(app *fiber.App, cfg Config) {
	lim := newLimiter(cfg.SignInLimit, time.Minute)
	s := cfg.Store
	sx := sheetExport(s, cfg.Logger)
	app.Get("/login", loginPage(cfg))
	app.Post("/login", loginForm(cfg, lim))
	app.Post("/login/password", canForm("self"), loginPassword(cfg))
	app.Post("/login/code", canChallengeForm("self"), loginCode(cfg, lim))
	app.Get("/login/totp", canForm("self"), loginTOTPPage(cfg))
	app.Post("/login/totp", canForm("self"), loginTOTPStart(cfg))
	app.Post("/login/totp/confirm", canForm("self"), loginTOTPConfirm(cfg))
	app.Post("/logout", canChallengeForm("self"), logoutForm(cfg))
	app.Get("/static/login.css", loginCSS)
	app.Get("/metrics", canFrom("metrics.read", cfg.MetricsAllow), cfg.Metrics.handler())

	api := app.Group("/api/v1")
	api.Get("/health", health(cfg))
	api.Get("/openapi.yaml", func(c *fiber.Ctx) error {
		c.Set(fiber.HeaderContentType, "application/yaml")
		return c.Send(openapiYAML)
	})

	crud[inventory.Unit, inventory.UnitInput]{s.Units, s.Unit, inventory.DefaultUnitInput,
		s.CreateUnit, s.UpdateUnit, s.DeleteUnit}.mount(api, "/units", "unit", sx("units"))
	crud[inventory.Room, inventory.RoomInput]{s.Rooms, s.Room, inventory.DefaultRoomInput,
		s.CreateRoom, s.UpdateRoom, s.DeleteRoom}.mount(api, "/rooms", "room", sx("rooms"))
	crud[inventory.Rack, inventory.RackInput]{s.Racks, s.Rack, inventory.DefaultRackInput,
		s.CreateRack, s.UpdateRack, s.DeleteRack}.mount(api, "/racks", "rack", sx("racks"))
	api.Get("/racks/:id/elevation", can("rack.read"), rackElevation(s))
	crud[inventory.Device, inventory.DeviceInput]{s.Devices, s.Device, inventory.DefaultDeviceInput,
		s.CreateDevice, s.UpdateDevice, s.DeleteDevice}.mount(api, "/devices", "device", sx("devices"))
	crud[inventory.Line, inventory.LineInput]{s.Lines, s.Line, inventory.DefaultLineInput,
		s.CreateLine, s.UpdateLine, s.DeleteLine}.mount(api, "/lines", "line", sx("lines"))
	api.Get("/lines/:id/history", can("line.read"), lineHistory(s))
	crud[inventory.Project, inventory.ProjectInput]{s.Projects, s.Project, inventory.DefaultProjectInput,
		s.CreateProject, s.UpdateProject, s.DeleteProject}.mount(api, "/projects", "project", sx("projects"))
	exporting(crud[inventory.SNMPProfile, inventory.SNMPProfileInput]{s.SNMPProfiles, s.SNMPProfile,
		inventory.DefaultSNMPProfileInput, s.CreateSNMPProfile, s.UpdateSNMPProfile,
		s.DeleteSNMPProfile}, exportList(s, "snmp-profiles", "snmp_profile", s.SNMPProfiles)).mount(api, "/snmp-profiles", "snmp")
	api.Get("/audit", can("audit.read"), listOrExport(s, "audit", "audit", s.Audit))
	api.Get("/audit/verify", can("audit.verify"), auditVerify(s))
	mountSession(api, cfg, lim)
	mountUsers(api, cfg)
	mountLifecycle(api, cfg)
	mountSpec(api, s, sx("spec-items"))
	mountSheets(api, s)
	mountFindings(api, s)
	mountReports(api, s)
	mountObservations(api, cfg)
	mountRectifications(api, s)
	mountNotices(api, s)
}

// userOf names who made a request, for the log: "-" when nobody signed in.
func userOf(c *fiber.Ctx) string {
	if a := authOf(c); a != nil {
		return a.user.Username
	}
	return "-"
}

// requestLog logs each request once, with its status and duration.
func requestLog(log *slog.Logger) fiber.Handler {
	return func(c *fiber.Ctx) error {
		start := time.Now()
		err := c.Next()
		status := c.Response().StatusCode()
		if err != nil {
			status, _ = statusOf(err)
		}
		log.LogAttrs(c.UserContext(), slog.LevelInfo, "request",
			slog.String("method", c.Method()), slog.String("path", c.Path()),
			slog.Int("status", status), slog.Duration("duration", time.Since(start)),
			slog.String("request_id", requestID(c)), slog.String("user", userOf(c)))
		return err
	}
}

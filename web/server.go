// Package web is hostroll's HTTP side: the JSON API under /api/v1.
package web

import (
	_ "embed"
	"log/slog"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/recover"

	"hostroll/inventory"
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
}

// New builds the fiber app with every route.
func New(cfg Config) *fiber.App {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	app := fiber.New(fiber.Config{
		AppName:               "hostroll",
		BodyLimit:             UploadBodyLimit, // limitBody keeps the rest to BodyLimit
		ErrorHandler:          errorHandler(cfg.Logger),
		DisableStartupMessage: true,
		ReadTimeout:           30 * time.Second,
		WriteTimeout:          60 * time.Second,
		IdleTimeout:           120 * time.Second,
	})
	app.Use(recover.New())
	app.Use(requestLog(cfg.Logger))
	app.Use(limitBody)
	routes(app, cfg)
	app.Use(func(c *fiber.Ctx) error {
		return &apiError{status: fiber.StatusNotFound, code: "not_found",
			message: "no route " + c.Method() + " " + c.Path() + "; the API is described at /api/v1/openapi.yaml"}
	})
	return app
}

// routes is the whole route table.
func routes(app *fiber.App, cfg Config) {
	s := cfg.Store
	app.Get("/", func(c *fiber.Ctx) error {
		return c.JSON(fiber.Map{"name": "hostroll", "version": cfg.Version, "api": "/api/v1", "openapi": "/api/v1/openapi.yaml"})
	})

	api := app.Group("/api/v1", func(c *fiber.Ctx) error {
		c.SetUserContext(inventory.WithActor(c.UserContext(), "api"))
		return c.Next()
	})
	api.Get("/health", health(cfg))
	api.Get("/openapi.yaml", func(c *fiber.Ctx) error {
		c.Set(fiber.HeaderContentType, "application/yaml")
		return c.Send(openapiYAML)
	})

	crud[inventory.Unit, inventory.UnitInput]{s.Units, s.Unit, inventory.DefaultUnitInput,
		s.CreateUnit, s.UpdateUnit, s.DeleteUnit}.mount(api, "/units")
	crud[inventory.Room, inventory.RoomInput]{s.Rooms, s.Room, inventory.DefaultRoomInput,
		s.CreateRoom, s.UpdateRoom, s.DeleteRoom}.mount(api, "/rooms")
	crud[inventory.Rack, inventory.RackInput]{s.Racks, s.Rack, inventory.DefaultRackInput,
		s.CreateRack, s.UpdateRack, s.DeleteRack}.mount(api, "/racks")
	api.Get("/racks/:id/elevation", rackElevation(s))
	crud[inventory.Device, inventory.DeviceInput]{s.Devices, s.Device, inventory.DefaultDeviceInput,
		s.CreateDevice, s.UpdateDevice, s.DeleteDevice}.mount(api, "/devices")
	crud[inventory.Line, inventory.LineInput]{s.Lines, s.Line, inventory.DefaultLineInput,
		s.CreateLine, s.UpdateLine, s.DeleteLine}.mount(api, "/lines")
	api.Get("/lines/:id/history", lineHistory(s))
	crud[inventory.Project, inventory.ProjectInput]{s.Projects, s.Project, inventory.DefaultProjectInput,
		s.CreateProject, s.UpdateProject, s.DeleteProject}.mount(api, "/projects")
	crud[inventory.SNMPProfile, inventory.SNMPProfileInput]{s.SNMPProfiles, s.SNMPProfile,
		inventory.DefaultSNMPProfileInput, s.CreateSNMPProfile, s.UpdateSNMPProfile,
		s.DeleteSNMPProfile}.mount(api, "/snmp-profiles")
	api.Get("/audit", auditLog(s))
	mountLifecycle(api, cfg)
	mountSpec(api, s)
	mountFindings(api, s)
	mountReports(api, s)
	mountObservations(api, cfg)
	mountRectifications(api, s)
	mountNotices(api, s)
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
			slog.Int("status", status), slog.Duration("duration", time.Since(start)))
		return err
	}
}

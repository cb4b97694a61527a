package web

import (
	"github.com/gofiber/fiber/v2"

	"hostroll/inventory"
	"hostroll/locale"
	"hostroll/web/ui"
)

// health answers 200 with the status, dialect and versions when the database
// answers, 503 when it does not. It is open to everyone, so it says nothing
// more.
func health(cfg Config) fiber.Handler {
	return func(c *fiber.Ctx) error {
		h, err := cfg.Store.Health(c.UserContext())
		if err != nil {
			cfg.Logger.Error("health check failed", "err", err)
			return c.Status(fiber.StatusServiceUnavailable).JSON(errorBody{Error: errorDetail{
				Code: "unavailable", Message: "the database does not answer"}})
		}
		return c.JSON(fiber.Map{"status": "ok", "version": cfg.Version, "dialect": h.Dialect,
			"schema_version": h.SchemaVersion, "schema_latest": h.SchemaLatest})
	}
}

func rackElevation(s *inventory.Store) fiber.Handler {
	return func(c *fiber.Ctx) error {
		id, err := pathID(c)
		if err != nil {
			return err
		}
		render, face := c.Query("render", "json"), c.Query("face")
		if render != "json" && render != "svg" {
			return inventory.Invalid("render", "err.device_list.one_of", "json, svg", render)
		}
		if face != "" && face != "front" && face != "rear" {
			return inventory.Invalid("face", "err.device_list.one_of", "front, rear", face)
		}
		e, err := s.RackElevation(c.UserContext(), id)
		if err != nil {
			return err
		}
		if render == "json" {
			return c.JSON(e)
		}
		return sendElevationSVG(c, e, face)
	}
}

// sendElevationSVG answers the rack's drawing as a standalone SVG file: its
// stylesheet inside, its tooltips in the request's language.
func sendElevationSVG(c *fiber.Ctx, e inventory.Elevation, face string) error {
	lang, _ := locale.Of(langOf(c))
	d := ui.DrawingOf(e, lang)
	var faces []string
	if face != "" {
		faces = []string{face}
	}
	c.Set(fiber.HeaderContentType, "image/svg+xml; charset=utf-8")
	c.Set(fiber.HeaderContentDisposition, `inline; filename="`+d.FileName(face)+`"`)
	// The file's own <style> is all it needs; nothing in it runs.
	c.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'")
	return c.SendString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n" + d.SVG(faces, true, false))
}

func lineHistory(s *inventory.Store) fiber.Handler {
	return func(c *fiber.Ctx) error {
		format, err := partFormat(c)
		if err != nil {
			return err
		}
		id, err := pathID(c)
		if err != nil {
			return err
		}
		h, err := s.LineHistory(c.UserContext(), id)
		if err != nil {
			return err
		}
		if format != "" {
			return sendWhole(c, s, listSheet{name: "line-history", entity: "line"}, h, format)
		}
		return c.JSON(listBody[inventory.LineState]{Items: h, Total: len(h)})
	}
}

// auditVerify recomputes the audit chain: 200 with ok false names the first
// row changed, removed or inserted out of order (the check itself worked).
func auditVerify(s *inventory.Store) fiber.Handler {
	return func(c *fiber.Ctx) error {
		v, err := s.VerifyAudit(c.UserContext(), lang(c))
		if err != nil {
			return err
		}
		return c.JSON(v)
	}
}

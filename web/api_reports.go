package web

import (
	"bytes"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"hostroll/inventory"
)

// mountReports registers the planners' reports.
func mountReports(api fiber.Router, s *inventory.Store) {
	api.Get("/reports/consolidation", can("report.read"), consolidationReport(s))
	api.Get("/reports/move-plan", can("report.read"), movePlan(s))
}

// onlyQuery refuses query parameters other than the allowed ones.
func onlyQuery(c *fiber.Ctx, allowed ...string) error {
	ve := &inventory.ValidationError{}
	for k := range c.Queries() {
		ok := false
		for _, a := range allowed {
			ok = ok || k == a
		}
		if !ok {
			ve.Add(k, "unknown parameter; this report takes %v", allowed)
		}
	}
	return ve.Err()
}

func consolidationReport(s *inventory.Store) fiber.Handler {
	return func(c *fiber.Ctx) error {
		if err := onlyQuery(c, "format"); err != nil {
			return err
		}
		format := c.Query("format", "json")
		if format != "json" && format != "csv" {
			return inventory.Invalid("format", "must be json or csv, not %q", format)
		}
		rep, err := s.ConsolidationReport(c.UserContext())
		if err != nil {
			return err
		}
		if format == "json" {
			return c.JSON(rep)
		}
		var buf bytes.Buffer
		if err := rep.WriteCSV(&buf); err != nil {
			return err
		}
		c.Set(fiber.HeaderContentType, "text/csv; charset=utf-8")
		c.Set(fiber.HeaderContentDisposition, `attachment; filename="consolidation.csv"`)
		return c.Send(buf.Bytes())
	}
}

func movePlan(s *inventory.Store) fiber.Handler {
	return func(c *fiber.Ctx) error {
		if err := onlyQuery(c, "unit_id"); err != nil {
			return err
		}
		var unitID *int64
		if raw := c.Query("unit_id"); raw != "" {
			id, err := strconv.ParseInt(raw, 10, 64)
			if err != nil || id < 1 {
				return inventory.Invalid("unit_id", "must be a positive integer id, not %q", raw)
			}
			unitID = &id
		}
		plan, err := s.MovePlan(c.UserContext(), unitID)
		if err != nil {
			return err
		}
		return c.JSON(plan)
	}
}

package web

import (
	"bytes"
	"io"
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
		ok := k == "lang" // every answer takes lang
		for _, a := range allowed {
			ok = ok || k == a
		}
		if !ok {
			ve.Add(k, "err.reports.field.unknown_parameter_this", allowed)
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
			return inventory.Invalid("format", "err.reports.format.json_csv", format)
		}
		rep, err := s.ConsolidationReport(c.UserContext())
		if err != nil {
			return err
		}
		if format == "json" {
			return c.JSON(rep)
		}
		return sendCSV(c, "consolidation.csv", rep.WriteCSV)
	}
}

func movePlan(s *inventory.Store) fiber.Handler {
	return func(c *fiber.Ctx) error {
		if err := onlyQuery(c, "unit_id", "room_id", "format"); err != nil {
			return err
		}
		var opts inventory.MovePlanOptions
		ve := &inventory.ValidationError{}
		opts.UnitID = queryID(c, ve, "unit_id")
		opts.RoomID = queryID(c, ve, "room_id")
		format := c.Query("format", "json")
		if format != "json" && format != "csv" {
			ve.Add("format", "err.reports.format.json_csv", format)
		}
		if err := ve.Err(); err != nil {
			return err
		}
		plan, err := s.MovePlan(c.UserContext(), opts)
		if err != nil {
			return err
		}
		if format == "json" {
			return c.JSON(plan)
		}
		return sendCSV(c, "move-plan.csv", plan.WriteCSV)
	}
}

// queryID reads an optional positive id from the query; nil when absent.
func queryID(c *fiber.Ctx, ve *inventory.ValidationError, name string) *int64 {
	raw := c.Query(name)
	if raw == "" {
		return nil
	}
	id, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || id < 1 {
		ve.Add(name, "err.reports.field.positive_integer_id", raw)
		return nil
	}
	return &id
}

// sendCSV answers with what write makes, as a CSV attachment named name; it
// is written to a buffer first, so a failure is still an error answer.
func sendCSV(c *fiber.Ctx, name string, write func(io.Writer) error) error {
	var buf bytes.Buffer
	if err := write(&buf); err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "text/csv; charset=utf-8")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="`+name+`"`)
	return c.Send(buf.Bytes())
}

package web

import (
	"bytes"
	"context"
	"slices"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"hostroll/inventory"
	"hostroll/locale"
	"hostroll/report"
	"hostroll/sheet"
)

// ReportFormats are the formats every report answers in.
var ReportFormats = []string{"json", "csv", "xlsx"}

// reportFormat reads ?format= (json when absent) and ?lang= for a report;
// the errors go to ve.
func reportFormat(c *fiber.Ctx, ve *inventory.ValidationError, formats ...string) string {
	if len(formats) == 0 {
		formats = ReportFormats
	}
	format := c.Query("format", "json")
	if !slices.Contains(formats, format) {
		ve.Add("format", "report.err.one_of", strings.Join(formats, ", "), format)
	}
	if l := c.Query("lang"); l != "" && !knownLang(l) {
		ve.Add("lang", "report.err.one_of", strings.Join(locale.Langs, ", "), l)
	}
	return format
}

// sheetLang is the language of a spreadsheet's headings: ?lang=, else
// Accept-Language, else Chinese.
func sheetLang(c *fiber.Ctx) string { return langOf(c) }

// reportMeta is the title's date (today, in the business time zone) and
// filters of a report asked for by c.
func reportMeta(c *fiber.Ctx, s *inventory.Store, filters ...[2]string) report.Meta {
	return report.Meta{Lang: sheetLang(c), Date: time.Now().In(s.Zone()).Format(time.DateOnly), Filters: filters}
}

// sendReport answers with the report as an attachment in format (csv or
// xlsx). It is written to a buffer first, so a failure is still an error
// answer; reports are bounded by the prefecture's size.
func sendReport(c *fiber.Ctx, r report.Report, format string) error {
	var buf bytes.Buffer
	if err := r.Write(&buf, format); err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, sheet.ContentType(format))
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="`+r.FileName(format)+`"`)
	return c.Send(buf.Bytes())
}

// unitFilter names the unit a report is narrowed to, as its title says it.
func unitFilter(ctx context.Context, s *inventory.Store, lang string, id *int64) ([][2]string, error) {
	if id == nil {
		return nil, nil
	}
	u, err := s.Unit(ctx, *id)
	if err != nil {
		return nil, err
	}
	return [][2]string{{locale.T(lang, "report.filter.unit"), u.Code + " " + u.Name}}, nil
}

// roomFilter names the room a report is narrowed to.
func roomFilter(ctx context.Context, s *inventory.Store, lang string, id *int64) ([][2]string, error) {
	if id == nil {
		return nil, nil
	}
	r, err := s.Room(ctx, *id)
	if err != nil {
		return nil, err
	}
	return [][2]string{{locale.T(lang, "report.filter.room"), r.Name}}, nil
}

// unitNames names every unit the caller may see, by id.
func unitNames(ctx context.Context, s *inventory.Store) (map[int64]report.Unit, error) {
	out := map[int64]report.Unit{}
	for offset := 0; ; offset += inventory.MaxLimit {
		items, total, err := s.Units(ctx, inventory.ListParams{Limit: inventory.MaxLimit, Offset: offset})
		if err != nil {
			return nil, err
		}
		for _, u := range items {
			out[u.ID] = report.Unit{Code: u.Code, Name: u.Name}
		}
		if offset+len(items) >= total || len(items) == 0 {
			return out, nil
		}
	}
}

// movePlanReport lays out a move plan with the units named and the
// filters in the title.
func movePlanReport(c *fiber.Ctx, s *inventory.Store, plan inventory.MovePlan, opts inventory.MovePlanOptions) (report.Report, error) {
	ctx, l := c.UserContext(), sheetLang(c)
	units, err := unitNames(ctx, s)
	if err != nil {
		return report.Report{}, err
	}
	filters, err := unitFilter(ctx, s, l, opts.UnitID)
	if err != nil {
		return report.Report{}, err
	}
	room, err := roomFilter(ctx, s, l, opts.RoomID)
	if err != nil {
		return report.Report{}, err
	}
	return report.MovePlan(plan, units, reportMeta(c, s, append(filters, room...)...)), nil
}

// complianceReport answers a project's compliance check as a spreadsheet.
func complianceReport(c *fiber.Ctx, s *inventory.Store, id int64, out *inventory.Compliance, format string) error {
	p, err := s.Project(c.UserContext(), id)
	if err != nil {
		return err
	}
	return sendReport(c, report.Compliance(out, p, reportMeta(c, s)), format)
}

// asOfFilter is the as_of filter of the annual plan, when given.
func asOfFilter(c *fiber.Ctx) [][2]string {
	if d := c.Query("as_of"); d != "" {
		return [][2]string{{locale.T(sheetLang(c), "report.filter.as_of"), d}}
	}
	return nil
}

// noticeSheet answers a notice as a spreadsheet, in the request's language.
func noticeSheet(c *fiber.Ctx, s *inventory.Store, id int64, format string) error {
	m := reportMeta(c, s)
	if l := c.Query("lang"); l != "" && !knownLang(l) {
		return inventory.Invalid("lang", "report.err.one_of", strings.Join(locale.Langs, ", "), l)
	}
	p, err := s.NoticePage(c.UserContext(), id, m.Lang)
	if err != nil {
		return err
	}
	return sendReport(c, report.Notice(p, m), format)
}

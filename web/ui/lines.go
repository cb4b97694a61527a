package ui

import (
	"html/template"

	"github.com/gofiber/fiber/v2"

	"hostroll/inventory"
)

func (u *UI) mountLines(app fiber.Router) {
	g := u.cfg.Guard
	app.Get("/lines", g("line.read"), u.lineList)
	app.Get("/lines/:id", g("line.read"), u.lineShow)
}

type lineListView struct {
	Page
	Lines     []inventory.Line
	Units     unitIndex
	UnitList  []inventory.Unit
	Platforms []string
	Statuses  []string
	Filter    map[string]string
	Pager     Pager
}

func (u *UI) lineList(c *fiber.Ctx) error {
	ctx := c.UserContext()
	v := lineListView{Page: u.page(c, "ui.lines.title"), Platforms: inventory.LinePlatforms,
		Statuses: inventory.LineStatuses, Filter: queryFilters(c, "unit_id", "platform", "status", "carrier")}
	v.Pager = pagerOf(c, v.Lang, 200)
	var err error
	if v.Units, v.UnitList, err = u.units(ctx); err != nil {
		return err
	}
	v.Lines, v.Pager.Total, err = u.cfg.Store.Lines(ctx, listParams(v.Pager, c.Query("q"), v.Filter))
	if err != nil {
		return err
	}
	return u.render(c, fiber.StatusOK, "lines_list", v)
}

type lineShowView struct {
	Page
	Line    inventory.Line
	Unit    inventory.Unit
	History []inventory.LineState
	Chart   string // the SVG of the bandwidth history, built by lineChart
}

// ChartHTML is the history chart, drawn and escaped by lineChart.
func (v lineShowView) ChartHTML() template.HTML { return safeHTML(v.Chart) }

// Platforms are the platforms, for the chart's legend.
func (v lineShowView) Platforms() []string { return inventory.LinePlatforms }

// YearlyFee is twelve months of the line's fee.
func (v lineShowView) YearlyFee() float64 { return v.Line.MonthlyFee * 12 }

func (u *UI) lineShow(c *fiber.Ctx) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	ctx, s := c.UserContext(), u.cfg.Store
	v := lineShowView{Page: u.page(c, "ui.lines.show_title")}
	if v.Line, err = s.Line(ctx, id); err != nil {
		return err
	}
	if v.Unit, err = s.Unit(ctx, v.Line.UnitID); err != nil {
		return err
	}
	if v.History, err = s.LineHistory(ctx, id); err != nil {
		return err
	}
	v.Title = v.Line.Carrier + " " + v.Line.CircuitID
	v.Chart = lineChart(v.History, v.T("ui.lines.chart_title"), func(p string) string { return v.Label("line_platform", p) })
	return u.render(c, fiber.StatusOK, "lines_show", v)
}

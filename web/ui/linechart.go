package ui

import (
	"fmt"
	"html/template"
	"strings"

	"hostroll/inventory"
)

// Chart geometry: the plot's size and its margins, in SVG units.
const (
	chartW, chartH     = 640, 180
	chartLeft, chartR  = 56, 48
	chartTop, chartBot = 24, 36
)

// lineChart draws a line's bandwidth history as a step chart: one point
// per recorded state, spaced evenly in time order, each coloured by its
// platform (class platform-<code>, styled in app.css), its bandwidth above
// it and its day below the axis. Every text is escaped; the drawing has no
// style attribute and no script, so the page's CSP holds.
func lineChart(states []inventory.LineState, title string, platform func(string) string) string {
	if len(states) == 0 {
		return ""
	}
	maxBW := 1
	for _, s := range states {
		maxBW = max(maxBW, s.BandwidthMbps)
	}
	plotW, plotH := chartW-chartLeft-chartR, chartH-chartTop-chartBot
	x := func(i int) int {
		if len(states) == 1 {
			return chartLeft + plotW/2
		}
		return chartLeft + i*plotW/(len(states)-1)
	}
	y := func(bw int) int { return chartTop + plotH - bw*plotH/maxBW }
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" role="img" aria-label="%s">`,
		chartW, chartH, esc(title))
	fmt.Fprintf(&b, `<line class="axis" x1="%d" y1="%d" x2="%d" y2="%d"/>`, chartLeft, chartTop+plotH, chartW-chartR, chartTop+plotH)
	fmt.Fprintf(&b, `<line class="axis" x1="%d" y1="%d" x2="%d" y2="%d"/>`, chartLeft, chartTop, chartLeft, chartTop+plotH)
	fmt.Fprintf(&b, `<text class="tick" x="%d" y="%d" text-anchor="end">%d Mbps</text>`, chartLeft-4, chartTop+4, maxBW)
	path := fmt.Sprintf("M %d %d", x(0), y(states[0].BandwidthMbps))
	for i := 1; i < len(states); i++ {
		path += fmt.Sprintf(" H %d V %d", x(i), y(states[i].BandwidthMbps))
	}
	fmt.Fprintf(&b, `<path class="step" d="%s"/>`, path)
	for i, s := range states {
		fmt.Fprintf(&b, `<circle class="pt platform-%s" cx="%d" cy="%d" r="5"><title>%s · %d Mbps · %s</title></circle>`,
			esc(s.Platform), x(i), y(s.BandwidthMbps), esc(string(s.ChangedOn)), s.BandwidthMbps, esc(platform(s.Platform)))
		fmt.Fprintf(&b, `<text class="val" x="%d" y="%d" text-anchor="middle">%d</text>`, x(i), y(s.BandwidthMbps)-9, s.BandwidthMbps)
		fmt.Fprintf(&b, `<text class="tick" x="%d" y="%d" text-anchor="middle">%s</text>`, x(i), chartH-12, esc(string(s.ChangedOn)))
	}
	b.WriteString(`</svg>`)
	return b.String()
}

func esc(s string) string { return template.HTMLEscapeString(s) }

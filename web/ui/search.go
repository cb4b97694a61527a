package ui

import (
	"context"
	"strings"

	"github.com/gofiber/fiber/v2"

	"hostroll/inventory"
)

func (u *UI) mountSearch(app fiber.Router) {
	app.Get("/search", u.cfg.Guard("self"), u.search)
}

// searchHit is one record the search found: a link and what it matched on.
type searchHit struct {
	URL, Name, Detail string
}

// searchGroup is what one kind of record gave, with the total and a link to
// its full list when there are more.
type searchGroup struct {
	Label   string
	Hits    []searchHit
	Total   int
	MoreURL string
}

type searchView struct {
	Page
	Groups []searchGroup
	Hits   int
}

// searchLimit is how many hits of each kind the page shows.
const searchLimit = 20

// searchers are the kinds of record the search box looks through, each
// behind the read action of its role: devices (name, serial, asset tag,
// management IP), racks, rooms, units, lines (circuit id, carrier, ends) and
// projects (code, name). The store's scope keeps unit staff to their unit.
var searchers = []struct {
	action, label, list string
	find                func(ctx context.Context, s *inventory.Store, p inventory.ListParams, v *searchView) ([]searchHit, int, error)
}{
	{"device.read", "ui.nav.devices", "/devices", searchDevices},
	{"rack.read", "ui.search.racks", "", searchRacks},
	{"room.read", "ui.nav.rooms", "/rooms", searchRooms},
	{"unit.read", "ui.nav.units", "/units", searchUnits},
	{"line.read", "ui.nav.lines", "/lines", searchLines},
	{"project.read", "ui.nav.projects", "/projects", searchProjects},
}

func (u *UI) search(c *fiber.Ctx) error {
	v := searchView{Page: u.page(c, "ui.search.title")}
	q := strings.TrimSpace(c.Query("q"))
	if q != "" {
		v.Title = v.T("ui.search.results") // the box shows the query: no echo of it elsewhere
		p := inventory.ListParams{Limit: searchLimit, Q: q}
		for _, s := range searchers {
			if !v.Can(s.action) {
				continue
			}
			hits, total, err := s.find(c.UserContext(), u.cfg.Store, p, &v)
			if err != nil {
				return err
			}
			if total == 0 {
				continue
			}
			g := searchGroup{Label: v.T(s.label), Hits: hits, Total: total}
			if total > len(hits) && s.list != "" {
				g.MoreURL = s.list + "?q=" + urlQuery(q)
			}
			v.Groups = append(v.Groups, g)
			v.Hits += total
		}
	}
	return u.render(c, fiber.StatusOK, "search", v)
}

func searchDevices(ctx context.Context, s *inventory.Store, p inventory.ListParams, v *searchView) ([]searchHit, int, error) {
	ds, n, err := s.Devices(ctx, p)
	out := make([]searchHit, len(ds))
	for i, d := range ds {
		out[i] = searchHit{URL: "/devices/" + itoa(d.ID), Name: d.Name,
			Detail: joinNonEmpty(v.Label("device_kind", d.Kind), d.Serial, d.AssetTag, d.MgmtIP)}
	}
	return out, n, err
}

func searchRacks(ctx context.Context, s *inventory.Store, p inventory.ListParams, v *searchView) ([]searchHit, int, error) {
	rs, n, err := s.Racks(ctx, p)
	out := make([]searchHit, len(rs))
	for i, r := range rs {
		out[i] = searchHit{URL: "/racks/" + itoa(r.ID), Name: r.Name, Detail: v.T("ui.search.rack_detail", r.UHeight)}
	}
	return out, n, err
}

func searchRooms(ctx context.Context, s *inventory.Store, p inventory.ListParams, v *searchView) ([]searchHit, int, error) {
	rs, n, err := s.Rooms(ctx, p)
	out := make([]searchHit, len(rs))
	for i, r := range rs {
		out[i] = searchHit{URL: "/rooms/" + itoa(r.ID), Name: r.Name,
			Detail: joinNonEmpty(v.Label("room_kind", r.Kind), v.Label("room_status", r.Status), r.Address)}
	}
	return out, n, err
}

func searchUnits(ctx context.Context, s *inventory.Store, p inventory.ListParams, v *searchView) ([]searchHit, int, error) {
	us, n, err := s.Units(ctx, p)
	out := make([]searchHit, len(us))
	for i, x := range us {
		out[i] = searchHit{URL: "/units/" + itoa(x.ID), Name: x.Name, Detail: joinNonEmpty(x.Code, v.Label("unit_kind", x.Kind))}
	}
	return out, n, err
}

func searchLines(ctx context.Context, s *inventory.Store, p inventory.ListParams, v *searchView) ([]searchHit, int, error) {
	ls, n, err := s.Lines(ctx, p)
	out := make([]searchHit, len(ls))
	for i, l := range ls {
		out[i] = searchHit{URL: "/lines/" + itoa(l.ID), Name: l.Carrier + " " + l.CircuitID,
			Detail: joinNonEmpty(l.AEnd+" – "+l.ZEnd, v.Label("line_platform", l.Platform))}
	}
	return out, n, err
}

func searchProjects(ctx context.Context, s *inventory.Store, p inventory.ListParams, v *searchView) ([]searchHit, int, error) {
	ps, n, err := s.Projects(ctx, p)
	out := make([]searchHit, len(ps))
	for i, x := range ps {
		out[i] = searchHit{URL: "/projects/" + itoa(x.ID), Name: x.Name,
			Detail: joinNonEmpty(x.Code, v.Label("project_status", x.Status))}
	}
	return out, n, err
}

func joinNonEmpty(parts ...string) string {
	var out []string
	for _, p := range parts {
		if strings.TrimSpace(p) != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, " · ")
}

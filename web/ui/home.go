package ui

import (
	"context"
	"strings"
	"unicode"

	"github.com/gofiber/fiber/v2"

	"hostroll/inventory"
)

// homeView is the first page after signing in: the central room's space,
// the open findings, the projects by step, the devices that do not answer,
// exemptions about to expire and, for unit staff, their unit.
type homeView struct {
	Page
	Rooms            []roomOccupancy
	Rules            []inventory.RuleCount
	Totals           inventory.Counts
	Projects         []inventory.StatusCount
	Unreachable      []inventory.Finding
	UnreachableTotal int
	Expiring         []inventory.Finding
	Unit             *unitSummary
}

// USpace is the rack units of a group of racks: how many there are, and
// how many are taken on at least one face.
type USpace struct {
	Name                 string
	Racks, UHeight, Used int
}

func (o USpace) Free() int { return o.UHeight - o.Used }

// Percent is the share of units in use, rounded down.
func (o USpace) Percent() int {
	if o.UHeight == 0 {
		return 0
	}
	return o.Used * 100 / o.UHeight
}

func (o *USpace) add(r inventory.RackCapacity) {
	o.Racks++
	o.UHeight += r.UHeight
	o.Used += r.UHeight - r.FreeU
}

// roomOccupancy is one central room and its rack rows.
type roomOccupancy struct {
	USpace
	ID   int64
	Rows []USpace
}

// rackRow is the row a rack stands in: its name without the number at the
// end and the separators before it ("A01" … "A10" are row A, "B-03" is row
// B). Machine rooms name racks by row letter and position; a name without
// a trailing number is a row of its own.
func rackRow(name string) string {
	row := strings.TrimRightFunc(name, unicode.IsDigit)
	row = strings.TrimRight(row, "-_ .")
	if row == "" {
		return name
	}
	return row
}

// occupancyOf groups the central racks by room and, within a room, by row,
// in the order the store gives them (room, then rack).
func occupancyOf(c inventory.CentralCapacity) []roomOccupancy {
	var rooms []roomOccupancy
	for _, r := range c.Racks {
		if len(rooms) == 0 || rooms[len(rooms)-1].ID != r.RoomID {
			rooms = append(rooms, roomOccupancy{ID: r.RoomID, USpace: USpace{Name: r.RoomName}})
		}
		room := &rooms[len(rooms)-1]
		room.add(r)
		name := rackRow(r.RackName)
		i := 0
		for i < len(room.Rows) && room.Rows[i].Name != name {
			i++
		}
		if i == len(room.Rows) {
			room.Rows = append(room.Rows, USpace{Name: name})
		}
		room.Rows[i].add(r)
	}
	return rooms
}

func (u *UI) home(c *fiber.Ctx) error {
	ctx, s := c.UserContext(), u.cfg.Store
	v := homeView{Page: u.page(c, "ui.home.title")}
	capacity, err := s.CentralCapacity(ctx)
	if err != nil {
		return err
	}
	v.Rooms = occupancyOf(capacity)
	sum, err := s.FindingSummary(ctx)
	if err != nil {
		return err
	}
	v.Rules, v.Totals = sum.ByRule, sum.Total()
	if v.Projects, err = s.ProjectCounts(ctx); err != nil {
		return err
	}
	v.Unreachable, v.UnreachableTotal, err = s.Findings(ctx, inventory.ListParams{Limit: 10,
		Filters: map[string]string{"rule": "unreachable", "status": "open", "lang": v.Lang}})
	if err != nil {
		return err
	}
	if v.Expiring, err = u.expiring(ctx, v.Lang, v.Now.AddDate(0, 0, 30).Format("2006-01-02")); err != nil {
		return err
	}
	if v.User.Role == inventory.RoleUnitStaff {
		sum, err := u.unitSummary(ctx, v.User.UnitID, v.Now.Year()+1)
		if err != nil {
			return err
		}
		v.Unit = &sum
	}
	return u.render(c, fiber.StatusOK, "home", v)
}

// expiring lists the exempted findings whose exemption ends on or before
// until, soonest first.
func (u *UI) expiring(ctx context.Context, lang, until string) ([]inventory.Finding, error) {
	all, _, err := u.cfg.Store.Findings(ctx, inventory.ListParams{Limit: inventory.MaxLimit,
		Filters: map[string]string{"status": "exempted", "lang": lang}})
	if err != nil {
		return nil, err
	}
	var out []inventory.Finding
	for _, f := range all {
		if e := f.Exemption; e != nil && e.ExpiresOn != nil && string(*e.ExpiresOn) <= until {
			out = append(out, f)
		}
	}
	for i := 1; i < len(out); i++ { // few rows: insertion sort by expiry
		for j := i; j > 0 && *out[j].Exemption.ExpiresOn < *out[j-1].Exemption.ExpiresOn; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out, nil
}

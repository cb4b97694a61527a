package ui

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"hostroll/inventory"
)

// mountRacks adds the rooms and racks pages: the rooms, a room's racks as
// small elevations, and a rack's front and rear drawn side by side.
func (u *UI) mountRacks(app fiber.Router) {
	g := u.cfg.Guard
	app.Get("/rooms", g("room.read"), u.roomList)
	app.Get("/rooms/:id", g("room.read"), u.roomShow)
	app.Get("/racks/:id", g("rack.read"), u.rackShow)
}

type roomListView struct {
	Page
	Rooms []roomRow
	Pager Pager
}

type roomRow struct {
	inventory.Room
	Unit string
}

func (u *UI) roomList(c *fiber.Ctx) error {
	p := u.page(c, "ui.rooms.title")
	pg := pagerOf(c, p.Lang, 200)
	ctx := c.UserContext()
	rooms, total, err := u.cfg.Store.Rooms(ctx, inventory.ListParams{Limit: pg.Limit, Offset: pg.Offset})
	if err != nil {
		return err
	}
	names, err := u.unitNameMap(c)
	if err != nil {
		return err
	}
	pg.Total = total
	v := roomListView{Page: p, Pager: pg, Rooms: make([]roomRow, len(rooms))}
	for i, r := range rooms {
		v.Rooms[i] = roomRow{Room: r, Unit: names[r.UnitID]}
	}
	return u.render(c, fiber.StatusOK, "racks_rooms", v)
}

// unitNameMap is the names of the units the caller may see, by id.
func (u *UI) unitNameMap(c *fiber.Ctx) (map[int64]string, error) {
	units, _, err := u.unitNames(c)
	if err != nil {
		return nil, err
	}
	out := make(map[int64]string, len(units))
	for id, x := range units {
		out[id] = x.Name
	}
	return out, nil
}

type roomView struct {
	Page
	Room  roomRow
	Racks []Drawing
}

func (u *UI) roomShow(c *fiber.Ctx) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	room, err := u.cfg.Store.Room(ctx, id)
	if err != nil {
		return err
	}
	els, err := u.cfg.Store.RoomElevations(ctx, id)
	if err != nil {
		return err
	}
	names, err := u.unitNameMap(c)
	if err != nil {
		return err
	}
	p := u.page(c, "ui.rooms.room_title", room.Name)
	v := roomView{Page: p, Room: roomRow{Room: room, Unit: names[room.UnitID]}, Racks: make([]Drawing, len(els))}
	for i, e := range els {
		v.Racks[i] = DrawingOf(e, p.Lang)
	}
	return u.render(c, fiber.StatusOK, "racks_room", v)
}

type rackView struct {
	Page
	Room     inventory.Room
	Drawing  Drawing
	Occupied []occupantRow // the rack's devices the caller may see, top down
	// CanAdd shows free units as links to the new-device form.
	CanAdd bool
}

type occupantRow struct {
	inventory.Occupant
	Units string // "U10–U11"
}

func (u *UI) rackShow(c *fiber.Ctx) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	e, err := u.cfg.Store.RackElevation(ctx, id)
	if err != nil {
		return err
	}
	room, err := u.cfg.Store.Room(ctx, e.Rack.RoomID)
	if err != nil {
		return err
	}
	p := u.page(c, "ui.racks.title", e.Rack.Name)
	v := rackView{Page: p, Room: room, Drawing: DrawingOf(e, p.Lang), CanAdd: p.Can("device.write")}
	for i := len(e.Occupants) - 1; i >= 0; i-- {
		o := e.Occupants[i]
		if o.Hidden {
			continue
		}
		units := "U" + strconv.Itoa(o.Position)
		if o.UHeight > 1 {
			units += "–U" + strconv.Itoa(o.Position+o.UHeight-1)
		}
		v.Occupied = append(v.Occupied, occupantRow{Occupant: o, Units: units})
	}
	return u.render(c, fiber.StatusOK, "racks_rack", v)
}

// idParam is the :id of a page's path; anything but a positive integer is
// a page that does not exist.
func idParam(c *fiber.Ctx) (int64, error) {
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err != nil || id < 1 {
		return 0, fiber.ErrNotFound
	}
	return id, nil
}

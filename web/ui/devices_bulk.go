package ui

import (
	"errors"
	"net/url"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"hostroll/inventory"
)

// deviceBulk applies one change to the chosen devices, or with all=1 to
// every device the list's filters and search match (not only the page), in
// one store transaction; then it shows the list with a summary.
func (u *UI) deviceBulk(c *fiber.Ctx) error {
	ch := inventory.BulkDeviceChange{Action: c.FormValue("action"), All: c.FormValue("all") == "1"}
	switch ch.Action {
	case inventory.BulkStatus, inventory.BulkUnit, inventory.BulkProject:
		ch.Value = c.FormValue("value_" + ch.Action)
	}
	back, _ := url.ParseQuery(c.FormValue("back"))
	if ch.All {
		ch.Match = inventory.ListParams{Q: back.Get("q"), Filters: map[string]string{}}
		for _, k := range deviceFilters {
			if v := back.Get(k); v != "" {
				ch.Match.Filters[k] = v
			}
		}
	} else {
		for _, raw := range c.Request().PostArgs().PeekMulti("ids") {
			id, err := strconv.ParseInt(string(raw), 10, 64)
			if err != nil || id < 1 {
				return fiber.ErrBadRequest
			}
			ch.IDs = append(ch.IDs, id)
		}
	}
	res, err := u.cfg.Store.BulkDevices(c.UserContext(), ch)
	if err != nil {
		return u.refuseBulk(c, err)
	}
	back.Del("offset")
	back.Set("bulk_action", res.Action)
	back.Set("bulk_count", strconv.Itoa(res.Count))
	return c.Redirect("/devices?"+back.Encode(), fiber.StatusSeeOther)
}

// refuseBulk shows the list again with why nothing was changed.
func (u *UI) refuseBulk(c *fiber.Ctx, err error) error {
	lang := u.lang(c)
	fe, ok := formErrorOf(err, lang)
	if !ok {
		return err
	}
	msg := fe.Message
	for k, m := range fe.Fields {
		if msg != "" {
			msg += "; "
		}
		msg += k + ": " + m
	}
	status := fiber.StatusBadRequest
	if errors.Is(err, inventory.ErrConflict) {
		status = fiber.StatusConflict
	}
	c.Request().URI().SetQueryString(c.FormValue("back"))
	p := u.page(c, "ui.devices.title")
	return u.showDeviceList(c, status, p.T("ui.devices.bulk_failed", msg))
}

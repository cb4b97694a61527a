package ui

import (
	"context"
	"net/url"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"hostroll/inventory"
)

// unitIndex is the units the caller may see, by id, to show a unit's code
// and name beside a record.
type unitIndex map[int64]inventory.Unit

// units reads the units in the caller's scope (at most MaxLimit).
func (u *UI) units(ctx context.Context) (unitIndex, []inventory.Unit, error) {
	list, _, err := u.cfg.Store.Units(ctx, inventory.ListParams{Limit: inventory.MaxLimit})
	if err != nil {
		return nil, nil, err
	}
	idx := make(unitIndex, len(list))
	for _, x := range list {
		idx[x.ID] = x
	}
	return idx, list, nil
}

// Name is a unit's name, or its id when the caller may not see it.
func (ix unitIndex) Name(id int64) string {
	if x, ok := ix[id]; ok {
		return x.Name
	}
	return "#" + strconv.FormatInt(id, 10)
}

// queryFilters copies the named query parameters that are set into a
// store list's filters.
func queryFilters(c *fiber.Ctx, names ...string) map[string]string {
	f := map[string]string{}
	for _, n := range names {
		if v := c.Query(n); v != "" {
			f[n] = v
		}
	}
	return f
}

// listParams is the store's list parameters of a list page: its pager, its
// search text and filters.
func listParams(p Pager, q string, filters map[string]string) inventory.ListParams {
	return inventory.ListParams{Limit: p.Limit, Offset: p.Offset, Q: q, Filters: filters}
}

func itoa(id int64) string { return strconv.FormatInt(id, 10) }

// idQuery reads a positive id from the query; anything else is a 400 page.
func idQuery(c *fiber.Ctx, name string) (int64, error) {
	id, err := strconv.ParseInt(c.Query(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, inventory.Invalid(name, "ui.findings.positive_id")
	}
	return id, nil
}

func urlQuery(s string) string { return url.QueryEscape(s) }

// parseDays reads a number of days (1 to 3650) from a form field.
func parseDays(s string) (int, error) {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil || n < 1 || n > 3650 {
		return 0, inventory.Invalid("expires_days", "ui.account.token_days_range")
	}
	return n, nil
}

// MoneyYear shows twelve months of a monthly fee as money.
func (p Page) MoneyYear(monthly float64) string { return p.Money(monthly * 12) }

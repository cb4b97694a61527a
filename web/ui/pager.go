package ui

import (
	"net/url"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"hostroll/locale"
)

// Pager is a list page's position: which rows it shows of how many, and
// the links to the pages before and after, keeping every other query
// parameter (filters, sort). Render it with {{template "pager" .Pager}}.
type Pager struct {
	Offset, Limit, Total int
	Lang                 string
	base                 url.Values
	path                 string
}

// pagerOf reads limit and offset from the request (limit 50 unless asked,
// at most max).
func pagerOf(c *fiber.Ctx, lang string, max int) Pager {
	p := Pager{Limit: 50, Lang: lang, path: c.Path()}
	if n, err := strconv.Atoi(c.Query("limit")); err == nil && n > 0 {
		p.Limit = min(n, max)
	}
	if n, err := strconv.Atoi(c.Query("offset")); err == nil && n > 0 {
		p.Offset = n
	}
	p.base, _ = url.ParseQuery(string(c.Request().URI().QueryString()))
	return p
}

// T renders a catalog message in the pager's language.
func (p Pager) T(key string, args ...any) string { return locale.T(p.Lang, key, args...) }

// From and To are the 1-based numbers of the first and last rows shown.
func (p Pager) From() int {
	if p.Total == 0 {
		return 0
	}
	return p.Offset + 1
}

func (p Pager) To() int { return min(p.Offset+p.Limit, p.Total) }

// PrevURL and NextURL are the neighbouring pages ("" when there is none).
func (p Pager) PrevURL() string {
	if p.Offset == 0 {
		return ""
	}
	return p.urlAt(max(0, p.Offset-p.Limit))
}

func (p Pager) NextURL() string {
	if p.Offset+p.Limit >= p.Total {
		return ""
	}
	return p.urlAt(p.Offset + p.Limit)
}

func (p Pager) urlAt(offset int) string {
	q := url.Values{}
	for k, v := range p.base {
		q[k] = v
	}
	q.Del("done")
	q.Set("offset", strconv.Itoa(offset))
	if p.Limit != 50 {
		q.Set("limit", strconv.Itoa(p.Limit))
	}
	return p.path + "?" + q.Encode()
}

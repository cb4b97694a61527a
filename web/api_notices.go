package web

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"hostroll/inventory"
)

//go:embed templates/notice.html
var templateFS embed.FS

// noticeTemplate is parsed once at start; a missing or broken template stops
// the start.
var noticeTemplate = template.Must(template.New("notice.html").Funcs(template.FuncMap{
	"paragraphs": paragraphs,
}).ParseFS(templateFS, "templates/notice.html"))

// paragraphs splits a body into its non-empty lines.
func paragraphs(body string) []string {
	var out []string
	for _, line := range strings.Split(body, "\n") {
		if line = strings.TrimSpace(line); line != "" {
			out = append(out, line)
		}
	}
	return out
}

// NoticeFormats are the formats GET /notices/{id} answers in.
var NoticeFormats = []string{"json", "html", "xlsx", "csv"}

// mountNotices registers notices of criticism (Art. 18): the office drafts,
// publishes and withdraws; everyone who may read sees the published ones.
func mountNotices(api fiber.Router, s *inventory.Store) {
	r := crud[inventory.Notice, inventory.NoticeInput]{list: s.Notices, get: s.Notice, create: s.CreateNotice,
		update: s.UpdateNotice, remove: s.DeleteNotice, defaults: func() inventory.NoticeInput { return inventory.NoticeInput{} }}
	api.Get("/notices", can("notice.read"), listOrExport(s, "notices", "notice", s.Notices))
	api.Post("/notices", can("notice.write"), r.handleCreate)
	api.Get("/notices/:id", can("notice.read"), getNotice(s))
	api.Patch("/notices/:id", can("notice.write"), r.handlePatch)
	api.Delete("/notices/:id", can("notice.write"), r.handleDelete)
	api.Post("/notices/:id/publish", can("notice.publish"), publishNotice(s))
	api.Post("/notices/:id/withdrawal", can("notice.publish"), withdrawNotice(s))
}

func getNotice(s *inventory.Store) fiber.Handler {
	return func(c *fiber.Ctx) error {
		if err := refuseOtherQuery(c, "format", "lang"); err != nil {
			return err
		}
		id, err := pathID(c)
		if err != nil {
			return err
		}
		switch format := c.Query("format", "json"); format {
		case "json":
			n, err := s.Notice(c.UserContext(), id)
			if err != nil {
				return err
			}
			return c.JSON(n)
		case "html":
			return noticeHTML(c, s, id)
		case "xlsx", "csv":
			return noticeSheet(c, s, id, format)
		default:
			return inventory.Invalid("format", "report.err.notice_format", strings.Join(NoticeFormats, ", "))
		}
	}
}

// noticeHTML renders the printable page in the official layout, in the
// request's language (Chinese by default), into a buffer sent on success.
func noticeHTML(c *fiber.Ctx, s *inventory.Store, id int64) error {
	l := lang(c)
	if l != "zh" && l != "en" {
		return inventory.Invalid("lang", "err.finding.lang.one", "zh, en", l)
	}
	p, err := s.NoticePage(c.UserContext(), id, l)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	view := noticeView{NoticePage: p, T: noticeText[l], Lang: l, Date: noticeText[l]["not_published"]}
	if d := p.Notice.PublishedOn; d != nil {
		view.Date = officialDate(*d, l)
	}
	if err := noticeTemplate.Execute(&buf, view); err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
	c.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'")
	return c.Send(buf.Bytes())
}

type noticeView struct {
	inventory.NoticePage
	T    map[string]string
	Lang string
	Date string // the publication day as the official layout writes it
}

// officialDate writes a day as official documents do: 2026年5月6日 in
// Chinese, 6 May 2026 in English.
func officialDate(d inventory.Date, lang string) string {
	t, err := time.Parse(time.DateOnly, string(d))
	if err != nil {
		return string(d)
	}
	if lang == "en" {
		return t.Format("2 January 2006")
	}
	return fmt.Sprintf("%d年%d月%d日", t.Year(), int(t.Month()), t.Day())
}

// noticeText are the words of the printable page.
var noticeText = map[string]map[string]string{
	"zh": {"lang": "zh-CN", "draft": "草稿", "published": "", "withdrawn": "已撤回", "units": "被通报单位及问题",
		"order": "整改通知", "finding": "问题", "due": "整改期限", "withdrawn_note": "本通报已撤回，原因：",
		"issuer": "电子政务办公室", "none": "（无）", "not_published": "未发布"},
	"en": {"lang": "en", "draft": "DRAFT", "published": "", "withdrawn": "WITHDRAWN", "units": "Units and problems",
		"order": "Rectification order", "finding": "Finding", "due": "due by", "withdrawn_note": "This notice was withdrawn: ",
		"issuer": "E-Government Office", "none": "(none)", "not_published": "not published"},
}

func publishNotice(s *inventory.Store) fiber.Handler {
	return func(c *fiber.Ctx) error {
		id, err := pathID(c)
		if err != nil {
			return err
		}
		if len(bytes.TrimSpace(c.Body())) > 0 {
			var none struct{}
			if err := decodeJSON(c.Body(), &none); err != nil {
				return err
			}
		}
		n, err := s.PublishNotice(c.UserContext(), id)
		if err != nil {
			return err
		}
		return c.JSON(n)
	}
}

func withdrawNotice(s *inventory.Store) fiber.Handler {
	return func(c *fiber.Ctx) error {
		id, err := pathID(c)
		if err != nil {
			return err
		}
		var in inventory.NoticeWithdrawal
		if err := decodeJSON(c.Body(), &in); err != nil {
			return err
		}
		n, err := s.WithdrawNotice(c.UserContext(), id, in)
		if err != nil {
			return err
		}
		return c.JSON(n)
	}
}

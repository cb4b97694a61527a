package ui

import (
	"io"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"hostroll/inventory"
)

// mountImports adds the spreadsheet import page: choose a kind and a file,
// see the preview (every row's action, every error with its row and
// column), then apply it in one transaction. The store does both steps, as
// for POST /api/v1/imports; the page only shows them.
func (u *UI) mountImports(app fiber.Router) {
	g := u.cfg.Guard
	app.Get("/imports", g("import.write"), u.importForm)
	app.Post("/imports", g("import.write"), u.importPreview)
	app.Post("/imports/:id/apply", g("import.write"), u.importApply)
}

// importListOf is the list page that shows what an import of kind wrote.
var importListOf = map[string]string{"units": "/units", "rooms": "/rooms", "racks": "/rooms",
	"devices": "/devices", "lines": "/lines", "projects": "/projects", "spec-items": "/projects"}

type importView struct {
	Page
	Kinds   []string
	Kind    string
	Preview *inventory.ImportPreview
	Rows    []inventory.ImportRow // the first rows of the preview, for the page
	More    int                   // rows of the preview not listed
}

// maxPreviewRows is how many rows of a preview the page lists; the counts
// and every error are shown whatever the size.
const maxPreviewRows = 500

func (u *UI) importForm(c *fiber.Ctx) error {
	p := u.page(c, "ui.imports.title")
	return u.render(c, fiber.StatusOK, "imports", importView{Page: p, Kinds: inventory.SheetKinds, Kind: c.Query("kind")})
}

func (u *UI) importPreview(c *fiber.Ctx) error {
	p := u.page(c, "ui.imports.title")
	v := importView{Page: p, Kinds: inventory.SheetKinds, Kind: c.FormValue("kind")}
	var file []byte
	if fh, err := c.FormFile("file"); err == nil {
		r, err := fh.Open()
		if err != nil {
			return err
		}
		file, err = io.ReadAll(r)
		r.Close()
		if err != nil {
			return err
		}
	}
	prev, err := u.cfg.Store.PreviewImport(c.UserContext(), v.Kind, file, p.Lang)
	if err != nil {
		return err // a file that cannot be read, a kind the role may not write: the error page says which
	}
	v.Preview = &prev
	v.Rows = prev.Rows
	if len(v.Rows) > maxPreviewRows {
		v.Rows, v.More = v.Rows[:maxPreviewRows], len(prev.Rows)-maxPreviewRows
	}
	status := fiber.StatusOK
	if prev.Counts.Error > 0 {
		status = fiber.StatusBadRequest
	}
	return u.render(c, status, "imports", v)
}

func (u *UI) importApply(c *fiber.Ctx) error {
	id, err := pathInt(c, "id")
	if err != nil {
		return err
	}
	res, err := u.cfg.Store.ApplyImport(c.UserContext(), id)
	if err != nil {
		return err
	}
	next := importListOf[res.Kind]
	if next == "" {
		next = "/"
	}
	return seeOther(c, next+"?import="+strconv.Itoa(res.Counts.Create+res.Counts.Update), "import_applied")
}

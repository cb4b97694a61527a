package ui

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"path"
	"strings"

	"github.com/gofiber/fiber/v2"
)

//go:embed templates
var templateFS embed.FS

// views holds one template set per view: the layout and the partials, and
// the view's own file, which defines "title" and "content". They are
// parsed once at start; a missing or broken template stops the start.
type views map[string]*template.Template

// funcs are the few template functions that need no page: everything that
// depends on the language is a method of Page.
var funcs = template.FuncMap{
	"add": func(a, b int) int { return a + b },
	"sub": func(a, b int) int { return a - b },
	"seq": func(n int) []int {
		out := make([]int, n)
		for i := range out {
			out[i] = i
		}
		return out
	},
	"deref": func(p any) any {
		switch v := p.(type) {
		case *int64:
			if v == nil {
				return nil
			}
			return *v
		case *int:
			if v == nil {
				return nil
			}
			return *v
		case *string:
			if v == nil {
				return nil
			}
			return *v
		case *float64:
			if v == nil {
				return nil
			}
			return *v
		}
		return p
	},
}

func parseViews() (views, error) {
	base := template.New("base").Funcs(funcs)
	for _, dir := range []string{"templates/layout", "templates/partials"} {
		files, err := fs.Glob(templateFS, dir+"/*.html")
		if err != nil {
			return nil, err
		}
		for _, f := range files {
			if _, err := base.ParseFS(templateFS, f); err != nil {
				return nil, err
			}
		}
	}
	files, err := fs.Glob(templateFS, "templates/views/*.html")
	if err != nil {
		return nil, err
	}
	out := views{}
	for _, f := range files {
		t, err := base.Clone()
		if err == nil {
			_, err = t.ParseFS(templateFS, f)
		}
		if err != nil {
			return nil, fmt.Errorf("ui: %s: %w", f, err)
		}
		name := strings.TrimSuffix(path.Base(f), ".html")
		for _, need := range []string{"layout", "title", "content"} {
			if t.Lookup(need) == nil {
				return nil, fmt.Errorf("ui: %s defines no %q", f, need)
			}
		}
		out[name] = t
	}
	return out, nil
}

// mustParseViews is parseViews for the start of the program.
func mustParseViews() views {
	v, err := parseViews()
	if err != nil {
		panic(err)
	}
	return v
}

// render executes view into a buffer and sends it only when the whole page
// rendered; a template error is a server error, not half a page. An htmx
// request for a fragment names the template to render in HX-Target's place
// with fragment ("" renders the whole page).
func (u *UI) render(c *fiber.Ctx, status int, view string, data any) error {
	return u.renderTemplate(c, status, view, "layout", data)
}

// renderFragment renders one named template of a view, for htmx.
func (u *UI) renderFragment(c *fiber.Ctx, view, name string, data any) error {
	return u.renderTemplate(c, fiber.StatusOK, view, name, data)
}

func (u *UI) renderTemplate(c *fiber.Ctx, status int, view, name string, data any) error {
	t, ok := u.views[view]
	if !ok {
		return fmt.Errorf("ui: no view %q", view)
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, name, data); err != nil {
		return fmt.Errorf("ui: render %s: %w", view, err)
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	c.Set("Vary", "HX-Request")
	c.Type("html", "utf-8")
	return c.Status(status).Send(buf.Bytes())
}

// safeHTML marks markup the package built itself (an SVG drawing) as safe.
func safeHTML(s string) template.HTML { return template.HTML(s) } //nolint:gosec // built by this package, escaped there

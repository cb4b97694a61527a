package ui

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"mime"
	"path"
	"strings"

	"github.com/gofiber/fiber/v2"
)

//go:embed static
var staticFS embed.FS

// asset is one static file, served under a URL that carries a hash of its
// content, so it can be cached for a year and a new build is never stale.
type asset struct {
	url  string // /static/<hash>/<name>
	body []byte
	mime string
}

// assets are the static files by name ("app.css", "vendor/htmx-2.0.11.min.js")
// and by URL, read once at start.
type assets struct {
	byName map[string]*asset
	byURL  map[string]*asset
}

func loadAssets() *assets {
	a := &assets{byName: map[string]*asset{}, byURL: map[string]*asset{}}
	err := fs.WalkDir(staticFS, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasSuffix(p, ".md") || strings.HasSuffix(p, ".txt") {
			return err
		}
		body, err := staticFS.ReadFile(p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(body)
		name := strings.TrimPrefix(p, "static/")
		x := &asset{url: "/static/" + hex.EncodeToString(sum[:6]) + "/" + name, body: body,
			mime: mime.TypeByExtension(path.Ext(name))}
		if x.mime == "" {
			x.mime = fiber.MIMEOctetStream
		}
		a.byName[name], a.byURL[x.url] = x, x
		return nil
	})
	if err != nil {
		panic("ui: static files: " + err.Error())
	}
	return a
}

// URL is the content-hashed URL of a static file. An unknown name panics
// while the templates render in the tests, never in production: every
// template is rendered by a test.
func (a *assets) URL(name string) string {
	x, ok := a.byName[name]
	if !ok {
		panic("ui: no static file " + name)
	}
	return x.url
}

// serve answers GET /static/<hash>/<name> with a year's cache; a stale or
// unknown hash is a 404.
func (a *assets) serve(c *fiber.Ctx) error {
	x, ok := a.byURL[c.Path()]
	if !ok {
		return fiber.ErrNotFound
	}
	c.Set(fiber.HeaderCacheControl, "public, max-age=31536000, immutable")
	c.Set(fiber.HeaderContentType, x.mime)
	return c.Send(x.body)
}

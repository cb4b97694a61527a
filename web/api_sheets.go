package web

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"regexp"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"hostroll/inventory"
	"hostroll/locale"
	"hostroll/sheet"
)

var importPath = regexp.MustCompile(`^(/api/v1)?/imports/?$`) // the API and the import page

// mountSheets registers the spreadsheet import: a preview, then its apply.
// Exports are the list routes' format=csv|xlsx (sheetExport).
func mountSheets(api fiber.Router, s *inventory.Store) {
	api.Post("/imports", can("import.write"), previewImport(s))
	api.Post("/imports/:id/apply", can("import.write"), applyImport(s))
}

func previewImport(s *inventory.Store) fiber.Handler {
	return func(c *fiber.Ctx) error {
		kind, file, err := importForm(c)
		if err != nil {
			return err
		}
		p, err := s.PreviewImport(c.UserContext(), kind, file, langOf(c))
		if err != nil {
			return err
		}
		return c.Status(fiber.StatusCreated).JSON(p)
	}
}

func applyImport(s *inventory.Store) fiber.Handler {
	return func(c *fiber.Ctx) error {
		id, err := pathID(c)
		if err != nil {
			return err
		}
		res, err := s.ApplyImport(c.UserContext(), id)
		if err != nil {
			return err
		}
		return c.JSON(res)
	}
}

// importForm reads the multipart fields kind and file, refusing others.
func importForm(c *fiber.Ctx) (string, []byte, error) {
	form, err := c.MultipartForm()
	if err != nil {
		return "", nil, badRequest("sheet.form.multipart")
	}
	ve := &inventory.ValidationError{}
	for k, v := range form.Value {
		switch {
		case k == "csrf_token":
		case k != "kind":
			ve.Add(k, "sheet.form.unknown_field")
		case len(v) != 1:
			ve.Add(k, "sheet.form.twice", len(v))
		}
	}
	for k := range form.File {
		if k != "file" {
			ve.Add(k, "sheet.form.unknown_part")
		}
	}
	kind := ""
	if v := form.Value["kind"]; len(v) > 0 {
		kind = v[0]
	}
	if inventory.SheetWriteAction(kind) == "" {
		ve.Add("kind", "sheet.kind.unknown", strings.Join(inventory.SheetKinds, ", "))
	}
	files := form.File["file"]
	if len(files) != 1 {
		ve.Add("file", "sheet.form.one_file")
	}
	if err := ve.Err(); err != nil {
		return "", nil, err
	}
	if files[0].Size > sheet.DefaultLimits.MaxBytes {
		return "", nil, sheet.TooLargeError(sheet.DefaultLimits.MaxBytes)
	}
	f, err := files[0].Open()
	if err != nil {
		return "", nil, badRequest("sheet.form.unreadable")
	}
	defer f.Close()
	b, err := sheet.ReadAll(f, sheet.Limits{})
	return kind, b, err
}

// sheetError is the answer to a file the reader refused: 413 for its size,
// 400 for its content, the message in the request's language.
func sheetError(c *fiber.Ctx, se *sheet.Error) (int, errorDetail) {
	status, d := sheetStatus(se)
	d.Message = locale.T(langOf(c), se.Key(), se.Args...)
	d.Fields["file"] = d.Message
	return status, d
}

// sheetExport answers a list route's format=csv|xlsx: every matching record
// the caller may see (not a page), streamed as a file whose headers and
// labels are in the request's language and which imports again.
func sheetExport(s *inventory.Store, log *slog.Logger) func(kind string) fiber.Handler {
	return func(kind string) fiber.Handler {
		return func(c *fiber.Ctx) error {
			p, err := listParams(c)
			if err != nil {
				return err
			}
			delete(p.Filters, "format")
			delete(p.Filters, "lang")
			if kind == "spec-items" {
				id, err := pathID(c)
				if err != nil {
					return err
				}
				if _, err := s.Project(c.UserContext(), id); err != nil {
					return err
				}
				p.Filters = map[string]string{"project_id": fmt.Sprint(id)}
			}
			return sendSheet(c, s, log, kind, p)
		}
	}
}

func sendSheet(c *fiber.Ctx, s *inventory.Store, log *slog.Logger, kind string, p inventory.ListParams) error {
	format := c.Query("format")
	ctx, lang := c.UserContext(), langOf(c)
	if err := s.ExportParams(ctx, kind, p); err != nil {
		return err
	}
	name := fmt.Sprintf("%s-%s.%s", kind, time.Now().Format("20060102"), format)
	c.Set(fiber.HeaderContentType, sheet.ContentType(format))
	c.Set(fiber.HeaderContentDisposition, mime.FormatMediaType("attachment", map[string]string{"filename": name}))
	c.Context().SetBodyStreamWriter(func(w *bufio.Writer) {
		err := s.Export(ctx, kind, p, lang, func(opt sheet.Options) (sheet.Writer, error) {
			return sheet.New(format, w, opt)
		})
		if err == nil {
			err = w.Flush()
		}
		if err != nil && !errors.Is(err, io.ErrClosedPipe) {
			log.Error("export failed", "kind", kind, "format", format, "err", err)
		}
	})
	return nil
}

// withExport lets a list route answer format=csv|xlsx with export; lang
// is the export's language (a list itself answers in the request's).
func withExport(list, export fiber.Handler) fiber.Handler {
	return func(c *fiber.Ctx) error {
		ve := &inventory.ValidationError{}
		if v := c.Query("lang"); c.Request().URI().QueryArgs().Has("lang") && v != locale.ZH && v != locale.EN {
			ve.Add("lang", "sheet.param.one_of", "zh, en", v)
		}
		if v := c.Query("format"); c.Request().URI().QueryArgs().Has("format") && v != sheet.CSV && v != sheet.XLSX {
			ve.Add("format", "sheet.param.one_of", "csv, xlsx", v)
		}
		if err := ve.Err(); err != nil {
			return err
		}
		if c.Query("format") != "" {
			return export(c)
		}
		return list(c)
	}
}

// sheetStatus is the status and English detail of a refused file.
func sheetStatus(se *sheet.Error) (int, errorDetail) {
	msg := se.Message()
	d := errorDetail{Code: "bad_request", Message: msg, Fields: map[string]string{"file": msg}}
	if se.TooLarge() {
		d.Code = "too_large"
		return fiber.StatusRequestEntityTooLarge, d
	}
	return fiber.StatusBadRequest, d
}

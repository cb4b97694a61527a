package web

import (
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"regexp"
	"strings"

	"github.com/gofiber/fiber/v2"

	"hostroll/inventory"
)

// UploadBodyLimit is the largest body of a document upload: the 20 MiB file
// and room for the form around it. Every other request stays within
// BodyLimit.
const UploadBodyLimit = inventory.MaxDocumentSize + 1<<20

var uploadPath = regexp.MustCompile(`^(/api/v1)?/projects/[^/]+/documents/?$`) // the API and the project page

// isUpload tells the document upload, the one request allowed a larger body.
func isUpload(c *fiber.Ctx) bool {
	return c.Method() == fiber.MethodPost && uploadPath.MatchString(c.Path())
}

// limitBody refuses bodies over BodyLimit on every route but the upload; the
// server itself refuses anything over UploadBodyLimit before routing.
func limitBody(c *fiber.Ctx) error {
	if len(c.Request().Body()) > BodyLimit && !isUpload(c) {
		return fiber.ErrRequestEntityTooLarge
	}
	return c.Next()
}

// documentFields are the form fields of an upload besides the file.
var documentFields = []string{"type", "title", "number", "date"}

func uploadDocument(s *inventory.Store) fiber.Handler {
	return func(c *fiber.Ctx) error {
		id, err := pathID(c)
		if err != nil {
			return err
		}
		form, err := c.MultipartForm()
		if err != nil {
			return badRequest("api.upload.multipart")
		}
		in, err := documentInput(form)
		if err != nil {
			return err
		}
		d, err := s.CreateDocument(c.UserContext(), id, in)
		if err != nil {
			return err
		}
		return c.Status(fiber.StatusCreated).JSON(d)
	}
}

// documentInput reads the upload's fields and file, refusing unknown fields
// and files over the limit.
func documentInput(form *multipart.Form) (inventory.DocumentInput, error) {
	var in inventory.DocumentInput
	ve := &inventory.ValidationError{}
	for k, v := range form.Value {
		if k == "csrf_token" {
			continue // a browser's form carries its session's CSRF token (auth.go)
		}
		known := false
		for _, f := range documentFields {
			known = known || k == f
		}
		switch {
		case !known:
			ve.Add(k, "err.documents.field.unknown_field_upload", strings.Join(documentFields, ", "))
		case len(v) > 1:
			ve.Add(k, "err.documents.field.sent_times_send", len(v))
		}
	}
	for k := range form.File {
		if k != "file" {
			ve.Add(k, "err.documents.field.unknown_file_part")
		}
	}
	value := func(k string) string {
		if v := form.Value[k]; len(v) > 0 {
			return v[0]
		}
		return ""
	}
	in.Type, in.Title, in.Number = value("type"), value("title"), value("number")
	if d := strings.TrimSpace(value("date")); d != "" {
		date := inventory.Date(d)
		in.Date = &date
	}
	files := form.File["file"]
	if len(files) > 1 {
		ve.Add("file", "err.documents.file.send_exactly_one")
	}
	if err := ve.Err(); err != nil || len(files) == 0 {
		return in, err // the store names a missing file along with the other fields
	}
	fh := files[0]
	if fh.Size > inventory.MaxDocumentSize {
		e := refusal(fiber.StatusRequestEntityTooLarge, "too_large", "api.upload.too_large", fh.Size)
		e.fieldMsg("file", inventory.M("api.upload.file_too_large"))
		return in, e
	}
	f, err := fh.Open()
	if err != nil {
		return in, badRequest("api.upload.unreadable")
	}
	defer f.Close()
	if in.Content, err = io.ReadAll(f); err != nil {
		return in, badRequest("api.upload.unreadable")
	}
	in.Filename = fh.Filename
	return in, nil
}

// downloadDocument sends the file as stored, with the sniffed content type;
// browsers are told not to second-guess it.
func downloadDocument(s *inventory.Store) fiber.Handler {
	return func(c *fiber.Ctx) error {
		id, docID, err := pathIDs(c, "document_id")
		if err != nil {
			return err
		}
		d, content, err := s.DocumentContent(c.UserContext(), id, docID)
		if err != nil {
			return err
		}
		name := d.Filename
		if name == "" {
			name = fmt.Sprintf("document-%d", d.ID)
		}
		c.Set(fiber.HeaderContentType, d.ContentType)
		c.Set(fiber.HeaderContentDisposition, mime.FormatMediaType("attachment", map[string]string{"filename": name}))
		c.Set(fiber.HeaderXContentTypeOptions, "nosniff")
		c.Set(fiber.HeaderETag, `"`+d.SHA256+`"`)
		return c.Send(content)
	}
}

func deleteDocument(s *inventory.Store) fiber.Handler {
	return func(c *fiber.Ctx) error {
		id, docID, err := pathIDs(c, "document_id")
		if err != nil {
			return err
		}
		if err := s.DeleteDocument(c.UserContext(), id, docID); err != nil {
			return err
		}
		return c.SendStatus(fiber.StatusNoContent)
	}
}

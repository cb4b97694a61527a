package inventory

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"path"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// MaxDocumentSize is the largest document file accepted: 20 MiB.
const MaxDocumentSize = 20 << 20

// DocumentTypes are the kinds of project document (Art. 6, 7, 9, 13, 14).
var DocumentTypes = []string{
	"project_plan", "feasibility_study", "preliminary_design", "funding_estimate",
	"upward_application_copy", "technical_plan", "secrecy_filing",
	"implementation_plan", "completion_report", "supervision_report", "trial_run_report",
	"training_report", "test_report",
	"joint_acceptance", "settlement_audit", "procurement_contract", "single_source_justification", "other",
}

// documentArticles cite the article that asks for each document type.
var documentArticles = map[string]int{
	"project_plan": 7, "feasibility_study": 7, "preliminary_design": 7,
	"funding_estimate": 7, "upward_application_copy": 6, "technical_plan": 6,
	"secrecy_filing": 6, "implementation_plan": 13, "completion_report": 13,
	"supervision_report": 13, "trial_run_report": 13, "training_report": 13,
	"test_report": 13, "joint_acceptance": 13, "settlement_audit": 14,
	"procurement_contract": 9, "single_source_justification": 9,
}

// Document is a file filed with a project. The content is read separately.
type Document struct {
	ID          int64     `db:"id" json:"id"`
	ProjectID   int64     `db:"project_id" json:"project_id"`
	Type        string    `db:"type" json:"type"`
	Title       string    `db:"title" json:"title"`
	Number      string    `db:"number" json:"number"`
	Date        *Date     `db:"date" json:"date"`
	Filename    string    `db:"filename" json:"filename"`
	ContentType string    `db:"content_type" json:"content_type"`
	Size        int64     `db:"size" json:"size"`
	SHA256      string    `db:"sha256" json:"sha256"`
	UploadedAt  time.Time `db:"uploaded_at" json:"uploaded_at"`
}

// DocumentInput is an upload: the form fields and the file.
type DocumentInput struct {
	Type     string
	Title    string
	Number   string
	Date     *Date
	Filename string
	Content  []byte
}

// Validate checks the fields on their own and cleans the file name.
func (in *DocumentInput) Validate() error {
	trim(&in.Type, &in.Title, &in.Number, &in.Filename)
	ve := &ValidationError{}
	checkEnum(ve, "type", in.Type, DocumentTypes)
	checkRequired(ve, "title", in.Title, 300)
	checkMaxLen(ve, "number", in.Number, 100)
	checkDate(ve, "date", in.Date)
	in.Filename = CleanFilename(in.Filename)
	switch {
	case len(in.Content) == 0:
		ve.Add("file", "err.document.file.required_empty_attach")
	case len(in.Content) > MaxDocumentSize:
		ve.Add("file", "err.document.file.most_mib_bytes", len(in.Content))
	}
	return ve.Err()
}

const documentCols = `id, project_id, type, title, number, date, filename, content_type, size, sha256, uploaded_at`

// CreateDocument files a document with a project. Its content type is
// sniffed from the content, not taken from the client.
func (s *Store) CreateDocument(ctx context.Context, projectID int64, in DocumentInput) (Document, error) {
	if err := in.Validate(); err != nil {
		return Document{}, err
	}
	sum := sha256.Sum256(in.Content)
	var out Document
	err := s.inTx(ctx, func(tx *txn) error {
		if _, err := projects.lockAndGet(tx, projectID); err != nil {
			return err
		}
		id, err := tx.insert(`INSERT INTO project_documents (project_id, type, title, number, date, filename,
			content_type, size, sha256, content, uploaded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			projectID, in.Type, in.Title, in.Number, in.Date, in.Filename, http.DetectContentType(in.Content),
			len(in.Content), hex.EncodeToString(sum[:]), in.Content, tx.at)
		if err != nil {
			return dbErr(err, "create document")
		}
		if in.Filename == "" {
			err := tx.exec(`UPDATE project_documents SET filename = ? WHERE id = ?`, fmt.Sprintf("document-%d", id), id)
			if err != nil {
				return dbErr(err, "name document")
			}
		}
		if out, err = readDocument(tx.ctx, tx, projectID, id); err != nil {
			return err
		}
		return tx.audit("create", "project_document", id, nil, out)
	})
	return out, err
}

func readDocument(ctx context.Context, q querier, projectID, id int64) (Document, error) {
	var d Document
	query, args := andScopeIn(ctx, `SELECT `+documentCols+` FROM project_documents WHERE project_id = ? AND id = ?`,
		[]any{projectID, id}, "project_id", "projects")
	err := q.GetContext(ctx, &d, q.Rebind(query), args...)
	if err != nil {
		return d, dbErr(err, fmt.Sprintf("document %d of project %d", id, projectID))
	}
	d.UploadedAt = d.UploadedAt.UTC()
	return d, nil
}

// Documents lists a project's documents, oldest first.
func (s *Store) Documents(ctx context.Context, projectID int64) ([]Document, error) {
	if _, err := projects.get(ctx, s.db, projectID); err != nil {
		return nil, err
	}
	docs := []Document{}
	err := s.db.SelectContext(ctx, &docs, s.db.Rebind(`SELECT `+documentCols+` FROM project_documents
		WHERE project_id = ? ORDER BY id`), projectID)
	if err != nil {
		return nil, dbErr(err, fmt.Sprintf("documents of project %d", projectID))
	}
	for i := range docs {
		docs[i].UploadedAt = docs[i].UploadedAt.UTC()
	}
	return docs, nil
}

// DocumentContent returns a document and its file.
func (s *Store) DocumentContent(ctx context.Context, projectID, id int64) (Document, []byte, error) {
	d, err := readDocument(ctx, s.db, projectID, id)
	if err != nil {
		return d, nil, err
	}
	var content []byte
	err = s.db.GetContext(ctx, &content, s.db.Rebind(`SELECT content FROM project_documents WHERE id = ?`), id)
	if err != nil {
		return d, nil, dbErr(err, fmt.Sprintf("content of document %d", id))
	}
	return d, content, nil
}

// DeleteDocument removes a document while its project is still a draft; once
// submitted, what was filed stays on file.
func (s *Store) DeleteDocument(ctx context.Context, projectID, id int64) error {
	return s.inTx(ctx, func(tx *txn) error {
		p, err := projects.lockAndGet(tx, projectID)
		if err != nil {
			return err
		}
		before, err := readDocument(tx.ctx, tx, projectID, id)
		if err != nil {
			return err
		}
		if p.Status != "draft" {
			return conflict("status", "err.document.status.project_documents_can", projectID, L(setProjectStatus, p.Status))
		}
		if err := tx.exec(`DELETE FROM project_documents WHERE id = ?`, id); err != nil {
			return dbErr(err, fmt.Sprintf("delete document %d", id))
		}
		return tx.audit("delete", "project_document", id, before, nil)
	})
}

// MaxFilenameLen caps a stored file name, in characters.
const MaxFilenameLen = 255

// CleanFilename keeps what is safe of an uploaded file's name: the base name
// only (no directories, "..", or Windows paths), without invalid UTF-8,
// control characters (CR, LF, NUL, ...) or the bidirectional controls that
// can disguise an extension ("合同\u202efdp.exe"), trimmed and capped at
// MaxFilenameLen characters with the extension kept. It returns "" when
// nothing is left; the store then names the file document-<id>.
func CleanFilename(name string) string {
	name = strings.ToValidUTF8(name, "")
	name = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || isBidiControl(r) {
			return -1
		}
		return r
	}, name)
	name = path.Base(strings.ReplaceAll(name, `\`, "/"))
	name = strings.TrimSpace(name)
	if name == "." || name == ".." || name == "/" {
		return ""
	}
	if utf8.RuneCountInString(name) <= MaxFilenameLen {
		return name
	}
	ext := path.Ext(name)
	if utf8.RuneCountInString(ext) > 16 {
		ext = ""
	}
	stem := []rune(strings.TrimSuffix(name, ext))
	return strings.TrimSpace(string(stem[:MaxFilenameLen-utf8.RuneCountInString(ext)])) + ext
}

// isBidiControl reports the Unicode bidirectional formatting characters
// (marks, embeddings, overrides, isolates) and the zero-width no-break space.
func isBidiControl(r rune) bool {
	switch {
	case r == 0x061C, r == 0x200E, r == 0x200F, r == 0xFEFF:
		return true
	case r >= 0x202A && r <= 0x202E, r >= 0x2066 && r <= 0x2069:
		return true
	}
	return false
}

package inventory_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"testing"

	"hostroll/inventory"
	"hostroll/inventory/dbtest"
)

func TestDocuments(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db dbtest.DB) {
		t.Parallel()
		f := newFixture(t, db.Store)
		s, ctx := f.s, f.ctx
		p := f.newProject(t, "DOC-1", "prefecture", false, 2025)

		// A PNG sent as "report.pdf": the type comes from the bytes.
		png := append([]byte("\x89PNG\r\n\x1a\n"), bytes.Repeat([]byte{0}, 64)...)
		date := inventory.Date("2025-01-15")
		d, err := s.CreateDocument(ctx, p.ID, inventory.DocumentInput{Type: " feasibility_study ", Title: "可行性研究报告",
			Number: "州发改〔2025〕3号", Date: &date, Filename: `C:\scans\report.pdf`, Content: png})
		noErr(t, err)
		sum := sha256.Sum256(png)
		if d.Type != "feasibility_study" || d.ContentType != "image/png" || d.Size != int64(len(png)) ||
			d.SHA256 != hex.EncodeToString(sum[:]) || d.Filename != "report.pdf" || d.Date == nil || *d.Date != date {
			t.Errorf("document = %+v", d)
		}
		got, content, err := s.DocumentContent(ctx, p.ID, d.ID)
		noErr(t, err)
		if !bytes.Equal(content, png) || got.ID != d.ID {
			t.Errorf("content round trip: %d bytes, want %d", len(content), len(png))
		}
		text := f.upload(t, p.ID, "project_plan")
		if !strings.HasPrefix(text.ContentType, "text/plain") && text.ContentType != "application/pdf" {
			t.Errorf("content type of a PDF header = %q", text.ContentType)
		}
		docs, err := s.Documents(ctx, p.ID)
		noErr(t, err)
		if len(docs) != 2 || docs[0].ID != d.ID || docs[1].ID != text.ID {
			t.Errorf("documents = %+v", docs)
		}
		if auditCount(t, s, "project_document") != 2 {
			t.Errorf("audit rows for documents: %d, want 2", auditCount(t, s, "project_document"))
		}

		for _, tc := range []struct {
			name  string
			in    inventory.DocumentInput
			field string
		}{
			{"unknown type", inventory.DocumentInput{Type: "memo", Title: "x", Content: []byte("x")}, "type"},
			{"no title", inventory.DocumentInput{Type: "other", Content: []byte("x")}, "title"},
			{"empty file", inventory.DocumentInput{Type: "other", Title: "x"}, "file"},
			{"file over 20 MiB", inventory.DocumentInput{Type: "other", Title: "x", Content: make([]byte, inventory.MaxDocumentSize+1)}, "file"},
			{"bad date", inventory.DocumentInput{Type: "other", Title: "x", Date: ptr(inventory.Date("2025-13-01")), Content: []byte("x")}, "date"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				_, err := s.CreateDocument(ctx, p.ID, tc.in)
				wantErr(t, err, "validation", tc.field)
			})
		}
		t.Run("unknown type lists the allowed ones", func(t *testing.T) {
			_, err := s.CreateDocument(ctx, p.ID, inventory.DocumentInput{Type: "memo", Title: "x", Content: []byte("x")})
			if !strings.Contains(err.Error(), "settlement_audit") || !strings.Contains(err.Error(), "project_plan") {
				t.Errorf("message %q does not list the types", err)
			}
		})
		t.Run("missing project or document", func(t *testing.T) {
			_, err := s.CreateDocument(ctx, 99999, inventory.DocumentInput{Type: "other", Title: "x", Content: []byte("x")})
			wantErr(t, err, "not_found", "")
			_, _, err = s.DocumentContent(ctx, p.ID, 99999)
			wantErr(t, err, "not_found", "")
			other := f.newProject(t, "DOC-2", "self", false, 2025)
			_, _, err = s.DocumentContent(ctx, other.ID, d.ID)
			wantErr(t, err, "not_found", "")
			wantErr(t, s.DeleteDocument(ctx, other.ID, d.ID), "not_found", "")
		})
		t.Run("delete only while a draft", func(t *testing.T) {
			noErr(t, s.DeleteDocument(ctx, p.ID, text.ID))
			f.satisfy(t, p, "submitted")
			f.step(t, p, "submitted", "2025-02-01")
			err := s.DeleteDocument(ctx, p.ID, d.ID)
			wantErr(t, err, "conflict", "status")
			if _, _, err := s.DocumentContent(ctx, p.ID, d.ID); err != nil {
				t.Errorf("document gone after a refused delete: %v", err)
			}
			// Filing more once submitted is fine.
			f.upload(t, p.ID, "other")
		})
	})
}

func TestEvaluations(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db dbtest.DB) {
		t.Parallel()
		f := newFixture(t, db.Store)
		s, ctx := f.s, f.ctx
		p := f.newProject(t, "EV-1", "self", false, 2024)
		in := inventory.EvaluationInput{Date: "2025-06-01", MeetsTarget: ptr(false), Problems: "并发能力不足"}
		_, err := s.CreateEvaluation(ctx, p.ID, in)
		wantErr(t, err, "conflict", "status")
		p = f.advance(t, p, "accepted", "2025-01-10")

		ev, err := s.CreateEvaluation(ctx, p.ID, in)
		noErr(t, err)
		if ev.MeetsTarget || ev.Problems != "并发能力不足" || ev.Rectified || ev.RectifiedOn != nil || ev.Date != "2025-06-01" {
			t.Errorf("evaluation = %+v", ev)
		}
		for _, tc := range []struct {
			name  string
			in    inventory.EvaluationInput
			field string
		}{
			{"no date", inventory.EvaluationInput{MeetsTarget: ptr(true)}, "date"},
			{"future date", inventory.EvaluationInput{Date: "2199-01-01", MeetsTarget: ptr(true)}, "date"},
			{"no verdict", inventory.EvaluationInput{Date: "2025-06-01"}, "meets_target"},
			{"missed target without problems", inventory.EvaluationInput{Date: "2025-06-01", MeetsTarget: ptr(false)}, "problems"},
			{"rectified without problems", inventory.EvaluationInput{Date: "2025-06-01", MeetsTarget: ptr(true), Rectified: true,
				RectifiedOn: ptr(inventory.Date("2025-07-01"))}, "rectified"},
			{"rectified without a day", inventory.EvaluationInput{Date: "2025-06-01", MeetsTarget: ptr(false), Problems: "x",
				Rectified: true}, "rectified_on"},
			{"rectified before the evaluation", inventory.EvaluationInput{Date: "2025-06-01", MeetsTarget: ptr(false), Problems: "x",
				Rectified: true, RectifiedOn: ptr(inventory.Date("2025-05-01"))}, "rectified_on"},
			{"rectified_on without rectified", inventory.EvaluationInput{Date: "2025-06-01", MeetsTarget: ptr(false), Problems: "x",
				RectifiedOn: ptr(inventory.Date("2025-07-01"))}, "rectified_on"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				_, err := s.CreateEvaluation(ctx, p.ID, tc.in)
				wantErr(t, err, "validation", tc.field)
			})
		}
		t.Run("rectify", func(t *testing.T) {
			_, err := s.UpdateEvaluation(ctx, p.ID, ev.ID, func(in *inventory.EvaluationInput) error { in.Rectified = true; return nil })
			wantErr(t, err, "validation", "rectified_on")
			got, err := s.UpdateEvaluation(ctx, p.ID, ev.ID, func(in *inventory.EvaluationInput) error {
				in.Rectified, in.RectifiedOn = true, ptr(inventory.Date("2025-08-01"))
				return nil
			})
			noErr(t, err)
			if !got.Rectified || got.RectifiedOn == nil || *got.RectifiedOn != "2025-08-01" || got.Problems != ev.Problems || got.MeetsTarget {
				t.Errorf("after rectification = %+v", got)
			}
			list, err := s.Evaluations(ctx, p.ID)
			noErr(t, err)
			if len(list) != 1 || !list[0].Rectified {
				t.Errorf("evaluations = %+v", list)
			}
			if auditCount(t, s, "evaluation") != 2 {
				t.Errorf("audit rows for evaluations: %d, want 2", auditCount(t, s, "evaluation"))
			}
			other := f.newProject(t, "EV-2", "self", false, 2024)
			_, err = s.UpdateEvaluation(ctx, other.ID, ev.ID, func(*inventory.EvaluationInput) error { return nil })
			wantErr(t, err, "not_found", "")
		})
	})
}

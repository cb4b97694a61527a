package web

import (
	"io"
	"log/slog"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"hostroll/inventory/dbtest"
)

// MaximalProjectBody is a POST /projects body of just under 1 MiB: as many
// distinct unit_ids as fit (for the tests in web_test too).
func MaximalProjectBody() string {
	var b strings.Builder
	b.WriteString(`{"code":"BIG","name":"big","lead_unit_id":1,"category":"application","funding_source":"self","plan_year":2026,"budget":1,"unit_ids":[`)
	for i := 1; b.Len() < BodyLimit-16; i++ {
		if i > 1 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.Itoa(i))
	}
	b.WriteString("]}")
	return b.String()
}

// BenchmarkRefuseMaximalBody: the time to refuse a 1 MiB POST /projects of
// distinct unit_ids (the goal: well under 100 ms). It measures the
// server alone: the API tests check the same exchange against openapi.yaml.
func BenchmarkRefuseMaximalBody(b *testing.B) {
	db := dbtest.SQLite(b)
	app := New(Config{Store: db.Store, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	body := MaximalProjectBody()
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		req := httptest.NewRequest("POST", "/api/v1/projects", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		res, err := app.Test(req, -1)
		if err != nil {
			b.Fatal(err)
		}
		if res.StatusCode != 400 {
			b.Fatalf("status %d, want 400", res.StatusCode)
		}
		res.Body.Close()
	}
}

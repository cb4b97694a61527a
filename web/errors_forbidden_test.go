package web

import (
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"testing"

	"github.com/gofiber/fiber/v2"

	"hostroll/inventory"
)

// TestForbiddenError maps the store's four-eyes and scope refusals to 403
// forbidden, with the reason in the request's language (zh-CN by default).
func TestForbiddenError(t *testing.T) {
	app := fiber.New(fiber.Config{ErrorHandler: errorHandler(slog.New(slog.NewTextHandler(io.Discard, nil)), nil)})
	refusal := &inventory.ForbiddenError{Message: "四眼原则：提出人不能批准自己的修订",
		MessageEN: "four eyes: the one who proposed a revision cannot approve it"}
	app.Get("/x", func(c *fiber.Ctx) error {
		return fmt.Errorf("inventory: review spec revision: %w", refusal)
	})
	for _, tc := range []struct {
		name, query, acceptLanguage, want string
	}{
		{"default", "", "", refusal.Message},
		{"lang=en", "?lang=en", "", refusal.MessageEN},
		{"Accept-Language en", "", "en-US,en;q=0.9", refusal.MessageEN},
		{"Accept-Language zh", "", "zh-CN", refusal.Message},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req := httptest.NewRequest("GET", "/x"+tc.query, nil)
			if tc.acceptLanguage != "" {
				req.Header.Set("Accept-Language", tc.acceptLanguage)
			}
			resp, err := app.Test(req)
			if err != nil {
				t.Fatal(err)
			}
			var body errorBody
			if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
				t.Fatal(err)
			}
			if resp.StatusCode != fiber.StatusForbidden || body.Error.Code != "forbidden" || body.Error.Message != tc.want {
				t.Errorf("got %d %+v, want 403 forbidden %q", resp.StatusCode, body.Error, tc.want)
			}
		})
	}
}

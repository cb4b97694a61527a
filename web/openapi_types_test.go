package web

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/gofiber/fiber/v2"

	"hostroll/inventory"
)

// TestSchemasMatchGoTypes keeps each schema's properties equal to the JSON
// fields of its Go type. Response schemas require every field the server
// always writes; input schemas require none (PATCH is partial; the create
// bodies add their required fields).
func TestSchemasMatchGoTypes(t *testing.T) {
	doc := loadSpec(t)
	tests := []struct {
		schema string
		value  any
		input  bool
	}{
		{"Unit", inventory.Unit{}, false},
		{"Room", inventory.Room{}, false},
		{"Rack", inventory.Rack{}, false},
		{"Device", inventory.Device{}, false},
		{"Specs", inventory.Specs{}, false},
		{"Line", inventory.Line{}, false},
		{"LineState", inventory.LineState{}, false},
		{"Project", inventory.Project{}, false},
		{"SNMPProfile", inventory.SNMPProfile{}, false},
		{"AuditEntry", inventory.AuditEntry{}, false},
		{"Elevation", inventory.Elevation{}, false},
		{"ElevationU", inventory.ElevationU{}, false},
		{"Occupant", inventory.Occupant{}, false},
		{"Error", errorBody{}, false},
		{"ErrorDetail", errorDetail{}, false},
		{"UnitList", listBody[inventory.Unit]{}, false},
		{"RoomList", listBody[inventory.Room]{}, false},
		{"RackList", listBody[inventory.Rack]{}, false},
		{"DeviceList", listBody[inventory.Device]{}, false},
		{"LineList", listBody[inventory.Line]{}, false},
		{"LineStateList", listBody[inventory.LineState]{}, false},
		{"ProjectList", listBody[inventory.Project]{}, false},
		{"SNMPProfileList", listBody[inventory.SNMPProfile]{}, false},
		{"AuditEntryList", listBody[inventory.AuditEntry]{}, false},
		{"Observation", inventory.Observation{}, false},
		{"Interface", inventory.Interface{}, false},
		{"Drift", inventory.Drift{}, false},
		{"ObservationList", listBody[inventory.Observation]{}, false},
		{"UnitInput", inventory.UnitInput{}, true},
		{"RoomInput", inventory.RoomInput{}, true},
		{"RackInput", inventory.RackInput{}, true},
		{"DeviceInput", inventory.DeviceInput{}, true},
		{"SpecsInput", inventory.Specs{}, true},
		{"LineInput", inventory.LineInput{}, true},
		{"ProjectInput", inventory.ProjectInput{}, true},
		{"SNMPProfileInput", inventory.SNMPProfileInput{}, true},
		{"TransitionInput", inventory.TransitionInput{}, true},
		{"Procurement", inventory.Procurement{}, false},
		{"ProcurementInput", inventory.ProcurementInput{}, true},
		{"SpecItem", inventory.SpecItem{}, false},
		{"SpecItemInput", inventory.SpecItemInput{}, true},
		{"SpecItemList", listBody[inventory.SpecItem]{}, false},
		{"Requirement", inventory.Requirement{}, false},
		{"SpecRevision", inventory.SpecRevision{}, false},
		{"SpecRevisionInput", inventory.SpecRevisionInput{}, true},
		{"SpecReviewInput", inventory.SpecReviewInput{}, true},
		{"SpecRevisionList", listBody[inventory.SpecRevision]{}, false},
		{"Compliance", inventory.Compliance{}, false},
		{"ItemCompliance", inventory.ItemCompliance{}, false},
		{"DeviceCompliance", inventory.DeviceCompliance{}, false},
		{"RequirementCheck", inventory.RequirementCheck{}, false},
		{"PriceCheck", inventory.PriceCheck{}, false},
		{"ProjectStep", inventory.ProjectStep{}, false},
		{"ProjectStepList", listBody[inventory.ProjectStep]{}, false},
		{"NextSteps", inventory.NextSteps{}, false},
		{"NextStep", inventory.NextStep{}, false},
		{"Amendment", inventory.Amendment{}, false},
		{"HistoryAmendment", inventory.Amendment{}, false},
		{"AmendmentInput", inventory.AmendmentInput{}, true},
		{"AmendmentList", listBody[inventory.Amendment]{}, false},
		{"Document", inventory.Document{}, false},
		{"DocumentList", listBody[inventory.Document]{}, false},
		{"Evaluation", inventory.Evaluation{}, false},
		{"EvaluationInput", inventory.EvaluationInput{}, true},
		{"EvaluationList", listBody[inventory.Evaluation]{}, false},
		{"Eligibility", inventory.Eligibility{}, false},
		{"UnitEligibility", inventory.UnitEligibility{}, false},
		{"EligibilityReason", inventory.EligibilityReason{}, false},
		{"Plan", inventory.Plan{}, false},
		{"PlanProject", inventory.PlanProject{}, false},
		{"FundingTotal", inventory.FundingTotal{}, false},
		{"UnitTotal", inventory.UnitTotal{}, false},
		{"User", inventory.User{}, false},
		{"UserList", listBody[inventory.User]{}, false},
		{"UserCreated", userCreated{}, false},
		{"UserInput", inventory.UserInput{}, true},
		{"UserEdit", inventory.UserEdit{}, true},
		{"Me", meBody{}, false},
		{"SignInInput", signInBody{}, true},
		{"PasswordChangeInput", passwordBody{}, true},
		{"PasswordResetInput", resetBody{}, true},
		{"Session", inventory.Session{}, false},
		{"SessionList", listBody[inventory.Session]{}, false},
		{"Token", inventory.Token{}, false},
		{"TokenList", listBody[inventory.Token]{}, false},
		{"TokenCreated", tokenCreated{}, false},
		{"TokenInput", inventory.TokenInput{}, true},
		{"AdminTokenInput", adminTokenBody{}, true},
	}
	for _, tt := range tests {
		t.Run(tt.schema, func(t *testing.T) {
			typ := reflect.TypeOf(tt.value)
			s := doc.schema(t, tt.schema)
			names, always := specJSONFields(typ)
			if got := specKeys(s.Properties); !slices.Equal(got, names) {
				t.Errorf("schema %s has properties %v; Go type %s has JSON fields %v", tt.schema, got, typ, names)
			}
			required := slices.Sorted(slices.Values(s.Required))
			if tt.input {
				always = nil
			}
			if !slices.Equal(required, always) {
				t.Errorf("schema %s requires %v, want %v", tt.schema, required, always)
			}
		})
	}

	// Every list envelope holds the entity its name says.
	for name := range doc.Components.Schemas {
		entity, ok := strings.CutSuffix(name, "List")
		if !ok {
			continue
		}
		t.Run(name+"/items", func(t *testing.T) {
			items := doc.schema(t, name).Properties["items"]
			if items == nil || items.Items == nil || items.Items.Ref != schemaRef+entity {
				t.Errorf("%s.items must be an array of $ref %s%s", name, schemaRef, entity)
			}
		})
	}
}

// TestEnumsMatchGo keeps every enumerated property equal to the package
// variable the store validates it against.
func TestEnumsMatchGo(t *testing.T) {
	doc := loadSpec(t)
	withEmpty := func(values []string) []string { return append([]string{""}, values...) }
	tests := []struct {
		schema, property string
		want             []string
	}{
		{"Unit", "kind", inventory.UnitKinds},
		{"UnitInput", "kind", inventory.UnitKinds},
		{"Room", "kind", inventory.RoomKinds},
		{"Room", "status", inventory.RoomStatuses},
		{"RoomInput", "kind", inventory.RoomKinds},
		{"RoomInput", "status", inventory.RoomStatuses},
		{"Device", "kind", inventory.DeviceKinds},
		{"Device", "status", inventory.DeviceStatuses},
		{"Requirement", "field", inventory.SpecFields},
		{"Requirement", "op", inventory.SpecOps},
		{"RequirementCheck", "field", inventory.SpecFields},
		{"SpecRevision", "status", inventory.SpecRevisionStats},
		{"SpecItem", "kind", inventory.DeviceKinds},
		{"Device", "face", inventory.Faces},
		{"DeviceInput", "kind", inventory.DeviceKinds},
		{"DeviceInput", "status", inventory.DeviceStatuses},
		{"DeviceInput", "face", inventory.Faces},
		{"Occupant", "kind", inventory.DeviceKinds},
		{"Occupant", "status", inventory.DeviceStatuses},
		{"Occupant", "face", inventory.Faces},
		{"Line", "platform", inventory.LinePlatforms},
		{"Line", "status", inventory.LineStatuses},
		{"LineInput", "platform", inventory.LinePlatforms},
		{"LineInput", "status", inventory.LineStatuses},
		{"LineState", "platform", inventory.LinePlatforms},
		{"Project", "category", inventory.ProjectCategories},
		{"Project", "funding_source", inventory.FundingSources},
		{"Project", "status", inventory.ProjectStatuses},
		{"ProjectInput", "category", inventory.ProjectCategories},
		{"ProjectInput", "funding_source", inventory.FundingSources},
		{"ProjectInput", "status", inventory.ProjectStatuses},
		{"SNMPProfile", "version", inventory.SNMPVersions},
		{"SNMPProfileInput", "version", inventory.SNMPVersions},
		// v2c profiles store and return the v3 protocols empty.
		{"SNMPProfile", "auth_protocol", withEmpty(inventory.SNMPAuthProtocols)},
		{"SNMPProfile", "priv_protocol", withEmpty(inventory.SNMPPrivProtocols)},
		{"SNMPProfileInput", "auth_protocol", withEmpty(inventory.SNMPAuthProtocols)},
		{"SNMPProfileInput", "priv_protocol", withEmpty(inventory.SNMPPrivProtocols)},
		{"AuditEntry", "action", inventory.AuditActions},
		{"User", "role", inventory.Roles},
		{"User", "status", inventory.UserStatuses},
		{"AuditEntry", "entity", inventory.AuditEntities},
		{"Health", "dialect", []string{inventory.Postgres, inventory.SQLite}},
		{"TransitionInput", "to", inventory.ProjectStatuses},
		{"RequirementCheck", "evidence", inventory.EvidenceKinds},
		{"AmendmentInput", "field", inventory.AmendableFields},
		{"Amendment", "field", inventory.AmendableFields},
		{"Amendment", "status", inventory.ProjectStatuses},
		{"ProjectStep", "kind", inventory.HistoryKinds},
		{"NextStep", "to", inventory.ProjectStatuses},
		{"Document", "type", inventory.DocumentTypes},
		{"Procurement", "method", inventory.ProcurementMethods},
		{"ProcurementInput", "method", inventory.ProcurementMethods},
		{"EligibilityReason", "reason", inventory.EligibilityReasons},
		{"Device", "poll_status", inventory.PollStatuses},
		{"Drift", "field", inventory.DriftFields},
	}
	for _, tt := range tests {
		t.Run(tt.schema+"."+tt.property, func(t *testing.T) {
			prop, ok := doc.schema(t, tt.schema).Properties[tt.property]
			if !ok {
				t.Fatalf("schema %s has no property %s", tt.schema, tt.property)
			}
			got := slices.Sorted(slices.Values(doc.resolve(t, prop).Enum))
			want := slices.Sorted(slices.Values(tt.want))
			if !slices.Equal(got, want) {
				t.Errorf("%s.%s enum = %v, want %v (from package inventory)", tt.schema, tt.property, got, want)
			}
		})
	}
}

// specTestApp serves the API over a fresh, migrated SQLite store.
func specTestApp(t *testing.T) *fiber.App {
	t.Helper()
	ctx := context.Background()
	store, err := inventory.Open(ctx, "sqlite://"+filepath.Join(t.TempDir(), "openapi.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	if _, err := store.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	pepper := []byte("spec test pepper")
	u, _, err := store.CreateUser(ctx, inventory.UserInput{Username: "spec-admin", Role: inventory.RoleAdmin, Password: "Spec-Test-Pass-1"})
	if err != nil {
		t.Fatal(err)
	}
	_, token, err := store.CreateToken(ctx, pepper, u.ID, inventory.TokenInput{})
	if err != nil {
		t.Fatal(err)
	}
	app := New(Config{Store: store, Logger: slog.New(slog.DiscardHandler), Version: "test", TokenPepper: pepper})
	specTokens.Store(app, token)
	return app
}

// specTokens are the read-only tokens of the spec test apps' admins.
var specTokens sync.Map // *fiber.App → string

// specGet requests a path and decodes the JSON answer.
func specGet(t *testing.T, app *fiber.App, target string) (int, map[string]any) {
	t.Helper()
	req := httptest.NewRequest(fiber.MethodGet, target, nil)
	req.Header.Set("Accept-Language", "en") // the checks read the English messages
	if tok, ok := specTokens.Load(app); ok {
		req.Header.Set("Authorization", "Bearer "+tok.(string))
	}
	resp, err := app.Test(req, -1)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	var out map[string]any
	if err := json.Unmarshal(body, &out); err != nil {
		t.Fatalf("GET %s: %d, body is not a JSON object: %s", target, resp.StatusCode, body)
	}
	return resp.StatusCode, out
}

// specFieldError returns the message the API gave for one field of a 400.
func specFieldError(t *testing.T, target string, status int, body map[string]any, field string) string {
	t.Helper()
	if status != fiber.StatusBadRequest {
		t.Fatalf("GET %s = %d, want 400: %v", target, status, body)
	}
	e, _ := body["error"].(map[string]any)
	fields, _ := e["fields"].(map[string]any)
	msg, ok := fields[field].(string)
	if !ok {
		t.Fatalf("GET %s: no message for %s in %v", target, field, body)
	}
	return msg
}

// TestOpenAPIListFilters asks the server which filters each documented list
// accepts and which values each enum filter allows, and compares both with
// the document. A nullable id filter must accept null.
func TestOpenAPIListFilters(t *testing.T) {
	doc := loadSpec(t)
	app := specTestApp(t)
	const unknown = "zz_no_such_filter"
	for path, item := range doc.Paths {
		op := item.Get
		if op == nil || strings.Contains(path, "{") {
			continue
		}
		params := map[string]*specParam{}
		for _, p := range op.Parameters {
			if p = doc.param(t, p); p.In == "query" {
				params[p.Name] = p
			}
		}
		if params["limit"] == nil {
			continue // not a paged collection
		}
		t.Run(path, func(t *testing.T) {
			if params["offset"] == nil {
				t.Error("limit is documented but offset is not")
			}
			target := path + "?" + unknown + "=1"
			status, body := specGet(t, app, target)
			msg := specFieldError(t, target, status, body, unknown)
			_, list, ok := strings.Cut(msg, "this list takes ")
			if !ok {
				t.Fatalf("unexpected message for an unknown filter: %q", msg)
			}
			var accepted []string
			for _, f := range strings.Split(list, ", ") {
				if f != "limit" && f != "offset" && f != "q" {
					accepted = append(accepted, f)
				}
			}
			var documented []string
			for name := range params {
				if name != "limit" && name != "offset" && name != "q" {
					documented = append(documented, name)
				}
			}
			sort.Strings(accepted)
			sort.Strings(documented)
			if !slices.Equal(accepted, documented) {
				t.Errorf("GET %s accepts filters %v; web/openapi.yaml documents %v", path, accepted, documented)
			}

			for _, name := range documented {
				p := params[name]
				schema := doc.resolve(t, p.Schema)
				switch {
				case len(schema.Enum) > 0:
					target := fmt.Sprintf("%s?%s=zz_bad", path, name)
					status, body := specGet(t, app, target)
					msg := specFieldError(t, target, status, body, name)
					rest, ok := strings.CutPrefix(msg, "must be one of ")
					values, _, found := strings.Cut(rest, `, not "zz_bad"`)
					if !ok || !found {
						t.Errorf("filter %s: unexpected message %q", name, msg)
						continue
					}
					got := slices.Sorted(slices.Values(schema.Enum))
					want := slices.Sorted(slices.Values(strings.Split(values, ", ")))
					if !slices.Equal(got, want) {
						t.Errorf("filter %s: documented values %v, server allows %v", name, got, want)
					}
				case len(schema.AnyOf) > 0: // IDOrNull
					target := fmt.Sprintf("%s?%s=null", path, name)
					if status, body := specGet(t, app, target); status != fiber.StatusOK {
						t.Errorf("filter %s is documented as accepting null; GET %s = %d %v", name, target, status, body)
					}
				}
			}
		})
	}
}

// TestOpenAPIHealthSchema compares the Health schema with what GET /health
// really answers.
func TestOpenAPIHealthSchema(t *testing.T) {
	doc := loadSpec(t)
	status, body := specGet(t, specTestApp(t), "/api/v1/health")
	if status != fiber.StatusOK {
		t.Fatalf("GET /api/v1/health = %d: %v", status, body)
	}
	if got, want := specKeys(body), specKeys(doc.schema(t, "Health").Properties); !slices.Equal(got, want) {
		t.Errorf("GET /api/v1/health answers fields %v; schema Health has %v", got, want)
	}
}

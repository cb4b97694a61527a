package inventory

import (
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"hostroll/locale"
)

// The catalog prefixes of the messages of the store, the API and the CLI.
var msgPrefixes = []string{"err.", "rule.", "gate.", "elig.", "compl.", "api.", "cli."}

// msgKeyRe is a string literal that is a catalog key, or the start of one
// ("err.entity." + table).
var msgKeyRe = regexp.MustCompile(`^(err|rule|gate|elig|compl|api|cli)\.[a-z0-9_]+(\.[a-z0-9_]+)*\.?$`)

// dynamicKeys lists, for each key prefix the code completes at run time, the
// suffixes it can complete it with.
var dynamicKeys = map[string][]string{
	"err.entity.":              {"device", "document", "evaluation", "finding", "line", "notice", "project", "rack", "rectification", "room", "snmp_profile", "spec_item", "unit", "user"},
	"err.count.":               {"devices", "lines", "racks"},
	"err.column.":              {"asset_tag", "carrier", "circuit_id", "code", "id", "key", "manufacturer", "name", "number", "project_id", "room_id", "rule", "serial", "status", "subject_id", "subject_key", "subject_type", "username"},
	"err.amendment.kind.":      {"unit_id", "list_of_unit_ids", "number", "string"},
	"err.rectification.kind.":  {"close", "refuse"},
	"err.placement.face.":      Faces,
	"err.placement.face_only.": Faces,
	"compl.field.":             SpecFields,
	"compl.op.":                SpecOps,
	"gate.key.":                gateKeys(),
	"rule.identity_mismatch.":  {"serial", "model"},
	"api.password.":            {"length", "too_long", "classes", "username", "common"},
	"api.json.kind.":           {"int", "number", "bool", "array", "string", "object"},
	"api.audit.":               {"unchained", "changed", "removed", "removed_range", "claims", "skipped", "ok"},
	"api.http.":                {"400", "404", "405", "408", "413", "415", "429", "431", "503"},
}

// gateKeys are the keys of lifecycle prerequisites: every document type and
// the other prerequisites.
func gateKeys() []string {
	return append(slices.Clone(DocumentTypes), "approval_number", "spec_items", "supervisor", "procurement",
		"trial_run_end", "settlement_amount")
}

// keysInCode collects the catalog keys named by string literals in the Go
// files (tests excluded) of the packages that talk to people.
func keysInCode(t *testing.T) (keys, prefixes map[string]string) {
	t.Helper()
	keys, prefixes = map[string]string{}, map[string]string{}
	fset := token.NewFileSet()
	for _, dir := range []string{".", "../web", "../cmd/hostroll"} {
		files, err := filepath.Glob(filepath.Join(dir, "*.go"))
		if err != nil {
			t.Fatal(err)
		}
		for _, name := range files {
			if strings.HasSuffix(name, "_test.go") {
				continue
			}
			f, err := parser.ParseFile(fset, name, nil, 0)
			if err != nil {
				t.Fatal(err)
			}
			ast.Inspect(f, func(n ast.Node) bool {
				lit, ok := n.(*ast.BasicLit)
				if !ok || lit.Kind != token.STRING {
					return true
				}
				s, err := strconv.Unquote(lit.Value)
				if err != nil || !msgKeyRe.MatchString(s) {
					return true
				}
				where := fset.Position(lit.Pos()).String()
				if strings.HasSuffix(s, ".") {
					prefixes[s] = where
				} else {
					keys[s] = where
				}
				return true
			})
		}
	}
	return keys, prefixes
}

// TestCatalogHasEveryKey: every key the code names, and every completion of
// a key it builds, is in both catalogs.
func TestCatalogHasEveryKey(t *testing.T) {
	keys, prefixes := keysInCode(t)
	if len(keys) < 300 {
		t.Fatalf("found only %d catalog keys in the code: is the walk broken?", len(keys))
	}
	for p, where := range prefixes {
		suffixes, ok := dynamicKeys[p]
		if !ok {
			t.Errorf("%s: the key prefix %q is completed at run time; list its completions in dynamicKeys", where, p)
		}
		for _, s := range suffixes {
			keys[p+s] = where
		}
	}
	for k, where := range keys {
		for _, lang := range []string{locale.ZH, locale.EN} {
			if !catalogHas(lang, k) {
				t.Errorf("%s: key %q is missing from locale/%s.json", where, k, lang)
			}
		}
	}
}

// catalogHas tells whether the catalog of lang has key.
func catalogHas(lang, key string) bool {
	return slices.Contains(locale.Keys(), key) && locale.T(lang, key) != key
}

// TestEnumLabelsOfMessages: every enumeration value a message shows by its
// label has one in both languages.
func TestEnumLabelsOfMessages(t *testing.T) {
	sets := map[string][]string{
		"user_status": UserStatuses, setProjectStatus: ProjectStatuses, setNoticeStatus: NoticeStatuses, setRectificationState: RectificationStates,
		setRoomKind: RoomKinds, setRoomStatus: RoomStatuses, setDeviceKind: DeviceKinds,
		setRevisionStatus: {"current", "proposed", "superseded", "rejected"}, setDocumentType: DocumentTypes,
		"role": Roles,
	}
	for set, codes := range sets {
		for _, code := range codes {
			key := "enum." + set + "." + code
			if !catalogHas(locale.ZH, key) || !catalogHas(locale.EN, key) {
				t.Errorf("no label %s in both catalogs", key)
			}
		}
	}
}

// sampleArgs are arguments that fit the verbs of format.
func sampleArgs(format string) []any {
	var args []any
	for _, v := range verbRe.FindAllString(format, -1) {
		switch v[len(v)-1] {
		case '%':
			continue
		case 'd':
			args = append(args, 7)
		case 'f', 'g', 'e':
			args = append(args, 12.5)
		default:
			args = append(args, "样例")
		}
	}
	return args
}

// TestEveryMessageRenders renders every message of the store, the API and
// the CLI in both languages with arguments that fit its verbs; it fails on a
// verb the two languages do not share, a bad verb, and an English fragment
// in a Chinese message.
func TestEveryMessageRenders(t *testing.T) {
	n := 0
	for _, key := range locale.Keys() {
		if !slices.ContainsFunc(msgPrefixes, func(p string) bool { return strings.HasPrefix(key, p) }) {
			continue
		}
		n++
		zh, en := locale.T(locale.ZH, key), locale.T(locale.EN, key)
		if vz, ve := verbsOf(zh), verbsOf(en); !slices.Equal(vz, ve) {
			t.Errorf("%s: verbs %q in Chinese, %q in English", key, vz, ve)
			continue
		}
		args := sampleArgs(en)
		for _, lang := range []string{"zh", "en"} {
			if got := M(key, args...).Text(lang); strings.Contains(got, "%!") || got == key {
				t.Errorf("%s in %s renders as %q", key, lang, got)
			}
		}
		if frag := englishFragment(verbRe.ReplaceAllString(zh, "")); frag != "" {
			t.Errorf("%s: the Chinese message %q has the English fragment %q", key, zh, frag)
		}
	}
	if n < 300 {
		t.Errorf("only %d messages rendered", n)
	}
}

func verbsOf(format string) []string {
	var out []string
	for _, v := range verbRe.FindAllString(format, -1) {
		if v != "%%" {
			out = append(out, v)
		}
	}
	return out
}

// allowedASCII are the words a Chinese message may carry: abbreviations,
// units, protocol and header names, and the literal parameters and values
// a script sends (with the path and the body of the request they name).
var allowedASCII = map[string]bool{
	"SNMP": true, "IP": true, "IPv4": true, "IPv6": true, "U": true, "CPU": true, "API": true, "CSV": true,
	"XLSX": true, "xlsx": true, "ID": true, "JSON": true, "UTF": true, "CIDR": true, "HTTP": true, "MiB": true,
	"GB": true, "Mbps": true, "Mbit": true, "YYYY": true, "MM": true, "DD": true, "NUL": true, "CSRF": true,
	"Bearer": true, "Authorization": true, "Cookie": true, "Content": true, "Type": true, "Token": true,
	"application": true, "json": true, "csv": true, "multipart": true, "form": true, "data": true, "file": true,
	"true": true, "false": true, "null": true, "eq": true, "in": true, "limit": true, "offset": true,
	"reachable": true, "type": true, "title": true, "number": true, "date": true, "year": true, "to": true,
	"key": true, "secret": true, "hr": true, "v2c": true, "v3": true, "off": true, "id": true, "ids": true,
	"X": true, "txt": true, "hostroll": true, "text": true, "zh": true, "en": true, "high": true, "medium": true, "low": true,
}

var (
	asciiWordRe = regexp.MustCompile(`[A-Za-z][A-Za-z0-9]*`)
	// apiRefRe are the paths, methods, environment variables and snake_case
	// keys a message may name as they are.
	apiRefRe = regexp.MustCompile(`--[a-z][a-z-]*|\d{4}-\d\d-\d\dT[\d:.]+Z|(GET|POST|PUT|PATCH|DELETE) /\S+|/api/v1/[^\s，。；）]*|HOSTROLL_[A-Z_]+(=\w+)?|[a-z0-9]+(_[a-z0-9]+)+|\{[^}]*\}`)
)

// englishFragment is the first English word of a Chinese text that is not
// an allowed token, "" when there is none.
func englishFragment(zh string) string {
	zh = apiRefRe.ReplaceAllString(zh, "")
	for _, w := range asciiWordRe.FindAllString(zh, -1) {
		if !allowedASCII[w] {
			return w
		}
	}
	return ""
}

// ruleSamples are params of every rule as the engine stores them, with
// Chinese names for what a person names.
func ruleSamples() map[string]map[string]any {
	project := func(extra map[string]any) map[string]any {
		p := map[string]any{"project": "XZ-2026-07", "name": "政务云扩容"}
		for k, v := range extra {
			p[k] = v
		}
		return p
	}
	reason := M("compl.no_match", "数据库服务器", int64(12), int64(3),
		[]Msg{M("compl.requirement", M("compl.field.memory_gb"), M("compl.op.min"), "128", "64", M("compl.none")),
			M("compl.price_above", 90000.0, 80000.0)})
	return map[string]map[string]any{
		"acceptance-overdue": project(map[string]any{"status": "trial_run", "trial_run_end": "2026-01-31",
			"due": "2026-05-01", "days_overdue": 30.0}),
		"backdated-step": project(map[string]any{"from": "draft", "to": "submitted", "date": "2026-10-01",
			"recorded_on": "2026-11-30", "note": "按纸质申报日期补录", "days": 60.0}),
		"cost-overrun": project(map[string]any{"settlement_amount": 1250000.0, "budget": 1000000.0,
			"excess": 250000.0, "percent": 25.0, "threshold": 10.0}),
		"duplicate-lines": {"unit_code": "CZJ", "unit_name": "州财政局", "a_end": "州财政局", "z_end": "州政务中心",
			"count": 2.0, "line_ids": []any{3.0, 4.0}},
		"hosted-outside-central": {"device": "财政一体化服务器", "project_code": "XZ-2026-07",
			"project_name": "政务云扩容", "room": "财政局机房", "room_id": 2.0},
		"identity-mismatch": {"device": "财政一体化服务器", "registered_serial": "SN1", "observed_serial": "SN2",
			"registered_model": "R740", "observed_model": "R750"},
		"late-application": project(map[string]any{"plan_year": 2027.0, "submitted": "2026-11-15",
			"deadline": "2026-10-31"}),
		"line-expansion": {"unit_code": "CZJ", "unit_name": "州财政局", "carrier": "中国电信",
			"circuit_id": "CT-001", "before_mbps": 100.0, "after_mbps": 200.0, "raised_on": "2026-11-01"},
		"no-supervision": project(map[string]any{"status": "implementing"}),
		"over-contract": project(map[string]any{"contract_number": "CG-2026-3", "contract_amount": 1200000.0,
			"budget": 1000000.0, "excess": 200000.0, "percent": 20.0}),
		"private-line": {"unit_code": "CZJ", "unit_name": "州财政局", "carrier": "中国电信", "circuit_id": "CT-001",
			"bandwidth_mbps": 100.0, "monthly_fee": 1200.0, "status": "requested"},
		"private-room": {"room": "财政局机房", "status": "planned", "unit_code": "CZJ", "unit_name": "州财政局"},
		"rectification-overdue": {"rectification_id": 4.0, "subject": "XZ-2026-07", "subject_name": "政务云扩容",
			"subject_type": "project", "due_on": "2026-10-01", "days_overdue": 20.0, "problem": "未按期整改"},
		"running-before-acceptance": {"device": "财政一体化服务器", "project": "XZ-2026-07",
			"project_name": "政务云扩容", "status": "acceptance_failed"},
		"spec-mismatch": project(map[string]any{"problems": 3.0, "first": reason, "reasons": []any{reason}}),
		"unreachable":   {"device": "财政一体化服务器", "polls": 3.0, "last_reachable_at": "2026-11-01T08:00:00Z"},
	}
}

// TestEveryRuleMessage renders the finding message of every rule in both
// languages from params as stored (after a JSON round trip): no bad verb, no
// English fragment in Chinese but the names and codes of the params, units
// and projects named by name and code.
func TestEveryRuleMessage(t *testing.T) {
	samples := ruleSamples()
	for _, r := range Rules() {
		params, ok := samples[r.Name]
		if !ok {
			t.Errorf("rule %s has no sample params in ruleSamples", r.Name)
			continue
		}
		js, err := json.Marshal(params)
		if err != nil {
			t.Fatal(err)
		}
		var stored map[string]any
		if err := json.Unmarshal(js, &stored); err != nil {
			t.Fatal(err)
		}
		for _, lang := range []string{"zh", "en"} {
			got := renderMessage(lang, r.Name, r.Articles, stored)
			if strings.Contains(got, "%!") || strings.Contains(got, "rule.") || strings.Contains(got, "compl.") {
				t.Errorf("%s in %s: %q", r.Name, lang, got)
			}
			if name, ok := params["name"].(string); ok && !strings.Contains(got, name) {
				t.Errorf("%s in %s: %q does not name the project %q", r.Name, lang, got, name)
			}
			if name, ok := params["unit_name"].(string); ok && !strings.Contains(got, name) {
				t.Errorf("%s in %s: %q does not name the unit %q", r.Name, lang, got, name)
			}
			if lang == "zh" {
				text := got
				for _, v := range []string{"XZ-2026-07", "CZJ", "CT-001", "CG-2026-3", "SN1", "SN2", "R740", "R750"} {
					text = strings.ReplaceAll(text, v, "")
				}
				if frag := englishFragment(text); frag != "" {
					t.Errorf("%s: the Chinese message %q has the English fragment %q", r.Name, got, frag)
				}
			}
		}
	}
}

// TestMsgRoundTrip: a message with nested messages, labels and numbers
// renders the same after its JSON round trip.
func TestMsgRoundTrip(t *testing.T) {
	m := M("compl.no_match", "srv-3", int64(3), int64(1),
		[]Msg{M("compl.requirement", M("compl.field.memory_gb"), M("compl.op.min"), 128.0, 64.0, M("compl.none")),
			M("compl.price_above", 90000.0, 80000.0), M("compl.kind_differs", L(setDeviceKind, "server"),
				L(setDeviceKind, "switch"))})
	js, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	var v any
	if err := json.Unmarshal(js, &v); err != nil {
		t.Fatal(err)
	}
	back, ok := msgOf(v).(Msg)
	if !ok {
		t.Fatalf("read back %T, want a Msg", msgOf(v))
	}
	for _, lang := range []string{"zh", "en"} {
		if want, got := m.Text(lang), back.Text(lang); got != want || strings.Contains(got, "%!") {
			t.Errorf("%s: %q after the round trip, %q before", lang, got, want)
		}
	}
	if zh := m.Text("zh"); !strings.Contains(zh, "90000.00") || strings.Contains(zh, "server") {
		t.Errorf("Chinese %q: want the price with fen and the kind by its label", zh)
	}
}

// TestValidationErrorInBothLanguages: FieldsIn renders what Add recorded;
// Fields and Error stay English.
func TestValidationErrorInBothLanguages(t *testing.T) {
	ve := &ValidationError{}
	ve.Add("position", "err.device.position.between_rack_units", 42)
	ve.Add("position", "err.values.field.required") // the first message wins
	ve.Add("unit_id", "err.values.field.required")
	if got := ve.Fields["position"]; got != "must be between 1 and 42: rack units are numbered from 1 at the bottom" {
		t.Errorf("English %q", got)
	}
	zh := ve.FieldsIn("zh")
	if zh["position"] != locale.T(locale.ZH, "err.device.position.between_rack_units", 42) || zh["unit_id"] != "必填" {
		t.Errorf("Chinese %q", zh)
	}
	if en := ve.FieldsIn("en"); en["unit_id"] != "is required" || len(en) != 2 {
		t.Errorf("English %q", en)
	}
	if !strings.HasPrefix(ve.Error(), "invalid input: position: must be between 1 and 42") {
		t.Errorf("Error() = %q", ve.Error())
	}
}

// proseRe is a text of words, not a key or a list of codes.
var proseRe = regexp.MustCompile(`[A-Za-z]{2,} [a-z]{2,}`)

// msgFuncs are the functions and methods that take a catalog key.
var msgFuncs = map[string]bool{"Add": true, "Invalid": true, "conflict": true, "forbidden": true, "badRequest": true,
	"refusal": true, "M": true, "secretKeyError": true, "officeOnly": true, "bad": true, "unauthorized": true,
	"t": true, "printf": true, "msg": true}

// TestNoLiteralMessages: the functions that take a catalog key get a key,
// not a text or a format ("must be %d", "%s") that could not be put in the
// reader's language.
func TestNoLiteralMessages(t *testing.T) {
	fset := token.NewFileSet()
	for _, dir := range []string{".", "../web", "../cmd/hostroll"} {
		files, err := filepath.Glob(filepath.Join(dir, "*.go"))
		if err != nil {
			t.Fatal(err)
		}
		for _, name := range files {
			if strings.HasSuffix(name, "_test.go") {
				continue
			}
			f, err := parser.ParseFile(fset, name, nil, 0)
			if err != nil {
				t.Fatal(err)
			}
			ast.Inspect(f, func(n ast.Node) bool {
				call, ok := n.(*ast.CallExpr)
				if !ok {
					return true
				}
				var fn string
				switch x := call.Fun.(type) {
				case *ast.Ident:
					fn = x.Name
				case *ast.SelectorExpr:
					fn = x.Sel.Name
				}
				if !msgFuncs[fn] {
					return true
				}
				for _, a := range call.Args {
					lit, ok := a.(*ast.BasicLit)
					if !ok || lit.Kind != token.STRING {
						continue
					}
					if s, err := strconv.Unquote(lit.Value); err == nil && (strings.Contains(s, "%") || proseRe.MatchString(s)) {
						t.Errorf("%s: %s gets the text %q: give it a catalog key", fset.Position(lit.Pos()), fn, s)
					}
				}
				return true
			})
		}
	}
}

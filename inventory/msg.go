package inventory

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"

	"hostroll/locale"
)

// Msg is a message a person reads: a key of the catalog (locale/) and its
// arguments, rendered in the reader's language by Text. An argument that is a
// Msg or a Label is rendered in the same language. A Msg survives a JSON
// round trip (finding params store reasons as Msgs): see msgOf.
type Msg struct {
	Key  string `json:"key"`
	Args []any  `json:"args,omitempty"`
}

// M is the message key with args.
func M(key string, args ...any) Msg { return Msg{Key: key, Args: args} }

// Label is an enumeration value shown by its label (enum.<Set>.<Code>):
// 实施中 for the project status implementing, 服务器 for the device kind
// server.
type Label struct {
	Set  string `json:"set"`
	Code string `json:"code"`
}

// L is the label of code in the enumeration set.
func L(set, code string) Label { return Label{Set: set, Code: code} }

// text is the label in Chinese; in English the code itself, which is what
// the API takes and answers ("to": "implementing"), so an English message
// names the value a script sends.
func (l Label) text(lang string) string {
	if isEnglish(lang) {
		return l.Code
	}
	return locale.Label(locale.ZH, l.Set, l.Code)
}

// Text is the message in lang ("zh", "zh-CN", "en"; anything else is
// Chinese).
//
// A key the catalog lacks is taken as a format of its own, the same in
// both languages: code that still passes a literal text ("must be %d")
// shows it rather than a bare format (msg_catalog_test.go finds such
// literals in the code).
func (m Msg) Text(lang string) string {
	format, ok := locale.Lookup(catalogLang(lang), m.Key)
	if !ok {
		format = m.Key
	}
	if len(m.Args) == 0 {
		return format
	}
	args := make([]any, len(m.Args))
	for i, a := range m.Args {
		args[i] = renderArg(lang, a)
	}
	coerce(format, args)
	return fmt.Sprintf(format, args...)
}

// String is the English text, for logs.
func (m Msg) String() string { return m.Text("en") }

// renderArg renders a Msg, a Label or a list of them in lang; other values
// pass as they are.
func renderArg(lang string, a any) any {
	switch x := a.(type) {
	case Msg:
		return x.Text(lang)
	case Label:
		return x.text(lang)
	case Article:
		return x.text(lang)
	case []any: // a list read back from JSON
		s := make([]string, len(x))
		for i, e := range x {
			s[i] = fmt.Sprint(renderArg(lang, msgOf(e)))
		}
		return strings.Join(s, listSep(lang))
	case []Msg:
		s := make([]string, len(x))
		for i, m := range x {
			s[i] = m.Text(lang)
		}
		return strings.Join(s, listSep(lang))
	case []Label:
		s := make([]string, len(x))
		for i, l := range x {
			s[i] = l.text(lang)
		}
		return strings.Join(s, listSep(lang))
	}
	return a
}

// Article is an article of the Measures in a message: 第七条, Art. 7.
type Article int

func (a Article) text(lang string) string {
	if isEnglish(lang) {
		return "Art. " + strconv.Itoa(int(a))
	}
	return "第" + chineseNumber(int(a)) + "条"
}

// coerce fits numbers read back from JSON (float64) or written as Go ints
// to the verbs of format: a whole number for %d, a float for %f, %e and %g,
// the shortest text for %s and %v.
func coerce(format string, args []any) {
	i := 0
	for _, v := range verbRe.FindAllString(format, -1) {
		if v == "%%" || i >= len(args) {
			continue
		}
		var f float64
		switch x := args[i].(type) {
		case float64:
			f = x
		case int64:
			f = float64(x)
		case int:
			f = float64(x)
		default:
			i++
			continue
		}
		switch v[len(v)-1] {
		case 'd':
			if f == math.Trunc(f) {
				args[i] = int64(f)
			}
		case 'f', 'e', 'g':
			args[i] = f
		case 's', 'v':
			args[i] = strconv.FormatFloat(f, 'f', -1, 64)
		}
		i++
	}
}

var verbRe = regexp.MustCompile(`%[-+# 0]*[0-9]*(?:\.[0-9]+)?[a-zA-Z%]`)

// listSep joins the items of a list in lang: 、 in Chinese, ", " in English.
func listSep(lang string) string {
	if isEnglish(lang) {
		return ", "
	}
	return "、"
}

// catalogLang is the catalog a language reads from: locale.EN or locale.ZH.
func catalogLang(lang string) string {
	if isEnglish(lang) {
		return locale.EN
	}
	return locale.ZH
}

func isEnglish(lang string) bool { return lang == "en" || strings.HasPrefix(lang, "en-") }

// msgOf reads back a Msg, a Label or a number from its JSON form (a finding's
// params): objects with a key become Msgs, objects with a set and a code
// Labels, a list of any of those a []any of them; numbers stay float64
// (Text fits them to their verbs).
func msgOf(v any) any {
	switch x := v.(type) {
	case map[string]any:
		if key, ok := x["key"].(string); ok {
			args, _ := x["args"].([]any)
			m := Msg{Key: key}
			for _, a := range args {
				m.Args = append(m.Args, msgOf(a))
			}
			return m
		}
		set, ok1 := x["set"].(string)
		code, ok2 := x["code"].(string)
		if ok1 && ok2 {
			return Label{Set: set, Code: code}
		}
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = msgOf(e)
		}
		return out
	}
	return v
}

// The enumeration sets of the catalog (enum.<set>.<code>) the messages name.
const (
	setProjectStatus      = "project_status"
	setNoticeStatus       = "notice_status"
	setRectificationState = "rectification_state"
	setRoomKind           = "room_kind"
	setRoomStatus         = "room_status"
	setDeviceKind         = "device_kind"
	setDeviceStatus       = "device_status"
	setRevisionStatus     = "spec_revision_status"
	setDocumentType       = "document_type"
	setLinePlatform       = "line_platform"
	setLineStatus         = "line_status"
	setSpecField          = "spec_field"
	setSpecOp             = "spec_op"
)

// renderMsgs renders each message of m in lang.
func renderMsgs(lang string, m map[string]Msg) map[string]string {
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v.Text(lang)
	}
	return out
}

// labels are the labels of codes in the enumeration set, for a list in a
// message.
func labels(set string, codes []string) []Label {
	out := make([]Label, len(codes))
	for i, c := range codes {
		out[i] = L(set, c)
	}
	return out
}

// fieldLabel is the label of an entity's field (field.<entity>.<key>):
// 预算 for the project's budget.
func fieldLabel(entity, key string) Msg { return M("field." + entity + "." + key) }

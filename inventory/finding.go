package inventory

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"hostroll/locale"
)

// Finding statuses and message languages.
var (
	FindingStatuses = []string{"open", "exempted", "resolved"}
	Languages       = []string{"zh", "en"}
)

// DefaultLanguage is the language of finding messages unless asked otherwise.
const DefaultLanguage = "zh"

// Finding is a flag a rule raised on one subject (../shared/DESIGN.md,
// "Rules"). Message is rendered in the language asked for from Params.
type Finding struct {
	ID          int64          `json:"id"`
	Rule        string         `json:"rule"`
	Article     string         `json:"article"`
	Severity    string         `json:"severity"`
	SubjectType string         `json:"subject_type"`
	SubjectID   int64          `json:"subject_id"`
	SubjectKey  string         `json:"subject_key"`
	UnitID      *int64         `json:"unit_id"`
	Message     string         `json:"message"`
	Params      map[string]any `json:"params"`
	Status      string         `json:"status"`
	FirstSeen   time.Time      `json:"first_seen"`
	ResolvedAt  *time.Time     `json:"resolved_at"`
	Exemption   *Exemption     `json:"exemption"`
}

// Exemption is why a finding is accepted for now (Art. 5: confidentiality
// rules, or another recorded reason) and who granted it.
type Exemption struct {
	Reason    string    `json:"reason"`
	Basis     string    `json:"basis"`
	ExpiresOn *Date     `json:"expires_on"`
	GrantedBy string    `json:"granted_by"`
	GrantedAt time.Time `json:"granted_at"`
}

// findingRow is a findings row as stored.
type findingRow struct {
	ID          int64      `db:"id"`
	Rule        string     `db:"rule"`
	Article     string     `db:"article"`
	Severity    string     `db:"severity"`
	SubjectType string     `db:"subject_type"`
	SubjectID   int64      `db:"subject_id"`
	SubjectKey  string     `db:"subject_key"`
	UnitID      *int64     `db:"unit_id"`
	Params      RawJSON    `db:"params"`
	Status      string     `db:"status"`
	FirstSeen   time.Time  `db:"first_seen"`
	ResolvedAt  *time.Time `db:"resolved_at"`
	ExReason    *string    `db:"exemption_reason"`
	ExBasis     *string    `db:"exemption_basis"`
	ExExpires   *Date      `db:"exemption_expires_on"`
	ExBy        *string    `db:"exempted_by"`
	ExAt        *time.Time `db:"exempted_at"`
}

const findingCols = `id, rule, article, severity, subject_type, subject_id, subject_key, unit_id,
	params, status, first_seen, resolved_at, exemption_reason, exemption_basis,
	exemption_expires_on, exempted_by, exempted_at`

// finding turns a stored row into the API's finding, its message in lang.
func (r findingRow) finding(lang string) Finding {
	f := Finding{ID: r.ID, Rule: r.Rule, Article: r.Article, Severity: r.Severity,
		SubjectType: r.SubjectType, SubjectID: r.SubjectID, SubjectKey: r.SubjectKey, UnitID: r.UnitID,
		Status: r.Status, FirstSeen: r.FirstSeen.UTC(), Params: map[string]any{}}
	if r.ResolvedAt != nil {
		t := r.ResolvedAt.UTC()
		f.ResolvedAt = &t
	}
	if len(r.Params) > 0 {
		_ = json.Unmarshal(r.Params, &f.Params) // written by the engine from a map
	}
	if r.ExReason != nil {
		ex := &Exemption{Reason: *r.ExReason, ExpiresOn: r.ExExpires}
		if r.ExBasis != nil {
			ex.Basis = *r.ExBasis
		}
		if r.ExBy != nil {
			ex.GrantedBy = *r.ExBy
		}
		if r.ExAt != nil {
			ex.GrantedAt = r.ExAt.UTC()
		}
		f.Exemption = ex
	}
	f.Message = renderMessage(lang, f.Rule, articlesOf(f.Article), f.Params)
	return f
}

// renderMessage is a rule's message in lang, prefixed with its articles:
// "第五条：…", "第十条、第十三条：…", "Art. 5: …", "Art. 10, 13: …".
func renderMessage(lang, rule string, articles []int, params map[string]any) string {
	var body string
	if r, ok := RuleByName(rule); ok {
		body = r.Message(lang, params)
	} else {
		js, _ := json.Marshal(params)
		body = rule + " " + string(js)
	}
	return articlePrefix(lang, articles) + body
}

// articlePrefix names the articles of a message; "" when there are none.
func articlePrefix(lang string, articles []int) string {
	if len(articles) == 0 {
		return ""
	}
	if lang == "en" {
		s := make([]string, len(articles))
		for i, a := range articles {
			s[i] = strconv.Itoa(a)
		}
		return "Art. " + strings.Join(s, ", ") + ": "
	}
	s := make([]string, len(articles))
	for i, a := range articles {
		s[i] = "第" + chineseNumber(a) + "条"
	}
	return strings.Join(s, "、") + "："
}

// chineseNumber writes 1 to 99 in Chinese numerals (五, 十, 十三, 二十一).
func chineseNumber(n int) string {
	digits := []string{"零", "一", "二", "三", "四", "五", "六", "七", "八", "九"}
	switch {
	case n < 0 || n > 99:
		return strconv.Itoa(n)
	case n < 10:
		return digits[n]
	}
	s := "十"
	if n >= 20 {
		s = digits[n/10] + s
	}
	if n%10 != 0 {
		s += digits[n%10]
	}
	return s
}

// articleText stores a rule's articles as "10,13".
func articleText(articles []int) string {
	s := make([]string, len(articles))
	for i, a := range articles {
		s[i] = strconv.Itoa(a)
	}
	return strings.Join(s, ",")
}

func articlesOf(text string) []int {
	var out []int
	for _, p := range strings.Split(text, ",") {
		if n, err := strconv.Atoi(strings.TrimSpace(p)); err == nil {
			out = append(out, n)
		}
	}
	return out
}

// Lang picks the message language from an Accept-Language header: "en"
// when English has the highest quality of the two (the first of equals
// wins; q=0 refuses a language), else Chinese (locale.Negotiate).
func Lang(header string) string { return locale.Negotiate(header) }

var findingList = listSpec{
	filters: map[string]filter{
		"rule":         {col: "rule", kind: filterText},
		"status":       {col: "status", kind: filterEnum, allowed: FindingStatuses},
		"severity":     {col: "severity", kind: filterEnum, allowed: Severities},
		"unit_id":      {col: "unit_id", kind: filterID, nullable: true},
		"subject_type": {col: "subject_type", kind: filterEnum, allowed: SubjectTypes},
		"subject_id":   {col: "subject_id", kind: filterID},
	},
	params: []string{"lang"},
	scope:  scopeFindings,
}

// langParam takes the lang parameter out of a list's parameters.
func langParam(p *ListParams) (string, error) {
	lang, ok := p.Filters["lang"]
	delete(p.Filters, "lang")
	if !ok || lang == "" {
		return DefaultLanguage, nil
	}
	if !slices.Contains(Languages, lang) {
		return "", Invalid("lang", "err.finding.lang.one", strings.Join(Languages, ", "), lang)
	}
	return lang, nil
}

// Findings lists findings, most severe first; filters: rule, status,
// severity, unit_id, subject_type, subject_id; lang ("zh" or "en") is the
// language of the messages.
func (s *Store) Findings(ctx context.Context, p ListParams) ([]Finding, int, error) {
	p.Filters = cloneFilters(p.Filters)
	lang, err := langParam(&p)
	if err != nil {
		return nil, 0, err
	}
	rows, total, err := list[findingRow](s, ctx, findingList, p,
		"SELECT "+findingCols+" FROM findings", "SELECT COUNT(*) FROM findings",
		"CASE severity WHEN 'high' THEN 0 WHEN 'medium' THEN 1 WHEN 'low' THEN 2 ELSE 3 END, id")
	if err != nil {
		return nil, 0, dbErr(err, "list findings")
	}
	out := make([]Finding, len(rows))
	for i, r := range rows {
		out[i] = r.finding(lang)
	}
	return out, total, nil
}

// Finding returns one finding with its message in lang ("zh" or "en").
func (s *Store) Finding(ctx context.Context, id int64, lang string) (Finding, error) {
	if !slices.Contains(Languages, lang) {
		return Finding{}, Invalid("lang", "err.finding.lang.one", strings.Join(Languages, ", "), lang)
	}
	r, err := getFinding(ctx, s.db, id, "")
	if err != nil {
		return Finding{}, err
	}
	return r.finding(lang), nil
}

func getFinding(ctx context.Context, q querier, id int64, suffix string) (findingRow, error) {
	var r findingRow
	query, args := andScope(ctx, "SELECT "+findingCols+" FROM findings WHERE findings.id = ?", []any{id}, scopeFindings, true)
	err := q.GetContext(ctx, &r, q.Rebind(query+suffix), args...)
	return r, dbErr(err, fmt.Sprintf("finding %d", id))
}

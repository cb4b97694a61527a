package report

import (
	"strconv"
	"strings"

	"hostroll/inventory"
	"hostroll/locale"
)

// Notice lays out a notice of criticism (Art. 18): its title, number, state
// and day of publication above its body, one paragraph a row, and a table of
// its units with the problems behind the notice.
func Notice(p inventory.NoticePage, m Meta) Report {
	n := p.Notice
	published := locale.T(m.Lang, "report.notice.not_published")
	if n.PublishedOn != nil {
		published = string(*n.PublishedOn)
	}
	r := Report{Name: "notice-" + itoa64(n.ID), Title: []string{n.Title,
		locale.T(m.Lang, "report.notice.number", n.Number, m.label("notice_status", n.Status), published),
		locale.T(m.Lang, "report.generated_on", m.Date)}}
	body := m.table("body", col{"paragraph", 100})
	for _, line := range strings.Split(n.Body, "\n") {
		if line = strings.TrimSpace(line); line != "" {
			body.Rows = append(body.Rows, []any{line})
		}
	}
	if n.Status == "withdrawn" {
		body.Rows = append(body.Rows, []any{locale.T(m.Lang, "report.notice.withdrawn", n.WithdrawalReason)})
	}
	problems := m.table("problems", col{"unit_code", 10}, col{"unit_name", 24}, col{"problem_kind", 0},
		col{"problem_id", 0}, col{"problem", 80}, col{"due_on", 12})
	for _, u := range p.Units {
		if len(u.Problems) == 0 {
			problems.Rows = append(problems.Rows, []any{u.Code, u.Name, "", nil, "", ""})
		}
		for _, x := range u.Problems {
			due := ""
			if x.DueOn != nil {
				due = string(*x.DueOn)
			}
			problems.Rows = append(problems.Rows, []any{u.Code, u.Name,
				locale.T(m.Lang, "report.notice.kind."+x.Kind), x.ID, x.Text, due})
		}
	}
	r.Tables = []Table{body, problems}
	return r
}

func itoa64(n int64) string { return strconv.FormatInt(n, 10) }

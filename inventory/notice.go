package inventory

import (
	"context"
	"fmt"
	"time"
)

// NoticeStatuses are the states of a notice of criticism (Art. 18).
var NoticeStatuses = []string{"draft", "published", "withdrawn"}

// Notice is a notice of criticism (通报批评, Art. 18): drafted by the
// office, published, and from then on never edited, only withdrawn with a
// reason.
type Notice struct {
	ID               int64      `db:"id" json:"id"`
	Title            string     `db:"title" json:"title"`
	Number           string     `db:"number" json:"number"`
	Body             string     `db:"body" json:"body"`
	Status           string     `db:"status" json:"status"`
	PublishedOn      *Date      `db:"published_on" json:"published_on"`
	PublishedBy      *string    `db:"published_by" json:"published_by"`
	WithdrawnAt      *time.Time `db:"withdrawn_at" json:"withdrawn_at"`
	WithdrawnBy      *string    `db:"withdrawn_by" json:"withdrawn_by"`
	WithdrawalReason string     `db:"withdrawal_reason" json:"withdrawal_reason"`
	CreatedAt        time.Time  `db:"created_at" json:"created_at"`
	CreatedBy        string     `db:"created_by" json:"created_by"`
	UnitIDs          []int64    `db:"-" json:"unit_ids"`
	RectificationIDs []int64    `db:"-" json:"rectification_ids"`
	FindingIDs       []int64    `db:"-" json:"finding_ids"`
}

// NoticeInput drafts a notice or, as a patch, changes a draft. The orders
// and findings behind it must concern its units.
type NoticeInput struct {
	Title            string  `json:"title"`
	Number           string  `json:"number"`
	Body             string  `json:"body"`
	UnitIDs          []int64 `json:"unit_ids"`
	RectificationIDs []int64 `json:"rectification_ids"`
	FindingIDs       []int64 `json:"finding_ids"`
}

// NoticeWithdrawal says why a published notice is withdrawn.
type NoticeWithdrawal struct {
	Reason string `json:"reason"`
}

// Validate checks the fields on their own.
func (in *NoticeInput) Validate() error {
	trim(&in.Title, &in.Number, &in.Body)
	ve := &ValidationError{}
	checkRequired(ve, "title", in.Title, 200)
	checkMaxLen(ve, "number", in.Number, 100)
	checkRequired(ve, "body", in.Body, 20000)
	if len(in.UnitIDs) == 0 {
		ve.Add("unit_ids", "err.notice.unit_ids.required_units_notice")
	}
	for field, ids := range map[string][]int64{"unit_ids": in.UnitIDs, "rectification_ids": in.RectificationIDs,
		"finding_ids": in.FindingIDs} {
		if len(ids) > 200 {
			ve.Add(field, "err.notice.field.may_list_most")
		}
		for _, id := range ids {
			if id < 1 {
				ve.Add(field, "err.notice.field.positive_ids")
			}
		}
	}
	in.UnitIDs, in.RectificationIDs, in.FindingIDs = uniqueIDs(in.UnitIDs), uniqueIDs(in.RectificationIDs), uniqueIDs(in.FindingIDs)
	return ve.Err()
}

const noticeCols = `notices.id, title, number, body, status, published_on, published_by, withdrawn_at, withdrawn_by,
	withdrawal_reason, created_at, created_by`

// readNotice reads a notice in the caller's scope with its links; suffix
// may lock it.
func readNotice(ctx context.Context, q querier, id int64, suffix string) (Notice, error) {
	var n Notice
	query, args := andScope(ctx, `SELECT `+noticeCols+` FROM notices WHERE notices.id = ?`, []any{id}, scopeNotices, true)
	if err := q.GetContext(ctx, &n, q.Rebind(query+suffix), args...); err != nil {
		return n, dbErr(err, fmt.Sprintf("notice %d", id))
	}
	items := []Notice{n}
	if err := loadNotices(ctx, q, items); err != nil {
		return n, err
	}
	return items[0], nil
}

// loadNotices adds the linked units, orders and findings.
func loadNotices(ctx context.Context, q querier, items []Notice) error {
	ids := make([]int64, len(items))
	for i := range items {
		ids[i] = items[i].ID
	}
	var links [3]map[int64][]int64
	for i, l := range [3][2]string{{"notice_units", "unit_id"}, {"notice_rectifications", "rectification_id"},
		{"notice_findings", "finding_id"}} {
		m, err := linkedIDs(ctx, q, l[0], "notice_id", l[1], ids)
		if err != nil {
			return err
		}
		links[i] = m
	}
	for i := range items {
		n := &items[i]
		n.CreatedAt = n.CreatedAt.UTC()
		if n.WithdrawnAt != nil {
			t := n.WithdrawnAt.UTC()
			n.WithdrawnAt = &t
		}
		n.UnitIDs, n.RectificationIDs, n.FindingIDs = orEmpty(links[0][n.ID]), orEmpty(links[1][n.ID]), orEmpty(links[2][n.ID])
	}
	return nil
}

// Notice returns one notice: a draft only to the office.
func (s *Store) Notice(ctx context.Context, id int64) (Notice, error) {
	return readNotice(ctx, s.db, id, "")
}

var noticeList = listSpec{
	filters: map[string]filter{
		"status":  {col: "status", kind: filterEnum, allowed: NoticeStatuses},
		"unit_id": {col: "id", kind: filterID, expr: "notices.id IN (SELECT notice_id FROM notice_units WHERE unit_id = ?)"},
	},
	search: []string{"title", "number"},
	scope:  scopeNotices,
}

// Notices lists notices, the newest first; filters: status, unit_id; q
// searches title and number.
func (s *Store) Notices(ctx context.Context, p ListParams) ([]Notice, int, error) {
	items, total, err := list[Notice](s, ctx, noticeList, p, `SELECT `+noticeCols+` FROM notices`,
		`SELECT COUNT(*) FROM notices`, "notices.id DESC")
	if err != nil {
		return nil, 0, dbErr(err, "list notices")
	}
	return items, total, loadNotices(ctx, s.db, items)
}

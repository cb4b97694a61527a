package inventory

import (
	"context"
	"fmt"
)

// NoticePage is what the printable page of a notice shows: the notice, and
// each of its units with the problems behind the notice.
type NoticePage struct {
	Notice Notice
	Units  []NoticeUnit
}

// NoticeUnit is one criticised unit and its problems.
type NoticeUnit struct {
	Code, Name string
	Problems   []NoticeProblem
}

// NoticeProblem is one order or finding behind a notice.
type NoticeProblem struct {
	Kind  string // "rectification" or "finding"
	ID    int64
	Text  string
	DueOn *Date // of an order
}

// NoticePage reads a notice for its printable page, messages in lang.
func (s *Store) NoticePage(ctx context.Context, id int64, lang string) (NoticePage, error) {
	n, err := s.Notice(ctx, id)
	if err != nil {
		return NoticePage{}, err
	}
	page := NoticePage{Notice: n}
	index := map[int64]int{}
	for _, uid := range n.UnitIDs {
		var u struct {
			Code string `db:"code"`
			Name string `db:"name"`
		}
		if err := s.db.GetContext(ctx, &u, s.db.Rebind(`SELECT code, name FROM units WHERE id = ?`), uid); err != nil {
			return page, dbErr(err, fmt.Sprintf("unit %d of notice %d", uid, id))
		}
		index[uid] = len(page.Units)
		page.Units = append(page.Units, NoticeUnit{Code: u.Code, Name: u.Name})
	}
	add := func(unit *int64, p NoticeProblem) {
		if unit == nil {
			return
		}
		if i, ok := index[*unit]; ok {
			page.Units[i].Problems = append(page.Units[i].Problems, p)
		}
	}
	for _, rid := range n.RectificationIDs {
		var r struct {
			UnitID  int64  `db:"unit_id"`
			Problem string `db:"problem"`
			DueOn   Date   `db:"due_on"`
		}
		err := s.db.GetContext(ctx, &r, s.db.Rebind(`SELECT unit_id, problem, due_on FROM rectifications WHERE id = ?`), rid)
		if err != nil {
			return page, dbErr(err, fmt.Sprintf("rectification %d of notice %d", rid, id))
		}
		due := r.DueOn
		add(&r.UnitID, NoticeProblem{Kind: "rectification", ID: rid, Text: r.Problem, DueOn: &due})
	}
	for _, fid := range n.FindingIDs {
		// The notice names the finding: its message is shown to whoever
		// may read the notice, without the finding's own scope.
		row, err := getFinding(WithActor(ctx, ActorOf(ctx)), s.db, fid, "")
		if err != nil {
			return page, err
		}
		f := row.finding(lang)
		add(f.UnitID, NoticeProblem{Kind: "finding", ID: fid, Text: f.Message})
	}
	return page, nil
}

package main

import (
	"fmt"

	"hostroll/demo"
	"hostroll/inventory"
)

// lifecycle takes a project through its steps the way a reviewer would:
// each gate's documents first (and the procurement before the build), then
// the step, all through the store's checks; then its evaluation.
func (l *loader) lifecycle(p demo.Project) {
	id := l.projects[p.Code].ID
	for _, st := range p.Steps {
		if st.To == "implementing" && p.Procurement != nil {
			must(l, fmt.Sprintf("project %s procurement", p.Code), func() (inventory.Procurement, error) {
				out, _, err := l.s.SetProcurement(l.ctx, id, *p.Procurement)
				return out, err
			})
		}
		if l.err != nil {
			return
		}
		for _, t := range inventory.RequiredDocuments(l.projects[p.Code], st.To) {
			l.document(id, p.Code, t, st.Date)
		}
		// The demo's steps carry their paper dates; entered later than 7 days
		// after them they are backdated and need a note (Art. 17).
		in := inventory.TransitionInput{To: st.To, Date: st.Date, ApprovalNumber: st.ApprovalNumber,
			Note: "演示数据：按纸质文件日期补录"}
		if st.TrialRunEnd != "" {
			in.TrialRunEnd = ptr(st.TrialRunEnd)
		}
		if st.Settlement != 0 {
			in.SettlementAmount = ptr(st.Settlement)
		}
		l.projects[p.Code] = must(l, fmt.Sprintf("project %s step to %s", p.Code, st.To), func() (inventory.Project, error) {
			return l.s.TransitionProject(l.ctx, id, in)
		})
	}
	if p.DropSupervisorAfterSteps {
		must(l, "supervisor of "+p.Code, func() (inventory.Project, error) {
			return l.s.UpdateProject(l.ctx, id, func(in *inventory.ProjectInput) error {
				in.Supervisor = ""
				return nil
			})
		})
	}
	if p.Evaluation != nil {
		must(l, "evaluation of "+p.Code, func() (inventory.Evaluation, error) {
			return l.s.CreateEvaluation(l.ctx, id, *p.Evaluation)
		})
	}
}

// document uploads a small placeholder file of type t.
func (l *loader) document(project int64, code, t string, date inventory.Date) {
	must(l, fmt.Sprintf("project %s document %s", code, t), func() (inventory.Document, error) {
		body := fmt.Sprintf("%%PDF-1.4\n%% hostroll demo: %s of project %s\n", t, code)
		return l.s.CreateDocument(l.ctx, project, inventory.DocumentInput{Type: t, Title: code + " " + t,
			Date: ptr(date), Filename: t + ".pdf", Content: []byte(body)})
	})
}

// rectifications issues the demo's orders, takes each through its
// responses, refusal and close, and publishes the notice.
func (l *loader) rectifications(set *demo.Set) {
	ids := make([]int64, len(set.Rectifications))
	for i, r := range set.Rectifications {
		in := inventory.RectificationInput{SubjectType: "unit", SubjectID: l.units[r.Unit], Problem: r.Problem,
			Action: r.Action, IssuedOn: ptr(r.IssuedOn), DueOn: r.DueOn}
		if r.Project != "" {
			in.SubjectType, in.SubjectID = "project", l.projects[r.Project].ID
		}
		what := fmt.Sprintf("order %d", i+1)
		id := must(l, what, func() (inventory.Rectification, error) { return l.s.CreateRectification(l.ctx, in) }).ID
		ids[i] = id
		step := func(kind, note string, f func(int64, inventory.RectificationStep) (inventory.Rectification, error)) {
			must(l, what+" "+kind, func() (inventory.Rectification, error) {
				return f(id, inventory.RectificationStep{Note: note})
			})
		}
		for k, note := range r.Responses {
			step("response", note, func(id int64, s inventory.RectificationStep) (inventory.Rectification, error) {
				return l.s.RespondRectification(l.ctx, id, s)
			})
			if k < len(r.Refusal) {
				step("refusal", r.Refusal[k], func(id int64, s inventory.RectificationStep) (inventory.Rectification, error) {
					return l.s.RefuseRectification(l.ctx, id, s)
				})
			}
		}
		if r.Close != "" {
			step("close", r.Close, func(id int64, s inventory.RectificationStep) (inventory.Rectification, error) {
				return l.s.CloseRectification(l.ctx, id, s)
			})
		}
	}
	if set.Notice == nil || l.err != nil {
		return
	}
	in := inventory.NoticeInput{Title: set.Notice.Title, Number: set.Notice.Number, Body: set.Notice.Body}
	for _, u := range set.Notice.Units {
		in.UnitIDs = append(in.UnitIDs, l.units[u])
	}
	for _, i := range set.Notice.Rectifications {
		in.RectificationIDs = append(in.RectificationIDs, ids[i])
	}
	n := must(l, "notice", func() (inventory.Notice, error) { return l.s.CreateNotice(l.ctx, in) })
	must(l, "publish the notice", func() (inventory.Notice, error) { return l.s.PublishNotice(l.ctx, n.ID) })
}

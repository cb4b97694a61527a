package ui

import (
	"io"
	"slices"
	"sort"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"hostroll/inventory"
	"hostroll/locale"
)

// mainPath is the lifecycle a project normally walks, in order; rejected
// and acceptance_failed end it off the path.
var mainPath = []string{"draft", "submitted", "approved", "spec_reviewed", "procuring", "implementing",
	"trial_run", "acceptance_requested", "accepted", "settled"}

// projectView is the project page.
type projectView struct {
	Page
	P           inventory.Project
	LeadUnit    string
	Units       []string
	Stepper     []stepView
	OffPath     string // rejected or acceptance_failed: the step that ended the path
	NextSteps   []nextView
	Today       string
	Documents   []inventory.Document
	DocTypes    []string
	DocForm     docForm
	Items       []inventory.SpecItem
	Revisions   []inventory.SpecRevision
	SpecText    string
	SpecForm    specForm
	Compliance  *inventory.Compliance
	ItemNames   map[int64]string
	Evaluations []inventory.Evaluation
	EvalForm    evalForm
	History     []inventory.ProjectStep
}

// stepView is one step of the stepper: done (with its date and who took
// it), the current one, or still ahead.
type stepView struct {
	Status  string
	State   string // "done", "current", "todo"
	Date    string
	Actor   string
	Current bool
}

// nextView is one step the project may take now: whether it is ready,
// every prerequisite still missing, and the form to take it (for a role
// that may).
type nextView struct {
	To      string
	Ready   bool
	Missing []missingView
	CanTake bool
	Form    stepForm
}

type missingView struct{ Key, Message string }

// stepForm is what was typed into a step's form, and the store's refusal.
type stepForm struct {
	Date, Note, ApprovalNumber, TrialRunEnd, SettlementAmount string
	Errors                                                    formError
}

type docForm struct {
	Type, Title, Number, Date string
	Errors                    formError
}

type evalForm struct {
	Date, Problems string
	MeetsTarget    bool
	Errors         formError
}

type specForm struct {
	Reason, Items string
	Errors        formError
}

// projectState is what a POST on the project page leaves for the page it
// renders again when the store refused it: the form as typed and the
// refusal.
type projectState struct {
	stepTo string
	step   stepForm
	doc    *docForm
	eval   *evalForm
	spec   *specForm
}

func (u *UI) projectPage(c *fiber.Ctx) error {
	return u.renderProject(c, fiber.StatusOK, projectState{})
}

// renderProject reads everything the project page shows (each part through
// the store, with the caller's scope) and renders it.
func (u *UI) renderProject(c *fiber.Ctx, status int, st projectState) error {
	id, err := pathInt(c, "id")
	if err != nil {
		return err
	}
	ctx, s := c.UserContext(), u.cfg.Store
	prj, err := s.Project(ctx, id)
	if err != nil {
		return err
	}
	p := u.page(c, "ui.project.title", prj.Code, prj.Name)
	v := projectView{Page: p, P: prj, Today: string(s.Today()), DocTypes: inventory.DocumentTypes}
	names, _, err := u.unitNames(c)
	if err != nil {
		return err
	}
	v.LeadUnit = unitLabel(names, prj.LeadUnitID)
	for _, uid := range prj.UnitIDs {
		v.Units = append(v.Units, unitLabel(names, uid))
	}
	if v.History, err = s.ProjectHistory(ctx, id); err != nil {
		return err
	}
	v.Stepper, v.OffPath = stepper(prj.Status, v.History)
	next, err := s.ProjectNextSteps(ctx, id)
	if err != nil {
		return err
	}
	next = next.In(p.Lang)
	for _, n := range next.Items {
		nv := nextView{To: n.To, Ready: n.Ready, CanTake: p.Can("project.step") && p.Can(inventory.StepAction(n.To)),
			Form: stepForm{Date: v.Today}}
		for _, k := range slices.Sorted(mapKeys(n.Missing)) {
			nv.Missing = append(nv.Missing, missingView{Key: k, Message: n.Missing[k]})
		}
		if n.To == st.stepTo {
			nv.Form = st.step
		}
		v.NextSteps = append(v.NextSteps, nv)
	}
	if err := u.projectParts(c, &v, st); err != nil {
		return err
	}
	return u.render(c, status, "projects_page", v)
}

// projectParts reads the documents, the technical plan, the compliance
// check and the evaluations.
func (u *UI) projectParts(c *fiber.Ctx, v *projectView, st projectState) error {
	ctx, s, id := c.UserContext(), u.cfg.Store, v.P.ID
	var err error
	if v.Documents, err = s.Documents(ctx, id); err != nil {
		return err
	}
	if v.Items, err = s.SpecItems(ctx, id); err != nil {
		return err
	}
	if v.Revisions, err = s.SpecRevisions(ctx, id); err != nil {
		return err
	}
	sort.Slice(v.Revisions, func(i, j int) bool { return v.Revisions[i].Number > v.Revisions[j].Number })
	if v.Compliance, err = s.Compliance(ctx, id); err != nil {
		return err
	}
	localised := v.Compliance.In(v.Lang)
	v.Compliance = &localised
	v.ItemNames = map[int64]string{}
	for _, it := range v.Items {
		v.ItemNames[it.ID] = it.Name
	}
	if v.Evaluations, err = s.Evaluations(ctx, id); err != nil {
		return err
	}
	v.DocForm, v.EvalForm = docForm{Date: v.Today}, evalForm{Date: v.Today, MeetsTarget: true}
	v.SpecForm = specForm{Items: formatSpecItems(v.Items)}
	if st.doc != nil {
		v.DocForm = *st.doc
	}
	if st.eval != nil {
		v.EvalForm = *st.eval
	}
	if st.spec != nil {
		v.SpecForm = *st.spec
	}
	return nil
}

// stepper lays the main path out with what the history says of each step.
func stepper(status string, history []inventory.ProjectStep) ([]stepView, string) {
	taken := map[string]inventory.ProjectStep{}
	for _, h := range history {
		if h.Kind == "" || h.Kind == "step" {
			taken[h.ToStatus] = h // the last time the project entered a status
		}
	}
	cur := slices.Index(mainPath, status)
	off := ""
	if cur < 0 { // rejected or acceptance_failed: the path stops where it left
		off = status
		if h, ok := taken[status]; ok {
			cur = slices.Index(mainPath, h.FromStatus) + 1
		}
	}
	out := make([]stepView, len(mainPath))
	for i, st := range mainPath {
		sv := stepView{Status: st, State: "todo"}
		switch {
		case i < cur || (i == cur && off != ""):
			sv.State = "done"
		case i == cur:
			sv.State, sv.Current = "current", true
		}
		if off != "" && i >= cur {
			sv.State = "todo"
		}
		if h, ok := taken[st]; ok && sv.State != "todo" {
			sv.Date, sv.Actor = string(h.Date), h.Actor
		}
		if i == 0 && sv.State != "todo" && sv.Date == "" {
			sv.Actor = "" // a project starts as a draft: no step took it there
		}
		out[i] = sv
	}
	return out, off
}

func unitLabel(names map[int64]inventory.Unit, id int64) string {
	if un, ok := names[id]; ok {
		return un.Name + "（" + un.Code + "）"
	}
	return "#" + strconv.FormatInt(id, 10)
}

func mapKeys(m map[string]string) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// projectStep takes the project one step, from the stepper's form. The
// route needs project.step; the step itself needs its own action, as on
// the API.
func (u *UI) projectStep(c *fiber.Ctx) error {
	id, err := pathInt(c, "id")
	if err != nil {
		return err
	}
	p := u.page(c, "ui.project.title", "", "")
	to := c.FormValue("to")
	if action := inventory.StepAction(to); inventory.KnownAction(action) && !p.Can(action) {
		return &inventory.ForbiddenError{
			Message:   locale.T(locale.ZH, "ui.project.step_forbidden", locale.Label(locale.ZH, "project_status", to), action),
			MessageEN: locale.T(locale.EN, "ui.project.step_forbidden", locale.Label(locale.EN, "project_status", to), action)}
	}
	f := stepForm{Date: c.FormValue("date"), Note: c.FormValue("note"), ApprovalNumber: c.FormValue("approval_number"),
		TrialRunEnd: c.FormValue("trial_run_end"), SettlementAmount: c.FormValue("settlement_amount")}
	in := inventory.TransitionInput{To: to, Date: inventory.Date(f.Date), Note: f.Note, ApprovalNumber: f.ApprovalNumber}
	bad := formError{Fields: map[string]string{}}
	if f.TrialRunEnd != "" {
		d := inventory.Date(f.TrialRunEnd)
		in.TrialRunEnd = &d
	}
	if f.SettlementAmount != "" {
		amt := formFloat(bad, p, "settlement_amount", f.SettlementAmount)
		in.SettlementAmount = &amt
	}
	if len(bad.Fields) == 0 {
		if _, err = u.cfg.Store.TransitionProject(c.UserContext(), id, in); err == nil {
			return seeOther(c, "/projects/"+strconv.FormatInt(id, 10), "project_stepped")
		}
		fe, ok := formErrorOf(err, p.Lang)
		if !ok {
			return err
		}
		bad = fe
	}
	f.Errors = bad
	return u.renderProject(c, statusOfForm(err), projectState{stepTo: to, step: f})
}

// statusOfForm is the status of a page that shows a refused form again:
// 409 for a conflict with the record's state, else 400.
func statusOfForm(err error) int {
	var ce *inventory.ConflictError
	if err != nil && asConflict(err, &ce) {
		return fiber.StatusConflict
	}
	return fiber.StatusBadRequest
}

// projectUpload files a document from the page's upload form.
func (u *UI) projectUpload(c *fiber.Ctx) error {
	id, err := pathInt(c, "id")
	if err != nil {
		return err
	}
	p := u.page(c, "ui.project.title", "", "")
	f := docForm{Type: c.FormValue("type"), Title: c.FormValue("title"), Number: c.FormValue("number"),
		Date: c.FormValue("date")}
	in := inventory.DocumentInput{Type: f.Type, Title: f.Title, Number: f.Number}
	if f.Date != "" {
		d := inventory.Date(f.Date)
		in.Date = &d
	}
	if fh, ferr := c.FormFile("file"); ferr == nil {
		in.Filename = fh.Filename
		if fh.Size <= inventory.MaxDocumentSize {
			r, oerr := fh.Open()
			if oerr != nil {
				return oerr
			}
			in.Content, err = io.ReadAll(io.LimitReader(r, inventory.MaxDocumentSize+1))
			r.Close()
			if err != nil {
				return err
			}
		} else {
			in.Content = make([]byte, inventory.MaxDocumentSize+1) // the store says how big is too big
		}
	}
	_, err = u.cfg.Store.CreateDocument(c.UserContext(), id, in)
	if err == nil {
		return seeOther(c, "/projects/"+strconv.FormatInt(id, 10)+"#documents", "document_filed")
	}
	fe, ok := formErrorOf(err, p.Lang)
	if !ok {
		return err
	}
	f.Errors = fe
	return u.renderProject(c, statusOfForm(err), projectState{doc: &f})
}

// projectEvaluate records a performance evaluation.
func (u *UI) projectEvaluate(c *fiber.Ctx) error {
	id, err := pathInt(c, "id")
	if err != nil {
		return err
	}
	p := u.page(c, "ui.project.title", "", "")
	f := evalForm{Date: c.FormValue("date"), Problems: c.FormValue("problems"), MeetsTarget: c.FormValue("meets_target") == "yes"}
	meets := f.MeetsTarget
	_, err = u.cfg.Store.CreateEvaluation(c.UserContext(), id, inventory.EvaluationInput{Date: inventory.Date(f.Date),
		MeetsTarget: &meets, Problems: f.Problems})
	if err == nil {
		return seeOther(c, "/projects/"+strconv.FormatInt(id, 10)+"#evaluations", "evaluation_recorded")
	}
	fe, ok := formErrorOf(err, p.Lang)
	if !ok {
		return err
	}
	f.Errors = fe
	return u.renderProject(c, statusOfForm(err), projectState{eval: &f})
}

// projectRectified records that an evaluation's problems were rectified.
func (u *UI) projectRectified(c *fiber.Ctx) error {
	id, err := pathInt(c, "id")
	if err != nil {
		return err
	}
	evID, err := pathInt(c, "evaluation_id")
	if err != nil {
		return err
	}
	p := u.page(c, "ui.project.title", "", "")
	on := inventory.Date(c.FormValue("rectified_on"))
	_, err = u.cfg.Store.UpdateEvaluation(c.UserContext(), id, evID, func(in *inventory.EvaluationInput) error {
		in.Rectified, in.RectifiedOn = true, &on
		return nil
	})
	if err == nil {
		return seeOther(c, "/projects/"+strconv.FormatInt(id, 10)+"#evaluations", "evaluation_rectified")
	}
	fe, ok := formErrorOf(err, p.Lang)
	if !ok {
		return err
	}
	f := evalForm{Date: string(u.cfg.Store.Today()), MeetsTarget: true, Errors: fe}
	return u.renderProject(c, statusOfForm(err), projectState{eval: &f})
}

package inventory

import (
	"context"
	"database/sql"
	"fmt"
)

// NextSteps answers, without changing anything, which lifecycle steps a
// project may take next and what each still lacks.
type NextSteps struct {
	ProjectID int64      `json:"project_id"`
	Status    string     `json:"status"`
	Items     []NextStep `json:"items"`
	Total     int        `json:"total"`
}

// NextStep is one step the lifecycle graph allows from the project's status.
// Missing has every prerequisite still missing, with the keys and messages
// of the conflict the step would answer now (approval_number and
// trial_run_end are sent with the step itself); Ready when none is.
type NextStep struct {
	To      string            `json:"to"`
	Ready   bool              `json:"ready"`
	Missing map[string]string `json:"missing"`
	msgs    map[string]Msg
}

// In is the preview with the messages in lang ("zh" or "en").
func (n NextSteps) In(lang string) NextSteps {
	items := make([]NextStep, len(n.Items))
	for i, it := range n.Items {
		it.Missing = renderMsgs(lang, it.msgs)
		items[i] = it
	}
	n.Items = items
	return n
}

// ProjectNextSteps previews the project's next steps in one read-only
// transaction, with the gates TransitionProject runs; the messages are in
// English (In renders them in another language).
func (s *Store) ProjectNextSteps(ctx context.Context, id int64) (NextSteps, error) {
	tx, err := s.db.BeginTxx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return NextSteps{}, fmt.Errorf("inventory: begin read: %w", err)
	}
	defer tx.Rollback()
	p, err := projects.get(ctx, tx, id)
	if err != nil {
		return NextSteps{}, err
	}
	out := NextSteps{ProjectID: id, Status: p.Status, Items: []NextStep{}}
	requireObserved := s.RuleConfig().requireObserved()
	for _, to := range ProjectTransitions[p.Status] {
		missing, err := prerequisites(ctx, tx, p, TransitionInput{To: to}, requireObserved)
		if err != nil {
			return NextSteps{}, err
		}
		out.Items = append(out.Items, NextStep{To: to, Ready: len(missing) == 0,
			Missing: renderMsgs("en", missing), msgs: missing})
	}
	out.Total = len(out.Items)
	return out, nil
}

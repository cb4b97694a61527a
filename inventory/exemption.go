package inventory

import (
	"context"
	"fmt"
	"time"
	"unicode/utf8"
)

// Exemption bases: the confidentiality rules of Art. 5, or another reason.
var ExemptionBases = []string{"classified", "other"}

// Exemption limits.
const (
	MinExemptionReason = 10 // characters
	MaxExemptionYears  = 3
)

// ExemptionInput grants an exemption.
type ExemptionInput struct {
	Reason    string `json:"reason"`
	Basis     string `json:"basis"`
	ExpiresOn *Date  `json:"expires_on"`
}

// Validate checks the input against the business day of now in zone.
func (in *ExemptionInput) Validate(now time.Time, zone *time.Location) error {
	trim(&in.Reason)
	ve := &ValidationError{}
	checkRequired(ve, "reason", in.Reason, 2000)
	if _, bad := ve.Fields["reason"]; !bad && utf8.RuneCountInString(in.Reason) < MinExemptionReason {
		ve.Add("reason", "err.exemption.reason.least_characters_say", MinExemptionReason)
	}
	checkEnum(ve, "basis", in.Basis, ExemptionBases)
	checkDate(ve, "expires_on", in.ExpiresOn)
	if in.ExpiresOn != nil && in.ExpiresOn.valid() {
		day := dayIn(zone, now)
		limit := now.In(zone).AddDate(MaxExemptionYears, 0, 0).Format(time.DateOnly)
		switch {
		case *in.ExpiresOn < day:
			ve.Add("expires_on", "err.exemption.expires_on.today_later", day)
		case string(*in.ExpiresOn) > limit:
			ve.Add("expires_on", "err.exemption.expires_on.most_years_ahead", MaxExemptionYears, limit)
		}
	}
	return ve.Err()
}

// GrantExemption exempts an open (or already exempted) finding: its status
// becomes exempted until the exemption is revoked or expires. Audited as an
// update of the finding.
func (s *Store) GrantExemption(ctx context.Context, id int64, in ExemptionInput) (Finding, error) {
	if err := in.Validate(s.now(), s.zone); err != nil {
		return Finding{}, err
	}
	return s.changeFinding(ctx, id, func(tx *txn, f findingRow) error {
		if f.Status == "resolved" {
			return conflict("", "err.exemption.any.finding_resolved_no", id)
		}
		return tx.exec(`UPDATE findings SET status = 'exempted', exemption_reason = ?, exemption_basis = ?,
			exemption_expires_on = ?, exempted_by = ?, exempted_at = ? WHERE id = ?`,
			in.Reason, in.Basis, in.ExpiresOn, tx.actor, tx.at, id)
	})
}

// RevokeExemption removes a finding's exemption; an exempted finding is open
// again (the next run resolves it if it no longer holds).
func (s *Store) RevokeExemption(ctx context.Context, id int64) (Finding, error) {
	return s.changeFinding(ctx, id, func(tx *txn, f findingRow) error {
		if f.ExReason == nil {
			return conflict("", "err.exemption.any.finding_has_no", id)
		}
		status := f.Status
		if status == "exempted" {
			status = "open"
		}
		return tx.exec(`UPDATE findings SET status = ?, exemption_reason = NULL, exemption_basis = NULL,
			exemption_expires_on = NULL, exempted_by = NULL, exempted_at = NULL WHERE id = ?`, status, id)
	})
}

// changeFinding locks a finding, applies change and audits it.
func (s *Store) changeFinding(ctx context.Context, id int64, change func(tx *txn, f findingRow) error) (Finding, error) {
	var out Finding
	err := s.inTx(ctx, func(tx *txn) error {
		if err := lockFindings(tx); err != nil {
			return err
		}
		before, err := getFinding(ctx, tx, id, "")
		if err != nil {
			return err
		}
		if err := checkExemptionCaller(tx, before); err != nil {
			return err
		}
		if err := change(tx, before); err != nil {
			return err
		}
		after, err := getFinding(ctx, tx, id, "")
		if err != nil {
			return err
		}
		out = after.finding(DefaultLanguage)
		if err := tx.audit("update", "finding", id, before.finding(DefaultLanguage), out); err != nil {
			return fmt.Errorf("inventory: exemption of finding %d: %w", id, err)
		}
		return nil
	})
	return out, err
}

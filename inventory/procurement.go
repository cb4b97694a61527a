package inventory

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"
)

// ProcurementMethods are the ways a project may procure (Art. 9): tendering
// or one of the government procurement methods.
var ProcurementMethods = []string{"public_tender", "invited_tender", "competitive_negotiation",
	"competitive_consultation", "single_source", "inquiry", "framework"}

// procurementMethodLabels name each method in Chinese, as the procurement
// law does.
var procurementMethodLabels = map[string]string{
	"public_tender":            "公开招标",
	"invited_tender":           "邀请招标",
	"competitive_negotiation":  "竞争性谈判",
	"competitive_consultation": "竞争性磋商",
	"single_source":            "单一来源",
	"inquiry":                  "询价",
	"framework":                "框架协议",
}

// ProcurementMethodLabel is the Chinese name of a procurement method.
func ProcurementMethodLabel(method string) string { return procurementMethodLabels[method] }

// procurementOpen are the statuses in which a project's procurement record
// may be entered or corrected: while it procures, and while it is being
// implemented (a supplementary agreement changes the contract). From the
// trial run on it is on record.
var procurementOpen = []string{"procuring", "implementing"}

// Procurement is how a project procured (Art. 9): the method, the tender or
// procurement number, the supplier and the contract. A project has at most
// one; the contract itself is filed as a document of type
// procurement_contract.
type Procurement struct {
	ID                int64     `db:"id" json:"id"`
	ProjectID         int64     `db:"project_id" json:"project_id"`
	Method            string    `db:"method" json:"method"`
	ProcurementNumber string    `db:"procurement_number" json:"procurement_number"`
	Supplier          string    `db:"supplier" json:"supplier"`
	ContractNumber    string    `db:"contract_number" json:"contract_number"`
	ContractAmount    float64   `db:"contract_amount" json:"contract_amount"`
	ContractDate      Date      `db:"contract_date" json:"contract_date"`
	RecordedAt        time.Time `db:"recorded_at" json:"recorded_at"`
	RecordedBy        string    `db:"recorded_by" json:"recorded_by"`
}

// ProcurementInput records or replaces a project's procurement record.
type ProcurementInput struct {
	Method            string   `json:"method"`
	ProcurementNumber string   `json:"procurement_number"`
	Supplier          string   `json:"supplier"`
	ContractNumber    string   `json:"contract_number"`
	ContractAmount    *float64 `json:"contract_amount"`
	ContractDate      *Date    `json:"contract_date"`
}

// Validate checks the fields on their own.
func (in *ProcurementInput) Validate() error {
	trim(&in.Method, &in.ProcurementNumber, &in.Supplier, &in.ContractNumber)
	ve := &ValidationError{}
	checkEnum(ve, "method", in.Method, ProcurementMethods)
	checkMaxLen(ve, "procurement_number", in.ProcurementNumber, 100)
	checkRequired(ve, "supplier", in.Supplier, 300)
	checkRequired(ve, "contract_number", in.ContractNumber, 100)
	switch {
	case in.ContractAmount == nil:
		ve.Add("contract_amount", "err.procurement.contract_amount.required_contract_amount")
	case *in.ContractAmount <= 0:
		ve.Add("contract_amount", "err.procurement.contract_amount.more_than", *in.ContractAmount)
	default:
		checkMoney(ve, "contract_amount", *in.ContractAmount)
		*in.ContractAmount = money(*in.ContractAmount)
	}
	if in.ContractDate == nil {
		ve.Add("contract_date", "err.procurement.contract_date.required_day_contract")
	} else {
		checkDate(ve, "contract_date", in.ContractDate)
	}
	return ve.Err()
}

const procurementCols = `id, project_id, method, procurement_number, supplier, contract_number, contract_amount,
	contract_date, recorded_at, recorded_by`

// readProcurement reads the procurement record of a project in the caller's
// scope.
func readProcurement(ctx context.Context, q querier, projectID int64) (Procurement, error) {
	var p Procurement
	query, args := andScopeIn(ctx, `SELECT `+procurementCols+` FROM project_procurements WHERE project_id = ?`,
		[]any{projectID}, "project_id", "projects")
	if err := q.GetContext(ctx, &p, q.Rebind(query), args...); err != nil {
		return p, dbErr(err, fmt.Sprintf("procurement record of project %d", projectID))
	}
	p.RecordedAt = p.RecordedAt.UTC()
	return p, nil
}

// Procurement returns a project's procurement record; ErrNotFound when the
// project (in the caller's scope) has none.
func (s *Store) Procurement(ctx context.Context, projectID int64) (Procurement, error) {
	if _, err := projects.get(ctx, s.db, projectID); err != nil {
		return Procurement{}, err
	}
	return readProcurement(ctx, s.db, projectID)
}

// SetProcurement records a project's procurement, or replaces the record it
// has; created tells which. Reviewers record it, while the project is
// procuring or implementing, and the contract is not dated after today.
func (s *Store) SetProcurement(ctx context.Context, projectID int64, in ProcurementInput) (out Procurement, created bool, err error) {
	if err := in.Validate(); err != nil {
		return Procurement{}, false, err
	}
	err = s.inTx(ctx, func(tx *txn) error {
		p, err := projects.lockAndGet(tx, projectID)
		if err != nil {
			return err
		}
		if err := checkProcurementWrite(tx, p, in); err != nil {
			return err
		}
		before, err := readProcurement(tx.ctx, tx, projectID)
		if err != nil && !errors.Is(err, ErrNotFound) {
			return err
		}
		created = before.ID == 0
		if err := writeProcurement(tx, projectID, in, created); err != nil {
			return err
		}
		if out, err = readProcurement(tx.ctx, tx, projectID); err != nil {
			return err
		}
		if created {
			return tx.audit("create", "project_procurement", out.ID, nil, out)
		}
		return tx.audit("update", "project_procurement", out.ID, before, out)
	})
	return out, created, err
}

// checkProcurementWrite refuses unit staff (a reviewer records how a project
// procured), a project outside the procurement statuses, and a contract
// dated after today.
func checkProcurementWrite(tx *txn, p Project, in ProcurementInput) error {
	if !CallerOf(tx.ctx).Scope().All {
		return forbidden("err.procurement.reviewer_only", p.ID)
	}
	if !slices.Contains(procurementOpen, p.Status) {
		return conflict("status", "err.procurement.status.project_procurement_record", p.ID, L(setProjectStatus, p.Status))
	}
	if now := tx.today(); *in.ContractDate > now {
		return Invalid("contract_date", "err.procurement.contract_date.after_today_record", now)
	}
	return nil
}

func writeProcurement(tx *txn, projectID int64, in ProcurementInput, create bool) error {
	var err error
	if create {
		_, err = tx.insert(`INSERT INTO project_procurements (project_id, method, procurement_number, supplier,
			contract_number, contract_amount, contract_date, recorded_at, recorded_by)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, projectID, in.Method, in.ProcurementNumber, in.Supplier,
			in.ContractNumber, *in.ContractAmount, *in.ContractDate, tx.at, tx.actor)
	} else {
		err = tx.exec(`UPDATE project_procurements SET method = ?, procurement_number = ?, supplier = ?,
			contract_number = ?, contract_amount = ?, contract_date = ?, recorded_at = ?, recorded_by = ?
			WHERE project_id = ?`, in.Method, in.ProcurementNumber, in.Supplier, in.ContractNumber,
			*in.ContractAmount, *in.ContractDate, tx.at, tx.actor, projectID)
	}
	return dbErr(err, fmt.Sprintf("record the procurement of project %d", projectID))
}

// procurementGate adds what the step to implementing still lacks of the
// procurement (Art. 9): the record itself and, for a single-source
// procurement, the filed justification. The contract document is one of the
// step's required documents.
func procurementGate(ctx context.Context, q querier, p Project, missing map[string]Msg) error {
	var method []string
	err := q.SelectContext(ctx, &method, q.Rebind(`SELECT method FROM project_procurements WHERE project_id = ?`), p.ID)
	if err != nil {
		return dbErr(err, "read the procurement record")
	}
	if len(method) == 0 {
		missing["procurement"] = M("gate.procurement", p.ID)
		return nil
	}
	if method[0] == "single_source" {
		return missingDocuments(ctx, q, p, []string{"single_source_justification"}, missing)
	}
	return nil
}

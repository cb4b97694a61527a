package inventory

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Check is one run of the policy engine.
type Check struct {
	ID       int64     `db:"id" json:"id"`
	Started  time.Time `db:"started" json:"started"`
	Finished time.Time `db:"finished" json:"finished"`
	Actor    string    `db:"actor" json:"actor"`
	Rules    int       `db:"rules" json:"rules"` // rules evaluated
	// Opened counts findings new or reopened by the run, StillOpen those that
	// were open and still hold, Resolved those that no longer hold.
	Opened    int `db:"opened" json:"opened"`
	StillOpen int `db:"still_open" json:"still_open"`
	Resolved  int `db:"resolved" json:"resolved"`
	// Open and Exempted are the totals after the run.
	Open     int `db:"open" json:"open"`
	Exempted int `db:"exempted" json:"exempted"`
	// Written is how many finding rows the run inserted or updated.
	Written int `db:"written" json:"written"`
}

// CheckOptions tune one run; the zero value runs with DefaultRuleConfig at
// the store's current time.
type CheckOptions struct {
	Config RuleConfig
	Now    time.Time
}

// hitRow is one hit of one rule, ready to compare with the stored findings.
type hitRow struct {
	rule     Rule
	hit      Hit
	params   string // canonical JSON
	finger   string
	matched  bool
	findingK findingKey
}

type findingKey struct {
	rule, subjectType string
	subjectID         int64
	key               string
}

// RunCheck evaluates every registered rule over one consistent snapshot (a
// read-only transaction) and reconciles the findings in one write
// transaction: a new hit opens a finding, a finding that still holds is left
// alone (rewritten only when its severity, unit or facts changed), one that
// no longer holds is resolved, and a resolved one that holds again, or an
// exempted one whose exemption expired, reopens. The run is recorded in
// checks and audited once.
func (s *Store) RunCheck(ctx context.Context, opts CheckOptions) (Check, error) {
	if opts.Config == (RuleConfig{}) {
		opts.Config = s.RuleConfig()
	}
	if opts.Now.IsZero() {
		opts.Now = s.now()
	}
	opts.Now = opts.Now.UTC()
	started := s.now().UTC()
	hits, err := s.evaluate(ctx, opts)
	if err != nil {
		return Check{}, err
	}
	c := Check{Started: started, Actor: ActorOf(ctx), Rules: len(ruleRegistry)}
	err = s.inTx(ctx, func(tx *txn) error {
		if err := lockFindings(tx); err != nil {
			return err
		}
		if err := refuseStale(tx, started); err != nil {
			return err
		}
		if err := reconcile(tx, hits, opts.Now, &c); err != nil {
			return err
		}
		c.Finished = s.now().UTC()
		id, err := tx.insert(`INSERT INTO checks (started, finished, actor, rules, opened, still_open, resolved,
			open, exempted, written) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, c.Started, c.Finished, c.Actor,
			c.Rules, c.Opened, c.StillOpen, c.Resolved, c.Open, c.Exempted, c.Written)
		if err != nil {
			return dbErr(err, "record check")
		}
		c.ID = id
		return tx.audit("create", "check", id, nil, c)
	})
	if err != nil {
		return Check{}, err
	}
	return c, nil
}

// snapshot opens a read-only transaction and a Snapshot over it: repeatable
// read on PostgreSQL; on SQLite a deferred transaction reads one WAL
// snapshot. Call done when finished.
func (s *Store) snapshot(ctx context.Context, opts CheckOptions) (snap *Snapshot, done func(), err error) {
	txo := &sql.TxOptions{ReadOnly: true}
	if s.dialect == Postgres {
		txo.Isolation = sql.LevelRepeatableRead
	}
	tx, err := s.db.BeginTxx(ctx, txo)
	if err != nil {
		return nil, nil, fmt.Errorf("inventory: begin read snapshot: %w", err)
	}
	if opts.Config == (RuleConfig{}) {
		opts.Config = s.RuleConfig()
	}
	if opts.Now.IsZero() {
		opts.Now = s.now().UTC()
	}
	return &Snapshot{Q: tx, Dialect: s.dialect, Now: opts.Now, Config: opts.Config, Zone: s.zone}, func() { tx.Rollback() }, nil
}

// evaluate runs every rule over one snapshot.
func (s *Store) evaluate(ctx context.Context, opts CheckOptions) ([]*hitRow, error) {
	snap, done, err := s.snapshot(ctx, opts)
	if err != nil {
		return nil, err
	}
	defer done()
	var out []*hitRow
	seen := map[findingKey]string{}
	for _, r := range ruleRegistry {
		hits, err := r.Eval(ctx, snap)
		if err != nil {
			return nil, fmt.Errorf("inventory: rule %s: %w", r.Name, err)
		}
		for _, h := range hits {
			hr, err := newHitRow(r, h)
			if err != nil {
				return nil, err
			}
			if _, dup := seen[hr.findingK]; dup {
				return nil, fmt.Errorf("inventory: rule %s: %s %d (key %q) hit twice", r.Name, h.SubjectType, h.SubjectID, h.Key)
			}
			seen[hr.findingK] = r.Name
			out = append(out, hr)
		}
	}
	return out, nil
}

func newHitRow(r Rule, h Hit) (*hitRow, error) {
	if h.Params == nil {
		h.Params = map[string]any{}
	}
	js, err := json.Marshal(h.Params) // map keys sorted: canonical
	if err != nil {
		return nil, fmt.Errorf("inventory: rule %s: params of %s %d: %w", r.Name, h.SubjectType, h.SubjectID, err)
	}
	unit := ""
	if h.UnitID != nil {
		unit = strconv.FormatInt(*h.UnitID, 10)
	}
	sum := sha256.Sum256([]byte(h.Severity + "|" + unit + "|" + articleText(r.Articles) + "|" + string(js)))
	return &hitRow{rule: r, hit: h, params: string(js), finger: hex.EncodeToString(sum[:16]),
		findingK: findingKey{r.Name, h.SubjectType, h.SubjectID, h.Key}}, nil
}

// storedFinding is what reconcile needs of a stored finding.
type storedFinding struct {
	ID          int64  `db:"id"`
	Rule        string `db:"rule"`
	SubjectType string `db:"subject_type"`
	SubjectID   int64  `db:"subject_id"`
	SubjectKey  string `db:"subject_key"`
	Status      string `db:"status"`
	Fingerprint string `db:"fingerprint"`
	ExpiresOn   *Date  `db:"exemption_expires_on"`
}

// findingsLock is the PostgreSQL advisory lock that serialises the writers
// of findings: two runs (the schedule and the API), or a run and an
// exemption. On SQLite the IMMEDIATE write transaction already does.
const findingsLock = 4_042_026

func lockFindings(tx *txn) error {
	if tx.dialect != Postgres {
		return nil
	}
	if err := tx.exec("SELECT pg_advisory_xact_lock(?)", findingsLock); err != nil {
		return dbErr(err, "lock findings")
	}
	return nil
}

// refuseStale refuses to reconcile a run when a run that started after it
// has already written its findings: those rest on a newer snapshot, and
// writing this run's older results over them would resolve or reopen
// findings until the next run.
func refuseStale(tx *txn, started time.Time) error {
	var newer int
	if err := tx.get(&newer, `SELECT COUNT(*) FROM checks WHERE started > ?`, started); err != nil {
		return dbErr(err, "newer check runs")
	}
	if newer > 0 {
		return conflict("", "err.engine.any.check_run_that")
	}
	return nil
}

// reconcile writes the difference between the hits and the stored findings.
func reconcile(tx *txn, hits []*hitRow, now time.Time, c *Check) error {
	var stored []storedFinding
	if err := tx.sel(&stored, `SELECT id, rule, subject_type, subject_id, subject_key, status, fingerprint,
		exemption_expires_on FROM findings`); err != nil {
		return dbErr(err, "read findings")
	}
	byKey := make(map[findingKey]*hitRow, len(hits))
	for _, h := range hits {
		byKey[h.findingK] = h
	}
	day := dayIn(tx.zone, now) // an exemption runs to the end of its business day
	var resolve []int64
	for _, f := range stored {
		h := byKey[findingKey{f.Rule, f.SubjectType, f.SubjectID, f.SubjectKey}]
		if h == nil {
			if f.Status != "resolved" {
				resolve = append(resolve, f.ID)
			}
			continue
		}
		h.matched = true
		var err error
		switch {
		case f.Status == "resolved":
			// Reopens open: an exemption it had before it was resolved
			// goes (the audit log keeps its grant).
			c.Opened++
			err = rewriteFinding(tx, f.ID, h, "open", true)
		case f.Status == "exempted" && f.ExpiresOn != nil && *f.ExpiresOn < day:
			c.Opened++
			err = rewriteFinding(tx, f.ID, h, "open", true)
		case f.Fingerprint != h.finger:
			if f.Status == "open" {
				c.StillOpen++
			}
			err = rewriteFinding(tx, f.ID, h, f.Status, false)
		default:
			if f.Status == "open" {
				c.StillOpen++
			}
			continue
		}
		if err != nil {
			return dbErr(err, fmt.Sprintf("update finding %d", f.ID))
		}
		c.Written++
	}
	if err := resolveFindings(tx, resolve, now); err != nil {
		return err
	}
	c.Resolved, c.Written = len(resolve), c.Written+len(resolve)
	n, err := insertFindings(tx, hits, now)
	if err != nil {
		return err
	}
	c.Opened, c.Written = c.Opened+n, c.Written+n
	return countFindings(tx, c)
}

// rewriteFinding stores a hit over an existing finding with a new status;
// dropExemption clears an expired or stale exemption (the audit log keeps
// its grant).
func rewriteFinding(tx *txn, id int64, h *hitRow, status string, dropExemption bool) error {
	q := `UPDATE findings SET status = ?, resolved_at = NULL, article = ?, severity = ?, unit_id = ?,
		params = ?, fingerprint = ?`
	if dropExemption {
		q += `, exemption_reason = NULL, exemption_basis = NULL, exemption_expires_on = NULL,
			exempted_by = NULL, exempted_at = NULL`
	}
	return tx.exec(q+" WHERE id = ?", status, articleText(h.rule.Articles), h.hit.Severity,
		h.hit.UnitID, h.params, h.finger, id)
}

// batchSize bounds the rows of one multi-row statement (SQLite allows 32,766
// parameters).
const batchSize = 500

func resolveFindings(tx *txn, ids []int64, now time.Time) error {
	for start := 0; start < len(ids); start += batchSize {
		batch := ids[start:min(start+batchSize, len(ids))]
		args := make([]any, 0, len(batch)+1)
		args = append(args, now)
		for _, id := range batch {
			args = append(args, id)
		}
		err := tx.exec(`UPDATE findings SET status = 'resolved', resolved_at = ? WHERE id IN (`+
			placeholders(len(batch))+`)`, args...)
		if err != nil {
			return dbErr(err, "resolve findings")
		}
	}
	return nil
}

// insertFindings opens a finding for every hit that matched none, in
// multi-row INSERTs, and returns how many.
func insertFindings(tx *txn, hits []*hitRow, now time.Time) (int, error) {
	const cols = 10
	var fresh []*hitRow
	for _, h := range hits {
		if !h.matched {
			fresh = append(fresh, h)
		}
	}
	for start := 0; start < len(fresh); start += batchSize {
		batch := fresh[start:min(start+batchSize, len(fresh))]
		rows := make([]string, len(batch))
		args := make([]any, 0, len(batch)*cols)
		for i, h := range batch {
			rows[i] = "(" + placeholders(cols) + ")"
			args = append(args, h.rule.Name, articleText(h.rule.Articles), h.hit.Severity, h.hit.SubjectType,
				h.hit.SubjectID, h.hit.Key, h.hit.UnitID, h.params, h.finger, now)
		}
		err := tx.exec(`INSERT INTO findings (rule, article, severity, subject_type, subject_id, subject_key,
			unit_id, params, fingerprint, first_seen) VALUES `+strings.Join(rows, ", "), args...)
		if err != nil {
			return 0, dbErr(err, "open findings")
		}
	}
	return len(fresh), nil
}

func countFindings(tx *txn, c *Check) error {
	var counts []struct {
		Status string `db:"status"`
		N      int    `db:"n"`
	}
	if err := tx.sel(&counts, `SELECT status, COUNT(*) AS n FROM findings GROUP BY status`); err != nil {
		return dbErr(err, "count findings")
	}
	for _, n := range counts {
		switch n.Status {
		case "open":
			c.Open = n.N
		case "exempted":
			c.Exempted = n.N
		}
	}
	return nil
}

func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}

var checkList = listSpec{filters: map[string]filter{}}

// Checks lists the runs of the engine, newest first.
func (s *Store) Checks(ctx context.Context, p ListParams) ([]Check, int, error) {
	items, total, err := list[Check](s, ctx, checkList, p,
		`SELECT id, started, finished, actor, rules, opened, still_open, resolved, open, exempted, written FROM checks`,
		`SELECT COUNT(*) FROM checks`, "id DESC")
	if err != nil {
		return nil, 0, dbErr(err, "list checks")
	}
	for i := range items {
		items[i].Started, items[i].Finished = items[i].Started.UTC(), items[i].Finished.UTC()
	}
	return items, total, nil
}

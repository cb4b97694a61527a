package inventory

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Finding severities and subject types.
var (
	Severities   = []string{"high", "medium", "low", "info"}
	SubjectTypes = []string{"unit", "room", "rack", "device", "line", "project"}
)

// A Rule is one policy check of the consolidation and project rules
// (../shared/DESIGN.md, "Rules"). Each rule lives in its own file and
// registers itself from init with registerRule; the engine runs every
// registered rule over one read transaction.
type Rule struct {
	// Name is the rule's stable id, e.g. "private-room".
	Name string
	// Articles are the articles of the Measures the rule enforces; none for
	// an operational rule such as "unreachable".
	Articles []int
	// Eval returns every subject the rule holds for right now.
	Eval func(ctx context.Context, s *Snapshot) ([]Hit, error)
	// Message renders a finding of this rule in lang ("zh" or "en") from
	// the Hit's params as stored (after a JSON round trip numbers are
	// float64). It does not include the article prefix: the engine adds it.
	Message func(lang string, params map[string]any) string
}

// A Hit is one subject a rule holds for.
type Hit struct {
	SubjectType string // one of SubjectTypes
	SubjectID   int64
	// Key tells apart several hits of one rule on one subject; usually "".
	Key      string
	UnitID   *int64 // the unit concerned, if any
	Severity string // one of Severities
	// Params are the facts behind the hit; they must survive a JSON round
	// trip and are what Message renders.
	Params map[string]any
}

// RuleConfig holds the tunable thresholds of the rules.
type RuleConfig struct {
	// UnreachablePolls is how many latest polls must all have failed for
	// "unreachable" to hold.
	UnreachablePolls int
	// AcceptanceGraceDays is how long after the end of a trial run
	// acceptance may be requested (Art. 13, 16).
	AcceptanceGraceDays int
	// CostOverrunPercent is how far, in percent of the approved budget, the
	// audited settlement may exceed it before "cost-overrun" holds (Art. 18);
	// past CostOverrunHighPercent the finding is high.
	CostOverrunPercent     int
	CostOverrunHighPercent int
	// ComplianceDeclaredOnly lets a device with an SNMP profile pass the
	// acceptance gate's compliance check (Art. 10) on declared values alone,
	// before any poll has answered: for sites without SNMP
	// (HOSTROLL_COMPLIANCE_REQUIRE_OBSERVED=off). By default it may not.
	ComplianceDeclaredOnly bool
}

// requireObserved tells whether compliance needs an answering poll of a
// device that has an SNMP profile.
func (c RuleConfig) requireObserved() bool { return !c.ComplianceDeclaredOnly }

// DefaultRuleConfig is the configuration the rules use unless told otherwise.
func DefaultRuleConfig() RuleConfig {
	return RuleConfig{UnreachablePolls: 3, AcceptanceGraceDays: 90, CostOverrunPercent: 10, CostOverrunHighPercent: 20}
}

// MaxCostOverrunPercent bounds the cost-overrun thresholds.
const MaxCostOverrunPercent = 1000

// costOverrun returns the cost-overrun thresholds in percent, the defaults
// where unset; the high one is never below the other.
func (c RuleConfig) costOverrun() (medium, high int) {
	def := DefaultRuleConfig()
	medium, high = c.CostOverrunPercent, c.CostOverrunHighPercent
	if medium <= 0 {
		medium = def.CostOverrunPercent
	}
	if high <= 0 {
		high = max(def.CostOverrunHighPercent, medium)
	}
	return medium, max(high, medium)
}

// SetRuleConfig sets the thresholds the policy rules and eligibility use
// when a caller does not give its own. Call it before the store is shared.
func (s *Store) SetRuleConfig(c RuleConfig) { s.rules = c }

// RuleConfig returns the thresholds set with SetRuleConfig, or the defaults.
func (s *Store) RuleConfig() RuleConfig {
	c, def := s.rules, DefaultRuleConfig()
	if c.UnreachablePolls <= 0 {
		c.UnreachablePolls = def.UnreachablePolls
	}
	if c.AcceptanceGraceDays <= 0 {
		c.AcceptanceGraceDays = def.AcceptanceGraceDays
	}
	c.CostOverrunPercent, c.CostOverrunHighPercent = c.costOverrun()
	return c
}

// A Snapshot is what a rule reads: one consistent read transaction, the
// time of the run and the thresholds.
type Snapshot struct {
	Q       querier
	Dialect string
	Now     time.Time
	Config  RuleConfig
	Zone    *time.Location // business time zone: whose day "today" is
}

// Select runs a query on the snapshot into dest (a pointer to a slice).
func (s *Snapshot) Select(ctx context.Context, dest any, query string, args ...any) error {
	return s.Q.SelectContext(ctx, dest, s.Q.Rebind(query), args...)
}

var ruleRegistry []Rule

// registerRule adds a rule to the engine; it is called from init, once per
// rule, and panics on a malformed or duplicate rule.
func registerRule(r Rule) {
	if r.Name == "" || r.Eval == nil || r.Message == nil {
		panic(fmt.Sprintf("inventory: rule %q is missing a name, Eval or Message", r.Name))
	}
	for _, have := range ruleRegistry {
		if have.Name == r.Name {
			panic("inventory: rule " + r.Name + " registered twice")
		}
	}
	ruleRegistry = append(ruleRegistry, r)
	slices.SortFunc(ruleRegistry, func(a, b Rule) int { return strings.Compare(a.Name, b.Name) })
}

// Rules returns the registered rules, by name.
func Rules() []Rule { return slices.Clone(ruleRegistry) }

// RuleByName returns the registered rule called name.
func RuleByName(name string) (Rule, bool) {
	for _, r := range ruleRegistry {
		if r.Name == name {
			return r, true
		}
	}
	return Rule{}, false
}

// unitRef names a finding's unit by name and code (params unit_name and
// unit_code); by code alone for a finding stored before names were kept.
func unitRef(p map[string]any) Msg {
	if name, ok := p["unit_name"].(string); ok && name != "" {
		return M("rule.ref.unit", name, prjText(p, "unit_code"))
	}
	return M("rule.ref.unit_code", prjText(p, "unit_code"))
}

// projectRef names a finding's project by name and code (params name and
// project).
func projectRef(p map[string]any) Msg {
	return M("rule.ref.project", prjText(p, "name"), prjText(p, "project"))
}

// subjectRef names the project or unit a rectification order is about
// (params subject_type, subject_name, subject: its code).
func subjectRef(p map[string]any) Msg {
	name, ok := p["subject_name"].(string)
	switch {
	case !ok:
		return M("rule.ref.code", prjText(p, "subject"))
	case p["subject_type"] == "project":
		return M("rule.ref.project", name, prjText(p, "subject"))
	}
	return M("rule.ref.unit", name, prjText(p, "subject"))
}

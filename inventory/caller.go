package inventory

import (
	"context"
	"slices"
)

// The roles a user can have, fixed in code. What each may do is the access
// table (access.go); what each may see is its Scope.
const (
	RoleAdmin     = "admin"      // 系统管理员
	RoleOperator  = "operator"   // 机房运维
	RolePlanner   = "planner"    // 整合规划
	RoleReviewer  = "reviewer"   // 项目评审
	RoleUnitStaff = "unit_staff" // 建设单位: own unit only
	RoleAuditor   = "auditor"    // 审计: read-only, whole audit log
)

// Roles lists every role, in the order they are shown.
var Roles = []string{RoleAdmin, RoleOperator, RolePlanner, RoleReviewer, RoleUnitStaff, RoleAuditor}

// Caller is who makes a store call: a signed-in user, a user's API token, or
// the command line. Every store read filters by its Scope and every write
// names it in the audit log.
type Caller struct {
	Name      string // username, "cli:<os user>", "schedule", "collector:<name>"
	UserID    int64  // 0 when not a user (CLI, schedules)
	Role      string // one of Roles
	UnitID    int64  // the user's unit; required for unit_staff
	TokenKey  string // the API token's key when one was used
	IP        string // client address, for the audit log
	RequestID string // X-Request-Id, for the audit log
}

// Scope is the set of units whose records a caller may see: all of them, or
// the listed ones.
type Scope struct {
	All   bool
	Units []int64
}

// Scope returns what the caller may see: unit staff their own unit, every
// other role everything.
func (c Caller) Scope() Scope {
	if c.Role == RoleUnitStaff {
		return Scope{Units: []int64{c.UnitID}}
	}
	return Scope{All: true}
}

// Has reports whether the scope includes the unit.
func (s Scope) Has(unitID int64) bool {
	return s.All || slices.Contains(s.Units, unitID)
}

type callerKey struct{}

// WithCaller makes c the caller of the store calls done with ctx.
func WithCaller(ctx context.Context, c Caller) context.Context {
	return context.WithValue(ctx, callerKey{}, c)
}

// CallerOf returns the caller set by WithCaller. Without one the caller is the
// command line ("cli", full rights): whoever holds the database URL holds the
// data anyway.
func CallerOf(ctx context.Context) Caller {
	if c, ok := ctx.Value(callerKey{}).(Caller); ok && c.Name != "" {
		return c
	}
	return Caller{Name: "cli", Role: RoleAdmin}
}

// WithActor names a system caller with full rights (the CLI, a schedule, the
// collector); the audit log records the name.
func WithActor(ctx context.Context, actor string) context.Context {
	return WithCaller(ctx, Caller{Name: actor, Role: RoleAdmin})
}

// ActorOf returns the name of the caller.
func ActorOf(ctx context.Context) string {
	return CallerOf(ctx).Name
}

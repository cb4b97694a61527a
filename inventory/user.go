package inventory

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"hostroll/password"
)

// UserStatuses are the statuses of a user; a disabled user cannot sign in and
// their tokens stop working.
var UserStatuses = []string{"active", "disabled"}

// User is a person who signs in. The password hash never leaves the store.
type User struct {
	ID                 int64   `db:"id" json:"id"`
	Username           string  `db:"username" json:"username"`
	DisplayName        string  `db:"display_name" json:"display_name"`
	Role               string  `db:"role" json:"role"`
	UnitID             *int64  `db:"unit_id" json:"unit_id"`
	UnitCode           *string `db:"unit_code" json:"unit_code"`
	Status             string  `db:"status" json:"status"`
	MustChangePassword bool    `db:"must_change_password" json:"must_change_password"`
	// Source is "local" (password kept here) or "ldap" (signs in with the
	// directory, which sets the role and unit at each sign-in).
	Source string `db:"source" json:"source"`
	// TOTPEnabled: the user has a confirmed TOTP second factor.
	TOTPEnabled bool       `db:"totp_enabled" json:"totp_enabled"`
	LastLoginAt *time.Time `db:"last_login_at" json:"last_login_at"`
	LockedUntil *time.Time `db:"locked_until" json:"locked_until"`
	CreatedAt   time.Time  `db:"created_at" json:"created_at"`
}

// Caller returns the store caller acting as u.
func (u User) Caller() Caller {
	c := Caller{Name: u.Username, UserID: u.ID, Role: u.Role}
	if u.UnitID != nil {
		c.UnitID = *u.UnitID
	}
	return c
}

const userCols = `u.id, u.username, u.display_name, u.role, u.unit_id, n.code AS unit_code,
	u.status, u.must_change_password, u.source, u.last_login_at, u.locked_until, u.created_at,
	EXISTS (SELECT 1 FROM user_totp t WHERE t.user_id = u.id AND t.confirmed_at IS NOT NULL) AS totp_enabled`

const userFrom = ` FROM users u LEFT JOIN units n ON n.id = u.unit_id`

// UserInput creates a user. Password empty means: generate one, which must
// be changed at first sign-in.
type UserInput struct {
	Username           string `json:"username"`
	DisplayName        string `json:"display_name"`
	Role               string `json:"role"`
	UnitID             *int64 `json:"unit_id"`
	Password           string `json:"password"`
	MustChangePassword bool   `json:"must_change_password"`
}

// UserPatch changes a user; nil fields keep their value.
type UserPatch struct {
	DisplayName *string `json:"display_name"`
	Role        *string `json:"role"`
	UnitID      *int64  `json:"unit_id"`
	ClearUnit   bool    `json:"-"`
	Status      *string `json:"status"`
}

func validUsername(ve *ValidationError, name string) {
	checkRequired(ve, "username", name, 64)
	for _, r := range name {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("._-@", r)) {
			ve.Add("username", "err.user.username.may_contain_only")
			return
		}
	}
}

func checkUserRole(ve *ValidationError, role string, unitID *int64) {
	checkEnum(ve, "role", role, Roles)
	if role == RoleUnitStaff && unitID == nil {
		ve.Add("unit_id", "err.user.unit_id.required_role_unit")
	}
}

// passwordErr turns a broken password rule into a field error.
func passwordErr(username, pw string) error {
	var re *password.RuleError
	if err := password.Check(username, pw); errors.As(err, &re) {
		return &ValidationError{Fields: map[string]string{"password": re.Message("en")}}
	}
	return nil
}

// Users lists the users, by username.
func (s *Store) Users(ctx context.Context, p ListParams) ([]User, int, error) {
	ls := listSpec{filters: map[string]filter{
		"role":    {col: "u.role", kind: filterEnum, allowed: Roles},
		"status":  {col: "u.status", kind: filterEnum, allowed: UserStatuses},
		"unit_id": {col: "u.unit_id", kind: filterID, nullable: true},
	}, search: []string{"u.username", "u.display_name"}}
	items, total, err := list[User](s, ctx, ls, p, "SELECT "+userCols+userFrom, "SELECT COUNT(*)"+userFrom, "lower(u.username)")
	if err != nil {
		return nil, 0, dbErr(err, "list users")
	}
	return items, total, nil
}

// User returns one user.
func (s *Store) User(ctx context.Context, id int64) (User, error) {
	return userWhere(ctx, s.db, "u.id = ?", id)
}

// UserByName returns the user with that username, whatever its case.
func (s *Store) UserByName(ctx context.Context, name string) (User, error) {
	return userWhere(ctx, s.db, "lower(u.username) = lower(?)", name)
}

func userWhere(ctx context.Context, q querier, cond string, arg any) (User, error) {
	var u User
	err := q.GetContext(ctx, &u, q.Rebind("SELECT "+userCols+userFrom+" WHERE "+cond), arg)
	return u, dbErr(err, fmt.Sprintf("user %v", arg))
}

// CountUsers returns how many users there are (serve creates admin on zero).
func (s *Store) CountUsers(ctx context.Context) (int, error) {
	var n int
	err := s.db.GetContext(ctx, &n, `SELECT COUNT(*) FROM users`)
	return n, dbErr(err, "count users")
}

// CreateUser adds a user. It returns the password: the one given, or a
// generated one that must be changed at first sign-in.
func (s *Store) CreateUser(ctx context.Context, in UserInput) (User, string, error) {
	in.Username, in.DisplayName = strings.TrimSpace(in.Username), strings.TrimSpace(in.DisplayName)
	ve := &ValidationError{}
	validUsername(ve, in.Username)
	checkMaxLen(ve, "display_name", in.DisplayName, 200)
	checkUserRole(ve, in.Role, in.UnitID)
	if err := ve.Err(); err != nil {
		return User{}, "", err
	}
	if in.Password == "" {
		in.Password, in.MustChangePassword = password.Generate(), true
	} else if err := passwordErr(in.Username, in.Password); err != nil {
		return User{}, "", err
	}
	hash, err := s.hasher.Hash(in.Password)
	if err != nil {
		return User{}, "", err
	}
	var u User
	err = s.inTx(ctx, func(tx *txn) error {
		if err := checkRef(tx, ve, "unit_id", "units", in.UnitID); err != nil {
			return err
		}
		if err := ve.Err(); err != nil {
			return err
		}
		other, err := taken(tx, `SELECT id FROM users WHERE lower(username) = lower(?)`, in.Username)
		if err != nil {
			return dbErr(err, "check username")
		}
		if other != 0 {
			return conflict("username", "err.user.username.username_already_used", in.Username, other)
		}
		id, err := tx.insert(`INSERT INTO users (username, display_name, role, unit_id, password_hash,
			must_change_password, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			in.Username, in.DisplayName, in.Role, in.UnitID, hash, in.MustChangePassword, tx.at)
		if err != nil {
			return dbErr(err, "create user")
		}
		if u, err = userWhere(ctx, tx, "u.id = ?", id); err != nil {
			return err
		}
		return tx.audit("create", "user", id, nil, u)
	})
	return u, in.Password, err
}

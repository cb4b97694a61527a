package inventory

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
)

// User sources: a local user's password is kept here; a directory user signs
// in against the office's directory (LDAP), which sets their role and unit.
const (
	SourceLocal = "local"
	SourceLDAP  = "ldap"
)

// UserSources are the values of User.Source.
var UserSources = []string{SourceLocal, SourceLDAP}

// ErrDirectoryDown is a directory that cannot be reached or does not answer
// in time: sign-in answers 503, never hangs.
var ErrDirectoryDown = errors.New("inventory: the directory (LDAP) does not answer")

// DirectoryUser is what the directory says of a user who gave the right
// password: their entry, the groups they are in, the role the first mapped
// group gives and the unit code of the unit attribute ("" when none).
type DirectoryUser struct {
	DN          string   `json:"dn"`
	DisplayName string   `json:"display_name"`
	Groups      []string `json:"groups"`
	Role        string   `json:"role"`
	UnitCode    string   `json:"unit_code"`
}

// Directory checks a username and password with the office's directory. It
// returns ErrSignIn for an unknown user or a wrong password, a
// *ForbiddenError for a user the directory knows but who may not use hostroll
// (in no mapped group), and an error wrapping ErrDirectoryDown when the
// directory cannot be asked.
type Directory interface {
	Authenticate(ctx context.Context, username, password string) (DirectoryUser, error)
}

// SetDirectory makes users that are not local sign in with d; nil turns
// directory sign-in off.
func (s *Store) SetDirectory(d Directory) { s.dir = d }

// NoGroupError is the refusal of a directory user in no mapped group.
func NoGroupError(username string) error {
	return forbiddenL(fmt.Sprintf("目录中的用户 %s 不属于任何已映射到 hostroll 角色的组（HOSTROLL_LDAP_GROUP_ROLES），不能登录", username),
		fmt.Sprintf("the directory user %s is in no group mapped to a hostroll role (HOSTROLL_LDAP_GROUP_ROLES): sign-in refused", username))
}

// directorySignIn signs in a user who is not local: the directory checks the
// password and gives the role and unit; the local user is created or updated
// and the session started in one transaction. row is the user's row when it
// exists already (a directory user).
func (s *Store) directorySignIn(ctx context.Context, row *signInRow, username, pw string, cl Client) (NewSession, User, error) {
	du, err := s.dir.Authenticate(ctx, username, pw)
	if errors.Is(err, ErrSignIn) {
		s.hasher.Dummy(pw) // a refusal takes as long as a local one: no telling local names by time
	}
	var xe *ForbiddenError
	switch {
	case errors.Is(err, ErrSignIn) && row != nil:
		return NewSession{}, User{}, s.wrongPassword(ctx, *row, cl, s.auth.withDefaults())
	case errors.Is(err, ErrSignIn):
		return NewSession{}, User{}, s.signInFailed(ctx, 0, username, cl, "directory: unknown user or wrong password")
	case errors.As(err, &xe), errors.Is(err, ErrDirectoryDown):
		reason := "directory: not in a mapped group"
		if errors.Is(err, ErrDirectoryDown) {
			reason = "directory: unavailable"
		}
		if ferr := s.signInFailed(ctx, rowID(row), username, cl, reason); ferr != ErrSignIn {
			return NewSession{}, User{}, ferr
		}
		return NewSession{}, User{}, err
	case err != nil:
		return NewSession{}, User{}, err
	}
	if row != nil && row.Status != "active" {
		return NewSession{}, User{}, s.signInFailed(ctx, row.ID, row.Username, cl, "disabled")
	}
	var ns NewSession
	var id int64
	err = s.inTx(WithCaller(ctx, Caller{Name: "directory", IP: cl.IP}), func(tx *txn) error {
		if id, err = tx.syncDirectoryUser(ctx, username, du); err != nil {
			return err
		}
		tx.caller = Caller{Name: username, UserID: id, IP: cl.IP}
		r := signInRow{ID: id, Username: username}
		if row != nil {
			r.Username = row.Username
		}
		ns, err = s.openSession(tx, r, cl, "", map[string]any{"source": SourceLDAP, "dn": du.DN})
		return err
	})
	if err != nil {
		if errors.As(err, &xe) {
			_ = s.signInFailed(ctx, rowID(row), username, cl, "directory: "+xe.MessageEN)
		}
		return NewSession{}, User{}, err
	}
	u, err := s.User(ctx, id)
	return ns, u, err
}

func rowID(row *signInRow) int64 {
	if row == nil {
		return 0
	}
	return row.ID
}

// syncDirectoryUser creates the directory user, or updates their role, unit
// and name from the directory; each change is an audit row by "directory".
// An unknown unit code refuses the sign-in.
func (tx *txn) syncDirectoryUser(ctx context.Context, username string, du DirectoryUser) (int64, error) {
	if !slices.Contains(Roles, du.Role) {
		return 0, fmt.Errorf("inventory: the directory gave the unknown role %q", du.Role)
	}
	unitID, err := tx.directoryUnit(du)
	if err != nil {
		return 0, err
	}
	display := truncate(strings.TrimSpace(du.DisplayName), 200)
	before, err := userWhere(ctx, tx, "lower(u.username) = lower(?)"+tx.forUpdateOf("u"), username)
	if errors.Is(err, ErrNotFound) {
		ve := &ValidationError{}
		if validUsername(ve, username); ve.Err() != nil {
			return 0, forbiddenL("该用户名不能用于 hostroll（只能包含字母、数字和 . _ - @）",
				"this username cannot be used in hostroll (letters, digits and . _ - @ only)")
		}
		id, err := tx.insert(`INSERT INTO users (username, display_name, role, unit_id, password_hash,
			source, directory_dn, created_at) VALUES (?, ?, ?, ?, '', ?, ?, ?)`,
			username, display, du.Role, unitID, SourceLDAP, du.DN, tx.at)
		if err != nil {
			return 0, dbErr(err, "create directory user")
		}
		after, err := userWhere(ctx, tx, "u.id = ?", id)
		if err != nil {
			return 0, err
		}
		return id, tx.audit("create", "user", id, nil, directoryAudit(after, du))
	}
	if err != nil {
		return 0, err
	}
	if before.Role == du.Role && sameID(before.UnitID, unitID) && before.DisplayName == display {
		return before.ID, nil
	}
	if err := tx.exec(`UPDATE users SET role = ?, unit_id = ?, display_name = ?, directory_dn = ? WHERE id = ?`,
		du.Role, unitID, display, du.DN, before.ID); err != nil {
		return 0, dbErr(err, "update directory user")
	}
	if before.Role != du.Role || !sameID(before.UnitID, unitID) {
		if err := tx.endSessions(before.ID); err != nil {
			return 0, err
		}
	}
	after, err := userWhere(ctx, tx, "u.id = ?", before.ID)
	if err != nil {
		return 0, err
	}
	return before.ID, tx.audit("update", "user", before.ID, before, directoryAudit(after, du))
}

// directoryAudit is the audit row's after of a user the directory changed:
// the user and where the change came from.
func directoryAudit(u User, du DirectoryUser) map[string]any {
	return map[string]any{"user": u, "source": SourceLDAP, "dn": du.DN, "groups": du.Groups}
}

// directoryUnit resolves the unit code the directory gave to a unit id: an
// unknown code, or none for unit staff, refuses the sign-in.
func (tx *txn) directoryUnit(du DirectoryUser) (*int64, error) {
	if du.UnitCode == "" {
		if du.Role == RoleUnitStaff {
			return nil, forbiddenL("目录未给出该用户的单位代码（HOSTROLL_LDAP_UNIT_ATTR），建设单位用户必须属于一个单位，不能登录",
				"the directory gives no unit code for this user (HOSTROLL_LDAP_UNIT_ATTR), and unit staff need a unit: sign-in refused")
		}
		return nil, nil
	}
	var id int64
	err := tx.get(&id, `SELECT id FROM units WHERE code = ?`, du.UnitCode)
	if errors.Is(dbErr(err, "unit"), ErrNotFound) {
		code := truncate(du.UnitCode, 64)
		return nil, forbiddenL(fmt.Sprintf("目录给出的单位代码 %q 在 hostroll 中不存在，请管理员先登记该单位，不能登录", code),
			fmt.Sprintf("the unit code %q from the directory is not a unit in hostroll (an administrator must add it first): sign-in refused", code))
	}
	if err != nil {
		return nil, dbErr(err, "find the directory user's unit")
	}
	return &id, nil
}

// forbiddenL is a refusal with its message in Chinese and English.
func forbiddenL(zh, en string) error { return &ForbiddenError{Message: zh, MessageEN: en} }

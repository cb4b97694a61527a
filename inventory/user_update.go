package inventory

import (
	"context"
	"fmt"

	"hostroll/password"
)

// UserEdit is what a patch may change; it is read onto the user's current
// values, so fields left out keep them and null clears unit_id.
type UserEdit struct {
	DisplayName string `json:"display_name"`
	Role        string `json:"role"`
	UnitID      *int64 `json:"unit_id"`
	Status      string `json:"status"`
}

// UpdateUser changes a user. Changing their role or unit, or disabling them,
// ends all their sessions.
func (s *Store) UpdateUser(ctx context.Context, id int64, apply func(*UserEdit) error) (User, error) {
	var out User
	err := s.inTx(ctx, func(tx *txn) error {
		before, err := userWhere(ctx, tx, "u.id = ?"+tx.forUpdateOf("u"), id)
		if err != nil {
			return err
		}
		in := UserEdit{DisplayName: before.DisplayName, Role: before.Role, Status: before.Status}
		if before.UnitID != nil {
			unit := *before.UnitID
			in.UnitID = &unit
		}
		if err := apply(&in); err != nil {
			return err
		}
		ve := &ValidationError{}
		checkMaxLen(ve, "display_name", in.DisplayName, 200)
		checkUserRole(ve, in.Role, in.UnitID)
		checkEnum(ve, "status", in.Status, UserStatuses)
		if err := checkRef(tx, ve, "unit_id", "units", in.UnitID); err != nil {
			return err
		}
		if err := ve.Err(); err != nil {
			return err
		}
		if err := tx.exec(`UPDATE users SET display_name = ?, role = ?, unit_id = ?, status = ? WHERE id = ?`,
			in.DisplayName, in.Role, in.UnitID, in.Status, id); err != nil {
			return dbErr(err, fmt.Sprintf("update user %d", id))
		}
		if in.Role != before.Role || !sameID(in.UnitID, before.UnitID) || in.Status == "disabled" {
			if err := tx.endSessions(id); err != nil {
				return err
			}
		}
		if out, err = userWhere(ctx, tx, "u.id = ?", id); err != nil {
			return err
		}
		return tx.audit("update", "user", id, before, out)
	})
	s.tokens.forget()
	return out, err
}

func sameID(a, b *int64) bool {
	return (a == nil) == (b == nil) && (a == nil || *a == *b)
}

// forUpdateOf locks the rows of one table of a join on PostgreSQL.
func (tx *txn) forUpdateOf(alias string) string {
	if tx.dialect == Postgres {
		return " FOR UPDATE OF " + alias
	}
	return ""
}

// endSessions signs a user out everywhere.
func (tx *txn) endSessions(userID int64) error {
	if err := tx.exec(`DELETE FROM sessions WHERE user_id = ?`, userID); err != nil {
		return dbErr(err, fmt.Sprintf("end sessions of user %d", userID))
	}
	return nil
}

// SetPassword gives a user a new password and ends all their sessions. An
// empty pw generates one, which must be changed at the next sign-in; the
// password set is returned. An administrator's reset (own false) always
// requires a change unless the password came from the user themselves.
func (s *Store) SetPassword(ctx context.Context, id int64, pw string, mustChange bool) (string, error) {
	u, err := s.User(ctx, id)
	if err != nil {
		return "", err
	}
	if u.Source == SourceLDAP {
		return "", noLocalPassword()
	}
	if pw == "" {
		pw, mustChange = password.Generate(), true
	} else if err := passwordErr(u.Username, pw); err != nil {
		return "", err
	}
	hash, err := s.hasher.Hash(pw)
	if err != nil {
		return "", err
	}
	err = s.inTx(ctx, func(tx *txn) error {
		if err := tx.exec(`UPDATE users SET password_hash = ?, must_change_password = ?,
			failed_logins = 0, first_failed_at = NULL, locked_until = NULL WHERE id = ?`,
			hash, mustChange, id); err != nil {
			return dbErr(err, fmt.Sprintf("set password of user %d", id))
		}
		if err := tx.endSessions(id); err != nil {
			return err
		}
		return tx.audit("update", "user", id, nil, map[string]any{"password": "changed", "must_change_password": mustChange})
	})
	s.tokens.forget()
	return pw, err
}

// ChangePassword is a signed-in user changing their own password: the
// current one must match. Their other sessions end; the one they use is kept
// when keepSession is not 0.
func (s *Store) ChangePassword(ctx context.Context, id int64, current, next string, keepSession int64) error {
	var hash string
	if err := s.db.GetContext(ctx, &hash, s.db.Rebind(`SELECT password_hash FROM users WHERE id = ?`), id); err != nil {
		return dbErr(err, fmt.Sprintf("user %d", id))
	}
	if ok, _, err := s.hasher.Verify(hash, current); err != nil || !ok {
		return Invalid("current_password", "err.user_update.current_password.your_current_password")
	}
	u, err := s.User(ctx, id)
	if err != nil {
		return err
	}
	if u.Source == SourceLDAP {
		return noLocalPassword()
	}
	if current == next {
		return Invalid("password", "err.user_update.password.differ_from_current")
	}
	if err := passwordErr(u.Username, next); err != nil {
		return err
	}
	newHash, err := s.hasher.Hash(next)
	if err != nil {
		return err
	}
	return s.inTx(ctx, func(tx *txn) error {
		if err := tx.exec(`UPDATE users SET password_hash = ?, must_change_password = ? WHERE id = ?`,
			newHash, false, id); err != nil {
			return dbErr(err, fmt.Sprintf("change password of user %d", id))
		}
		if err := tx.exec(`DELETE FROM sessions WHERE user_id = ? AND id <> ?`, id, keepSession); err != nil {
			return dbErr(err, "end other sessions")
		}
		return tx.audit("update", "user", id, nil, map[string]any{"password": "changed by the user"})
	})
}

// DeleteUser removes a user who never changed anything. A user the audit log
// names is disabled instead, so the log keeps pointing at someone; deleted
// reports which happened.
func (s *Store) DeleteUser(ctx context.Context, id int64) (deleted bool, err error) {
	err = s.inTx(ctx, func(tx *txn) error {
		before, err := userWhere(ctx, tx, "u.id = ?"+tx.forUpdateOf("u"), id)
		if err != nil {
			return err
		}
		named, err := taken(tx, `SELECT id FROM audit WHERE actor = ? AND entity <> 'session' LIMIT 1`, before.Username)
		if err != nil {
			return dbErr(err, "check audit")
		}
		if named == 0 {
			if err := tx.exec(`DELETE FROM users WHERE id = ?`, id); err != nil {
				return dbErr(err, fmt.Sprintf("delete user %d", id))
			}
			deleted = true
			return tx.audit("delete", "user", id, before, nil)
		}
		if err := tx.exec(`UPDATE users SET status = 'disabled' WHERE id = ?`, id); err != nil {
			return dbErr(err, fmt.Sprintf("disable user %d", id))
		}
		if err := tx.endSessions(id); err != nil {
			return err
		}
		after := before
		after.Status = "disabled"
		return tx.audit("update", "user", id, before, after)
	})
	s.tokens.forget()
	return deleted, err
}

// noLocalPassword refuses a password for a directory user.
func noLocalPassword() error {
	return conflictL("password", "目录（LDAP）用户没有本地密码，请在目录中修改密码",
		"a directory (LDAP) user has no local password: change it in the directory")
}

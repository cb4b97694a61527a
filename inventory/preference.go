package inventory

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// A preference is a signed-in user's own page setting, such as the columns
// of the device list: one text value per name, changed only by the user.

// Preference is the caller's value of a setting, "" when they have none (or
// are not a user: the command line has no pages).
func (s *Store) Preference(ctx context.Context, name string) (string, error) {
	uid := CallerOf(ctx).UserID
	if uid == 0 {
		return "", nil
	}
	var v string
	err := s.db.GetContext(ctx, &v, s.db.Rebind(`SELECT value FROM user_preferences WHERE user_id = ? AND name = ?`), uid, name)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", dbErr(err, "preference "+name)
	}
	return v, nil
}

// SetPreference keeps the caller's value of a setting ("" removes it), with
// an audit row of the user's change.
func (s *Store) SetPreference(ctx context.Context, name, value string) error {
	uid := CallerOf(ctx).UserID
	ve := &ValidationError{}
	if uid == 0 {
		ve.Add("user", "err.preference.user")
	}
	checkRequired(ve, "name", name, 100)
	checkMaxLen(ve, "value", value, 2000)
	if err := ve.Err(); err != nil {
		return err
	}
	return s.inTx(ctx, func(tx *txn) error {
		var old string
		err := tx.get(&old, `SELECT value FROM user_preferences WHERE user_id = ? AND name = ?`, uid, name)
		if err := ignoreNoRows(err); err != nil {
			return dbErr(err, "read preference")
		}
		if err := tx.exec(`DELETE FROM user_preferences WHERE user_id = ? AND name = ?`, uid, name); err != nil {
			return dbErr(err, "clear preference")
		}
		if value != "" {
			err := tx.exec(`INSERT INTO user_preferences (user_id, name, value) VALUES (?, ?, ?)`, uid, name, value)
			if err != nil {
				return dbErr(err, fmt.Sprintf("set preference %s", name))
			}
		}
		return tx.audit("update", "user", uid, map[string]any{"preference": name, "value": old},
			map[string]any{"preference": name, "value": value})
	})
}

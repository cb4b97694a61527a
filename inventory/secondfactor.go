package inventory

import (
	"context"
	"errors"
	"fmt"
	"time"

	"hostroll/twofactor"
)

// ErrSecondFactor is a wrong, replayed or used-up second-factor code. Each
// counts toward the lockout like a wrong password.
var ErrSecondFactor = errors.New("inventory: wrong or already used second-factor code")

// TOTPStatus is a user's second factor as the account page shows it.
type TOTPStatus struct {
	Enabled           bool       `json:"enabled"`
	ConfirmedAt       *time.Time `json:"confirmed_at"`
	RecoveryCodesLeft int        `json:"recovery_codes_left"`
}

// TOTPEnrolment is a new, not yet confirmed second factor: shown once.
type TOTPEnrolment struct {
	Secret string `json:"secret"`
	URL    string `json:"otpauth_url"`
	PNG    []byte `json:"-"`
}

type totpRow struct {
	ID          int64      `db:"id"`
	Secret      Secret     `db:"secret"`
	ConfirmedAt *time.Time `db:"confirmed_at"`
	LastStep    int64      `db:"last_step"`
}

// hasSecondFactor reports whether the user has a confirmed second factor.
func (tx *txn) hasSecondFactor(userID int64) (bool, error) {
	var n int
	err := tx.get(&n, `SELECT COUNT(*) FROM user_totp WHERE user_id = ? AND confirmed_at IS NOT NULL`, userID)
	return n > 0, dbErr(err, "read second factor")
}

// TOTP returns the state of a user's second factor.
func (s *Store) TOTP(ctx context.Context, userID int64) (TOTPStatus, error) {
	var st TOTPStatus
	err := s.db.GetContext(ctx, &st.ConfirmedAt, s.db.Rebind(`SELECT confirmed_at FROM user_totp
		WHERE user_id = ? AND confirmed_at IS NOT NULL`), userID)
	if err = ignoreNoRows(err); err != nil {
		return st, dbErr(err, "read second factor")
	}
	st.Enabled = st.ConfirmedAt != nil
	err = s.db.GetContext(ctx, &st.RecoveryCodesLeft, s.db.Rebind(`SELECT COUNT(*) FROM user_recovery_codes
		WHERE user_id = ? AND used_at IS NULL`), userID)
	return st, dbErr(err, "count recovery codes")
}

// EnrolTOTP makes a new secret for the user, sealed at rest, to be confirmed
// with ConfirmTOTP. A confirmed second factor is a conflict: an administrator
// resets it first. Starting again replaces an unconfirmed secret.
func (s *Store) EnrolTOTP(ctx context.Context, userID int64) (TOTPEnrolment, error) {
	u, err := s.User(ctx, userID)
	if err != nil {
		return TOTPEnrolment{}, err
	}
	e, err := twofactor.New("hostroll", u.Username)
	if err != nil {
		return TOTPEnrolment{}, err
	}
	err = s.inTx(ctx, func(tx *txn) error {
		if on, err := tx.hasSecondFactor(userID); err != nil || on {
			if err == nil {
				err = conflictL("totp", "已启用双因素认证；如需重新绑定，请管理员先重置",
					"the second factor is already enabled: an administrator must reset it before a new enrolment")
			}
			return err
		}
		k, err := tx.sealKey()
		if err != nil {
			return err
		}
		sealed, err := k.Seal(e.Secret)
		if err != nil {
			return err
		}
		if err := tx.exec(`DELETE FROM user_totp WHERE user_id = ?`, userID); err != nil {
			return dbErr(err, "replace unconfirmed second factor")
		}
		if _, err := tx.insert(`INSERT INTO user_totp (user_id, secret, created_at) VALUES (?, ?, ?)`,
			userID, sealed, tx.at); err != nil {
			return dbErr(err, "enrol second factor")
		}
		return tx.audit("update", "user", userID, nil, map[string]any{"totp": "enrolment started"})
	})
	return TOTPEnrolment{Secret: e.Secret, URL: e.URL, PNG: e.PNG}, err
}

// ConfirmTOTP enables the enrolled second factor with a first code and
// returns the 10 recovery codes (shown once; only their hashes are kept). A
// session waiting for the second factor (keepSession) is completed.
func (s *Store) ConfirmTOTP(ctx context.Context, userID int64, code string, keepSession int64) ([]string, error) {
	codes := twofactor.RecoveryCodes(twofactor.RecoveryCount)
	err := s.inTx(ctx, func(tx *txn) error {
		row, err := tx.totpRow(userID)
		if errors.Is(err, ErrNotFound) || (err == nil && row.ConfirmedAt != nil) {
			return conflictL("totp", "没有待确认的双因素绑定，请先开始绑定（POST /api/v1/me/totp）",
				"there is no second-factor enrolment to confirm: start one first (POST /api/v1/me/totp)")
		}
		if err != nil {
			return err
		}
		step, ok := twofactor.Match(string(row.Secret), code, tx.at, row.LastStep)
		if !ok {
			return Invalid("code", "auth.totp_wrong_code")
		}
		if err := tx.exec(`UPDATE user_totp SET confirmed_at = ?, last_step = ? WHERE id = ?`, tx.at, step, row.ID); err != nil {
			return dbErr(err, "confirm second factor")
		}
		if err := tx.exec(`DELETE FROM user_recovery_codes WHERE user_id = ?`, userID); err != nil {
			return dbErr(err, "replace recovery codes")
		}
		for _, c := range codes {
			if _, err := tx.insert(`INSERT INTO user_recovery_codes (user_id, code_hash) VALUES (?, ?)`,
				userID, twofactor.HashRecovery(c)); err != nil {
				return dbErr(err, "store recovery codes")
			}
		}
		if err := tx.exec(`DELETE FROM sessions WHERE user_id = ? AND second_factor_pending AND id <> ?`,
			userID, keepSession); err != nil {
			return dbErr(err, "end waiting sessions")
		}
		return tx.audit("update", "user", userID, nil, map[string]any{"totp": "enrolled",
			"recovery_codes": len(codes)})
	})
	if err != nil {
		return nil, err
	}
	return codes, nil
}

// totpRow reads and opens the user's second factor, locking its row.
func (tx *txn) totpRow(userID int64) (totpRow, error) {
	var row totpRow
	if err := tx.get(&row, `SELECT id, secret, confirmed_at, last_step FROM user_totp WHERE user_id = ?`+
		tx.forUpdate(), userID); err != nil {
		return row, dbErr(err, fmt.Sprintf("second factor of user %d", userID))
	}
	plain, err := openSecret(tx.key, row.Secret)
	row.Secret = plain
	return row, err
}

// ResetTOTP removes a user's second factor and recovery codes (an
// administrator's act, audited); the user enrols again at the next sign-in
// when their role requires it. Their sessions end.
func (s *Store) ResetTOTP(ctx context.Context, userID int64) error {
	return s.inTx(ctx, func(tx *txn) error {
		u, err := userWhere(ctx, tx, "u.id = ?", userID)
		if err != nil {
			return err
		}
		if err := tx.exec(`DELETE FROM user_totp WHERE user_id = ?`, userID); err != nil {
			return dbErr(err, "reset second factor")
		}
		if err := tx.exec(`DELETE FROM user_recovery_codes WHERE user_id = ?`, userID); err != nil {
			return dbErr(err, "reset recovery codes")
		}
		if err := tx.endSessions(userID); err != nil {
			return err
		}
		return tx.audit("update", "user", userID, map[string]any{"totp_enabled": u.TOTPEnabled},
			map[string]any{"totp": "reset", "totp_enabled": false})
	})
}

// SecondFactor completes a session waiting for the second factor with a
// TOTP code (accepted once: its step must be later than the last one used)
// or an unused recovery code (then used up). A wrong code counts toward the
// lockout like a wrong password (ErrSecondFactor, or *LockedError at the
// limit, which also ends the waiting sessions).
func (s *Store) SecondFactor(ctx context.Context, userID, sessionID int64, code string, cl Client) error {
	cfg := s.auth.withDefaults()
	err := s.inTx(ctx, func(tx *txn) error {
		var row signInRow
		if err := tx.get(&row, `SELECT id, username, status, password_hash, failed_logins, first_failed_at,
			locked_until, source FROM users WHERE id = ?`+tx.forUpdate(), userID); err != nil {
			return dbErr(err, fmt.Sprintf("user %d", userID))
		}
		if row.LockedUntil != nil && tx.at.Before(*row.LockedUntil) {
			return &LockedError{Until: *row.LockedUntil}
		}
		var pending bool
		if err := tx.get(&pending, `SELECT second_factor_pending FROM sessions WHERE id = ? AND user_id = ?`,
			sessionID, userID); err != nil {
			return dbErr(err, fmt.Sprintf("session %d", sessionID))
		}
		if !pending {
			return conflictL("code", "此会话不需要第二步验证", "this session does not wait for a second-factor code")
		}
		used, err := tx.useCode(userID, code)
		if err != nil {
			return err
		}
		if err := tx.exec(`UPDATE sessions SET second_factor_pending = ?, expires_at = ?, last_seen_at = ? WHERE id = ?`,
			false, tx.at.Add(cfg.SessionMax), tx.at, sessionID); err != nil {
			return dbErr(err, "complete session")
		}
		if err := tx.exec(`UPDATE users SET failed_logins = 0, first_failed_at = NULL WHERE id = ?`, userID); err != nil {
			return dbErr(err, "record sign-in")
		}
		return tx.audit("sign_in", "session", sessionID, nil, sessionAudit("sign_in", row.Username, cl, used))
	})
	if !errors.Is(err, ErrSecondFactor) {
		return err
	}
	var row signInRow
	if gerr := s.db.GetContext(ctx, &row, s.db.Rebind(`SELECT id, username FROM users WHERE id = ?`), userID); gerr != nil {
		return dbErr(gerr, fmt.Sprintf("user %d", userID))
	}
	if err := s.countFailure(ctx, row, cl, cfg, "wrong second-factor code"); !errors.Is(err, ErrSignIn) {
		return err
	}
	return ErrSecondFactor
}

// useCode checks a TOTP or recovery code and marks it used; what the audit
// row says of it is returned.
func (tx *txn) useCode(userID int64, code string) (map[string]any, error) {
	if twofactor.LooksLikeRecovery(code) {
		var id int64
		err := tx.get(&id, `SELECT id FROM user_recovery_codes WHERE user_id = ? AND code_hash = ? AND used_at IS NULL`,
			userID, twofactor.HashRecovery(code))
		if errors.Is(dbErr(err, "recovery code"), ErrNotFound) {
			return nil, ErrSecondFactor
		}
		if err != nil {
			return nil, dbErr(err, "recovery code")
		}
		if err := tx.exec(`UPDATE user_recovery_codes SET used_at = ? WHERE id = ?`, tx.at, id); err != nil {
			return nil, dbErr(err, "use recovery code")
		}
		var left int
		if err := tx.get(&left, `SELECT COUNT(*) FROM user_recovery_codes WHERE user_id = ? AND used_at IS NULL`, userID); err != nil {
			return nil, dbErr(err, "count recovery codes")
		}
		return map[string]any{"second_factor": "recovery_code", "recovery_codes_left": left}, nil
	}
	row, err := tx.totpRow(userID)
	if errors.Is(err, ErrNotFound) || (err == nil && row.ConfirmedAt == nil) {
		return nil, ErrSecondFactor
	}
	if err != nil {
		return nil, err
	}
	step, ok := twofactor.Match(string(row.Secret), code, tx.at, row.LastStep)
	if !ok {
		return nil, ErrSecondFactor
	}
	if err := tx.exec(`UPDATE user_totp SET last_step = ? WHERE id = ?`, step, row.ID); err != nil {
		return nil, dbErr(err, "record code")
	}
	return map[string]any{"second_factor": "totp"}, nil
}

// conflictL is a conflict on field with its message in Chinese and English.
func conflictL(field, zh, en string) error {
	return &ConflictError{Field: field, Message: en, MessageZH: zh}
}

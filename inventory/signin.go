package inventory

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// anonymous is the actor of the audit rows of refused sign-ins: nobody is
// signed in yet (the name tried is in the row's after).
const anonymous = "anonymous"

// signInRow is what sign-in reads of a user.
type signInRow struct {
	ID            int64      `db:"id"`
	Username      string     `db:"username"`
	Status        string     `db:"status"`
	Hash          string     `db:"password_hash"`
	FailedLogins  int        `db:"failed_logins"`
	FirstFailedAt *time.Time `db:"first_failed_at"`
	LockedUntil   *time.Time `db:"locked_until"`
	Source        string     `db:"source"`
}

// SignIn checks a username and password and starts a new session. A wrong
// password, an unknown user and a disabled user all get ErrSignIn after the
// same work (an unknown user hashes a dummy). LockoutAttempts failures within
// LockoutWindow lock the user for LockoutDuration (*LockedError). Every
// outcome is an audit row of entity "session". A name that is no local
// user's, or a directory user's, is checked with the directory when one is
// set (SetDirectory); a local user never is. A user with a second factor
// gets a session that waits for the code (SecondFactor).
func (s *Store) SignIn(ctx context.Context, username, pw string, cl Client) (NewSession, User, error) {
	cfg := s.auth.withDefaults()
	username = truncate(strings.TrimSpace(username), 200) // no stored name is invalid text or longer
	var row signInRow
	err := s.db.GetContext(ctx, &row, s.db.Rebind(`SELECT id, username, status, password_hash,
		failed_logins, first_failed_at, locked_until, source FROM users WHERE lower(username) = lower(?)`), username)
	if err != nil {
		if err = ignoreNoRows(err); err != nil {
			return NewSession{}, User{}, dbErr(err, "sign in")
		}
		if s.dir != nil && pw != "" { // not a local user: perhaps the directory's
			return s.directorySignIn(ctx, nil, username, pw, cl)
		}
		s.hasher.Dummy(pw)
		return NewSession{}, User{}, s.signInFailed(ctx, 0, username, cl, "unknown user")
	}
	now := s.now().UTC()
	if row.LockedUntil != nil && now.Before(*row.LockedUntil) {
		s.hasher.Dummy(pw)
		if err := s.signInFailed(ctx, row.ID, row.Username, cl, "locked"); err != ErrSignIn {
			return NewSession{}, User{}, err
		}
		return NewSession{}, User{}, &LockedError{Until: *row.LockedUntil}
	}
	if row.Source == SourceLDAP { // no local password: the directory decides
		if s.dir == nil || pw == "" {
			s.hasher.Dummy(pw)
			return NewSession{}, User{}, s.signInFailed(ctx, row.ID, row.Username, cl, "directory sign-in is not configured")
		}
		return s.directorySignIn(ctx, &row, row.Username, pw, cl)
	}
	ok, rehash, verr := s.hasher.Verify(row.Hash, pw)
	switch {
	case verr != nil:
		return NewSession{}, User{}, fmt.Errorf("inventory: password hash of user %d: %w", row.ID, verr)
	case !ok:
		return NewSession{}, User{}, s.wrongPassword(ctx, row, cl, cfg)
	case row.Status != "active":
		return NewSession{}, User{}, s.signInFailed(ctx, row.ID, row.Username, cl, "disabled")
	}
	newHash := ""
	if rehash {
		if newHash, err = s.hasher.Hash(pw); err != nil {
			return NewSession{}, User{}, err
		}
	}
	ns, err := s.startSession(ctx, row, cl, newHash)
	if err != nil {
		return NewSession{}, User{}, err
	}
	u, err := s.User(ctx, row.ID)
	return ns, u, err
}

// startSession records a successful sign-in and makes its session.
func (s *Store) startSession(ctx context.Context, row signInRow, cl Client, newHash string) (NewSession, error) {
	var ns NewSession
	err := s.inTx(WithCaller(ctx, Caller{Name: row.Username, UserID: row.ID, IP: cl.IP}), func(tx *txn) (err error) {
		ns, err = s.openSession(tx, row, cl, newHash, map[string]any{"rehashed": newHash != ""})
		return err
	})
	return ns, err
}

// openSession records a sign-in in tx and makes its session. The session
// of a user with a second factor waits for the code (SecondFactorPending)
// and lasts SecondFactorWait until it gets it.
func (s *Store) openSession(tx *txn, row signInRow, cl Client, newHash string, extra map[string]any) (NewSession, error) {
	cfg := s.auth.withDefaults()
	secret := randomSecret()
	var ns NewSession
	set := `failed_logins = 0, first_failed_at = NULL, locked_until = NULL, last_login_at = ?`
	args := []any{tx.at}
	if newHash != "" {
		set += `, password_hash = ?`
		args = append(args, newHash)
	}
	if err := tx.exec(`UPDATE users SET `+set+` WHERE id = ?`, append(args, row.ID)...); err != nil {
		return ns, dbErr(err, "record sign-in")
	}
	pending, err := tx.hasSecondFactor(row.ID)
	if err != nil {
		return ns, err
	}
	expires := tx.at.Add(cfg.SessionMax)
	if pending {
		expires = tx.at.Add(cfg.SecondFactorWait)
	}
	ns.Session = Session{UserID: row.ID, CreatedAt: tx.at, LastSeenAt: tx.at, ExpiresAt: expires,
		IP: cl.IP, UserAgent: truncate(cl.UserAgent, 300), SecondFactorPending: pending}
	id, err := tx.insert(`INSERT INTO sessions (user_id, secret_hash, created_at, last_seen_at,
		expires_at, ip, user_agent, second_factor_pending) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, row.ID,
		sha256Hex(secret), tx.at, tx.at, ns.ExpiresAt, ns.IP, ns.UserAgent, pending)
	if err != nil {
		return ns, dbErr(err, "create session")
	}
	ns.ID = id
	ns.Cookie, ns.CSRF = fmt.Sprintf("%d.%s", ns.ID, secret), csrfFor(secret)
	if pending {
		extra["second_factor"] = "pending"
	}
	return ns, tx.audit("sign_in", "session", id, nil, sessionAudit("sign_in", row.Username, cl, extra))
}

// wrongPassword counts a failure and locks the user at the limit.
func (s *Store) wrongPassword(ctx context.Context, row signInRow, cl Client, cfg AuthConfig) error {
	return s.countFailure(ctx, row, cl, cfg, "wrong password")
}

// countFailure counts a failed sign-in (a wrong password or second-factor
// code) and locks the user at the limit, ending the sessions that wait for
// a second factor.
func (s *Store) countFailure(ctx context.Context, row signInRow, cl Client, cfg AuthConfig, reason string) error {
	var locked *LockedError
	err := s.inTx(WithCaller(ctx, Caller{Name: anonymous, IP: cl.IP}), func(tx *txn) error {
		var cur signInRow
		if err := tx.get(&cur, `SELECT id, username, status, password_hash, failed_logins,
			first_failed_at, locked_until, source FROM users WHERE id = ?`+tx.forUpdate(), row.ID); err != nil {
			return dbErr(err, "count failed sign-in")
		}
		if cur.FirstFailedAt == nil || tx.at.Sub(*cur.FirstFailedAt) >= cfg.LockoutWindow {
			cur.FailedLogins, cur.FirstFailedAt = 0, &tx.at
		}
		cur.FailedLogins++
		if err := tx.audit("sign_in_failed", "session", 0, nil, sessionAudit("sign_in_failed", row.Username, cl,
			map[string]any{"reason": reason, "failures": cur.FailedLogins})); err != nil {
			return err
		}
		if cur.FailedLogins < cfg.LockoutAttempts {
			return dbErr(tx.exec(`UPDATE users SET failed_logins = ?, first_failed_at = ? WHERE id = ?`,
				cur.FailedLogins, cur.FirstFailedAt, row.ID), "count failed sign-in")
		}
		locked = &LockedError{Until: tx.at.Add(cfg.LockoutDuration)}
		if err := tx.exec(`UPDATE users SET failed_logins = 0, first_failed_at = NULL, locked_until = ?
			WHERE id = ?`, locked.Until, row.ID); err != nil {
			return dbErr(err, "lock user")
		}
		if err := tx.exec(`DELETE FROM sessions WHERE user_id = ? AND second_factor_pending`, row.ID); err != nil {
			return dbErr(err, "end waiting sessions")
		}
		return tx.audit("lockout", "session", 0, nil, sessionAudit("lockout", row.Username, cl,
			map[string]any{"locked_until": locked.Until}))
	})
	if err != nil {
		return err
	}
	if locked != nil {
		return locked
	}
	return ErrSignIn
}

// signInFailed records a refused sign-in and returns ErrSignIn.
func (s *Store) signInFailed(ctx context.Context, userID int64, username string, cl Client, reason string) error {
	if username = truncate(username, 64); username == "" {
		username = "(none)"
	}
	err := s.inTx(WithCaller(ctx, Caller{Name: anonymous, IP: cl.IP}), func(tx *txn) error {
		return tx.audit("sign_in_failed", "session", 0, nil, sessionAudit("sign_in_failed",
			username, cl, map[string]any{"reason": reason, "user_id": userID}))
	})
	if err != nil {
		return err
	}
	return ErrSignIn
}

// truncate cuts s to at most n bytes without splitting a character, and
// replaces what is not valid text, so it can always be stored.
func truncate(s string, n int) string {
	s = strings.ToValidUTF8(strings.ReplaceAll(s, "\x00", ""), "?")
	for len(s) > n {
		_, size := utf8.DecodeLastRuneInString(s)
		s = s[:len(s)-size]
	}
	return s
}

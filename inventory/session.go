package inventory

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// AuthConfig are the limits of sign-in and sessions; zero fields take the
// defaults.
type AuthConfig struct {
	SessionIdle     time.Duration // default 30 min
	SessionMax      time.Duration // default 12 h
	LockoutAttempts int           // failures within LockoutWindow that lock; default 5
	LockoutWindow   time.Duration // default 15 min
	LockoutDuration time.Duration // default 15 min
	// SecondFactorWait is how long a session signed in with the password
	// waits for the second factor's code; default 5 min.
	SecondFactorWait time.Duration
}

func (c AuthConfig) withDefaults() AuthConfig {
	if c.SessionIdle <= 0 {
		c.SessionIdle = 30 * time.Minute
	}
	if c.SessionMax <= 0 {
		c.SessionMax = 12 * time.Hour
	}
	if c.LockoutAttempts <= 0 {
		c.LockoutAttempts = 5
	}
	if c.LockoutWindow <= 0 {
		c.LockoutWindow = 15 * time.Minute
	}
	if c.LockoutDuration <= 0 {
		c.LockoutDuration = 15 * time.Minute
	}
	if c.SecondFactorWait <= 0 {
		c.SecondFactorWait = 5 * time.Minute
	}
	return c
}

// SetAuthConfig sets the limits of sign-in and sessions.
func (s *Store) SetAuthConfig(c AuthConfig) { s.auth = c.withDefaults() }

// Sign-in refusals.
var (
	// ErrSignIn is a wrong username or password, or a disabled user: one
	// answer for all, so it reveals nothing.
	ErrSignIn = errors.New("inventory: wrong username or password")
	// ErrLocked is a user locked after too many failures.
	ErrLocked = errors.New("inventory: too many failed sign-ins")
	// ErrNoSession is a session cookie that is unknown, wrong or expired.
	ErrNoSession = errors.New("inventory: no such session, or it has expired")
)

// LockedError says until when a user is locked.
type LockedError struct{ Until time.Time }

func (e *LockedError) Error() string        { return ErrLocked.Error() }
func (e *LockedError) Is(target error) bool { return target == ErrLocked }

// Session is one signed-in browser or script. Only a hash of its secret is
// stored.
type Session struct {
	ID         int64     `db:"id" json:"id"`
	UserID     int64     `db:"user_id" json:"-"`
	CreatedAt  time.Time `db:"created_at" json:"created_at"`
	LastSeenAt time.Time `db:"last_seen_at" json:"last_seen_at"`
	ExpiresAt  time.Time `db:"expires_at" json:"expires_at"`
	IP         string    `db:"ip" json:"ip"`
	UserAgent  string    `db:"user_agent" json:"user_agent"`
	Current    bool      `db:"-" json:"current"`
	// SecondFactorPending: signed in with the password, waiting for the
	// second factor's code; such a session may do nothing else.
	SecondFactorPending bool `db:"second_factor_pending" json:"second_factor_pending"`
}

// NewSession is a session just made: Cookie is "id.secret", the value of the
// session cookie, and CSRF the token its unsafe requests must carry.
type NewSession struct {
	Session
	Cookie string
	CSRF   string
}

// Client is where a sign-in comes from.
type Client struct {
	IP        string
	UserAgent string
}

func randomSecret() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic("inventory: crypto/rand failed: " + err.Error())
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

func sha256Hex(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// csrfFor derives a session's CSRF token from its secret, so the token needs
// no storage and changes with every session.
func csrfFor(secret string) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte("hostroll/csrf"))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// parseCookie splits "id.secret".
func parseCookie(v string) (int64, string, bool) {
	idText, secret, ok := strings.Cut(v, ".")
	id, err := strconv.ParseInt(idText, 10, 64)
	return id, secret, ok && err == nil && id > 0 && len(secret) >= 32 && len(secret) <= 64
}

// sessionAudit is what an audit row of a sign-in event shows.
func sessionAudit(event, username string, cl Client, extra map[string]any) map[string]any {
	m := map[string]any{"event": event, "username": username, "ip": cl.IP}
	for k, v := range extra {
		m[k] = v
	}
	return m
}

// Session checks a session cookie and returns the session and its user, and
// the session's CSRF token. It extends the idle timeout, ends a session past
// either limit and refuses a disabled user.
func (s *Store) Session(ctx context.Context, cookie string) (Session, User, string, error) {
	id, secret, ok := parseCookie(cookie)
	if !ok {
		return Session{}, User{}, "", ErrNoSession
	}
	var row struct {
		Session
		SecretHash string `db:"secret_hash"`
	}
	err := s.db.GetContext(ctx, &row, s.db.Rebind(`SELECT id, user_id, created_at, last_seen_at,
		expires_at, ip, user_agent, second_factor_pending, secret_hash FROM sessions WHERE id = ?`), id)
	if err != nil {
		if errors.Is(dbErr(err, "session"), ErrNotFound) {
			return Session{}, User{}, "", ErrNoSession
		}
		return Session{}, User{}, "", dbErr(err, "session")
	}
	if !hmac.Equal([]byte(row.SecretHash), []byte(sha256Hex(secret))) {
		return Session{}, User{}, "", ErrNoSession
	}
	now, cfg := s.now().UTC(), s.auth.withDefaults()
	if !now.Before(row.ExpiresAt) || now.Sub(row.LastSeenAt) >= cfg.SessionIdle {
		_, _ = s.db.ExecContext(ctx, s.db.Rebind(`DELETE FROM sessions WHERE id = ?`), id)
		return Session{}, User{}, "", ErrNoSession
	}
	u, err := s.User(ctx, row.UserID)
	if err != nil || u.Status != "active" {
		return Session{}, User{}, "", ErrNoSession
	}
	if now.Sub(row.LastSeenAt) >= time.Minute/2 {
		if _, err := s.db.ExecContext(ctx, s.db.Rebind(`UPDATE sessions SET last_seen_at = ? WHERE id = ?`), now, id); err != nil {
			return Session{}, User{}, "", dbErr(err, "touch session")
		}
		row.LastSeenAt = now
	}
	row.Current = true
	return row.Session, u, csrfFor(secret), nil
}

// Sessions lists a user's sessions, newest first.
func (s *Store) Sessions(ctx context.Context, userID int64) ([]Session, error) {
	out := []Session{}
	err := s.db.SelectContext(ctx, &out, s.db.Rebind(`SELECT id, user_id, created_at, last_seen_at,
		expires_at, ip, user_agent, second_factor_pending FROM sessions WHERE user_id = ? ORDER BY id DESC`), userID)
	return out, dbErr(err, "list sessions")
}

// EndSession signs a session of the user out.
func (s *Store) EndSession(ctx context.Context, userID, id int64) error {
	return s.inTx(ctx, func(tx *txn) error {
		var u User
		if err := tx.get(&u.Username, `SELECT u.username FROM sessions s JOIN users u ON u.id = s.user_id
			WHERE s.id = ? AND s.user_id = ?`, id, userID); err != nil {
			return dbErr(err, fmt.Sprintf("session %d", id))
		}
		if err := tx.exec(`DELETE FROM sessions WHERE id = ?`, id); err != nil {
			return dbErr(err, fmt.Sprintf("end session %d", id))
		}
		return tx.audit("sign_out", "session", id, nil, map[string]any{"event": "sign_out", "username": u.Username})
	})
}

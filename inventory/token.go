package inventory

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/netip"
	"strings"
	"time"
)

// TokenPrefix starts every API token: "hr_<key>.<secret>".
const TokenPrefix = "hr_"

// Token refusals.
var (
	// ErrBadToken is a token that is malformed, unknown, wrong, expired or
	// whose user is disabled.
	ErrBadToken = errors.New("inventory: the API token is not valid")
	// ErrTokenAddress is a token used from an address it does not allow.
	ErrTokenAddress = errors.New("inventory: the API token is not allowed from this address")
)

// Token is an API token. Only an HMAC of its secret under the server's pepper
// is stored; the secret is shown once, when it is made.
type Token struct {
	ID           int64      `db:"id" json:"id"`
	Key          string     `db:"key" json:"key"`
	UserID       int64      `db:"user_id" json:"user_id"`
	Username     string     `db:"username" json:"username"`
	Description  string     `db:"description" json:"description"`
	WriteEnabled bool       `db:"write_enabled" json:"write_enabled"`
	AllowedIPs   IPList     `db:"allowed_ips" json:"allowed_ips"`
	ExpiresAt    *time.Time `db:"expires_at" json:"expires_at"`
	LastUsedAt   *time.Time `db:"last_used_at" json:"last_used_at"`
	CreatedAt    time.Time  `db:"created_at" json:"created_at"`
}

// TokenInput makes a token.
type TokenInput struct {
	Description  string     `json:"description"`
	WriteEnabled bool       `json:"write_enabled"`
	ExpiresAt    *time.Time `json:"expires_at"`
	AllowedIPs   []string   `json:"allowed_ips"`
}

const tokenCols = `t.id, t.key, t.user_id, u.username, t.description, t.write_enabled,
	t.allowed_ips, t.expires_at, t.last_used_at, t.created_at`

const tokenFrom = ` FROM api_tokens t JOIN users u ON u.id = t.user_id`

// tokenHash is HMAC-SHA256(pepper, secret) in hex.
func tokenHash(pepper []byte, secret string) string {
	m := hmac.New(sha256.New, pepper)
	m.Write([]byte(secret))
	return hex.EncodeToString(m.Sum(nil))
}

// Tokens lists the tokens of one user, or of everyone when userID is 0.
func (s *Store) Tokens(ctx context.Context, userID int64) ([]Token, error) {
	q, args := "SELECT "+tokenCols+tokenFrom, []any{}
	if userID != 0 {
		q += " WHERE t.user_id = ?"
		args = append(args, userID)
	}
	out := []Token{}
	err := s.db.SelectContext(ctx, &out, s.db.Rebind(q+" ORDER BY t.id"), args...)
	return out, dbErr(err, "list tokens")
}

// TokenByKey returns the token with that key.
func (s *Store) TokenByKey(ctx context.Context, key string) (Token, error) {
	var t Token
	err := s.db.GetContext(ctx, &t, s.db.Rebind("SELECT "+tokenCols+tokenFrom+" WHERE t.key = ?"), key)
	return t, dbErr(err, fmt.Sprintf("token %q", key))
}

// CreateToken makes a token for a user and returns it with the whole token
// text, "hr_<key>.<secret>", which is not kept.
func (s *Store) CreateToken(ctx context.Context, pepper []byte, userID int64, in TokenInput) (Token, string, error) {
	if len(pepper) == 0 {
		return Token{}, "", errors.New("inventory: no token pepper configured")
	}
	ve := &ValidationError{}
	in.Description = strings.TrimSpace(in.Description)
	checkMaxLen(ve, "description", in.Description, 200)
	ips, bad := parseIPList(in.AllowedIPs)
	if bad != "" {
		ve.Add("allowed_ips", "err.token.allowed_ips", bad)
	}
	if in.ExpiresAt != nil && !in.ExpiresAt.After(s.now()) {
		ve.Add("expires_at", "err.token.expires_at.future")
	}
	if err := ve.Err(); err != nil {
		return Token{}, "", err
	}
	kb := make([]byte, 8)
	if _, err := rand.Read(kb); err != nil {
		return Token{}, "", fmt.Errorf("inventory: token key: %w", err)
	}
	key, secret := hex.EncodeToString(kb), randomSecret()
	var t Token
	err := s.inTx(ctx, func(tx *txn) error {
		id, err := tx.insert(`INSERT INTO api_tokens (key, user_id, secret_hash, description,
			write_enabled, allowed_ips, expires_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
			key, userID, tokenHash(pepper, secret), in.Description, in.WriteEnabled, ips, in.ExpiresAt, tx.at)
		if err != nil {
			return dbErr(err, "create token")
		}
		if err := tx.get(&t, "SELECT "+tokenCols+tokenFrom+" WHERE t.id = ?", id); err != nil {
			return dbErr(err, "read token")
		}
		return tx.audit("create", "api_token", id, nil, t)
	})
	return t, TokenPrefix + key + "." + secret, err
}

// RevokeToken deletes a token; ownerID, when not 0, must own it.
func (s *Store) RevokeToken(ctx context.Context, id, ownerID int64) error {
	defer s.tokens.forget()
	return s.inTx(ctx, func(tx *txn) error {
		var t Token
		err := tx.get(&t, "SELECT "+tokenCols+tokenFrom+" WHERE t.id = ? AND (? = 0 OR t.user_id = ?)", id, ownerID, ownerID)
		if err != nil {
			return dbErr(err, fmt.Sprintf("token %d", id))
		}
		if err := tx.exec(`DELETE FROM api_tokens WHERE id = ?`, id); err != nil {
			return dbErr(err, fmt.Sprintf("revoke token %d", id))
		}
		return tx.audit("delete", "api_token", id, t, nil)
	})
}

// AuthToken checks a bearer token, "hr_<key>.<secret>", used from ip. It
// returns the token and its user; last_used_at is written at most once a
// minute.
func (s *Store) AuthToken(ctx context.Context, pepper []byte, raw, ip string) (Token, User, error) {
	rest, ok := strings.CutPrefix(raw, TokenPrefix)
	key, secret, ok2 := strings.Cut(rest, ".")
	if !ok || !ok2 || len(key) != 16 || len(secret) < 32 || len(secret) > 64 || len(pepper) == 0 {
		return Token{}, User{}, ErrBadToken
	}
	// The key is kept in the cache: it must not share memory with the
	// caller's buffer (fiber reuses a request's memory for the next one).
	key = strings.Clone(key)
	now := s.now().UTC()
	e, ok := s.tokens.get(key, now)
	if !ok {
		var err error
		if e, err = s.readToken(ctx, key); err != nil {
			return Token{}, User{}, err
		}
		e.read, e.gen = now, s.tokens.gen.Load()
	}
	if !hmac.Equal([]byte(e.secretHash), []byte(tokenHash(pepper, secret))) ||
		e.user.Status != "active" || (e.token.ExpiresAt != nil && !now.Before(*e.token.ExpiresAt)) {
		return Token{}, User{}, ErrBadToken
	}
	if !e.token.AllowedIPs.Allows(ip) {
		return Token{}, User{}, ErrTokenAddress
	}
	if e.token.LastUsedAt == nil || now.Sub(*e.token.LastUsedAt) >= time.Minute {
		if _, err := s.db.ExecContext(ctx, s.db.Rebind(`UPDATE api_tokens SET last_used_at = ? WHERE id = ?`), now, e.token.ID); err != nil {
			return Token{}, User{}, dbErr(err, "touch token")
		}
		e.token.LastUsedAt = &now
	}
	s.tokens.put(key, e)
	return e.token, e.user, nil
}

// readToken reads a token and its user in one query.
func (s *Store) readToken(ctx context.Context, key string) (cachedToken, error) {
	var row struct {
		User
		TokenID      int64      `db:"t_id"`
		SecretHash   string     `db:"secret_hash"`
		Description  string     `db:"description"`
		WriteEnabled bool       `db:"write_enabled"`
		AllowedIPs   IPList     `db:"allowed_ips"`
		ExpiresAt    *time.Time `db:"expires_at"`
		LastUsedAt   *time.Time `db:"last_used_at"`
		TCreatedAt   time.Time  `db:"t_created_at"`
	}
	err := s.db.GetContext(ctx, &row, s.db.Rebind(`SELECT t.id AS t_id, t.secret_hash, t.description,
		t.write_enabled, t.allowed_ips, t.expires_at, t.last_used_at, t.created_at AS t_created_at, `+userCols+`
		FROM api_tokens t JOIN users u ON u.id = t.user_id LEFT JOIN units n ON n.id = u.unit_id WHERE t.key = ?`), key)
	if err != nil {
		if ignoreNoRows(err) == nil {
			return cachedToken{}, ErrBadToken
		}
		return cachedToken{}, dbErr(err, "token")
	}
	t := Token{ID: row.TokenID, Key: key, UserID: row.ID, Username: row.Username, Description: row.Description,
		WriteEnabled: row.WriteEnabled, AllowedIPs: row.AllowedIPs, ExpiresAt: row.ExpiresAt,
		LastUsedAt: row.LastUsedAt, CreatedAt: row.TCreatedAt}
	return cachedToken{token: t, user: row.User, secretHash: row.SecretHash}, nil
}

// IPList is a token's allowed client networks (CIDRs), stored as one
// comma-separated text; empty allows every address.
type IPList []netip.Prefix

// parseIPList returns the networks as stored, or the first entry that is
// not an address or network.
func parseIPList(in []string) (ips, bad string) {
	out := make([]string, 0, len(in))
	for _, v := range in {
		v = strings.TrimSpace(v)
		p, err := netip.ParsePrefix(v)
		if err != nil {
			a, aerr := netip.ParseAddr(v)
			if aerr != nil {
				return "", v
			}
			p = netip.PrefixFrom(a, a.BitLen())
		}
		out = append(out, p.Masked().String())
	}
	return strings.Join(out, ","), ""
}

// Scan reads the stored text.
func (l *IPList) Scan(src any) error {
	var text string
	switch v := src.(type) {
	case string:
		text = v
	case []byte:
		text = string(v)
	case nil:
	default:
		return fmt.Errorf("inventory: cannot read %T as a network list", src)
	}
	*l = IPList{}
	for _, part := range strings.Split(text, ",") {
		if part == "" {
			continue
		}
		p, err := netip.ParsePrefix(part)
		if err != nil {
			return fmt.Errorf("inventory: allowed_ips: %w", err)
		}
		*l = append(*l, p)
	}
	return nil
}

// Allows reports whether ip is in one of the networks (any, when there are
// none).
func (l IPList) Allows(ip string) bool {
	if len(l) == 0 {
		return true
	}
	a, err := netip.ParseAddr(ip)
	if err != nil {
		return false
	}
	a = a.Unmap()
	for _, p := range l {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// MarshalJSON writes the networks as strings, [] when there are none.
func (l IPList) MarshalJSON() ([]byte, error) {
	parts := make([]string, len(l))
	for i, p := range l {
		parts[i] = `"` + p.String() + `"`
	}
	return []byte("[" + strings.Join(parts, ",") + "]"), nil
}

package inventory

import (
	"context"
	"fmt"
	"slices"
	"strings"
)

// SetUserLanguage keeps the language user id chose for the pages: "zh",
// "en", or "" to follow the cookie and the browser again. A user changes
// their own; an administrator may change anyone's.
func (s *Store) SetUserLanguage(ctx context.Context, id int64, lang string) (User, error) {
	if lang != "" && !slices.Contains(Languages, lang) {
		return User{}, Invalid("language", "err.user.language", strings.Join(Languages, ", "))
	}
	if c := CallerOf(ctx); c.UserID != id && c.Role != RoleAdmin {
		return User{}, fmt.Errorf("inventory: language of user %d: %w", id, ErrNotFound)
	}
	var out User
	err := s.inTx(ctx, func(tx *txn) error {
		before, err := userWhere(ctx, tx, "u.id = ?"+tx.forUpdateOf("u"), id)
		if err != nil {
			return err
		}
		if err := tx.exec(`UPDATE users SET language = ? WHERE id = ?`, lang, id); err != nil {
			return dbErr(err, fmt.Sprintf("language of user %d", id))
		}
		out = before
		out.Language = lang
		type langOnly struct {
			Language string `json:"language"`
		}
		return tx.audit("update", "user", id, langOnly{before.Language}, langOnly{lang})
	})
	s.tokens.forget()
	return out, err
}

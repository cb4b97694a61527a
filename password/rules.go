package password

import (
	_ "embed"
	"strings"
	"unicode"
	"unicode/utf8"
)

// MinLength is the shortest password allowed, in characters.
const MinLength = 10

// MaxLength is the longest password accepted, in bytes: argon2 reads it all.
const MaxLength = 256

//go:embed common.txt
var commonTxt string

var common = func() map[string]bool {
	m := map[string]bool{}
	for _, l := range strings.Split(commonTxt, "\n") {
		if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "#") {
			m[strings.ToLower(l)] = true
		}
	}
	return m
}()

// Rules, named in a RuleError.
const (
	RuleLength   = "length"
	RuleClasses  = "classes"
	RuleUsername = "username"
	RuleCommon   = "common"
	RuleTooLong  = "too_long"
)

// RuleError says which rule a password breaks.
type RuleError struct{ Rule string }

func (e *RuleError) Error() string { return e.Message("en") }

// Message says, in lang ("zh" or "en"), which rule was broken.
func (e *RuleError) Message(lang string) string {
	zh := lang != "en"
	switch e.Rule {
	case RuleLength:
		if zh {
			return "密码至少需要 10 个字符"
		}
		return "the password must have at least 10 characters"
	case RuleTooLong:
		if zh {
			return "密码不能超过 256 字节"
		}
		return "the password may have at most 256 bytes"
	case RuleClasses:
		if zh {
			return "密码须包含小写字母、大写字母、数字、其他符号这四类中的至少三类"
		}
		return "the password must mix at least three of: lower-case letters, upper-case letters, digits, other characters"
	case RuleUsername:
		if zh {
			return "密码不能包含用户名"
		}
		return "the password must not contain the username"
	}
	if zh {
		return "该密码属于最常见的密码，请另选一个"
	}
	return "the password is one of the most common passwords; choose another"
}

// Check applies the password rules: at least 10 characters, three of the four
// classes (lower, upper, digit, other), not containing the username, not one
// of the most common passwords. The error is a *RuleError.
func Check(username, pw string) error {
	switch {
	case len(pw) > MaxLength:
		return &RuleError{RuleTooLong}
	case utf8.RuneCountInString(pw) < MinLength:
		return &RuleError{RuleLength}
	case classes(pw) < 3:
		return &RuleError{RuleClasses}
	case username != "" && strings.Contains(strings.ToLower(pw), strings.ToLower(username)):
		return &RuleError{RuleUsername}
	case common[strings.ToLower(pw)]:
		return &RuleError{RuleCommon}
	}
	return nil
}

func classes(pw string) int {
	var lower, upper, digit, other int
	for _, r := range pw {
		switch {
		case unicode.IsLower(r):
			lower = 1
		case unicode.IsUpper(r):
			upper = 1
		case unicode.IsDigit(r):
			digit = 1
		default:
			other = 1
		}
	}
	return lower + upper + digit + other
}

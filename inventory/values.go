package inventory

import (
	"database/sql/driver"
	"fmt"
	"math"
	"net/netip"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Date is a calendar day, "YYYY-MM-DD" in JSON and in the database.
type Date string

// Scan reads a DATE (PostgreSQL gives a time.Time) or TEXT (SQLite) column.
func (d *Date) Scan(src any) error {
	switch v := src.(type) {
	case time.Time:
		*d = Date(v.Format(time.DateOnly))
	case string:
		*d = Date(v)
	case []byte:
		*d = Date(v)
	default:
		return fmt.Errorf("inventory: cannot read %T as a date", src)
	}
	return nil
}

// Value writes the day as text; PostgreSQL casts it to DATE.
func (d Date) Value() (driver.Value, error) { return string(d), nil }

// valid accepts real calendar days from 1900 to 2199.
func (d Date) valid() bool {
	t, err := time.Parse(time.DateOnly, string(d))
	return err == nil && t.Format(time.DateOnly) == string(d) && t.Year() >= 1900 && t.Year() < 2200
}

// Secret is a password, community or passphrase: accepted on write, stored, and
// never printed, logged or returned.
type Secret string

func (Secret) String() string { return "[redacted]" }

// GoString keeps %#v from showing it either.
func (Secret) GoString() string { return "[redacted]" }

// MarshalJSON never writes the secret itself.
func (Secret) MarshalJSON() ([]byte, error) { return []byte(`"[redacted]"`), nil }

// Reveal gives the secret to the code that must use it (the collector, the
// store).
func (s Secret) Reveal() string { return string(s) }

// The validation helpers below add a message per field to a ValidationError.

func checkRequired(ve *ValidationError, field, v string, max int) {
	if strings.TrimSpace(v) == "" {
		ve.Add(field, "err.values.field.required")
		return
	}
	checkMaxLen(ve, field, v, max)
}

// checkMaxLen checks a text's length and that it is text at all: valid UTF-8
// without NUL characters, which PostgreSQL cannot store.
func checkMaxLen(ve *ValidationError, field, v string, max int) {
	if key := badText(v); key != "" {
		ve.Add(field, key)
		return
	}
	if utf8.RuneCountInString(v) > max {
		ve.Add(field, "err.values.field.most_characters", max)
	}
}

// badText is the catalog key of what is wrong with a text that cannot be
// stored, "" when nothing is.
func badText(v string) string {
	switch {
	case !utf8.ValidString(v):
		return "err.text.utf8"
	case strings.ContainsRune(v, 0):
		return "err.text.nul"
	}
	return ""
}

func checkEnum(ve *ValidationError, field, v string, allowed []string) {
	if !slices.Contains(allowed, v) {
		ve.Add(field, "err.spec.field.one", strings.Join(allowed, ", "), v)
	}
}

func checkRange(ve *ValidationError, field string, v, lo, hi int) {
	if v < lo || v > hi {
		ve.Add(field, "err.values.field.between", lo, hi, v)
	}
}

func checkOptRange(ve *ValidationError, field string, v *int, lo, hi int) {
	if v != nil {
		checkRange(ve, field, *v, lo, hi)
	}
}

// maxMoney bounds amounts in yuan to what NUMERIC(16,2) holds.
const maxMoney = 1e13

func checkMoney(ve *ValidationError, field string, v float64) {
	if math.IsNaN(v) || v < 0 || v >= maxMoney {
		ve.Add(field, "err.values.field.amount_between_f", float64(maxMoney))
	}
}

// money rounds an amount to fen (0.01 yuan).
func money(v float64) float64 { return math.Round(v*100) / 100 }

func checkIP(ve *ValidationError, field, v string) {
	if v == "" {
		return
	}
	if _, err := netip.ParseAddr(v); err != nil {
		ve.Add(field, "err.values.field.ipv_ipv_address", v)
	}
}

func checkDate(ve *ValidationError, field string, d *Date) {
	if d != nil && !d.valid() {
		ve.Add(field, "err.values.field.date_yyyy_mm", string(*d))
	}
}

// nullable turns "" into NULL for optional unique columns.
func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func trim(ps ...*string) {
	for _, p := range ps {
		*p = strings.TrimSpace(*p)
	}
}

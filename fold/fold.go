// Package fold gives the form in which two identifiers that a person would
// take for the same one compare equal: serial numbers, asset tags, codes and
// names that differ only in case, in full-width against half-width ASCII, or
// in surrounding spaces.
//
// What it covers, with the standard library only:
//   - full-width ASCII (U+FF01–U+FF5E) becomes the ASCII it stands for, and
//     the ideographic space (U+3000) a space;
//   - Unicode simple case folding (CaseFolding.txt status C and S), through
//     the orbits of unicode.SimpleFold: "K", "k" and the Kelvin sign K fold
//     alike, as do "Σ", "σ" and "ς";
//   - leading and trailing white space is trimmed.
//
// What it does not: full case folding ("ß" stays apart from "ss"),
// compatibility normalisation beyond full-width ASCII (half-width katakana,
// ligatures, NFKC), or spaces inside the value.
package fold

import (
	"strings"
	"unicode"
)

// Key is s in its folded form; "" stays "".
func Key(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		b.WriteRune(Rune(r))
	}
	return strings.TrimSpace(b.String())
}

// Rune folds one character.
func Rune(r rune) rune {
	switch {
	case r >= 0xFF01 && r <= 0xFF5E:
		r -= 0xFEE0
	case r == 0x3000:
		return ' '
	}
	// The orbit's smallest member stands for the whole orbit, lower-cased
	// where it has a lower case, so the stored keys stay readable.
	min := r
	for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
		if f < min {
			min = f
		}
	}
	return unicode.ToLower(min)
}

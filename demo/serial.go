package demo

import "fmt"

// Serial numbers in each manufacturer's usual shape, made from a running
// number n so that they are unique per manufacturer and stable.

// huaweiSerial: 21 + 8-character item code + plant, year and month letters
// + a six-digit number, e.g. 2102313DLS10N3000123.
func huaweiSerial(item string) func(int) string {
	return func(n int) string {
		return fmt.Sprintf("21%s10%c%d%06d", item, 'K'+rune(n%6), 1+n%9, n)
	}
}

// inspurSerial: a nine-digit number starting 21, e.g. 218317042.
func inspurSerial(n int) string { return fmt.Sprintf("21%07d", 8_310_000+n) }

// h3cSerial: 210235 + item + a plant-and-date block + a sequence.
func h3cSerial(item string) func(int) string {
	return func(n int) string { return fmt.Sprintf("210235%sH%dC%06d", item, 21+n%4, n) }
}

func sugonSerial(n int) string     { return fmt.Sprintf("SG%02d%08d", 20+n%6, 3_000_000+n) }
func lenovoSerial(n int) string    { return fmt.Sprintf("J30%05X", 0x1A000+n) }
func ruijieSerial(n int) string    { return fmt.Sprintf("G1NW%02dB%06d", 10+n%12, n) }
func hillstoneSerial(n int) string { return fmt.Sprintf("0128%06d%04d", 2_010_000+n, 1000+n%9000) }
func sangforSerial(n int) string   { return fmt.Sprintf("SF%010d", 8_800_000_000+int64ToInt(n)) }
func qaxSerial(n int) string       { return fmt.Sprintf("QAX%04d%07d", 2021+n%4, n) }
func venusSerial(n int) string     { return fmt.Sprintf("VT%08d", 60_000_000+n) }
func nsfocusSerial(n int) string   { return fmt.Sprintf("NSF%02d%08d", 22+n%3, n) }

func int64ToInt(n int) int { return n }

package inventory

import (
	"math"
	"strconv"
	"strings"
	"time"

	"hostroll/fold"
	"hostroll/locale"
)

// The cells of an imported row are text; these read them into an input's
// fields. Each returns "" or the message (in the import's language) that the
// preview shows beside the row and column. An empty cell clears a nullable
// field and leaves a required one at its base (the default on create, the
// stored value on update), where validation speaks if it must.

func cellText(dst *string, v string) string {
	*dst = v
	return ""
}

func (ix *importer) cellInt(dst *int, v string) string {
	if v == "" {
		return ""
	}
	n, ok := parseInt(v)
	if !ok {
		return locale.T(ix.lang, "sheet.cell.not_integer", v)
	}
	*dst = n
	return ""
}

func (ix *importer) cellOptInt(dst **int, v string) string {
	if v == "" {
		*dst = nil
		return ""
	}
	n, ok := parseInt(v)
	if !ok {
		return locale.T(ix.lang, "sheet.cell.not_integer", v)
	}
	*dst = &n
	return ""
}

// parseInt reads a whole number, also as Excel shows one ("1,024", "42.0").
func parseInt(v string) (int, bool) {
	v = strings.ReplaceAll(v, ",", "")
	if n, err := strconv.Atoi(v); err == nil {
		return n, true
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || f != math.Trunc(f) || math.Abs(f) > 1<<31 {
		return 0, false
	}
	return int(f), true
}

func (ix *importer) cellMoney(dst *float64, v string) string {
	if v == "" {
		return ""
	}
	f, ok := parseMoney(v)
	if !ok {
		return locale.T(ix.lang, "sheet.cell.not_number", v)
	}
	*dst = f
	return ""
}

func (ix *importer) cellOptMoney(dst **float64, v string) string {
	if v == "" {
		*dst = nil
		return ""
	}
	f, ok := parseMoney(v)
	if !ok {
		return locale.T(ix.lang, "sheet.cell.not_number", v)
	}
	*dst = &f
	return ""
}

// parseMoney reads an amount: "12500", "12,500.50", "¥12,500.50".
func parseMoney(v string) (float64, bool) {
	v = strings.NewReplacer(",", "", "¥", "", "￥", "", "元", "").Replace(v)
	f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, false
	}
	return f, true
}

// boolWords are what a cell may say for yes and no, besides the labels.
var boolWords = map[string]bool{"true": true, "yes": true, "y": true, "1": true, "是": true, "√": true,
	"false": false, "no": false, "n": false, "0": false, "否": false, "×": false}

func (ix *importer) cellBool(dst *bool, v string) string {
	if v == "" {
		return ""
	}
	k := fold.Key(v)
	for _, b := range []bool{true, false} {
		for _, lang := range locale.Langs {
			if fold.Key(boolLabel(lang, b)) == k {
				*dst = b
				return ""
			}
		}
	}
	if b, ok := boolWords[k]; ok {
		*dst = b
		return ""
	}
	return locale.T(ix.lang, "sheet.cell.not_bool", v, boolLabel(ix.lang, true), boolLabel(ix.lang, false))
}

func boolLabel(lang string, b bool) string {
	if b {
		return locale.T(lang, "common.yes")
	}
	return locale.T(lang, "common.no")
}

// cellEnum reads a code or its label in either language.
func (ix *importer) cellEnum(dst *string, v, set string, codes []string) string {
	if v == "" {
		return ""
	}
	if code, ok := enumCode(v, set, codes); ok {
		*dst = code
		return ""
	}
	labels := make([]string, len(codes))
	for i, c := range codes {
		labels[i] = locale.Label(ix.lang, set, c)
	}
	return locale.T(ix.lang, "sheet.cell.not_enum", v, strings.Join(labels, "、"))
}

func enumCode(v, set string, codes []string) (string, bool) {
	k := fold.Key(v)
	for _, c := range codes {
		if fold.Key(c) == k {
			return c, true
		}
		for _, lang := range locale.Langs {
			if fold.Key(locale.Label(lang, set, c)) == k {
				return c, true
			}
		}
	}
	return "", false
}

// dateLayouts are the ways a day is written in a sheet.
var dateLayouts = []string{time.DateOnly, "2006/1/2", "2006.1.2", "2006-1-2", "2006年1月2日", "20060102"}

func (ix *importer) cellDate(dst **Date, v string) string {
	if v == "" {
		*dst = nil
		return ""
	}
	for _, layout := range dateLayouts {
		if t, err := time.Parse(layout, v); err == nil {
			d := Date(t.Format(time.DateOnly))
			*dst = &d
			return ""
		}
	}
	if serial, err := strconv.Atoi(v); err == nil && serial > 20000 && serial < 80000 { // an Excel day number
		d := Date(time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC).AddDate(0, 0, serial).Format(time.DateOnly))
		*dst = &d
		return ""
	}
	return locale.T(ix.lang, "sheet.cell.not_date", v)
}

// dateCell is how a day is exported.
func dateCell(d *Date) any {
	if d == nil {
		return nil
	}
	return string(*d)
}

func optInt(p *int) any {
	if p == nil {
		return nil
	}
	return *p
}

func optFloat(p *float64) any {
	if p == nil {
		return nil
	}
	return *p
}

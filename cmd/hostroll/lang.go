package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"hostroll/inventory"
	"hostroll/locale"
)

// cliLang is the language of the command line's output: HOSTROLL_LANG, else
// the locale of the environment (LC_ALL, LC_MESSAGES, LANG: en_US.UTF-8 is
// English), else Chinese.
func cliLang() string {
	for _, env := range []string{"HOSTROLL_LANG", "LC_ALL", "LC_MESSAGES", "LANG"} {
		if l, ok := locale.Of(os.Getenv(env)); ok {
			return l
		}
	}
	return locale.Default
}

// t renders the catalog message key (cli. keys) in the command's language.
func (w streams) t(key string, args ...any) string {
	return inventory.M(key, args...).Text(w.lang)
}

// printf writes the catalog message key to out in the command's language.
func (w streams) printf(out io.Writer, key string, args ...any) {
	fmt.Fprint(out, w.t(key, args...))
}

// errorText is what the command line says of an error: the store's
// refusals in the command's language, a validation error field by field.
func errorText(err error, lang string) string {
	var (
		ve *inventory.ValidationError
		ce *inventory.ConflictError
		fe *inventory.ForbiddenError
	)
	switch {
	case errors.As(err, &ve):
		fields := ve.FieldsIn(lang)
		keys := make([]string, 0, len(fields))
		for k := range fields {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		parts := make([]string, len(keys))
		for i, k := range keys {
			parts[i] = inventory.M("cli.field_problem", k, fields[k]).Text(lang)
		}
		return inventory.M("cli.invalid_input", strings.Join(parts, "\n")).Text(lang)
	case errors.As(err, &ce):
		return ce.Text(lang)
	case errors.As(err, &fe):
		return fe.Text(lang)
	}
	return err.Error()
}

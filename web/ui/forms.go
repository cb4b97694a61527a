package ui

import (
	"errors"

	"hostroll/inventory"
)

// formError is what a form shows after the store refused a write: a
// message beside each field the store named, and one for the whole form
// when the refusal names no field. Errors that are not the user's (a
// database failure) are returned as they are, for the error page.
type formError struct {
	Fields  map[string]string
	Message string
}

// formErrorOf sorts a write's error for a form in lang; ok is false when
// the error is not one a form can show.
func formErrorOf(err error, lang string) (formError, bool) {
	var (
		ve *inventory.ValidationError
		ce *inventory.ConflictError
		fe *inventory.ForbiddenError
	)
	switch {
	case errors.As(err, &ve):
		return formError{Fields: ve.FieldsIn(lang)}, true
	case errors.As(err, &ce):
		f := formError{Fields: ce.FieldsIn(lang)} // with Field's own message
		if f.Fields == nil {
			f.Fields = map[string]string{}
		}
		if ce.Field == "" {
			f.Message = ce.Text(lang)
		}
		return f, true
	case errors.As(err, &fe):
		return formError{Message: fe.Text(lang)}, true
	}
	return formError{}, false
}

func asConflict(err error, ce **inventory.ConflictError) bool { return errors.As(err, ce) }

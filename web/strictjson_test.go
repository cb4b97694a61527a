package web

import (
	"errors"
	"strings"
	"testing"

	"hostroll/inventory"
)

type embedded struct {
	Count int `json:"count"`
}

type strictTarget struct {
	embedded
	Name  string   `json:"name"`
	Note  *string  `json:"note"`
	Tags  []string `json:"tags"`
	Extra any      `json:"extra"`
}

func TestStrictJSONUnit(t *testing.T) {
	t.Parallel()
	deep := strings.Repeat(`{"extra":`, 40) + "1" + strings.Repeat("}", 40)
	for _, tc := range []struct {
		name, body string
		field      string // a validation error on this field; "" for bad_request
		ok         bool
	}{
		{"fine", `{"name":"a","note":null,"tags":["x"],"extra":null,"count":2}`, "", true},
		{"escaped quote then surrogate pair", `{"name":"\"\ud83d\ude00\\"}`, "", true},
		{"escaped backslash before u", `{"name":"\\ud800"}`, "", true},
		{"null for an embedded struct's field", `{"count":null}`, "count", false},
		{"null in a list of texts", `{"tags":["a",null]}`, "tags[1]", false},
		{"nested too deep", deep, "", false},
		{"trailing object", `{"name":"a"}{}`, "", false},
		{"lone surrogate after an escaped quote", `{"name":"\"\udfff"}`, "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := strictJSON([]byte(tc.body), &strictTarget{})
			if tc.ok {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			var ve *inventory.ValidationError
			var ae *apiError
			switch {
			case tc.field != "" && (!errors.As(err, &ve) || ve.Fields[tc.field] == ""):
				t.Errorf("error %v, want a validation error on %s", err, tc.field)
			case tc.field == "" && !errors.As(err, &ae):
				t.Errorf("error %v, want a bad_request", err)
			}
		})
	}
}

package web

import (
	"strings"
	"sync"

	"github.com/gofiber/fiber/v2"

	"hostroll/inventory"
	"hostroll/locale"
)

// langOf is the language of a request: ?lang=en|zh (zh-CN, en-US and the
// like count too), else the preferred of Accept-Language, else Chinese.
func langOf(c *fiber.Ctx) string {
	if l, ok := locale.Of(c.Query("lang")); ok {
		return l
	}
	return locale.Negotiate(c.Get(fiber.HeaderAcceptLanguage))
}

func isEnglish(lang string) bool { return lang == locale.EN }

// knownLang tells whether a lang= value names one of the two languages.
func knownLang(q string) bool {
	_, ok := locale.Of(q)
	return ok
}

// msg renders the catalog message key (locale/, api.*) in the request's
// language.
func msg(c *fiber.Ctx, key string, args ...any) string {
	return inventory.M(key, args...).Text(langOf(c))
}

// fieldName is how a message names an input field: its key in English
// (what scripts send), its label in Chinese where the catalog has one
// (field.<entity>.<key> of any entity, or api.field.<key>), else the key.
func fieldName(lang, key string) string {
	if isEnglish(lang) {
		return key
	}
	if label, ok := fieldLabels()[key]; ok {
		return label
	}
	return key
}

// fieldLabels are the Chinese labels of field keys, from the catalog.
var fieldLabels = sync.OnceValue(func() map[string]string {
	out := map[string]string{}
	for _, k := range locale.Keys() {
		rest, ok := strings.CutPrefix(k, "field.")
		if !ok {
			continue
		}
		if _, field, ok := strings.Cut(rest, "."); ok {
			if _, have := out[field]; !have {
				out[field] = locale.T(locale.ZH, k)
			}
		}
	}
	return out
})

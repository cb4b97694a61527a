package web_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// TestBrowserSignIn signs in through the page in a real chromium, lands on
// the home page in Chinese, and finds that "/" focuses the search box and
// that the language can be switched.
func TestBrowserSignIn(t *testing.T) {
	b := newBrowser(t)
	b.signIn(t, "admin")
	if got := b.text(t, "main h1"); got != "首页" {
		t.Errorf("home title %q, want 首页", got)
	}
	b.do(t, chromedp.KeyEvent("/"))
	if focused := value(t, b, chromedp.Evaluate[string](`document.activeElement ? document.activeElement.id : ""`)); focused != "search" {
		t.Errorf("after /, focus is on %q, want the search box", focused)
	}
	b.do(t, chromedp.KeyEvent(kb.Escape), chromedp.Click(chromedp.CSS(`form.lang button`)),
		chromedp.WaitReady(chromedp.CSS(`html[lang=en]`)))
	if got := b.text(t, "main h1"); got != "Home" {
		t.Errorf("after switching, title %q, want Home", got)
	}
	b.do(t, chromedp.Navigate(b.base+"/"))
	if lang := value(t, b, chromedp.Evaluate[string](`document.documentElement.lang`)); !strings.HasPrefix(lang, "en") {
		t.Errorf("the language did not stick: lang=%q", lang)
	}
}

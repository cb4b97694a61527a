package web_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"hostroll/twofactor"
)

// TestBrowserTOTPEnrol enrols a second factor at /login/totp in a real
// chromium: the QR code (a data: PNG) is drawn under the page's CSP, the key
// shown beside it gives the code that confirms, and the 10 recovery codes
// are listed once.
func TestBrowserTOTPEnrol(t *testing.T) {
	b := newBrowser(t)
	b.signIn(t, "admin")
	b.do(t, chromedp.Navigate(b.base+"/login/totp"), chromedp.WaitVisible(chromedp.CSS(`form[action^="/login/totp"] button`)))
	if got := b.text(t, "main"); !strings.Contains(got, "尚未启用双因素认证") {
		t.Fatalf("/login/totp before enrolment: %q", got)
	}
	b.do(t, chromedp.Click(chromedp.CSS(`form[action^="/login/totp"] button`)), chromedp.WaitVisible(chromedp.CSS(`img.qr`)))
	drawn := value(t, b, chromedp.Evaluate[int](`(() => { const i = document.querySelector("img.qr"); return i.complete ? i.naturalWidth : -1 })()`))
	if drawn != twofactor.QRSize {
		t.Fatalf("the QR code is not drawn (naturalWidth %d): the CSP or the data URL is wrong", drawn)
	}
	if *update {
		png := value(t, b, chromedp.FullScreenshot(100)) // 100: PNG; less is JPEG
		dir := filepath.Join("..", "docs", "screenshots")
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "totp-enrol.png"), png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	secret := b.text(t, "code.secret")
	code, err := twofactor.Code(secret, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	b.do(t, chromedp.SendKeys(chromedp.CSS(`input[name=code]`), code),
		chromedp.Submit(chromedp.CSS(`input[name=code]`)), chromedp.WaitVisible(chromedp.CSS(`ol.codes`)))
	if n := value(t, b, chromedp.Evaluate[int](`document.querySelectorAll("ol.codes li").length`)); n != twofactor.RecoveryCount {
		t.Fatalf("%d recovery codes shown, want %d", n, twofactor.RecoveryCount)
	}
}

package web_test

import (
	"context"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"hostroll/inventory/dbtest"
	"hostroll/web"
)

// -update (declared with the golden files) also makes the browser tests
// write their screenshots into docs/screenshots:
// go test ./web -run Browser -update.

// chromiumPath finds Debian's chromium; without it the browser tests skip,
// unless HOSTROLL_REQUIRE_EXTERNAL=1 makes that a failure.
func chromiumPath(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("HOSTROLL_REQUIRE_EXTERNAL") == "1" {
		t.Fatal("HOSTROLL_REQUIRE_EXTERNAL=1 requires chromium (apt-get install chromium fonts-wqy-microhei)")
	}
	t.Skip("chromium not installed (apt-get install chromium fonts-wqy-microhei): browser tests skipped")
	return ""
}

// browserApp is the real app served on a loopback port, over a fresh
// SQLite database, and a headless chromium that drives it.
type browserApp struct {
	*client
	base string          // http://127.0.0.1:port
	ctx  context.Context // chromedp's tab
}

// newBrowser starts the app and the browser; both stop when the test ends.
// The client is an admin ("admin"), as in the API tests; users made with
// c.mkUser sign in with testPassword.
func newBrowser(t *testing.T) *browserApp {
	t.Helper()
	exe := chromiumPath(t)
	c := newClient(t, testConfig(dbtest.SQLite(t).Store), "sqlite")
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	served := make(chan error, 1)
	go func() { served <- c.app.Listener(ln) }()
	t.Cleanup(func() {
		if err := c.app.Shutdown(); err != nil {
			t.Errorf("shutdown: %v", err)
		}
		<-served
	})
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(exe), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.NoFirstRun, chromedp.NoDefaultBrowserCheck, chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("disable-quic", true), chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true),
		chromedp.Flag("lang", "zh-CN"), chromedp.Flag("accept-lang", "zh-CN,zh"), chromedp.WindowSize(1366, 900),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(actx)
	t.Cleanup(func() { cancel(); cancelAlloc() })
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	return &browserApp{client: c, base: "http://" + ln.Addr().String(), ctx: ctx}
}

// do runs chromedp steps with a deadline, so that a page that never shows
// what a test waits for fails the test instead of hanging it. chromedp
// v0.23's API is generic: steps are Action[Void]; an action with a value
// (Text, Evaluate[T], Location, FullScreenshot) runs with value.
func (b *browserApp) do(t *testing.T, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		loc, _ := chromedp.Run(b.ctx, chromedp.Location())
		t.Fatalf("browser at %s: %v", loc, err)
	}
}

// value runs one action that gives a value, with a deadline.
func value[T any](t *testing.T, b *browserApp, a chromedp.Action[T]) T {
	t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		loc, _ := chromedp.Run(b.ctx, chromedp.Location())
		t.Fatalf("browser at %s: %v", loc, err)
	}
	return v
}

// signIn signs in through the sign-in page as username (password
// testPassword) and waits for a page with the menu.
func (b *browserApp) signIn(t *testing.T, username string) {
	t.Helper()
	b.do(t,
		chromedp.Navigate(b.base+"/login"),
		chromedp.WaitVisible(chromedp.CSS(`input[name=username]`)),
		chromedp.SendKeys(chromedp.CSS(`input[name=username]`), username),
		chromedp.SendKeys(chromedp.CSS(`input[name=password]`), testPassword),
		chromedp.Submit(chromedp.CSS(`input[name=password]`)),
		chromedp.WaitVisible(chromedp.CSS(`form.search`)),
		pageReady(),
	)
}

// pageReady waits until the page has run its scripts (app.js is deferred):
// a key pressed before that reaches no listener.
func pageReady() chromedp.Action[chromedp.Void] {
	return chromedp.Poll[chromedp.Void](`document.readyState === "complete"`)
}

// screenshot writes the page to docs/screenshots/<name>.png when -update
// is given.
func (b *browserApp) screenshot(t *testing.T, name string) {
	t.Helper()
	if !*update {
		return
	}
	png := value(t, b, chromedp.FullScreenshot(100))
	dir := filepath.Join("..", "docs", "screenshots")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644); err != nil {
		t.Fatal(err)
	}
}

// text is the visible text of the first element sel (CSS) matches.
func (b *browserApp) text(t *testing.T, sel string) string {
	t.Helper()
	return strings.TrimSpace(value(t, b, chromedp.Text(chromedp.CSS(sel), chromedp.NodeVisible)))
}

var _ = web.Routes // the helpers drive the same app as the API tests

// Package browsertest starts a real headless Chromium for tests that click through pages
// as a person would. CI installs Debian's chromium; without it such tests fail under CI
// and are skipped elsewhere.
package browsertest

import (
	"context"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// executable finds Chromium: $CHROMIUM, else the usual names on PATH.
func executable() string {
	if p := os.Getenv("CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// New returns a browser tab context, closed when the test ends. Every action on it is
// bounded by timeout so that a broken page fails the test instead of hanging it.
func New(t *testing.T, timeout time.Duration) context.Context {
	t.Helper()
	exe := executable()
	if exe == "" {
		if os.Getenv("CI") != "" {
			t.Fatal("browsertest: Chromium not found (install Debian's chromium package)")
		}
		t.Skip("browsertest: Chromium not found; install Debian's chromium package to run this test")
	}
	// Without UserDataDir chromedp makes a fresh profile and removes it once Chromium has
	// exited; a t.TempDir() profile races with Chromium's last writes on cleanup.
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(exe),
		chromedp.NoSandbox, // CI runs as root
		chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.WindowSize(1280, 900),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelTab := chromedp.NewContext(allocCtx, chromedp.WithErrorf(t.Logf))
	ctx, cancelTimeout := context.WithTimeout(ctx, timeout)
	t.Cleanup(func() {
		cancelTimeout()
		cancelTab()
		cancelAlloc()
	})
	if err := chromedp.Run(ctx); err != nil {
		t.Fatalf("browsertest: start Chromium: %v", err)
	}
	return ctx
}

// Steps returns the runner of a test's steps on the tab ctx: each runs its actions, and
// a failure stops the test with the step's name, the page's address and its text, which
// say where the flow stood.
func Steps(t *testing.T, ctx context.Context) func(name string, actions ...chromedp.Action) {
	return func(name string, actions ...chromedp.Action) {
		t.Helper()
		if err := chromedp.Run(ctx, actions...); err != nil {
			var text, at string
			chromedp.Run(ctx, chromedp.Location(&at), chromedp.Evaluate(`document.body ? document.body.innerText : ""`, &text))
			t.Fatalf("%s: %v\nat %s:\n%s", name, err, at, text)
		}
	}
}

package web_test

import (
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"agent/app/browsertest"
	"agent/app/ids"
)

// TestBrowserMailFiles: a mail with an inline image and attachments, opened in a real
// headless Chromium: the image shows as a thumbnail (it loads with the person's session),
// the PDF is a download, the file not kept says so; the original mail shows its inline
// image, and none of the mail's scripts.
func TestBrowserMailFiles(t *testing.T) {
	e := newEnv(t, nil)
	e.setupOwner()
	conv := e.receiveMail(t, mailWithFiles)

	ctx := browsertest.New(t, 60*time.Second)
	step := browsertest.Steps(t, ctx)
	loaded := func(sel string, width *int) chromedp.Action {
		return chromedp.Tasks{
			chromedp.Poll(`(function(){ const img = document.querySelector('`+sel+`'); return !!img && img.complete })()`, nil, chromedp.WithPollingTimeout(10*time.Second)),
			chromedp.Evaluate(`document.querySelector('`+sel+`').naturalWidth`, width),
		}
	}
	var thumb, inline, scripts int
	var pdf, omitted string
	step("log in and open the conversation",
		e.browserLogIn(),
		chromedp.Navigate(e.srv.URL+e.path("inbox/"+ids.Encode(conv))),
		chromedp.WaitVisible(`[data-testid="files"]`),
	)
	// The page may be redrawn live meanwhile (the AI's answer to the mail arriving), so
	// each text is read in one script rather than through a node found before.
	text := func(sel string, out *string) chromedp.Action {
		return chromedp.Evaluate(`document.querySelector('`+sel+`').innerText`, out)
	}
	step("the image is a thumbnail, the PDF a download, the scan not kept",
		loaded(`[data-kind="image"] img`, &thumb),
		text(`[data-kind="download"]`, &pdf),
		text(`[data-kind="omitted"]`, &omitted),
	)
	if thumb != 1 {
		t.Errorf("the thumbnail did not load: natural width %d", thumb)
	}
	if pdf != "Facture n° 10452.pdf\n45 B" || omitted != "scan.pdf\n2 KB · not kept: larger than 1000 bytes" {
		t.Errorf("the files read %q and %q", pdf, omitted)
	}
	step("the original mail shows its inline image",
		chromedp.Click(`[data-testid="original"]`),
		chromedp.WaitVisible(`[data-testid="original-mail"]`),
		loaded(`[data-testid="original-mail"] img`, &inline),
		chromedp.Evaluate(`document.querySelectorAll('[data-testid="original-mail"] script, [data-testid="original-mail"] [onclick]').length`, &scripts),
	)
	if inline != 1 || scripts != 0 {
		t.Errorf("the original's image: natural width %d; %d scripts", inline, scripts)
	}
}

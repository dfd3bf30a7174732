package web_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// widgetRoot is the chat widget's shadow root on the page, in JavaScript.
const widgetRoot = `document.querySelector("agent-chat").shadowRoot`

// widgetPage drives the chat widget of a page open in a headless Chromium (bctx).
type widgetPage struct {
	t    *testing.T
	bctx context.Context
}

// step runs actions; on a failure it shows what the widget says.
func (w widgetPage) step(name string, actions ...chromedp.Action) {
	w.t.Helper()
	if err := chromedp.Run(w.bctx, actions...); err != nil {
		var text string
		chromedp.Run(w.bctx, chromedp.Evaluate(`(function(){const h=document.querySelector("agent-chat");return h&&h.shadowRoot?h.shadowRoot.querySelector(".w").innerText:"no widget"})()`, &text))
		w.t.Fatalf("%s: %v\nwidget text:\n%s", name, err, text)
	}
}

// waitJS polls a JavaScript condition on the widget's shadow root r.
func (w widgetPage) waitJS(what, cond string) {
	w.t.Helper()
	w.step(what, chromedp.ActionFunc(func(ctx context.Context) error {
		for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
			var ok bool
			if err := chromedp.Evaluate(`(function(){const r=`+widgetRoot+`;return !!(`+cond+`)})()`, &ok).Do(ctx); err == nil && ok {
				return nil
			}
		}
		return fmt.Errorf("timed out waiting for %s", cond)
	}))
}

// click clicks the widget's element selector, once it is there.
func (w widgetPage) click(selector string) {
	w.t.Helper()
	w.waitJS("find "+selector, `r.querySelector(`+jsString(selector)+`)`)
	w.step("click "+selector, chromedp.Evaluate(widgetRoot+`.querySelector(`+jsString(selector)+`).click()`, nil))
}

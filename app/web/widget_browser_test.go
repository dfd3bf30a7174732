package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"agent/app/browsertest"
	"agent/app/channel"
	"agent/app/ids"
	"agent/app/inbox"
)

// TestBrowserWidget runs the chat widget in a real headless Chromium on a shop's page of
// another site with a strict Content-Security-Policy: the visitor opens it from the
// keyboard, asks a question and watches the answer being written, with its source; rates
// it down with a reason; asks for a person, who takes over and replies live; and after a
// reload the conversation is still there.
func TestBrowserWidget(t *testing.T) {
	e := newEnv(t, nil)
	e.setupOwner()
	e.shopKnowledge()
	a := e.createAgent("Ava")
	e.replyWith(giftReply)
	e.ollama.SetTokenDelay(40 * time.Millisecond)
	owner := e.ownerID()
	ctx := context.Background()
	if err := e.service.SetOnline(ctx, e.wsID, owner, true); err != nil {
		t.Fatal(err)
	}

	// The shop's site: localhost, where the app is 127.0.0.1, so another site altogether.
	var mu sync.Mutex
	var violations []string
	site := httptest.NewUnstartedServer(nil)
	siteURL := "http://localhost:" + fmt.Sprint(site.Listener.Addr().(*net.TCPAddr).Port)
	ch := e.createChannel(channel.Input{Name: "Website", AgentID: a.ID, AllowedOrigins: []string{siteURL},
		Welcome: "Hi! I'm Ava.", QuickReplies: []string{"Shipping costs"}, HandoffUsers: []int64{owner}, ShowHuman: true})
	site.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/csp":
			b, _ := io.ReadAll(r.Body)
			mu.Lock()
			violations = append(violations, string(b))
			mu.Unlock()
		case "/site.css":
			// The shop's own styles must not reach into the widget.
			w.Header().Set("Content-Type", "text/css")
			io.WriteString(w, "* { font-family: serif !important; } button, textarea { display: none !important; } p { color: rgb(1, 2, 3); }")
		default:
			w.Header().Set("Content-Security-Policy", "default-src 'none'; script-src "+e.srv.URL+"; connect-src "+e.srv.URL+
				"; img-src "+e.srv.URL+"; style-src 'self'; report-uri /csp")
			fmt.Fprintf(w, `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Shop</title>
<meta name="viewport" content="width=device-width, initial-scale=1"><link rel="stylesheet" href="/site.css"></head>
<body><h1>Bikes</h1><p id="para">Welcome to the shop.</p>
<script src="%s/widget.js" data-agent="%s" async></script></body></html>`, e.srv.URL, ch.PublicKey)
		}
	})
	site.Start()
	t.Cleanup(site.Close)

	bctx := browsertest.New(t, 60*time.Second)
	const root = widgetRoot
	wp := widgetPage{t, bctx}
	step, waitJS, click := wp.step, wp.waitJS, wp.click
	text := func(selector string) string {
		t.Helper()
		var s string
		step("read "+selector, chromedp.Evaluate(`(function(){const el=`+root+`.querySelector(`+jsString(selector)+`);return el?el.textContent:""})()`, &s))
		return s
	}
	activeIs := func(selector string) bool {
		var ok bool
		step("focus", chromedp.Evaluate(root+`.activeElement === `+root+`.querySelector(`+jsString(selector)+`)`, &ok))
		return ok
	}

	step("open the shop", chromedp.Navigate(siteURL+"/"))
	waitJS("launcher", `r.querySelector(".launch") && getComputedStyle(r.querySelector(".launch")).display !== "none"`)
	var fontOK bool
	step("styles", chromedp.Evaluate(`getComputedStyle(`+root+`.querySelector(".w")).fontFamily.indexOf("system-ui") >= 0 &&
		getComputedStyle(document.getElementById("para")).color === "rgb(1, 2, 3)"`, &fontOK))
	if !fontOK {
		t.Error("the page's styles reach into the widget, or the widget's into the page")
	}

	// Keyboard: focus the launcher, Enter opens the chat and puts the cursor in the message box.
	step("open with the keyboard", chromedp.Evaluate(root+`.querySelector(".launch").focus()`, nil), chromedp.KeyEvent(kb.Enter))
	waitJS("panel", `!r.querySelector(".panel").hidden`)
	if !activeIs("textarea") {
		t.Error("opening the chat does not focus the message box")
	}
	if got := text(".name"); got != "Ava" || text(".sub") != "Powered by AI" {
		t.Errorf("header %q / %q", got, text(".sub"))
	}
	if !strings.Contains(text(".log"), "Hi! I'm Ava.") || text(".chips") != "Shipping costs" {
		t.Errorf("welcome and quick replies: %q", text(".log"))
	}

	// Ask; the answer appears word by word, then whole with its source.
	step("ask", chromedp.KeyEvent(giftQuestion), chromedp.KeyEvent(kb.Enter))
	var partial string
	step("stream", chromedp.ActionFunc(func(ctx context.Context) error {
		for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
			var s struct {
				Draft string `json:"draft"`
				Final bool   `json:"final"`
			}
			if err := chromedp.Evaluate(`(function(){const r=`+root+`;const d=r.querySelector(".draft");
				return {draft: d ? d.textContent : "", final: !!r.querySelector(".m.bot .src")}})()`, &s).Do(ctx); err != nil {
				return err
			}
			if s.Final {
				return nil
			}
			if s.Draft != "" && len(s.Draft) < len(giftReply) && partial == "" {
				partial = s.Draft
			}
		}
		return fmt.Errorf("no final reply")
	}))
	if partial == "" || !strings.HasPrefix(giftReply, partial) {
		t.Errorf("no partial answer seen before the final one (saw %q)", partial)
	}
	var bots, visitors, drafts int
	step("count", chromedp.Evaluate(root+`.querySelectorAll(".m.bot[data-id]").length`, &bots),
		chromedp.Evaluate(root+`.querySelectorAll(".m.visitor").length`, &visitors),
		chromedp.Evaluate(root+`.querySelectorAll(".draft, .typing").length`, &drafts))
	if bots != 1 || visitors != 1 || drafts != 0 {
		t.Errorf("%d replies, %d visitor messages, %d drafts or typing indicators", bots, visitors, drafts)
	}
	if got := text(".m.bot[data-id] .tx"); got != giftReply {
		t.Errorf("reply %q", got)
	}
	if got := text(".m.bot[data-id] .src"); !strings.Contains(got, giftQuestion) {
		t.Errorf("sources %q", got)
	}

	// The thumbs are drawn (an emoji is an empty box without an emoji font).
	var drawn bool
	step("thumbs", chromedp.Evaluate(`(function(r){const b=[...r.querySelectorAll('.m.bot[data-id] .rate > button')];
		return b.length === 2 && b.every(x => x.querySelector("svg path") && x.textContent.trim() === "")})(`+root+`)`, &drawn))
	if !drawn {
		t.Error("the thumbs are not drawn as SVG")
	}

	// Thumbs down, with a reason.
	click(`.m.bot[data-id] .rate > button[aria-label="Not helpful"]`)
	click(`.m.bot[data-id] button[data-reason="not_useful"]`)
	waitJS("thanks", `r.querySelector(".rate [role=status]")`)
	var conv int64
	if err := e.db.Read.QueryRow("SELECT id FROM conversations WHERE channel_id = ?", ch.ID).Scan(&conv); err != nil {
		t.Fatal(err)
	}
	msgs, _ := e.service.Store.Messages(ctx, conv)
	if len(msgs) != 2 {
		t.Fatalf("%d messages stored", len(msgs))
	}
	if f, ok, _ := e.service.Store.FeedbackOf(ctx, msgs[1].ID); !ok || f.Helpful || f.Reason != "not_useful" {
		t.Errorf("feedback %+v %v", f, ok)
	}

	// The owner has the inbox open in another tab of the same browser.
	staff, cancelStaff := chromedp.NewContext(bctx)
	defer cancelStaff()
	item := `[data-testid="conv-item"][data-id="` + ids.Encode(conv) + `"]`
	inStaffTab := func(name string, actions ...chromedp.Action) {
		t.Helper()
		if err := chromedp.Run(staff, actions...); err != nil {
			var body string
			chromedp.Run(staff, chromedp.Evaluate(`document.body ? document.body.innerText : ""`, &body))
			t.Fatalf("inbox: %s: %v\n%s", name, err, body)
		}
	}
	inStaffTab("log in",
		e.browserLogIn(),
		chromedp.WaitReady(`[data-inbox][data-stream="on"]`),
	)

	// Ask for a person: the owner, online, takes over; the header shows her.
	step("ask for a person", chromedp.Evaluate(root+`.querySelector("textarea").focus()`, nil),
		chromedp.KeyEvent("Can I talk to a human?"), chromedp.KeyEvent(kb.Enter))
	waitJS("header shows the person", `r.querySelector(".name").textContent === "Olga Owner"`)
	if hs, _ := e.service.Store.Handoffs(ctx, conv); len(hs) != 1 || hs[0].Outcome != inbox.Assigned || hs[0].ToUserID != owner || hs[0].Cause != inbox.CauseVisitor {
		t.Errorf("handoffs %+v", hs)
	}
	if got := text(".sub"); got != "" {
		t.Errorf("still %q under a person's name", got)
	}

	// The conversation appears in her inbox without a reload; she opens it and replies
	// there, and the visitor sees the reply at once.
	inStaffTab("the handed-off conversation appears live, she replies",
		chromedp.WaitVisible(item),
		chromedp.Click(item),
		chromedp.WaitVisible(`[data-testid="handoff"][data-cause="visitor_asked"]`),
		chromedp.SendKeys(`#f-message`, "Hi, Olga here. Which card would you like?"),
		chromedp.Click(`[data-testid="send-reply"]`),
		chromedp.WaitVisible(`//li[@data-author="human"]/p[@class="msg-body" and text()="Hi, Olga here. Which card would you like?"]`),
	)
	waitJS("human reply", `[...r.querySelectorAll(".m.human")].some(m => m.textContent.includes("Which card would you like?"))`)
	if got := text(".m.human .by"); got != "Olga Owner" {
		t.Errorf("human reply signed %q", got)
	}

	// Escape closes the chat and gives the focus back to the launcher.
	step("escape", chromedp.Evaluate(root+`.querySelector("textarea").focus()`, nil), chromedp.KeyEvent(kb.Escape))
	waitJS("closed", `r.querySelector(".panel").hidden`)
	if !activeIs(".launch") {
		t.Error("closing does not focus the launcher")
	}

	// A reload keeps the conversation (the token is in localStorage).
	step("reload", chromedp.Reload())
	waitJS("launcher after reload", `r.querySelector(".launch")`)
	click(".launch")
	waitJS("conversation after reload", `r.querySelectorAll(".m[data-id]").length === 5`)
	if got := text(".name"); got != "Olga Owner" {
		t.Errorf("header after reload %q", got)
	}
	var pressed string
	step("feedback after reload", chromedp.Evaluate(root+`.querySelector('.m.bot[data-id] .rate > button[aria-label="Not helpful"]').getAttribute("aria-pressed")`, &pressed))
	if pressed != "true" {
		t.Errorf("thumbs down after reload: aria-pressed %q", pressed)
	}

	// On a phone the chat fills the screen.
	step("phone", chromedp.EmulateViewport(375, 700))
	waitJS("full screen", `(function(){const b=r.querySelector(".panel").getBoundingClientRect();return b.width===375&&b.height===700})()`)

	mu.Lock()
	defer mu.Unlock()
	if len(violations) > 0 {
		t.Errorf("Content-Security-Policy violations: %v", violations)
	}
}

func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

package web_test

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/golang-jwt/jwt/v5"

	"agent/app/browsertest"
	"agent/app/channel"
	"agent/app/ids"
)

// shopSite serves a shop's page on another origin (localhost, where the app is
// 127.0.0.1) under a strict Content-Security-Policy, with the widget's tag for key and
// the attributes attrs() gives at each request (but at /blank); it reports CSP violations.
type shopSite struct {
	URL        string
	mu         sync.Mutex
	attrs      string
	violations []string
}

func newShopSite(t *testing.T, e *env, key string) *shopSite {
	s := &shopSite{}
	srv := httptest.NewUnstartedServer(nil)
	s.URL = "http://localhost:" + fmt.Sprint(srv.Listener.Addr().(*net.TCPAddr).Port)
	srv.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		defer s.mu.Unlock()
		switch r.URL.Path {
		case "/csp":
			var b strings.Builder
			fmt.Fprint(&b, r.Body)
			s.violations = append(s.violations, b.String())
			return
		case "/blank": // a page of the site without the widget
			return
		}
		w.Header().Set("Content-Security-Policy", "default-src 'none'; script-src "+e.srv.URL+"; connect-src "+e.srv.URL+
			"; img-src "+e.srv.URL+"; style-src 'self'; report-uri /csp")
		fmt.Fprintf(w, `<!doctype html><html><head><meta charset="utf-8"><title>Bikes · Shop</title></head>
<body><h1>Bikes</h1><script src="%s/widget.js" data-agent="%s" %s async></script></body></html>`, e.srv.URL, key, s.attrs)
	})
	srv.Start()
	t.Cleanup(srv.Close)
	return s
}

func (s *shopSite) set(attrs string) {
	s.mu.Lock()
	s.attrs = attrs
	s.mu.Unlock()
}

func (s *shopSite) checkCSP(t *testing.T) {
	t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.violations) > 0 {
		t.Errorf("Content-Security-Policy violations: %v", s.violations)
	}
}

// consoleOf collects what the page logs to its console.
func consoleOf(ctx context.Context) func() string {
	var mu sync.Mutex
	var lines []string
	chromedp.ListenTarget(ctx, func(ev any) {
		if e, ok := ev.(*runtime.EventConsoleAPICalled); ok {
			var parts []string
			for _, a := range e.Args {
				parts = append(parts, strings.Trim(string(a.Value), `"`))
			}
			mu.Lock()
			lines = append(lines, string(e.Type)+": "+strings.Join(parts, " "))
			mu.Unlock()
		}
	})
	return func() string {
		mu.Lock()
		defer mu.Unlock()
		return strings.Join(lines, "\n")
	}
}

// TestBrowserWidgetIdentity: a shop signs its customer's identity; the widget passes it
// and the conversation is the customer's contact, verified. A forged token and an
// expired one are refused, with the reason in the console, and the visitor chats as an
// unknown visitor. A site that is not allowed is told so in the console.
func TestBrowserWidgetIdentity(t *testing.T) {
	e := newEnv(t, nil)
	e.setupOwner()
	ctx := context.Background()
	if err := e.service.SetOnline(ctx, e.wsID, e.ownerID(), true); err != nil {
		t.Fatal(err)
	}
	ch := e.createChannel(channel.Input{Name: "Website", Welcome: "Hello!", Handoff: channel.Unassigned})
	site := newShopSite(t, e, ch.PublicKey)
	if _, err := e.channels.Update(ctx, e.wsID, ch.ID, channel.Input{Kind: channel.Chat, Name: "Website", Welcome: "Hello!",
		Handoff: channel.Unassigned, Active: true, AllowedOrigins: []string{site.URL}}); err != nil {
		t.Fatal(err)
	}
	sign := func(secret string, exp time.Time, sub string) string {
		s, err := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{"sub": sub, "name": "Ana Lima", "email": "ana@shop.example",
			"exp": exp.Unix(), "iat": time.Now().Unix()}).SignedString([]byte(secret))
		if err != nil {
			t.Fatal(err)
		}
		return s
	}

	bctx := browsertest.New(t, 90*time.Second)
	logs := consoleOf(bctx)
	wp := widgetPage{t, bctx}
	// chat writes text from the shop's page with attrs, as a new visitor when fresh.
	chat := func(attrs, text string, fresh bool) int64 {
		t.Helper()
		site.set(attrs)
		// On a page without the widget, which would keep its visitor meanwhile: the chat
		// is closed, and the visitor forgotten when fresh.
		forget := `sessionStorage.clear()`
		if fresh {
			forget += `; localStorage.clear()`
		}
		wp.step("leave the shop", chromedp.Navigate(site.URL+"/blank"), chromedp.Evaluate(forget, nil))
		wp.step("open the shop", chromedp.Navigate(site.URL+"/"))
		wp.click(".launch")
		wp.waitJS("ready", `!r.querySelector("form:not(.ask)").hidden`)
		write(wp, text)
		var id int64
		if err := e.db.Read.QueryRow(`SELECT c.id FROM conversations c JOIN messages m ON m.conversation_id = c.id
			WHERE m.body = ? AND c.channel_id = ?`, text, ch.ID).Scan(&id); err != nil {
			t.Fatal(err)
		}
		return id
	}
	externalID := func(conv int64) string {
		var ext string
		e.db.Read.QueryRow(`SELECT COALESCE(k.external_id, '') FROM conversations c JOIN contacts k ON k.id = c.contact_id WHERE c.id = ?`, conv).Scan(&ext)
		return ext
	}

	verified := chat(`data-identity="`+sign(ch.IdentitySecret, time.Now().Add(5*time.Minute), "cust-7")+`"`, "Where is my order?", true)
	if got := externalID(verified); got != "cust-7" {
		t.Errorf("a verified customer's conversation is contact %q's, want cust-7", got)
	}
	// On the same browser, a page whose token is refused does not continue the customer's visit.
	after := chat(`data-identity="`+sign("sk_not-the-channel-secret-000000000000000000", time.Now().Add(5*time.Minute), "cust-7")+`"`, "Who am I now?", false)
	forged := chat(`data-identity="`+sign("sk_not-the-channel-secret-000000000000000000", time.Now().Add(5*time.Minute), "cust-8")+`" data-name="Bo"`, "Forged hello", true)
	expired := chat(`data-identity="`+sign(ch.IdentitySecret, time.Now().Add(-10*time.Minute), "cust-9")+`"`, "Expired hello", true)
	for name, conv := range map[string]int64{"forged": forged, "expired": expired, "refused after the verified": after} {
		if got := externalID(conv); got != "" {
			t.Errorf("the %s token's conversation is contact %q's", name, got)
		}
	}
	if l := logs(); !strings.Contains(l, "signature is invalid") || !strings.Contains(l, "token is expired") {
		t.Errorf("the console does not say why the tokens were refused:\n%s", l)
	}

	// The inbox shows the verified customer as such, and the forged one's name as unverified.
	b := e.loggedIn("owner@example.com", "owner password")
	convPath := func(id int64) string { return "/w/" + ids.Encode(e.wsID) + "/inbox/" + ids.Encode(id) }
	page := b.get(convPath(verified)).body
	if !strings.Contains(page, `data-testid="identity-verified"`) || !strings.Contains(page, "cust-7") || !strings.Contains(page, "Bikes · Shop") ||
		!strings.Contains(page, `data-testid="visit-browser">Chrome`) {
		t.Errorf("the verified customer's conversation lacks its identity or visit:\n%s", page)
	}
	page = b.get(convPath(forged)).body
	if strings.Contains(page, `data-testid="identity-verified"`) || !strings.Contains(page, `data-testid="claimed-name">Bo <span class="muted">(name given by the visitor, not verified)`) {
		t.Errorf("the forged token's conversation:\n%s", page)
	}

	// A site that is not among the allowed origins: the console says so.
	other := newShopSite(t, e, ch.PublicKey)
	wp.step("another site", chromedp.Navigate(other.URL+"/"))
	wp.step("console", chromedp.ActionFunc(func(context.Context) error {
		for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
			if strings.Contains(logs(), "this site is not in the channel's allowed origins") {
				return nil
			}
		}
		return fmt.Errorf("no console message about the origin:\n%s", logs())
	}))
	if strings.Contains(logs(), "Check your connection") {
		t.Errorf("the console blames the connection:\n%s", logs())
	}
	site.checkCSP(t)
}

// write sends a message from the widget's message box, and waits until it is stored.
func write(wp widgetPage, text string) {
	wp.t.Helper()
	wp.step("write "+text, chromedp.Evaluate(`(function(r){const t=r.querySelector("textarea");t.value=`+jsString(text)+`;
		t.dispatchEvent(new Event("input"));r.querySelector("form:not(.ask)").requestSubmit()})(`+widgetRoot+`)`, nil))
	wp.waitJS("sent", `[...r.querySelectorAll(".m.visitor[data-id]")].some(m => m.textContent === `+jsString(text)+`)`)
}

// TestBrowserWidgetLanguageAndLook: a French browser gets the channel's French welcome and
// quick replies, an English one the channel's own; the widget has the channel's colour,
// side and button words; the pre-chat form asks the name first; a long message shows a
// counter instead of being cut.
func TestBrowserWidgetLanguageAndLook(t *testing.T) {
	e := newEnv(t, nil)
	e.setupOwner()
	ctx := context.Background()
	if err := e.service.SetOnline(ctx, e.wsID, e.ownerID(), true); err != nil {
		t.Fatal(err)
	}
	ch := e.createChannel(channel.Input{Name: "Website", Welcome: "Hi! How can we help?", QuickReplies: []string{"Where is my order?"},
		Handoff: channel.Unassigned, Widget: channel.WidgetSettings{Color: "#aa3300", Position: "left", LauncherLabel: "Chat with us",
			AskName: true, Greetings: []channel.Greeting{{Lang: "fr", Welcome: "Bonjour ! Comment pouvons-nous vous aider ?",
				QuickReplies: []string{"Où est ma commande ?", "Retours"}}}}})
	site := newShopSite(t, e, ch.PublicKey)
	bctx := browsertest.New(t, 90*time.Second)
	wp := widgetPage{t, bctx}
	read := func(js string) string {
		t.Helper()
		var s string
		wp.step("read "+js, chromedp.Evaluate(`(function(r){return String(`+js+`)})(`+widgetRoot+`)`, &s))
		return s
	}
	speak := func(tag string) {
		t.Helper()
		var ua string
		wp.step("user agent", chromedp.Evaluate(`navigator.userAgent`, &ua))
		wp.step("speak "+tag, emulation.SetUserAgentOverride(ua).WithAcceptLanguage(tag),
			chromedp.Navigate(site.URL+"/blank"), chromedp.Evaluate(`localStorage.clear(); sessionStorage.clear()`, nil), chromedp.Navigate(site.URL+"/"))
		wp.click(".launch")
		wp.waitJS("welcome", `r.querySelector(".m.welcome")`)
	}

	speak("fr-FR")
	if got := read(`r.querySelector(".m.welcome").textContent`); got != "Bonjour ! Comment pouvons-nous vous aider ?" {
		t.Errorf("a French browser is welcomed with %q", got)
	}
	if got := read(`[...r.querySelectorAll(".chip")].map(c => c.textContent).join("|")`); got != "Où est ma commande ?|Retours" {
		t.Errorf("a French browser's quick replies: %q", got)
	}
	// The look: colour, left side, words on the button.
	if got := read(`getComputedStyle(r.querySelector(".launch")).backgroundColor`); got != "rgb(170, 51, 0)" {
		t.Errorf("launcher colour %s", got)
	}
	if got := read(`r.querySelector(".launch").getBoundingClientRect().left < 100 && r.querySelector(".panel").getBoundingClientRect().left < 100`); got != "true" {
		t.Error("the widget is not on the left")
	}
	if got := read(`r.querySelector(".launch").textContent`); got != "Chat with us" {
		t.Errorf("launcher words %q", got)
	}
	// The pre-chat form asks the name before the first message; the answer is kept, unverified.
	wp.waitJS("pre-chat form", `r.querySelector("form[data-form=prechat]") && r.querySelector("form:not(.ask)").hidden`)
	wp.step("answer the pre-chat form", chromedp.Evaluate(`(function(r){r.querySelector("[data-field=name]").value="Zoé";
		r.querySelector("form[data-form=prechat]").requestSubmit()})(`+widgetRoot+`)`, nil))
	wp.waitJS("message box", `!r.querySelector("form:not(.ask)").hidden`)
	var claimed string
	if err := e.db.Read.QueryRow("SELECT claimed_name FROM visitors WHERE channel_id = ?", ch.ID).Scan(&claimed); err != nil || claimed != "Zoé" {
		t.Errorf("claimed name %q, %v", claimed, err)
	}
	// Near the limit a counter shows what is left; past it, how much too long, and nothing is cut or sent.
	wp.step("type a long message", chromedp.Evaluate(`(function(r){const t=r.querySelector("textarea");t.value="a".repeat(3500);
		t.dispatchEvent(new Event("input"))})(`+widgetRoot+`)`, nil))
	if got := read(`r.querySelector(".count").hidden + " " + r.querySelector(".count").textContent`); got != "false 500 characters left" {
		t.Errorf("counter near the limit: %q", got)
	}
	wp.step("type past the limit", chromedp.Evaluate(`(function(r){const t=r.querySelector("textarea");t.value="a".repeat(4010);
		t.dispatchEvent(new Event("input"));r.querySelector("form:not(.ask)").requestSubmit()})(`+widgetRoot+`)`, nil))
	if got := read(`r.querySelector(".count.over") ? r.querySelector(".count").textContent : "no warning"`); !strings.Contains(got, "10 characters too many") {
		t.Errorf("counter past the limit: %q", got)
	}
	if got := read(`r.querySelector("textarea").value.length + " " + r.querySelectorAll(".m.visitor").length + " " + r.querySelector(".err").textContent`); !strings.HasPrefix(got, "4010 0 Your message is too long") {
		t.Errorf("past the limit: %q (length, messages sent, error)", got)
	}

	speak("en-US")
	if got := read(`r.querySelector(".m.welcome").textContent + "|" + r.querySelector(".chip").textContent`); got != "Hi! How can we help?|Where is my order?" {
		t.Errorf("an English browser gets %q", got)
	}
	site.checkCSP(t)
}

// TestBrowserWidgetOffline: with no AI, no bot and no one online, the widget offers a form
// for an email address and a message, which becomes a conversation for people.
func TestBrowserWidgetOffline(t *testing.T) {
	e := newEnv(t, nil)
	e.setupOwner()
	ch := e.createChannel(channel.Input{Name: "Website", Welcome: "Hi!", Handoff: channel.Unassigned})
	site := newShopSite(t, e, ch.PublicKey)
	bctx := browsertest.New(t, 60*time.Second)
	wp := widgetPage{t, bctx}
	wp.step("open the shop", chromedp.Navigate(site.URL+"/"))
	wp.click(".launch")
	wp.waitJS("offline form", `r.querySelector("form[data-form=offline]") && r.querySelector("form:not(.ask)").hidden`)
	wp.step("leave a message", chromedp.Evaluate(`(function(r){r.querySelector("[data-field=email]").value="ana@shop.example";
		r.querySelector("[data-field=text]").value="Do you ship to Norway?";
		r.querySelector("form[data-form=offline]").requestSubmit()})(`+widgetRoot+`)`, nil))
	wp.waitJS("thanks", `r.querySelector("[data-form=sent]") && r.querySelector("[data-form=sent]").textContent.includes("ana@shop.example")`)
	wp.waitJS("their message shown", `r.querySelector(".m.visitor[data-form=left]").textContent === "Do you ship to Norway?"`)

	var conv int64
	var status string
	var ai, assignee int64
	if err := e.db.Read.QueryRow(`SELECT c.id, c.status, c.ai_active, COALESCE(c.assignee_id, 0) FROM conversations c
		JOIN messages m ON m.conversation_id = c.id WHERE m.body = 'Do you ship to Norway?' AND m.author = 'visitor'`).Scan(&conv, &status, &ai, &assignee); err != nil {
		t.Fatal(err)
	}
	if status != "open" || ai != 0 || assignee != 0 {
		t.Errorf("conversation %d: %s, ai %d, assignee %d", conv, status, ai, assignee)
	}
	b := e.loggedIn("owner@example.com", "owner password")
	page := b.get("/w/" + ids.Encode(e.wsID) + "/inbox/" + ids.Encode(conv)).body
	for _, want := range []string{"ana@shop.example", "not verified", "no email channel", "Bikes · Shop"} {
		if !strings.Contains(page, want) {
			t.Errorf("the conversation page lacks %q", want)
		}
	}
	site.checkCSP(t)
}

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

	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/golang-jwt/jwt/v5"

	"agent/app/browsertest"
	"agent/app/channel"
	"agent/app/ids"
)

// shopSite serves a shop's page on another origin (localhost, where the app is
// 127.0.0.1) under a strict Content-Security-Policy, with the widget's tag for key and
// the attributes attrs() gives at each request; it reports CSP violations.
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
		if r.URL.Path == "/csp" {
			var b strings.Builder
			fmt.Fprint(&b, r.Body)
			s.violations = append(s.violations, b.String())
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
	chat := func(attrs, text string) int64 {
		t.Helper()
		site.set(attrs)
		wp.step("clear the visitor", chromedp.Navigate(site.URL+"/"), chromedp.Evaluate(`localStorage.clear()`, nil), chromedp.Reload())
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

	verified := chat(`data-identity="`+sign(ch.IdentitySecret, time.Now().Add(5*time.Minute), "cust-7")+`"`, "Where is my order?")
	if got := externalID(verified); got != "cust-7" {
		t.Errorf("a verified customer's conversation is contact %q's, want cust-7", got)
	}
	forged := chat(`data-identity="`+sign("sk_not-the-channel-secret-000000000000000000", time.Now().Add(5*time.Minute), "cust-8")+`" data-name="Bo"`, "Forged hello")
	expired := chat(`data-identity="`+sign(ch.IdentitySecret, time.Now().Add(-10*time.Minute), "cust-9")+`"`, "Expired hello")
	for name, conv := range map[string]int64{"forged": forged, "expired": expired} {
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

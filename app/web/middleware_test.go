package web_test

import (
	"bufio"
	"context"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"agent/app/browsertest"
	"agent/app/web"
)

// TestLoginNextStaysOnSite follows ?next= after a login, and on /login when already
// logged in: only paths a browser resolves to this site are kept, whatever tabs, line
// breaks, backslashes or encodings they hide behind; everything else goes to "/".
func TestLoginNextStaysOnSite(t *testing.T) {
	e := newEnv(t, nil)
	e.setupOwner()
	noFollow := func(b *browser) *browser {
		b.c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
		return b
	}
	b := noFollow(e.ownerBrowser())

	tests := []struct {
		next, want string
	}{
		{"/w/abc/inbox", "/w/abc/inbox"},
		{"/w/abc/inbox?view=mine&q=caf%C3%A9+au+lait", "/w/abc/inbox?view=mine&q=caf%C3%A9+au+lait"},
		{"/w/abc/knowledge#sources", "/w/abc/knowledge#sources"},
		{"/caf%C3%A9", "/caf%C3%A9"},
		{"/%2Fevil.example", "/"}, // two slashes once decoded
		{"", "/"},
		{"evil.example", "/"},
		{"//evil.example/phish", "/"},
		{"///evil.example", "/"},
		{"/\t/evil.example/phish", "/"},
		{"\t//evil.example", "/"},
		{"/\r/evil.example", "/"},
		{"/\n/evil.example", "/"},
		{"/\r\n/evil.example", "/"},
		{"/\x00/evil.example", "/"},
		{"/\x7f/evil.example", "/"},
		{"/\\evil.example", "/"},
		{"/\\/evil.example", "/"},
		{"\\/\\/evil.example", "/"},
		{"/a\\b", "/"},
		{" /evil", "/"},
		{"/%2F/evil.example", "/"},
		{"/%2f%2fevil.example", "/"},
		{"/%5Cevil.example", "/"},
		{"/%5cevil.example", "/"},
		{"/%09/evil.example", "/"},
		{"/%0D%0A/evil.example", "/"},
		{"/%00", "/"},
		{"/%zz", "/"},
		{"https://evil.example/", "/"},
		{"https:evil.example", "/"},
		{"javascript:alert(1)", "/"},
		{"/ünïcode", "/"},
		{"/\uff0f\uff0fevil.example", "/"}, // fullwidth solidus
		{"/" + strings.Repeat("a", 5000), "/"},
	}
	for _, tc := range tests {
		for _, how := range []string{"get", "post"} {
			var res response
			if how == "get" {
				res = b.get("/login?next=" + url.QueryEscape(tc.next))
			} else {
				res = noFollow(e.browser()).post("/login", url.Values{"email": {"owner@example.com"}, "password": {"owner password"}, "next": {tc.next}})
			}
			if res.status != http.StatusSeeOther || res.header.Get("Location") != tc.want {
				t.Errorf("%s next=%q: %d Location %q, want %q", how, tc.next, res.status, res.header.Get("Location"), tc.want)
			}
		}
	}
}

// TestBrowserLoginNextWithTab follows a ?next= hiding "//evil.example" behind a tab in
// Chromium, which drops tabs from a Location: the browser must stay on the app.
func TestBrowserLoginNextWithTab(t *testing.T) {
	e := newEnv(t, nil)
	e.setupOwner()
	ctx := browsertest.New(t, 60*time.Second)
	browsertest.Steps(t, ctx)("log in", e.browserLogIn())
	// A navigation to another site fails here (no such host): the error is not the test.
	chromedp.Run(ctx, chromedp.Navigate(e.srv.URL+"/login?next=%2F%09%2Fevil.example%2Fphish"))
	var at string
	if err := chromedp.Run(ctx, chromedp.Location(&at)); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(at, e.srv.URL+"/") {
		t.Errorf("after /login?next=/<tab>/evil.example/phish the browser is at %q, want a page of %s", at, e.srv.URL)
	}
}

// TestSlowBodyRefused sends bodies a byte at a time, too slowly, on a real connection: a
// form before login, a widget message and a signed-in upload. The server answers 408 and
// closes the connection instead of holding it for as long as bytes trickle in.
func TestSlowBodyRefused(t *testing.T) {
	defer web.SetBodyTimeout(100 * time.Millisecond)()
	e, ch := chatEnv(t, nil)
	b := e.ownerBrowser()
	b.get(e.path("knowledge/new/files"))
	var session string
	for _, c := range b.c.Jar.Cookies(mustURL(e.srv.URL)) {
		session += c.Name + "=" + c.Value + "; "
	}
	tests := []struct {
		name, path, ctype string
		headers           []string
		want              string // in the response
	}{
		{"login form", "/login", "application/x-www-form-urlencoded", nil, "took too long"},
		{"widget message", "/widget/v1/" + ch.PublicKey + "/visitor", "application/json", []string{"Origin: " + shopOrigin}, `"error":"The request took too long`},
		{"upload", e.path("knowledge/files"), "multipart/form-data; boundary=xyz", []string{"Cookie: " + session, "X-CSRF-Token: " + b.csrf}, "took too long"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			conn, err := net.Dial("tcp", e.srv.Listener.Addr().String())
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			// A guard, not a measure: without a deadline the server would wait for ever.
			conn.SetReadDeadline(time.Now().Add(20 * time.Second))
			head := "POST " + tc.path + " HTTP/1.1\r\nHost: " + e.srv.Listener.Addr().String() + "\r\nSec-Fetch-Site: same-origin\r\n" +
				"Content-Type: " + tc.ctype + "\r\nContent-Length: 1000\r\n"
			for _, h := range tc.headers {
				head += h + "\r\n"
			}
			if _, err := io.WriteString(conn, head+"\r\n{"); err != nil {
				t.Fatal(err)
			}
			stop := make(chan struct{})
			defer close(stop)
			go func() {
				tick := time.NewTicker(20 * time.Millisecond)
				defer tick.Stop()
				for {
					select {
					case <-stop:
						return
					case <-tick.C:
						if _, err := conn.Write([]byte(" ")); err != nil {
							return
						}
					}
				}
			}()
			res, err := http.ReadResponse(bufio.NewReader(conn), nil)
			if err != nil {
				t.Fatalf("no response while the body trickles in: %v", err)
			}
			body, err := io.ReadAll(res.Body)
			if err != nil {
				t.Errorf("reading the response: %v", err)
			}
			if res.StatusCode != http.StatusRequestTimeout || !strings.Contains(string(body), tc.want) {
				t.Errorf("status %d, want 408 with %q:\n%v\n%s", res.StatusCode, tc.want, res.Header, body)
			}
			if !res.Close {
				t.Error("the connection is kept open after the body timed out")
			}
		})
	}
}

// TestBodyDeadlineLiftedOnceRead streams a preview reply that takes longer than the body
// may: once the form has been read, the reply is not cut.
func TestBodyDeadlineLiftedOnceRead(t *testing.T) {
	defer web.SetBodyTimeout(50 * time.Millisecond)()
	e, b, a := previewOwner(t)
	page := e.agentPath(a, "preview")
	b.get(page)
	e.replyWith(giftReply)
	e.ollama.SetTokenDelay(30 * time.Millisecond)
	_, _, events := b.stream(page, url.Values{"message": {giftQuestion}, "channel": {"chat"}})
	if len(events) == 0 || events[len(events)-1].name != "done" {
		t.Fatalf("the reply did not finish: %+v", events)
	}
}

// TestStreamOutlivesBodyTimeout keeps a widget event stream open past the body timeout:
// a request without a body gets no read deadline that would end it.
func TestStreamOutlivesBodyTimeout(t *testing.T) {
	defer web.SetBodyTimeout(20 * time.Millisecond)()
	defer web.SetHeartbeat(50 * time.Millisecond)()
	e, ch := chatEnv(t, nil)
	v := e.widgetVisitor(ch, shopOrigin)
	v.start()
	v.open()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	_, events := v.stream(ctx, v.conv)
	next(t, events, false)
	for range 3 {
		if ev := next(t, events, true); ev.data != "ping" {
			t.Fatalf("event %+v, want a ping", ev)
		}
	}
}

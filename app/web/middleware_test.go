package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"agent/app/browsertest"
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

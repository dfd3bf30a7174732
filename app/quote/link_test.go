package quote_test

import (
	"encoding/base64"
	"errors"
	"strings"
	"testing"
	"time"

	"agent/app/quote"
)

func TestLinks(t *testing.T) {
	f := newFixture(t)
	q, err := f.quotes.Create(f.ctx, f.ws, sample("Q-5"))
	if err != nil {
		t.Fatal(err)
	}
	draftToken, err := f.quotes.Token(f.ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.quotes.Open(f.ctx, draftToken); !errors.Is(err, quote.ErrLinkInvalid) {
		t.Errorf("a draft's link: %v", err)
	}
	q, err = f.quotes.Publish(f.ctx, f.ws, q.ID)
	if err != nil {
		t.Fatal(err)
	}
	token, _ := f.quotes.Token(f.ctx, q)
	if token != draftToken {
		t.Error("publishing changed the link: one copied from the draft should work once published")
	}
	got, err := f.quotes.Open(f.ctx, token)
	if err != nil || got.ID != q.ID {
		t.Fatalf("open: %v, %v", got.ID, err)
	}
	// A second store over the same database (a restart) signs with the same key.
	if got, err := quote.New(f.db).Open(f.ctx, token); err != nil || got.ID != q.ID {
		t.Errorf("after a restart: %v", err)
	}

	other, _ := f.quotes.Create(f.ctx, f.ws, sample("Q-6"))
	other, _ = f.quotes.Publish(f.ctx, f.ws, other.ID)
	otherToken, _ := f.quotes.Token(f.ctx, other)
	raw, _ := base64.RawURLEncoding.DecodeString(strings.TrimPrefix(token, quote.TokenPrefix))
	rawOther, _ := base64.RawURLEncoding.DecodeString(strings.TrimPrefix(otherToken, quote.TokenPrefix))
	swapped := append(append([]byte{}, rawOther[:len(rawOther)-16]...), raw[len(raw)-16:]...) // Q-6's id with Q-5's signature
	flipped := append([]byte{}, raw...)
	flipped[len(flipped)-1] ^= 1
	for name, bad := range map[string]string{
		"empty": "", "no prefix": strings.TrimPrefix(token, quote.TokenPrefix), "not base64": quote.TokenPrefix + "!!!",
		"a bit flipped":    quote.TokenPrefix + base64.RawURLEncoding.EncodeToString(flipped),
		"another id":       quote.TokenPrefix + base64.RawURLEncoding.EncodeToString(swapped),
		"cut short":        token[:len(token)-2],
		"longer":           token + "AA",
		"a channel's key":  "ch_abcdefghijklmnop",
		"very long":        quote.TokenPrefix + strings.Repeat("A", 5000),
		"another server's": signedElsewhere(t, q),
	} {
		if _, err := f.quotes.Open(f.ctx, bad); !errors.Is(err, quote.ErrLinkInvalid) {
			t.Errorf("%s: err = %v, want ErrLinkInvalid", name, err)
		}
	}

	if _, err := f.quotes.Withdraw(f.ctx, f.ws, q.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := f.quotes.Open(f.ctx, token); !errors.Is(err, quote.ErrLinkWithdrawn) {
		t.Errorf("withdrawn: %v", err)
	}
	q, _ = f.quotes.Publish(f.ctx, f.ws, q.ID)
	if _, err := f.quotes.Open(f.ctx, token); !errors.Is(err, quote.ErrLinkWithdrawn) {
		t.Errorf("the old link after publishing again: %v", err)
	}
	fresh, _ := f.quotes.Token(f.ctx, q)
	if _, err := f.quotes.Open(f.ctx, fresh); err != nil {
		t.Errorf("the new link: %v", err)
	}
	f.now = time.Date(2027, 4, 1, 0, 0, 0, 0, time.UTC)
	if got, err := f.quotes.Open(f.ctx, fresh); !errors.Is(err, quote.ErrLinkExpired) || got.ExpiresOn != "2027-03-31" {
		t.Errorf("expired: %v", err)
	}
	if _, err := f.quotes.Accept(f.ctx, f.ws, q.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := f.quotes.Open(f.ctx, fresh); err != nil {
		t.Errorf("an accepted quote's page stays up: %v", err)
	}
}

// signedElsewhere is q's token as a server with another key signs it.
func signedElsewhere(t *testing.T, q quote.Quote) string {
	f := newFixture(t)
	var last quote.Quote
	for last.ID < q.ID {
		var err error
		if last, err = f.quotes.Create(f.ctx, f.ws, sample("X-"+time.Now().Format("150405.000000000"))); err != nil {
			t.Fatal(err)
		}
	}
	tok, err := f.quotes.Token(f.ctx, quote.Quote{ID: q.ID, LinkVersion: q.LinkVersion})
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

func TestViewsAndBrowsers(t *testing.T) {
	f := newFixture(t)
	q, _ := f.quotes.Create(f.ctx, f.ws, sample("Q-8"))
	for _, ua := range []string{
		"Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0",
		"Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
	} {
		if err := f.quotes.RecordView(f.ctx, q.ID, "b1", ua); err != nil {
			t.Fatal(err)
		}
	}
	f.quotes.RecordView(f.ctx, q.ID, "b2", "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)")
	v, err := f.quotes.Views(f.ctx, f.ws, q.ID)
	if err != nil || v.Total != 3 || v.Visitors != 2 || len(v.Views) != 3 {
		t.Fatalf("views = %+v, %v", v, err)
	}
	if v.Views[0].Browser != "Bot or link preview" || v.Views[1].Browser != "Safari on iOS" || v.Views[2].Browser != "Firefox on Linux" {
		t.Errorf("browsers: %+v", v.Views)
	}
	if v, _ := f.quotes.Views(f.ctx, f.other, q.ID); v.Total != 0 || len(v.Views) != 0 {
		t.Errorf("another workspace sees the views: %+v", v)
	}
	for ua, want := range map[string]string{
		"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36 Edg/126.0.0.0": "Edge on Windows",
		"Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36":            "Chrome on macOS",
		"Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36":                  "Chrome on Android",
		"": "Unknown browser",
	} {
		if got := quote.Browser(ua); got != want {
			t.Errorf("Browser(%q) = %q, want %q", ua, got, want)
		}
	}
}

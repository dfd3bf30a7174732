package inbox_test

import (
	"errors"
	"strings"
	"testing"

	"agent/app/channel"
	"agent/app/inbox"
)

func TestBrowserOf(t *testing.T) {
	for ua, want := range map[string]string{
		"Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0":                                                           "Firefox 133 on Windows",
		"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36":                      "Chrome 131 on macOS",
		"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.2903.86":          "Edge 131 on Windows",
		"Mozilla/5.0 (iPhone; CPU iPhone OS 17_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.6 Mobile/15E148 Safari/604.1":    "Safari 17 on iOS",
		"Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/25.0 Chrome/121.0.0.0 Mobile Safari/537.36": "Samsung Internet 25 on Android",
		"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36 OPR/106.0.0.0":                        "Opera 106 on Linux",
		"curl/8.5.0": "",
		"":           "",
	} {
		if got := inbox.BrowserOf(ua); got != want {
			t.Errorf("BrowserOf(%q) = %q, want %q", ua, got, want)
		}
	}
}

// Every text of a visit is bounded, and only web addresses are kept as addresses.
func TestRecordVisitBounds(t *testing.T) {
	r := newRouting(t)
	ch := r.channel(t, channel.Input{Name: "Website"})
	v, _, err := r.inbox.NewVisitor(r.ctx, ch, "fr")
	if err != nil {
		t.Fatal(err)
	}
	c, err := r.inbox.OpenConversation(r.ctx, ch, v, false)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok, err := r.inbox.VisitOf(r.ctx, c.ID); ok || err != nil {
		t.Fatalf("a visit before any was recorded: %v, %v", ok, err)
	}
	long := "https://shop.example/" + strings.Repeat("a", 3000)
	err = r.inbox.RecordVisit(r.ctx, c.ID, inbox.Visit{PageURL: "https://user:pw@shop.example/cart?x=1", PageTitle: "  Your\n cart\t" + strings.Repeat("é", 400),
		Referrer: "javascript:alert(1)", Browser: strings.Repeat("b", 500), Lang: "fr-CA"})
	if err != nil {
		t.Fatal(err)
	}
	got, ok, err := r.inbox.VisitOf(r.ctx, c.ID)
	if err != nil || !ok {
		t.Fatal(ok, err)
	}
	if got.PageURL != "https://shop.example/cart?x=1" || got.Referrer != "" || !strings.HasPrefix(got.PageTitle, "Your cart é") ||
		len([]rune(got.PageTitle)) != 300 || len(got.Browser) != 100 || got.Lang != "fr-CA" {
		t.Errorf("visit = %+v", got)
	}
	// A later page replaces the page; the first referrer stays; an address too long is dropped.
	if err := r.inbox.RecordVisit(r.ctx, c.ID, inbox.Visit{PageURL: "https://shop.example/help", PageTitle: "Help", Referrer: "https://search.example/?q=shoes"}); err != nil {
		t.Fatal(err)
	}
	if err := r.inbox.RecordVisit(r.ctx, c.ID, inbox.Visit{PageURL: long, Referrer: "https://other.example/"}); err != nil {
		t.Fatal(err)
	}
	got, _, _ = r.inbox.VisitOf(r.ctx, c.ID)
	if got.PageURL != "https://shop.example/help" || got.PageTitle != "Help" || got.Referrer != "https://search.example/?q=shoes" || got.Lang != "fr-CA" {
		t.Errorf("visit after two more = %+v", got)
	}
}

func TestIdentifyVisitor(t *testing.T) {
	r := newRouting(t)
	ch := r.channel(t, channel.Input{Name: "Website"})
	newVisitor := func() inbox.Visitor {
		v, _, err := r.inbox.NewVisitor(r.ctx, ch, "en")
		if err != nil {
			t.Fatal(err)
		}
		return v
	}

	// Claims are kept as said, bounded, and a bad address is refused.
	v := newVisitor()
	if err := r.inbox.ClaimVisitor(r.ctx, v, inbox.Claims{Name: " Ana  Lima ", Email: "Ana@Shop.Example"}); err != nil {
		t.Fatal(err)
	}
	if err := r.inbox.ClaimVisitor(r.ctx, v, inbox.Claims{Email: "nope"}); err == nil {
		t.Error("a claimed address that is none was kept")
	}
	if c, err := r.inbox.ClaimsOf(r.ctx, v.ID); err != nil || c != (inbox.Claims{Name: "Ana Lima", Email: "ana@shop.example"}) {
		t.Errorf("claims = %+v, %v", c, err)
	}
	// A claim links to no contact, even one with that address.
	known, err := r.inbox.ContactByEmail(r.ctx, r.ws, "ana@shop.example", "Ana (mail)")
	if err != nil {
		t.Fatal(err)
	}
	conv, err := r.inbox.OpenConversation(r.ctx, ch, v, false)
	if err != nil {
		t.Fatal(err)
	}
	if k, _, _ := r.inbox.ContactOf(r.ctx, conv); k.ID == known.ID {
		t.Fatal("a claimed address linked the visitor to its contact")
	}

	// A verified identity with that address joins the visitor to the contact, with the id.
	k, err := r.inbox.IdentifyVisitor(r.ctx, v, channel.Identity{ExternalID: "u-1", Name: "Ana Lima", Email: "ana@shop.example"})
	if err != nil {
		t.Fatal(err)
	}
	if k.ID != known.ID || k.ExternalID != "u-1" || k.Name != "Ana (mail)" {
		t.Fatalf("identified contact = %+v, want %d with the id", k, known.ID)
	}
	if got, _, _ := r.inbox.ContactOf(r.ctx, conv); got.ID != known.ID {
		t.Errorf("the visitor's conversation is contact %d's, want %d", got.ID, known.ID)
	}
	// The same person on another browser, before any conversation: their first one is the contact's.
	v2 := newVisitor()
	if k2, err := r.inbox.IdentifyVisitor(r.ctx, v2, channel.Identity{ExternalID: "u-1"}); err != nil || k2.ID != known.ID {
		t.Fatalf("second browser = %+v, %v", k2, err)
	}
	conv2, err := r.inbox.OpenConversation(r.ctx, ch, v2, false)
	if err != nil {
		t.Fatal(err)
	}
	if got, _, _ := r.inbox.ContactOf(r.ctx, conv2); got.ID != known.ID {
		t.Errorf("the second browser's conversation is contact %d's, want %d", got.ID, known.ID)
	}
	// Someone else signing in on the first browser is refused: the caller starts a new visitor.
	if _, err := r.inbox.IdentifyVisitor(r.ctx, v, channel.Identity{ExternalID: "u-2"}); !errors.Is(err, inbox.ErrOtherIdentity) {
		t.Errorf("another person on the same browser: %v", err)
	}
	// A new person whose address is another verified person's gets a contact without it.
	k3, err := r.inbox.IdentifyVisitor(r.ctx, newVisitor(), channel.Identity{ExternalID: "u-3", Name: "Impostor", Email: "ana@shop.example"})
	if err != nil {
		t.Fatal(err)
	}
	if k3.ID == known.ID || k3.Email != "" || k3.Name != "Impostor" {
		t.Errorf("a verified id with a taken address = %+v", k3)
	}
}

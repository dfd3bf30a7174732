package email

import (
	"bytes"
	"net/mail"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestComposeAIReply(t *testing.T) {
	parent := parseFixture(t, "clients/gmail_fr.eml")
	irt, refs := ReplyThreading(parent.MessageID, parent.References, parent.InReplyTo)
	replyTo, err := PlusAddress("support@shop.example", token)
	if err != nil {
		t.Fatal(err)
	}
	raw, id, err := Compose(Outgoing{
		From:         mail.Address{Name: "Boutique Étoile", Address: "support@shop.example"},
		To:           []mail.Address{parent.From},
		ReplyTo:      []mail.Address{{Name: "Boutique Étoile", Address: replyTo}},
		Subject:      ReplySubject(parent.Subject),
		Text:         "Bonjour Amélie,\n\nLa livraison prend 2 à 3 jours [1]. Les retours sont gratuits [2].\n\nBoutique Étoile",
		Sources:      []Source{{"Délais de livraison", "https://shop.example/aide/livraison"}, {"Retours", "https://shop.example/aide/retours"}, {"Piège", "javascript:alert(1)"}},
		SourcesLabel: "Sources",
		InReplyTo:    irt,
		References:   refs,
		Automatic:    true,
		Date:         time.Date(2024, 3, 12, 11, 30, 0, 0, time.UTC),
	})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(id, "@shop.example") {
		t.Errorf("id %q", id)
	}
	// every header line is ASCII and within RFC 5322's 998 characters
	head, _, _ := bytes.Cut(raw, []byte("\r\n\r\n"))
	for _, l := range strings.Split(string(head), "\r\n") {
		if len(l) > 998 || strings.ContainsFunc(l, func(r rune) bool { return r > 127 }) {
			t.Errorf("header line %q", l)
		}
	}
	m, err := Parse(raw, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if m.MessageID != id || m.Subject != "Re: Où est ma commande ?" || m.From.Name != "Boutique Étoile" ||
		m.To[0] != parent.From || m.ReplyTo[0].Address != replyTo || !m.Date.Equal(time.Date(2024, 3, 12, 11, 30, 0, 0, time.UTC)) {
		t.Errorf("read back: %+v", m)
	}
	if !slices.Equal(m.InReplyTo, []string{parent.MessageID}) || !slices.Equal(m.References, []string{ourID, parent.MessageID}) {
		t.Errorf("threading: %v %v", m.InReplyTo, m.References)
	}
	if m.Header.Get("Auto-Submitted") != "auto-replied" || m.Header.Get("X-Auto-Response-Suppress") != "All" {
		t.Errorf("automatic headers: %v", m.Header)
	}
	wantText := "Bonjour Amélie,\n\nLa livraison prend 2 à 3 jours [1]. Les retours sont gratuits [2].\n\nBoutique Étoile\n\nSources:\n" +
		"[1] Délais de livraison: https://shop.example/aide/livraison\n[2] Retours: https://shop.example/aide/retours\n[3] Piège: javascript:alert(1)"
	if m.Text != wantText {
		t.Errorf("text:\n%s\nwant:\n%s", m.Text, wantText)
	}
	for _, w := range []string{`<a href="https://shop.example/aide/livraison"`, "Délais de livraison</a>", "<li>Piège</li>", "<p>Bonjour Amélie,</p>"} {
		if !strings.Contains(m.HTML, w) {
			t.Errorf("HTML lacks %q:\n%s", w, m.HTML)
		}
	}
	if strings.Contains(m.HTML, "javascript") {
		t.Errorf("HTML links a javascript: source:\n%s", m.HTML)
	}
	// if our reply ever came back to us, we would not answer it
	if ok, why := m.MayAutoReply("support@shop.example"); ok || why != AutoSubmitted {
		t.Errorf("MayAutoReply on our own reply: %v, %q", ok, why)
	}
}

func TestComposeHumanReply(t *testing.T) {
	var refs []string
	for range 40 {
		refs = append(refs, NewMessageID("shop.example"))
	}
	raw, _, err := Compose(Outgoing{
		From:       mail.Address{Name: "Jo from Shop", Address: "support@shop.example"},
		To:         []mail.Address{{Name: "Ada\r\nBcc: everyone@example.com", Address: "ada@example.com"}},
		Cc:         []mail.Address{{Address: "boss@example.com"}},
		Subject:    "Re: Order\r\nBcc: everyone@example.com",
		Text:       "I've changed the address.",
		HTML:       "<p>I've changed the <b>address</b>.</p>",
		InReplyTo:  refs[39],
		References: refs,
	})
	if err != nil {
		t.Fatal(err)
	}
	m, err := Parse(raw, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Header.Values("Bcc")) > 0 || m.Subject != "Re: Order Bcc: everyone@example.com" || m.To[0].Address != "ada@example.com" {
		t.Errorf("a line break in a name or subject made a header: %v", m.Header)
	}
	if m.Header.Get("Auto-Submitted") != "" || m.Header.Get("X-Auto-Response-Suppress") != "" {
		t.Errorf("a person's reply is marked automatic")
	}
	if len(m.References) != MaxReferences || m.References[0] != refs[0] || m.References[MaxReferences-1] != refs[39] {
		t.Errorf("References: %d, %v", len(m.References), m.References)
	}
	if m.Cc[0].Address != "boss@example.com" || m.Text != "I've changed the address." || !strings.Contains(m.HTML, "<b>address</b>") {
		t.Errorf("%+v", m)
	}
}

func TestComposeRefuses(t *testing.T) {
	for name, o := range map[string]Outgoing{
		"no sender":    {To: []mail.Address{{Address: "a@example.com"}}},
		"no recipient": {From: mail.Address{Address: "support@shop.example"}},
		"a bad id":     {From: mail.Address{Address: "support@shop.example"}, To: []mail.Address{{Address: "a@example.com"}}, MessageID: "a b"},
	} {
		if _, _, err := Compose(o); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

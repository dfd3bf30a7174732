package email

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"net/mail"
	"slices"
	"strings"
	"testing"
	"time"
)

const (
	ourID   = "lt9x2k1.q7ymnw3c5rbd2ehk4vtaoxs6pi@shop.example"
	firstID = "CAH8yC1N3xvq_zZ4hG7kLmQ9wz5eRt0pYbUo=Hs3dFq2Xk@mail.gmail.com"
	token   = "k5xwq2mbt7ndyr4fazjh3pue"
)

func parseFixture(t testing.TB, name string) *Message {
	t.Helper()
	m, err := Parse(readFixture(t, name), Limits{})
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return m
}

func TestParseHeaders(t *testing.T) {
	m := parseFixture(t, "parse/charsets.eml")
	check := func(what string, got, want any) {
		t.Helper()
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%s = %v, want %v", what, got, want)
		}
	}
	check("MessageID", m.MessageID, "20240313090100.4F2A1C3B@mail.example.fr")
	check("Generated", m.Generated, false)
	check("From", m.From, mail.Address{Name: "René Descartes", Address: "rene@example.fr"})
	check("To", m.To, []mail.Address{{Name: "Support", Address: "support@shop.example"}, {Name: "Françoise", Address: "francoise@shop.example"}})
	check("Cc", m.Cc, []mail.Address{{Address: "compta@example.fr"}})
	check("ReplyTo", m.ReplyTo, []mail.Address{{Name: "René", Address: "rene.factures@example.fr"}})
	check("DeliveredTo", m.DeliveredTo, []string{"support@shop.example"})
	check("Subject", m.Subject, "Réclamation : facture n° 10452 érronée")
	check("Date", m.Date.UTC(), time.Date(2024, 3, 13, 9, 1, 0, 0, time.UTC))
	// "<id> (Shop Support's message of …)" and a References without brackets
	check("InReplyTo", m.InReplyTo, []string{ourID})
	check("References", m.References, []string{ourID})
	check("Text", m.Text, "Bonjour,\n\nLa facture indique 45 € au lieu de 40 €. Pouvez-vous corriger ?\n\nCordialement,\nRené Descartes")
	if !strings.Contains(m.HTML, "Здравствуйте! Счёт неверный.") {
		t.Errorf("KOI8-R HTML not decoded: %q", m.HTML)
	}
	if ReplyAddress(m) != "rene.factures@example.fr" {
		t.Errorf("ReplyAddress = %q", ReplyAddress(m))
	}
}

func TestParseAttachments(t *testing.T) {
	m := parseFixture(t, "parse/attachments.eml")
	const cid = "F3A1C9E2-77B4-4D0B-9E51-2B6C1D0E8A44@home"
	if len(m.Inlines) != 1 || m.Inlines[0].ContentID != cid || m.Inlines[0].ContentType != "image/png" || m.Inlines[0].Name != "box.png" {
		t.Fatalf("Inlines = %+v", m.Inlines)
	}
	type file struct{ name, typ, declared string }
	var got []file
	for _, a := range m.Attachments {
		got = append(got, file{a.Name, a.ContentType, a.DeclaredType})
		if a.Omitted || a.Size != len(a.Data) || a.Size == 0 {
			t.Errorf("%s: size %d, %d bytes, omitted %v", a.Name, a.Size, len(a.Data), a.Omitted)
		}
	}
	want := []file{
		{"Facture n° 10452.pdf", "application/pdf", "application/pdf"},
		// a directory in the name is dropped; HTML declared as a PNG is not an image
		{"receipt.png", "application/octet-stream", "image/png"},
		{"order.csv", "text/csv", "text/csv"},
	}
	if !slices.Equal(got, want) {
		t.Errorf("Attachments = %+v\nwant %+v", got, want)
	}
	if m.Text != "Here is a photo of the damaged box:\n\nThe invoice is attached." {
		t.Errorf("Text = %q", m.Text)
	}
	for _, bad := range []string{"tracker.example", "not-in-this-message", "<script", "alert", "javascript:", "onclick", "<form", "<input"} {
		if strings.Contains(m.HTML, bad) {
			t.Errorf("sanitized HTML keeps %q:\n%s", bad, m.HTML)
		}
	}
	for _, good := range []string{`src="cid:` + cid + `"`, `href="https://shop.example/orders/10452"`, `target="_blank"`, "noreferrer", "The invoice is attached."} {
		if !strings.Contains(m.HTML, good) {
			t.Errorf("sanitized HTML lacks %q:\n%s", good, m.HTML)
		}
	}
	shown := RewriteCIDs(m.HTML, func(id string) string {
		if id == cid {
			return "/files/7"
		}
		return ""
	})
	if !strings.Contains(shown, `src="/files/7"`) || strings.Contains(shown, "cid:") {
		t.Errorf("RewriteCIDs: %s", shown)
	}
	if dropped := RewriteCIDs(m.HTML, func(string) string { return "" }); strings.Contains(dropped, "<img") {
		t.Errorf("an image with no address stays: %s", dropped)
	}
}

func TestParseAttachmentLimits(t *testing.T) {
	raw := readFixture(t, "parse/attachments.eml")
	m, err := Parse(raw, Limits{MaxAttachment: 100})
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range m.Attachments {
		big := a.Name == "Facture n° 10452.pdf" // 150 bytes; the others are under 100
		if a.Omitted != big || (a.Data == nil) != big || a.Size == 0 {
			t.Errorf("%s: omitted %v, %d bytes of %d", a.Name, a.Omitted, len(a.Data), a.Size)
		}
	}
	// the total counts the inline image (70 bytes) first, then the files in order
	m, err = Parse(raw, Limits{MaxAttachments: 230})
	if err != nil {
		t.Fatal(err)
	}
	var omitted []string
	for _, a := range m.Attachments {
		if a.Omitted {
			omitted = append(omitted, a.Name)
		}
	}
	if want := []string{"receipt.png"}; !slices.Equal(omitted, want) {
		t.Errorf("omitted %v, want %v", omitted, want)
	}
}

func TestParseMissingMessageID(t *testing.T) {
	raw := readFixture(t, "parse/html_only.eml")
	m := parseFixture(t, "parse/html_only.eml")
	if !m.Generated || !strings.HasSuffix(m.MessageID, "@hash.invalid") {
		t.Fatalf("MessageID = %q, generated %v", m.MessageID, m.Generated)
	}
	again, _ := Parse(raw, Limits{})
	other, _ := Parse(bytes.Replace(raw, []byte("Tromsø"), []byte("Bodø"), 1), Limits{})
	if again.MessageID != m.MessageID || other.MessageID == m.MessageID {
		t.Errorf("ids: %s, again %s, other body %s", m.MessageID, again.MessageID, other.MessageID)
	}
	if want := "Hello, do you deliver to *Tromsø* ?\n\nThanks,\nNora"; m.Text != want || m.Reply != want {
		t.Errorf("Text = %q\nReply = %q", m.Text, m.Reply)
	}
	for _, bad := range []string{"color: red", "Newsletter", "data:image"} {
		if strings.Contains(m.HTML, bad) {
			t.Errorf("sanitized HTML keeps %q: %s", bad, m.HTML)
		}
	}
}

// nested is a message of depth multipart/mixed containers inside one another, closed or not.
func nested(depth int, closed bool) []byte {
	var b bytes.Buffer
	b.WriteString("From: a@example.com\r\nSubject: deep\r\nMessage-ID: <deep@example.com>\r\nMIME-Version: 1.0\r\n")
	for i := range depth {
		fmt.Fprintf(&b, "Content-Type: multipart/mixed; boundary=b%d\r\n\r\n--b%d\r\n", i, i)
	}
	b.WriteString("Content-Type: text/plain\r\n\r\nhello\r\n")
	if closed {
		for i := depth - 1; i >= 0; i-- {
			fmt.Fprintf(&b, "--b%d--\r\n", i)
		}
	}
	return b.Bytes()
}

func TestParseRefuses(t *testing.T) {
	wide := []byte("From: a@example.com\r\nMessage-ID: <wide@example.com>\r\nContent-Type: multipart/mixed; boundary=x\r\n\r\n" +
		strings.Repeat("--x\r\nContent-Type: text/plain\r\n\r\nhi\r\n", 150) + "--x--\r\n")
	cases := []struct {
		name string
		raw  []byte
		lim  Limits
		want error
	}{
		{"larger than MaxSize", readFixture(t, "clients/gmail.eml"), Limits{MaxSize: 1000}, ErrTooLarge},
		{"more parts than MaxParts", wide, Limits{}, ErrTooComplex},
		{"deeper than MaxDepth", nested(12, true), Limits{}, ErrTooComplex},
		{"more boundaries than MaxParts", nested(120, true), Limits{}, ErrTooComplex},
		// 2^40 reads without the budget: the test would never end
		{"unclosed nesting", nested(40, false), Limits{MaxDepth: 50}, ErrTooComplex},
		{"past the deadline", readFixture(t, "clients/gmail.eml"), Limits{Timeout: time.Nanosecond}, ErrTimeout},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m, err := Parse(c.raw, c.lim)
			if !errors.Is(err, c.want) {
				t.Fatalf("err = %v, want %v", err, c.want)
			}
			// the header is still read, so the intake knows who sent what
			if m == nil || m.MessageID == "" || m.From.Address == "" || m.Text != "" {
				t.Errorf("message = %+v", m)
			}
		})
	}
	if _, err := Parse(nested(8, false), Limits{}); err != nil {
		t.Errorf("an unclosed message of 8 levels: %v", err)
	}
	if m, err := Parse(nested(10, true), Limits{}); err != nil || m.Text != "hello" {
		t.Errorf("10 levels: %v", err)
	}
}

func TestParseLenient(t *testing.T) {
	cases := []struct {
		name, raw string
		check     func(*Message) bool
	}{
		{"no Message-ID", "From: ada@example.com\r\n\nhi", func(m *Message) bool { return m.Text == "hi" && m.Generated }},
		{"a bare address in From", "From: ada@example.com\r\n\r\nhi", func(m *Message) bool { return m.From.Address == "ada@example.com" }},
		{"an unclosed bracket in From", "From: Ada <ada@example.com\r\n\r\nhi", func(m *Message) bool { return m.From.Address == "ada@example.com" }},
		{"a date with a zone name", "Date: Tue, 12 Mar 2024 10:15:00 +0100 (CET)\r\n\r\nhi", func(m *Message) bool { return m.Date.Unix() == 1710234900 }},
		{"a date without a zone", "Date: Tue, 12 Mar 2024 10:15:00\r\n\r\nhi", func(m *Message) bool { return !m.Date.IsZero() }},
		{"a bad date", "Date: soon\r\n\r\nhi", func(m *Message) bool { return m.Date.IsZero() }},
		{"invalid UTF-8", "Subject: caf\xe9\r\nContent-Type: text/plain; charset=utf-8\r\n\r\ncaf\xe9", func(m *Message) bool { return m.Text == "caf\uFFFD" && m.Subject == "caf\uFFFD" }},
		{"a multipart without its boundary", "Content-Type: multipart/mixed\r\n\r\nhi", func(m *Message) bool { return true }},
		{"References folded over lines", "References: <a@x>\r\n <b@x>\r\n\t<c@x>\r\n\r\nhi", func(m *Message) bool { return slices.Equal(m.References, []string{"a@x", "b@x", "c@x"}) }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m, err := Parse([]byte(c.raw), Limits{})
			if err != nil {
				t.Fatal(err)
			}
			if !c.check(m) {
				t.Errorf("%+v", m)
			}
		})
	}
}

func TestParseNotMail(t *testing.T) {
	for _, raw := range []string{"just a line\r\n", "\x00\x01\x02"} {
		if m, err := Parse([]byte(raw), Limits{}); err == nil {
			t.Errorf("%q: %+v", raw, m)
		}
	}
}

func TestCapIDs(t *testing.T) {
	var ids []string
	for i := range 30 {
		ids = append(ids, fmt.Sprintf("%d@x", i))
	}
	got := capIDs(ids, 5)
	if want := []string{"0@x", "26@x", "27@x", "28@x", "29@x"}; !slices.Equal(got, want) {
		t.Errorf("capIDs = %v, want %v", got, want)
	}
}

func BenchmarkParse(b *testing.B) {
	inputs := map[string][]byte{}
	for _, name := range []string{"clients/gmail.eml", "clients/outlook.eml", "parse/attachments.eml"} {
		inputs[name] = readFixture(b, name)
	}
	// a photo of 5 MB (random bytes, base64 in lines of 76) under a short text
	photo := make([]byte, 5<<20)
	rand.Read(photo)
	enc := base64.StdEncoding.EncodeToString(photo)
	var big bytes.Buffer
	big.WriteString("From: a@example.com\r\nMessage-ID: <big@example.com>\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n" +
		"--b\r\nContent-Type: text/plain\r\n\r\nHere is the photo.\r\n--b\r\nContent-Type: image/jpeg\r\n" +
		"Content-Disposition: attachment; filename=photo.jpg\r\nContent-Transfer-Encoding: base64\r\n\r\n")
	for len(enc) > 76 {
		big.WriteString(enc[:76] + "\r\n")
		enc = enc[76:]
	}
	big.WriteString(enc + "\r\n--b--\r\n")
	inputs["5 MB attachment"] = big.Bytes()
	for _, name := range []string{"clients/gmail.eml", "clients/outlook.eml", "parse/attachments.eml", "5 MB attachment"} {
		raw := inputs[name]
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(len(raw)))
			for b.Loop() {
				if _, err := Parse(raw, Limits{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

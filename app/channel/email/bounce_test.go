package email

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestBounces(t *testing.T) {
	cases := []struct {
		file       string
		standard   bool
		recipients []BouncedRecipient
		failed     []string
	}{
		{"postfix.eml", true, []BouncedRecipient{{"ada@example.com", "failed", "5.1.1", "550 5.1.1 <ada@example.com>: Recipient address rejected: User unknown in virtual mailbox table"}}, []string{"ada@example.com"}},
		{"delayed.eml", true, []BouncedRecipient{{"grace@slow.example", "delayed", "4.4.1", "connect to mx.slow.example[198.51.100.40]:25: Connection timed out"}}, nil},
		{"gmail.eml", true, []BouncedRecipient{{"nobody.here@gmail.com", "failed", "5.1.1", "550-5.1.1 The email account that you tried to reach does not exist. Please try double-checking the recipient's email address for typos or unnecessary spaces. For more information, go to https://support.google.com/mail/?p=NoSuchUser 41be03b00d2f7-5dc8a8f4e8bsor2126591a12.38 - gsmtp"}}, []string{"nobody.here@gmail.com"}},
		{"exchange.eml", true, []BouncedRecipient{{"jon@fabrikam.example", "failed", "5.1.10", "550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient jon@fabrikam.example not found by SMTP address lookup"}}, []string{"jon@fabrikam.example"}},
		{"qmail.eml", false, []BouncedRecipient{{"marie@oldhost.example", "failed", "5.1.1", "Sorry, no mailbox here by that name. (#5.1.1)"}}, []string{"marie@oldhost.example"}},
		{"exim.eml", false, []BouncedRecipient{{"pierre@host.example", "failed", "5.1.1", "550 5.1.1 <pierre@host.example>: Recipient address rejected: User unknown"}}, []string{"pierre@host.example"}},
	}
	seen := map[string]bool{}
	for _, c := range cases {
		seen[c.file] = true
		t.Run(c.file, func(t *testing.T) {
			m := parseFixture(t, "bounces/"+c.file)
			b := m.Bounce
			if b == nil {
				t.Fatal("not read as a bounce")
			}
			if b.Standard != c.standard || b.OriginalID != ourID {
				t.Errorf("standard %v, original %q", b.Standard, b.OriginalID)
			}
			if !slices.Equal(b.Recipients, c.recipients) {
				t.Errorf("recipients:\n%+v\nwant\n%+v", b.Recipients, c.recipients)
			}
			if !slices.Equal(b.Failed(), c.failed) {
				t.Errorf("Failed() = %v, want %v", b.Failed(), c.failed)
			}
			if ok, why := m.MayAutoReply("support@shop.example"); ok || why != Bounced {
				t.Errorf("MayAutoReply = %v, %q", ok, why)
			}
		})
	}
	files, _ := filepath.Glob("testdata/bounces/*.eml")
	for _, f := range files {
		if !seen[filepath.Base(f)] {
			t.Errorf("%s is not tested", f)
		}
	}
}

func TestNotBounces(t *testing.T) {
	files, _ := filepath.Glob("testdata/clients/*.eml")
	files = append(files, "testdata/auto/exchange_ooo.eml", "testdata/auto/gmail_vacation.eml")
	for _, f := range files {
		if m := parseFixture(t, strings.TrimPrefix(f, "testdata/")); m.Bounce != nil {
			t.Errorf("%s read as a bounce: %+v", f, m.Bounce)
		}
	}
	// the postmaster writing as a person
	m, err := Parse([]byte("From: postmaster@example.com\r\nSubject: New opening hours\r\n\r\nWe are open on Sundays now."), Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if m.Bounce != nil {
		t.Errorf("read as a bounce: %+v", m.Bounce)
	}
}

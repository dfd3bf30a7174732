package email

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
)

func TestNewMessageID(t *testing.T) {
	seen := map[string]bool{}
	for range 1000 {
		id := NewMessageID("Shop.Example")
		if !regexp.MustCompile(`^[0-9a-z]+\.[a-z2-7]{26}@shop\.example$`).MatchString(id) || seen[id] {
			t.Fatalf("id %q (seen %v)", id, seen[id])
		}
		seen[id] = true
	}
}

func TestReplyThreading(t *testing.T) {
	cases := []struct {
		name            string
		parent          string
		refs, inReplyTo []string
		wantIRT         string
		wantRefs        []string
	}{
		{"first reply", "a@x", nil, nil, "a@x", []string{"a@x"}},
		{"the parent's references, then the parent", "c@x", []string{"a@x", "b@x"}, []string{"b@x"}, "c@x", []string{"a@x", "b@x", "c@x"}},
		{"no references: the parent's single In-Reply-To", "c@x", nil, []string{"b@x"}, "c@x", []string{"b@x", "c@x"}},
		{"several In-Reply-To are ambiguous", "c@x", nil, []string{"a@x", "b@x"}, "c@x", []string{"c@x"}},
		{"a repeated id once", "b@x", []string{"a@x", "b@x"}, nil, "b@x", []string{"a@x", "b@x"}},
		{"no parent id", "", []string{"a@x"}, nil, "", []string{"a@x"}},
		{"a bad id is left out", "c@x", []string{"a b@x", "<x>", "a@x"}, nil, "c@x", []string{"a@x", "c@x"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			irt, refs := ReplyThreading(c.parent, c.refs, c.inReplyTo)
			if irt != c.wantIRT || !slices.Equal(refs, c.wantRefs) {
				t.Errorf("got %q %v, want %q %v", irt, refs, c.wantIRT, c.wantRefs)
			}
		})
	}
	var long []string
	for i := range 50 {
		long = append(long, fmt.Sprintf("%d@x", i))
	}
	_, refs := ReplyThreading("parent@x", long, nil)
	if len(refs) != MaxReferences || refs[0] != "0@x" || refs[len(refs)-1] != "parent@x" || refs[len(refs)-2] != "49@x" {
		t.Errorf("capped: %v", refs)
	}
}

func TestReplySubject(t *testing.T) {
	for in, want := range map[string]string{
		"Where is my order?":           "Re: Where is my order?",
		"Re: Where is my order?":       "Re: Where is my order?",
		"RE: Where is my order?":       "RE: Where is my order?",
		"AW: Wo ist meine Bestellung?": "AW: Wo ist meine Bestellung?",
		"SV: Hvor er bestillingen?":    "SV: Hvor er bestillingen?",
		"Fwd: Invoice":                 "Re: Fwd: Invoice",
		"Reduction":                    "Re: Reduction",
		"":                             "Re:",
		"Line\r\nBcc: x@y":             "Re: Line Bcc: x@y",
	} {
		if got := ReplySubject(in); got != want {
			t.Errorf("ReplySubject(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestPlusAddress(t *testing.T) {
	tok := NewToken()
	if len(tok) != tokenLen || tok == NewToken() {
		t.Fatalf("token %q", tok)
	}
	addr, err := PlusAddress("support@shop.example", tok)
	if err != nil || addr != "support+c-"+tok+"@shop.example" {
		t.Fatalf("PlusAddress = %q, %v", addr, err)
	}
	for _, a := range []string{addr, strings.ToUpper(addr), " " + addr} {
		if got, ok := TokenOf(a); !ok || got != tok {
			t.Errorf("TokenOf(%q) = %q, %v", a, got, ok)
		}
	}
	for _, a := range []string{"support@shop.example", "support+c-short@shop.example", "support+other@shop.example", "support+c-" + tok + "x@shop.example", ""} {
		if got, ok := TokenOf(a); ok {
			t.Errorf("TokenOf(%q) = %q", a, got)
		}
	}
	for _, c := range []struct{ addr, tok string }{
		{"support", tok},
		{"support+x@shop.example", tok},
		{"support@shop.example", "not a token"},
		{strings.Repeat("s", 40) + "@shop.example", tok},
	} {
		if got, err := PlusAddress(c.addr, c.tok); err == nil {
			t.Errorf("PlusAddress(%q, %q) = %q", c.addr, c.tok, got)
		}
	}
}

func TestCandidates(t *testing.T) {
	cases := []struct {
		file string
		want []Candidate
	}{
		// In-Reply-To, References from the newest back (without the one In-Reply-To names), the token
		{"clients/gmail.eml", []Candidate{{ByInReplyTo, ourID}, {ByReferences, firstID}, {ByToken, token}}},
		{"clients/outlook.eml", []Candidate{{ByInReplyTo, ourID}, {ByReferences, firstID}, {ByToken, token}}},
		// iPhone Mail dropped both headers: the plus address is all there is
		{"clients/apple_iphone_nb.eml", []Candidate{{ByToken, token}}},
		// nothing to go on: a new conversation
		{"clients/gmail_forward.eml", nil},
	}
	for _, c := range cases {
		m := parseFixture(t, c.file)
		if got := Candidates(m, "support@shop.example"); !slices.Equal(got, c.want) {
			t.Errorf("%s: %v\nwant %v", c.file, got, c.want)
		}
	}
	m, err := Parse([]byte("From: a@example.com\r\nTo: other+c-"+token+"@elsewhere.example\r\nDelivered-To: support+c-"+token+"@shop.example\r\n"+
		"In-Reply-To: <b@x>\r\nReferences: <a@x> <b@x> <c@x>\r\n\r\nhi"), Limits{})
	if err != nil {
		t.Fatal(err)
	}
	// a plus address that is not ours is not a token of ours; Delivered-To is
	want := []Candidate{{ByInReplyTo, "b@x"}, {ByReferences, "c@x"}, {ByReferences, "a@x"}, {ByToken, token}}
	if got := Candidates(m, "support@shop.example"); !slices.Equal(got, want) {
		t.Errorf("%v\nwant %v", got, want)
	}
}

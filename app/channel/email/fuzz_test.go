package email

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/jhillyerd/enmime/v2"
)

// maxFuzzInput is the largest input the fuzz targets read: the fuzzer minimizes each new
// input by running it again and again, and large ones stall it. What large messages do is
// for the limit tests (TestParseRefuses). Run the targets with `make fuzz`.
const maxFuzzInput = 64 << 10

// fixtures are the testdata messages, the seeds of the fuzz targets.
func fixtures(f *testing.F) [][]byte {
	files, err := filepath.Glob("testdata/*/*.eml")
	if err != nil || len(files) == 0 {
		f.Fatal("no fixtures", err)
	}
	var out [][]byte
	for _, file := range files {
		out = append(out, readFixture(f, strings.TrimPrefix(file, "testdata/")))
	}
	return out
}

// FuzzParse looks for panics, and for a message accepted with text that is not UTF-8 or
// HTML that runs a script.
func FuzzParse(f *testing.F) {
	for _, raw := range fixtures(f) {
		f.Add(raw)
	}
	f.Add(nested(11, false))
	f.Add([]byte("Content-Type: multipart/mixed; boundary=\"\"\r\n\r\n--\r\n\r\n----\r\n"))
	f.Add([]byte("Content-Type: message/rfc822\r\n\r\nContent-Type: multipart/report; boundary=a\r\n\r\n--a\r\nContent-Type: message/delivery-status\r\n\r\nAction: failed\r\n"))
	f.Fuzz(func(t *testing.T, raw []byte) {
		if len(raw) > maxFuzzInput {
			return
		}
		m, err := Parse(raw, Limits{Timeout: time.Hour})
		if err != nil {
			return
		}
		if m.MessageID == "" {
			t.Error("no Message-ID")
		}
		for name, s := range map[string]string{"Subject": m.Subject, "From": m.From.Name, "Text": m.Text, "Reply": m.Reply, "HTML": m.HTML} {
			if !utf8.ValidString(s) {
				t.Errorf("%s is not UTF-8: %q", name, s)
			}
		}
		if h := strings.ToLower(m.HTML); strings.Contains(h, "<script") || strings.Contains(h, "javascript:") {
			t.Errorf("HTML keeps a script: %s", m.HTML)
		}
		for _, a := range append(m.Attachments, m.Inlines...) {
			if strings.ContainsAny(a.Name, "/\\") || (a.Data != nil && len(a.Data) != a.Size) {
				t.Errorf("attachment %+v", a)
			}
		}
	})
}

// FuzzStripQuotes checks that stripping only removes: every line it returns is a line of
// what it was given.
func FuzzStripQuotes(f *testing.F) {
	for _, raw := range fixtures(f) {
		if m, err := Parse(raw, Limits{}); err == nil {
			f.Add(m.Text)
		}
	}
	f.Add("On Tue, 12 Mar 2024 at 10:15, A <a@b.c>\nwrote:\n> x\n\ny\n-- \nsig")
	f.Add(strings.Repeat("On 1\n", 100) + "wrote:\n")
	f.Fuzz(func(t *testing.T, text string) {
		if len(text) > maxFuzzInput {
			return
		}
		lines := map[string]bool{}
		for _, l := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n") {
			lines[strings.TrimRight(l, " \t")] = true
		}
		out := StripQuotes(text)
		for _, l := range strings.Split(out, "\n") {
			if l != "" && !lines[l] {
				t.Fatalf("line %q is not in the input", l)
			}
		}
		if utf8.ValidString(text) && !utf8.ValidString(out) {
			t.Errorf("not UTF-8: %q", out)
		}
	})
}

// FuzzStripQuotesHTML looks for panics in the HTML walk.
func FuzzStripQuotesHTML(f *testing.F) {
	for _, raw := range fixtures(f) {
		if env, err := enmime.ReadEnvelope(bytes.NewReader(raw)); err == nil && env.HTML != "" {
			f.Add(env.HTML)
		}
	}
	f.Add(`<div id="divRplyFwdMsg"><div style="border-top:solid 1pt">From: x<br>Sent: y</div></div><blockquote type=cite><blockquote type=cite>`)
	f.Fuzz(func(t *testing.T, s string) {
		if len(s) > maxFuzzInput {
			return
		}
		if out := StripQuotesHTML(s); utf8.ValidString(s) && !utf8.ValidString(out) {
			t.Errorf("not UTF-8: %q", out)
		}
	})
}

package web

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"agent/app/inbox"
)

// countingReader counts the bytes read from it.
type countingReader struct {
	r *bytes.Reader
	n int
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += n
	return n, err
}

// FuzzWidgetJSON feeds any bytes to the reading and checking of the chat widget's
// public request bodies (visitor, message, feedback): nothing panics, no more than
// widgetMaxBody bytes are read, a refusal is a JSON error with a 4xx status, and what is
// accepted keeps the rules (a message is not blank and at most inbox.MaxMessage
// characters; a thumbs down has a known reason).
func FuzzWidgetJSON(f *testing.F) {
	for _, seed := range []string{
		``, `{}`, `null`, `[]`, `"text"`, `0`,
		`{"lang":"en-GB"}`, `{"lang":` + strings.Repeat(`"x`, 3) + `}`,
		`{"text":"Do you sell gift cards?","lang":"nb"}`, `{"text":"   "}`, `{"text":"\u0000\ud800"}`,
		`{"text":"` + strings.Repeat("é", inbox.MaxMessage+1) + `"}`,
		`{"text":"` + strings.Repeat(`\"`, widgetMaxBody) + `"}`,
		`{"helpful":true}`, `{"helpful":false,"reason":"off_topic"}`, `{"helpful":false,"reason":"nope","comment":"x"}`,
		`{"helpful":"yes"}`, `{"text":1e999}`, `{"text":"a"} trailing`, `{"text":"a","text":"b"}`,
		strings.Repeat("[", 20000), "\xff\xfe{", `{"Text":"case"}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		for _, in := range []widgetInput{&visitorInput{}, &messageInput{}, &feedbackInput{}} {
			src := &countingReader{r: bytes.NewReader(body)}
			r := httptest.NewRequest(http.MethodPost, "/widget/v1/key/visitor", src)
			w := httptest.NewRecorder()
			ok := readInput(w, r, in)
			if src.n > widgetMaxBody+1 {
				t.Fatalf("%T: read %d bytes, the limit is %d", in, src.n, widgetMaxBody)
			}
			if !ok {
				var e struct{ Error string }
				if w.Code < 400 || w.Code > 499 || json.Unmarshal(w.Body.Bytes(), &e) != nil || e.Error == "" {
					t.Fatalf("%T: refused with %d %q", in, w.Code, w.Body.String())
				}
				continue
			}
			if w.Body.Len() != 0 {
				t.Fatalf("%T: accepted, yet wrote %q", in, w.Body.String())
			}
			switch in := in.(type) {
			case *messageInput:
				if strings.TrimSpace(in.Text) == "" || in.Text != strings.TrimSpace(in.Text) || utf8.RuneCountInString(in.Text) > inbox.MaxMessage {
					t.Fatalf("accepted message %q", in.Text)
				}
			case *feedbackInput:
				if !in.Helpful && !slices.Contains(inbox.FeedbackReasons, in.Reason) {
					t.Fatalf("accepted a thumbs down with reason %q", in.Reason)
				}
			}
		}
	})
}

package email

import (
	"bytes"
	"errors"
	"fmt"
	"html"
	"net/mail"
	"net/url"
	"strings"
	"time"

	"github.com/jhillyerd/enmime/v2"
)

// Outgoing is a mail we send: the AI's answer or a person's reply from the inbox.
type Outgoing struct {
	From    mail.Address
	To      []mail.Address
	Cc      []mail.Address
	ReplyTo []mail.Address // the conversation's plus address (PlusAddress)
	Subject string
	Text    string
	// HTML is the rich version; when empty it is made from Text (paragraphs and line breaks).
	HTML string
	// Sources are the pages the answer cites as [1], [2], …: listed as numbered links at the
	// end, under SourcesLabel ("Sources" when empty; give it in the reply's language).
	Sources      []Source
	SourcesLabel string
	MessageID    string // without angle brackets; NewMessageID(Domain(From)) when empty
	InReplyTo    string // from ReplyThreading
	References   []string
	// Automatic marks the AI's mail "Auto-Submitted: auto-replied" (RFC 3834), so that
	// other robots do not answer it, and asks Exchange for no out-of-office replies to it.
	// A person's reply is not marked.
	Automatic bool
	// Footer are lines after the text and its sources, set apart: the automatic bot's
	// label, the question that asks the customer to rate an automatic reply.
	Footer []string
	Date   time.Time // now when zero
}

// Source is a page an answer rests on.
type Source struct {
	Title string
	URL   string
}

// Compose writes o as an RFC 5322 message (text and HTML alternatives, headers encoded for
// non-ASCII names and subjects), ready for SMTP, and returns it with its Message-ID.
func Compose(o Outgoing) (raw []byte, messageID string, err error) {
	if !strings.Contains(o.From.Address, "@") {
		return nil, "", errors.New("email: compose: no sender address")
	}
	if len(o.To) == 0 {
		return nil, "", errors.New("email: compose: no recipient")
	}
	messageID = o.MessageID
	if messageID == "" {
		messageID = NewMessageID(Domain(o.From.Address))
	}
	if !validID(messageID) {
		return nil, "", fmt.Errorf("email: compose: bad Message-ID %q", messageID)
	}
	date := o.Date
	if date.IsZero() {
		date = time.Now()
	}
	text, rich := o.Text, o.HTML
	if rich == "" {
		rich = textHTML(text)
	}
	if len(o.Sources) > 0 {
		label := cleanLine(o.SourcesLabel)
		if label == "" {
			label = "Sources"
		}
		text, rich = withSources(text, rich, label, o.Sources)
	}
	if len(o.Footer) > 0 {
		text, rich = withFooter(text, rich, o.Footer)
	}
	b := enmime.Builder().
		From(cleanLine(o.From.Name), o.From.Address).
		ToAddrs(clean(o.To)).
		Subject(cleanLine(o.Subject)).
		Date(date).
		Text([]byte(strings.ReplaceAll(text, "\n", "\r\n"))).
		HTML([]byte(rich)).
		Header("Message-ID", "<"+messageID+">")
	if len(o.Cc) > 0 {
		b = b.CCAddrs(clean(o.Cc))
	}
	if len(o.ReplyTo) > 0 {
		b = b.ReplyToAddrs(clean(o.ReplyTo))
	}
	if validID(o.InReplyTo) {
		b = b.Header("In-Reply-To", "<"+o.InReplyTo+">")
	}
	var refs []string
	for _, id := range capIDs(o.References, MaxReferences) {
		if validID(id) {
			refs = append(refs, "<"+id+">")
		}
	}
	if len(refs) > 0 {
		b = b.Header("References", strings.Join(refs, " "))
	}
	if o.Automatic {
		b = b.Header("Auto-Submitted", "auto-replied").Header("X-Auto-Response-Suppress", "All")
	}
	root, err := b.Build()
	if err != nil {
		return nil, "", fmt.Errorf("email: compose: %w", err)
	}
	var buf bytes.Buffer
	if err := root.Encode(&buf); err != nil {
		return nil, "", fmt.Errorf("email: compose: %w", err)
	}
	return buf.Bytes(), messageID, nil
}

// clean drops line breaks from display names: a name is never a way to add a header.
func clean(as []mail.Address) []mail.Address {
	out := make([]mail.Address, 0, len(as))
	for _, a := range as {
		out = append(out, mail.Address{Name: cleanLine(a.Name), Address: strings.TrimSpace(a.Address)})
	}
	return out
}

// textHTML is the HTML version of a text reply: paragraphs at blank lines, line breaks kept.
func textHTML(text string) string {
	var b strings.Builder
	b.WriteString(`<!DOCTYPE html><html><body>`)
	for _, para := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n\n") {
		if para = strings.TrimSpace(para); para == "" {
			continue
		}
		b.WriteString("<p>")
		b.WriteString(strings.ReplaceAll(html.EscapeString(para), "\n", "<br>\n"))
		b.WriteString("</p>\n")
	}
	b.WriteString(`</body></html>`)
	return b.String()
}

// withSources adds the numbered sources to both versions: "[1] Title: URL" lines to the
// text, an ordered list of links to the HTML (only http and https addresses become links).
func withSources(text, rich, label string, sources []Source) (string, string) {
	var t, h strings.Builder
	t.WriteString(strings.TrimRight(text, "\n"))
	t.WriteString("\n\n" + label + ":\n")
	h.WriteString("<p>" + html.EscapeString(label) + ":</p>\n<ol>\n")
	for i, s := range sources {
		title := cleanLine(s.Title)
		u := strings.TrimSpace(s.URL)
		if title == "" {
			title = u
		}
		fmt.Fprintf(&t, "[%d] %s", i+1, title)
		if u != "" && u != title {
			t.WriteString(": " + u)
		}
		t.WriteByte('\n')
		if pu, err := url.Parse(u); err == nil && (pu.Scheme == "https" || pu.Scheme == "http") {
			fmt.Fprintf(&h, "<li><a href=\"%s\">%s</a></li>\n", html.EscapeString(u), html.EscapeString(title))
		} else {
			fmt.Fprintf(&h, "<li>%s</li>\n", html.EscapeString(title))
		}
	}
	h.WriteString("</ol>\n")
	if i := strings.LastIndex(strings.ToLower(rich), "</body>"); i >= 0 {
		return t.String(), rich[:i] + h.String() + rich[i:]
	}
	return t.String(), rich + h.String()
}

// withFooter adds lines after everything else: in the text after a blank line, in the
// HTML as a paragraph in small grey type.
func withFooter(text, rich string, lines []string) (string, string) {
	var h strings.Builder
	h.WriteString(`<p style="color:#666;font-size:90%">`)
	for i, l := range lines {
		if i > 0 {
			h.WriteString("<br>\n")
		}
		h.WriteString(html.EscapeString(cleanLine(l)))
	}
	h.WriteString("</p>\n")
	text = strings.TrimRight(text, "\n") + "\n\n" + strings.Join(lines, "\n") + "\n"
	if i := strings.LastIndex(strings.ToLower(rich), "</body>"); i >= 0 {
		return text, rich[:i] + h.String() + rich[i:]
	}
	return text, rich + h.String()
}

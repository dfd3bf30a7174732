package email

import (
	"bufio"
	"bytes"
	"net/mail"
	"net/textproto"
	"regexp"
	"strings"

	"github.com/jhillyerd/enmime/v2"
)

// Bounce is a report that a message could not be delivered, or not yet. It is attached to
// the conversation of the message it reports on (OriginalID) and never answered.
type Bounce struct {
	Recipients []BouncedRecipient
	// OriginalID is the Message-ID of the message that bounced (from the copy of it or of
	// its header that the report carries); "" when the report has none.
	OriginalID string
	// Standard: an RFC 3464 multipart/report; otherwise read from a mail server's own
	// words (qmail, older Exim and Exchange, and others).
	Standard bool
}

// BouncedRecipient is one address a report is about.
type BouncedRecipient struct {
	Address    string
	Action     string // failed, delayed, delivered, relayed or expanded (RFC 3464)
	Status     string // the enhanced status code, such as 5.1.1 (RFC 3463)
	Diagnostic string // the receiving server's words, such as "550 5.1.1 User unknown"
}

// Failed lists the recipients the message will never reach: the addresses to flag.
func (b *Bounce) Failed() []string {
	var out []string
	for _, r := range b.Recipients {
		if r.Action == "failed" {
			out = append(out, r.Address)
		}
	}
	return out
}

// detectBounce reads a delivery report (RFC 3464) anywhere in the tree, or else a failure
// notice written by a mailer daemon in its own words.
func detectBounce(root *enmime.Part, m *Message) *Bounce {
	report := root.DepthMatchFirst(func(p *enmime.Part) bool {
		return p.ContentType == "message/delivery-status" || p.ContentType == "message/global-delivery-status"
	})
	var b *Bounce
	if report != nil {
		b = &Bounce{Standard: true, Recipients: deliveryStatus(report.Content)}
	} else if daemonSender(m) && (bounceSubject.MatchString(m.Subject) || bounceWords.MatchString(m.Text)) {
		b = &Bounce{Recipients: noticeRecipients(m)}
	} else {
		return nil
	}
	if orig := root.DepthMatchFirst(func(p *enmime.Part) bool {
		switch p.ContentType {
		case "message/rfc822", "message/global", "text/rfc822-headers", "message/global-headers":
			return true
		}
		return false
	}); orig != nil {
		if h, err := enmime.ReadHeader(bufio.NewReader(bytes.NewReader(orig.Content)), discard{}); err == nil {
			if ids := msgIDs(h.Get("Message-Id")); len(ids) > 0 {
				b.OriginalID = ids[0]
			}
		}
	}
	if b.OriginalID == "" {
		// the notice quotes the message below its own words
		if s := copiedMessageID.FindStringSubmatch(m.Text); s != nil {
			if ids := msgIDs(s[1]); len(ids) > 0 {
				b.OriginalID = ids[0]
			}
		}
	}
	return b
}

// deliveryStatus reads the per-recipient fields of a message/delivery-status part: groups
// of header lines separated by blank lines, the first group about the message.
func deliveryStatus(content []byte) []BouncedRecipient {
	r := textproto.NewReader(bufio.NewReader(bytes.NewReader(append(bytes.TrimSpace(content), '\n', '\n'))))
	var out []BouncedRecipient
	for len(out) < 100 {
		h, err := r.ReadMIMEHeader()
		if len(h) > 0 && h.Get("Reporting-Mta") == "" {
			addr := h.Get("Final-Recipient")
			if addr == "" {
				addr = h.Get("Original-Recipient")
			}
			if _, a, ok := strings.Cut(addr, ";"); ok {
				addr = a
			}
			out = append(out, BouncedRecipient{
				Address:    strings.ToLower(strings.Trim(strings.TrimSpace(addr), "<>")),
				Action:     strings.ToLower(strings.TrimSpace(h.Get("Action"))),
				Status:     strings.TrimSpace(h.Get("Status")),
				Diagnostic: diagnostic(h.Get("Diagnostic-Code")),
			})
		}
		if err != nil {
			break
		}
	}
	return out
}

// diagnostic drops the type from "smtp; 550 5.1.1 User unknown".
func diagnostic(v string) string {
	if t, rest, ok := strings.Cut(v, ";"); ok && !strings.ContainsAny(t, " <@") {
		v = rest
	}
	return cleanLine(v)
}

var (
	bounceSubject = regexp.MustCompile(`(?i)undeliver|delivery status notification|delivery (?:has )?fail|mail delivery failed|failure notice|returned mail|could not be delivered|non remis|unzustellbar|nicht zustellbar|no se puede entregar|no entregado|kan ikke leveres|ikke levert|onbestelbaar`)
	bounceWords   = regexp.MustCompile(`(?i)could not be delivered|couldn't be delivered|delivery to the following recipients? failed|permanent(?:ly)? (?:error|fatal)|the following address(?:es)?(?:\(es\))? failed|user unknown|mailbox unavailable|no such user|does not exist`)
	// where the notice's words end and the copy of the message begins (qmail, Exim, Postfix)
	copyMarker      = regexp.MustCompile(`(?im)^.*(?:below this line is a copy of the message|this is a copy of the message|original message follows|message headers follow|undelivered message headers|\bheaders of the original message\b).*$`)
	copiedMessageID = regexp.MustCompile(`(?im)^\s*Message-ID:\s*(<[^>\s]+>)`)
	statusCode      = regexp.MustCompile(`\b([245]\.\d{1,3}\.\d{1,3})\b`)
	smtpReply       = regexp.MustCompile(`\b[45]\d\d[ -]`)
)

// daemonSender is a mail server writing about delivery: mailer-daemon or postmaster, or an
// empty Return-Path (RFC 5321: notices go out with a null sender).
func daemonSender(m *Message) bool {
	local, _, _ := strings.Cut(m.From.Address, "@")
	switch local {
	case "mailer-daemon", "mailer_daemon", "mailerdaemon", "postmaster", "mail-daemon":
		return true
	}
	return nullReturnPath(m.Header)
}

// noticeRecipients reads a failure notice in a server's own words: the addresses of
// X-Failed-Recipients, or else those in what it says (not in the copy of the message below)
// other than the mailbox it was sent to and the server's own; the enhanced status code and
// the line with the server's reply.
func noticeRecipients(m *Message) []BouncedRecipient {
	words := m.Text
	if loc := copyMarker.FindStringIndex(words); loc != nil {
		words = words[:loc[0]]
	}
	skip := map[string]bool{m.From.Address: true}
	for _, a := range append(append([]mail.Address{}, m.To...), m.Cc...) {
		skip[a.Address] = true
	}
	var out []BouncedRecipient
	status := ""
	if s := statusCode.FindStringSubmatch(words); s != nil {
		status = s[1]
	}
	diag := ""
	for _, l := range strings.Split(words, "\n") {
		if smtpReply.MatchString(l) || (status != "" && strings.Contains(l, status)) {
			diag = cleanLine(l)
			break
		}
	}
	found := bareAddress.FindAllString(words, 50)
	if v := m.Header.Get("X-Failed-Recipients"); v != "" {
		found = bareAddress.FindAllString(v, 50) // Exim and Gmail name them for us
	}
	for _, a := range found {
		a = strings.ToLower(strings.TrimRight(a, "."))
		if skip[a] || daemonLocal(a) {
			continue
		}
		skip[a] = true
		out = append(out, BouncedRecipient{Address: a, Action: "failed", Status: status, Diagnostic: diag})
	}
	return out
}

func daemonLocal(addr string) bool {
	local, _, _ := strings.Cut(addr, "@")
	return local == "mailer-daemon" || local == "postmaster"
}

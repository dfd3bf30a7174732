package email

import (
	"net/textproto"
	"strings"
)

// Reason says why a message must not be answered automatically (RFC 3834): an answer to a
// machine starts a loop of answers, or mails a list.
type Reason string

// The reasons, each named after what the message shows.
const (
	NoSender         Reason = "no sender address"
	Bounced          Reason = "delivery report (bounce)"
	Report           Reason = "machine report (multipart/report)"
	AutoSubmitted    Reason = "sent automatically (Auto-Submitted)"
	AutoReplyHeader  Reason = "an automatic reply (X-Autoreply)"
	BulkPrecedence   Reason = "bulk or list mail (Precedence)"
	ResponseSuppress Reason = "asks for no automatic replies (X-Auto-Response-Suppress)"
	LoopHeader       Reason = "has been through a mail loop guard (X-Loop)"
	MailingList      Reason = "mailing list mail (List-Id)"
	NullReturnPath   Reason = "sent with no return path (Return-Path: <>)"
	DaemonSender     Reason = "from a mail server (mailer-daemon, postmaster)"
	NoReplySender    Reason = "from a no-reply address"
	OwnAddress       Reason = "from or to one of our own addresses"
)

// MayAutoReply says whether the AI may answer m on its own, and if not why. ours are the
// channel's addresses (a plus address of one of them is ours too). A message it refuses is
// still stored and shown to people; they may answer it.
func (m *Message) MayAutoReply(ours ...string) (bool, Reason) {
	h := m.Header
	if h == nil {
		h = textproto.MIMEHeader{}
	}
	token := func(k string) string {
		v, _, _ := strings.Cut(h.Get(k), ";")
		return strings.ToLower(strings.TrimSpace(v))
	}
	reply := ReplyAddress(m)
	switch {
	case m.From.Address == "" || reply == "":
		return false, NoSender
	case m.Bounce != nil:
		return false, Bounced
	case token("Content-Type") == "multipart/report":
		return false, Report
	case token("Auto-Submitted") != "" && token("Auto-Submitted") != "no":
		return false, AutoSubmitted
	case h.Get("X-Autoreply") != "", h.Get("X-Autorespond") != "":
		return false, AutoReplyHeader
	case token("Precedence") == "bulk", token("Precedence") == "list", token("Precedence") == "junk":
		return false, BulkPrecedence
	case h.Get("X-Auto-Response-Suppress") != "":
		return false, ResponseSuppress
	case len(h.Values("X-Loop")) > 0:
		return false, LoopHeader
	case h.Get("List-Id") != "":
		return false, MailingList
	case nullReturnPath(h):
		return false, NullReturnPath
	case daemonLocal(m.From.Address) || daemonLocal(reply):
		return false, DaemonSender
	case noReply(m.From.Address) || noReply(reply):
		return false, NoReplySender
	}
	for _, o := range ours {
		if SameMailbox(o, m.From.Address) || SameMailbox(o, reply) {
			return false, OwnAddress
		}
	}
	return true, ""
}

// ReplyAddress is where an answer to m goes: its first Reply-To, else its From.
func ReplyAddress(m *Message) string {
	if len(m.ReplyTo) > 0 {
		return m.ReplyTo[0].Address
	}
	return m.From.Address
}

// nullReturnPath is the envelope sender of a delivery notice: "Return-Path: <>".
func nullReturnPath(h textproto.MIMEHeader) bool {
	vs := h.Values("Return-Path")
	return len(vs) > 0 && strings.Trim(strings.TrimSpace(vs[0]), "<> ") == ""
}

// noReply is an address that says it reads nothing: noreply@, no-reply@, donotreply@, …
func noReply(addr string) bool {
	local, _, _ := strings.Cut(strings.ToLower(addr), "@")
	local = strings.NewReplacer("-", "", "_", "", ".", "").Replace(local)
	return strings.HasPrefix(local, "noreply") || strings.HasPrefix(local, "donotreply")
}

// SameMailbox says whether two addresses reach the same mailbox: equal without case and
// without a "+tag" on the local part (support+c-x@shop.example is support@shop.example).
func SameMailbox(a, b string) bool {
	return a != "" && mailbox(a) == mailbox(b)
}

func mailbox(addr string) string {
	local, domain, _ := strings.Cut(strings.ToLower(strings.TrimSpace(addr)), "@")
	local, _, _ = strings.Cut(local, "+")
	return local + "@" + domain
}

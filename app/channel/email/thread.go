package email

import (
	"crypto/rand"
	"encoding/base32"
	"fmt"
	"net/mail"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// MaxReferences is how many ids a reply's References keeps: the thread's first message and
// the most recent ones, as clients shorten long threads (RFC 5322 §3.6.4 practice).
const MaxReferences = 20

var lowerBase32 = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)

// NewMessageID returns a Message-ID (without angle brackets) for mail we send from domain:
// the time and 128 random bits, so that no two are ever the same and none can be guessed.
func NewMessageID(domain string) string {
	b := make([]byte, 16)
	rand.Read(b)
	return strconv.FormatInt(time.Now().UnixMilli(), 36) + "." + lowerBase32.EncodeToString(b) + "@" + strings.ToLower(domain)
}

// Domain is the part of an address after the @.
func Domain(addr string) string {
	_, d, _ := strings.Cut(addr, "@")
	return strings.ToLower(d)
}

// ReplyThreading returns the In-Reply-To and References of a reply to the message with id
// parentID, whose own References and In-Reply-To are given: the parent's References (or its
// single In-Reply-To when it has none) and then the parent, capped at MaxReferences.
func ReplyThreading(parentID string, parentReferences, parentInReplyTo []string) (inReplyTo string, references []string) {
	refs := parentReferences
	if len(refs) == 0 && len(parentInReplyTo) == 1 {
		refs = parentInReplyTo
	}
	var out []string
	seen := map[string]bool{}
	for _, id := range append(append([]string{}, refs...), parentID) {
		if validID(id) && !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	if !validID(parentID) {
		parentID = ""
	}
	return parentID, capIDs(out, MaxReferences)
}

var replyPrefix = regexp.MustCompile(`(?i)^\s*(?:re|aw|sv|antw|réf|rif|r|odp|res)\s*(?:\[\d+\])?\s*:`)

// ReplySubject is the subject of a reply: "Re: " before the subject, unless it already has
// a reply prefix in some language ("RE:", "AW:", "SV:", …).
func ReplySubject(subject string) string {
	subject = cleanLine(subject)
	if replyPrefix.MatchString(subject) {
		return subject
	}
	return strings.TrimSpace("Re: " + subject)
}

var forwardPrefix = regexp.MustCompile(`(?i)^\s*(?:fwd?|wg|tr|rv|vs|vb|i|enc|doorst)\s*:`)

// isForward says whether a subject is that of a forwarded message ("Fwd:", "FW:", "WG:",
// "TR:", …): its body is the forwarded message, not a quote to strip.
func isForward(subject string) bool {
	return forwardPrefix.MatchString(subject)
}

// tokenLen is the length of a plus-address token: 15 random bytes in base32.
const tokenLen = 24

var tokenChars = regexp.MustCompile(`^[a-z2-7]{24}$`)

// NewToken returns a token for a conversation's plus address: random (120 bits), so that
// nobody can write into a conversation whose mail they have not seen. The intake stores it
// with the conversation and looks it up when it comes back.
func NewToken() string {
	b := make([]byte, 15)
	rand.Read(b)
	return lowerBase32.EncodeToString(b)
}

// PlusAddress is addr with the conversation's token: support@shop.example becomes
// support+c-TOKEN@shop.example. Replies to it come back to the same mailbox, and the token
// finds the conversation when a client drops In-Reply-To and References.
func PlusAddress(addr, token string) (string, error) {
	local, domain, ok := strings.Cut(strings.TrimSpace(addr), "@")
	if !ok || local == "" || domain == "" || strings.Contains(local, "+") {
		return "", fmt.Errorf("email: %q cannot take a plus address", addr)
	}
	if !tokenChars.MatchString(token) {
		return "", fmt.Errorf("email: %q is not a conversation token", token)
	}
	local += "+c-" + token
	if len(local) > 64 {
		return "", fmt.Errorf("email: %q is too long for a plus address", addr)
	}
	return local + "@" + domain, nil
}

// TokenOf returns the conversation token of a plus address made by PlusAddress.
func TokenOf(addr string) (string, bool) {
	local, _, _ := strings.Cut(strings.ToLower(strings.TrimSpace(addr)), "@")
	_, tag, ok := strings.Cut(local, "+c-")
	if !ok || !tokenChars.MatchString(tag) {
		return "", false
	}
	return tag, true
}

// CandidateKind says where a threading candidate came from.
type CandidateKind string

// The kinds of candidate, in the order Candidates returns them.
const (
	ByInReplyTo  CandidateKind = "in-reply-to"
	ByReferences CandidateKind = "references"
	ByToken      CandidateKind = "plus-token"
)

// Candidate is one id an incoming message may name its conversation by: a Message-ID, or
// the token of a plus address.
type Candidate struct {
	Kind  CandidateKind
	Value string
}

// Candidates lists what may tie m to an earlier conversation, most trusted first: its
// In-Reply-To, its References from the most recent back, then the tokens of plus addresses
// of ours (when ours is empty, of any address) in To, Cc and Delivered-To. How the intake
// uses them is in the package doc.
func Candidates(m *Message, ours ...string) []Candidate {
	var out []Candidate
	seen := map[string]bool{}
	add := func(k CandidateKind, v string) {
		if v != "" && !seen[string(k)+v] {
			seen[string(k)+v] = true
			out = append(out, Candidate{k, v})
		}
	}
	for _, id := range m.InReplyTo {
		add(ByInReplyTo, id)
	}
	for i := len(m.References) - 1; i >= 0; i-- {
		if !seen[string(ByInReplyTo)+m.References[i]] {
			add(ByReferences, m.References[i])
		}
	}
	var addrs []string
	for _, a := range append(append([]mail.Address{}, m.To...), m.Cc...) {
		addrs = append(addrs, a.Address)
	}
	for _, a := range append(addrs, m.DeliveredTo...) {
		t, ok := TokenOf(a)
		if !ok {
			continue
		}
		mine := len(ours) == 0
		for _, o := range ours {
			mine = mine || SameMailbox(o, a)
		}
		if mine {
			add(ByToken, t)
		}
	}
	return out
}

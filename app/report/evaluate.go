package report

import (
	"slices"
	"strings"
)

// Window is how long after its last AI reply a conversation is evaluated and frozen.
const Window = 72 * 3600

// respondWithin is the seller's response window (seed 003's 24 h response rate).
const respondWithin = 24 * 3600

// History is what the ledger reads of one conversation, times in unix seconds.
type History struct {
	ConversationID int64
	WorkspaceID    int64
	AgentID        int64
	Channel        string
	FirstAIAt      int64 // the AI's assignment; 0 when none
	Messages       []Msg // in order
	Handoffs       []Transfer
	Ratings        []Rating
}

// Msg is one message as the report sees it.
type Msg struct {
	ID       int64
	At       int64
	Kind     Kind
	Cited    bool // an AI reply that cited a source
	Acted    bool // an AI reply that performed an action
	AskedFor bool // an AI reply to a customer who asked for a person
}

// Transfer is one handoff with its cause as the inbox records it.
type Transfer struct {
	Cause string
	At    int64
}

// Rating is a customer's rating of one reply: Helpful, or the reason it was not ("" when
// none was given).
type Rating struct {
	MessageID int64
	Helpful   bool
	Reason    string
	At        int64
}

// Outcomes of a frozen conversation.
const (
	NotHandled = "not_handled" // the AI took no part
	Resolved   = "resolved"
	HandedOff  = "handed_off"
	Unresolved = "unresolved" // the AI took part, did not resolve it, and no one took it over
)

// Reason codes of a record.
const (
	ReasonCited        = "cited"             // an AI reply cited a source
	ReasonActed        = "acted"             // an AI reply performed an action
	ReasonNoSource     = "no_source"         // no AI reply cited a source or acted
	ReasonVisitorAsked = "visitor_asked"     // the customer asked for a person
	ReasonNegative     = "negative_feedback" // the customer rated the last AI reply not helpful
	ReasonHandoffAI    = "handoff_ai"        // the AI handed it off
	ReasonHandoffRule  = "handoff_rule"      // an automation rule routed it to people
	ReasonHandoffMan   = "handoff_manual"    // a person reassigned it
	ReasonHumanReplied = "human_replied"     // a person answered before it froze
)

// CauseHumanReplied is the handoff cause of a person answering a conversation the AI had,
// which takes it off the AI without a transfer.
const CauseHumanReplied = "human_replied"

// Record is one conversation's frozen resolution record.
type Record struct {
	ConversationID  int64
	WorkspaceID     int64
	AgentID         int64
	Channel         string
	FirstCustomerAt int64
	FrozenAt        int64
	Outcome         string
	Reasons         []string
	Causes          []string // one per transfer before the freeze
	ResolutionSecs  int64    // resolved only
	Feedback        []string // "helpful", or the reason of a rating that was not ("not_helpful" when none)
	Responded24h    bool
	FirstResponse   int64 // seconds; -1 when no person answered
	AssistantSolved bool
	ReopenedAt      int64 // the first customer message after the freeze; 0 when none
}

// Handled says whether the AI took part.
func (r Record) Handled() bool { return r.Outcome != NotHandled }

// Evaluate freezes h as of now: it returns false while h is not yet due (its last AI reply,
// or its first customer message when the AI took no part, is less than Window before now),
// or when no customer ever wrote. Only what happened up to the freeze is read, so that the
// record is the same whenever it is computed.
func Evaluate(h History, now int64) (Record, bool) {
	first := slices.IndexFunc(h.Messages, func(m Msg) bool { return m.Kind == Customer })
	if first < 0 {
		return Record{}, false
	}
	r := Record{ConversationID: h.ConversationID, WorkspaceID: h.WorkspaceID, AgentID: h.AgentID, Channel: h.Channel,
		FirstCustomerAt: h.Messages[first].At, FirstResponse: -1}
	// The last AI reply is the first one not followed by another within the window: the
	// conversation froze then, whatever came later.
	last := -1
	for i, m := range h.Messages {
		if !rules[m.Kind].aiReply {
			continue
		}
		if last >= 0 && m.At > h.Messages[last].At+Window {
			break
		}
		last = i
	}
	if last < 0 {
		r.FrozenAt, r.Outcome = r.FirstCustomerAt+Window, NotHandled
	} else {
		r.FrozenAt = h.Messages[last].At + Window
	}
	if now < r.FrozenAt {
		return Record{}, false
	}
	msgs := h.Messages
	if i := slices.IndexFunc(msgs, func(m Msg) bool { return m.At > r.FrozenAt }); i >= 0 {
		msgs = msgs[:i]
		if j := slices.IndexFunc(h.Messages[i:], func(m Msg) bool { return m.Kind == Customer }); j >= 0 {
			r.ReopenedAt = h.Messages[i+j].At
		}
	}
	r.seller(msgs, h.Ratings)
	for _, t := range h.Handoffs {
		if t.At <= r.FrozenAt {
			r.Causes = append(r.Causes, t.Cause)
		}
	}
	if last < 0 {
		return r, true
	}
	r.resolve(h, msgs, last)
	return r, true
}

// resolve sets the outcome of a conversation the AI took part in, its reasons and what
// its customer rated; msgs end at the freeze and msgs[last] is the last AI reply.
func (r *Record) resolve(h History, msgs []Msg, last int) {
	has := func(code string) bool { return slices.Contains(r.Reasons, code) }
	add := func(code string) {
		if !has(code) {
			r.Reasons = append(r.Reasons, code)
		}
	}
	for _, m := range msgs {
		switch {
		case m.Cited:
			add(ReasonCited)
		case m.Acted:
			add(ReasonActed)
		}
		if m.AskedFor {
			add(ReasonVisitorAsked)
		}
		if m.Kind == Human {
			add(ReasonHumanReplied)
		}
	}
	if !has(ReasonCited) && !has(ReasonActed) {
		add(ReasonNoSource)
	}
	for _, c := range r.Causes {
		switch c {
		case "visitor_asked":
			add(ReasonVisitorAsked)
			add(ReasonHandoffAI)
		case "ai_could_not_answer", "repeated_answer":
			add(ReasonHandoffAI)
		case "automation":
			add(ReasonHandoffRule)
		case "manual":
			add(ReasonHandoffMan)
		}
	}
	if has(ReasonHumanReplied) {
		r.Causes = append(r.Causes, CauseHumanReplied)
	}
	for _, f := range h.Ratings {
		if f.At > r.FrozenAt {
			continue
		}
		if f.MessageID == msgs[last].ID && !f.Helpful {
			add(ReasonNegative)
		}
	}
	slices.Sort(r.Reasons)
	switch {
	case len(r.Causes) > 0 || has(ReasonVisitorAsked):
		r.Outcome = HandedOff
	case has(ReasonNegative) || has(ReasonNoSource):
		r.Outcome = Unresolved
	default:
		r.Outcome = Resolved
		start := h.FirstAIAt
		if start == 0 || start > r.FirstCustomerAt {
			start = r.FirstCustomerAt
		}
		r.ResolutionSecs = msgs[len(msgs)-1].At - start
	}
}

// seller sets the seller figures of seed 003 from the messages up to the freeze.
func (r *Record) seller(msgs []Msg, ratings []Rating) {
	for _, f := range ratings {
		if f.At > r.FrozenAt {
			continue
		}
		switch {
		case f.Helpful:
			r.Feedback = append(r.Feedback, "helpful")
		case f.Reason != "":
			r.Feedback = append(r.Feedback, f.Reason)
		default:
			r.Feedback = append(r.Feedback, "not_helpful")
		}
	}
	// 24 h response: every customer question gets a response within 24 h; after the
	// automatic bot's answer, only a person's reply counts.
	r.Responded24h = true
	var waiting, firstAnswer int64 = -1, -1
	needsHuman, person := false, false
	var lastCounted Kind
	for _, m := range msgs {
		ru := rules[m.Kind]
		switch {
		case m.Kind == Customer:
			if waiting < 0 {
				waiting = m.At
			}
		case ru.response && waiting >= 0 && (!needsHuman || ru.person):
			if m.At-waiting > respondWithin {
				r.Responded24h = false
			}
			if firstAnswer < 0 {
				firstAnswer = m.At
			}
			waiting, needsHuman = -1, ru.needsHuman
		case ru.response:
			needsHuman = needsHuman && !ru.person || ru.needsHuman
		}
		if ru.person {
			person = true
		}
		if m.Kind != Internal {
			lastCounted = m.Kind
		}
	}
	if waiting >= 0 {
		r.Responded24h = false
	}
	if person && firstAnswer >= 0 {
		r.FirstResponse = firstAnswer - r.FirstCustomerAt
	}
	r.AssistantSolved = rules[lastCounted].assistant
}

// join writes codes as a record stores them.
func join(codes []string) string { return strings.Join(codes, " ") }

// split reads codes as a record stores them.
func split(s string) []string { return strings.Fields(s) }

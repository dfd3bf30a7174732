// Package report keeps the performance report: a frozen resolution record per
// conversation (the ledger), daily aggregates of it, the figures the report page shows,
// and billable usage. Everything here can be recomputed from the conversations.
package report

import "agent/app/agent"

// Kind is what a message counts as in the report. KindOf is the one place that maps a
// stored message to its kind, and rules the one place that says what each kind counts
// for: a new kind of reply (the automatic bot's, an auto-sent suggestion, an off-hours
// auto-reply) is a case in KindOf and a row in rules.
type Kind string

// The kinds of messages.
const (
	Customer   Kind = "customer"    // the customer wrote it
	AI         Kind = "ai"          // the AI agent's reply
	AIGreeting Kind = "ai_greeting" // the AI agent's answer to a greeting or a thank-you
	AIHandoff  Kind = "ai_handoff"  // the AI agent's reply that hands the customer to a person
	Bot        Kind = "bot"         // the automatic bot's reply (seed 003)
	AutoSend   Kind = "auto_send"   // a suggested reply sent without a person
	OffHours   Kind = "off_hours"   // the off-hours automatic reply, or the bot's fallback ("no one is online")
	Human      Kind = "human"       // a person's reply
	Internal   Kind = "internal"    // notes and automatic notices: count for nothing
)

// rule is what a kind of message counts for.
type rule struct {
	aiReply    bool // an AI reply: the conversation is handled, billable, and freezes 72 h after the last
	response   bool // answers the customer, for the 24 h response rate and the first response time
	person     bool // a person's reply: a conversation with one counts in the first response time
	assistant  bool // the assistant resolves a conversation whose last message it is
	needsHuman bool // a customer's question after it needs a person within 24 h
}

var rules = map[Kind]rule{
	AI:         {aiReply: true, response: true, assistant: true},
	AIGreeting: {aiReply: true, response: true},
	AIHandoff:  {aiReply: true, response: true},
	Bot:        {aiReply: true, response: true, assistant: true, needsHuman: true},
	AutoSend:   {aiReply: true, response: true, assistant: true},
	OffHours:   {},
	Human:      {response: true, person: true},
}

// KindOf is the kind of a stored message (a 'bot' message is an AI reply: migration 0020's
// trigger, which marks when a conversation became billable, says the same): its author and, for an AI reply, the engine's
// decision and reason, the automatic bot's kind of it (automatic_messages; "" when none),
// and whether the assistant sent it on a person's behalf (auto_sent).
func KindOf(author, decision, reason, automatic string, autoSent bool) Kind {
	switch automatic {
	case "bot_answer":
		return Bot
	case "bot_greeting":
		return AIGreeting
	case "fallback", "off_hours":
		return OffHours
	case "bot_stopped":
		return Internal
	}
	switch author {
	case "visitor":
		return Customer
	case "bot":
		switch {
		case autoSent:
			return AutoSend
		case decision == string(agent.Handoff):
			return AIHandoff
		case reason == string(agent.ReasonGreeting) || reason == string(agent.ReasonThanks):
			return AIGreeting
		}
		return AI
	case "human":
		return Human
	}
	return Internal
}

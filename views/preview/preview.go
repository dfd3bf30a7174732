// Package preview renders an agent's playground.
package preview

import (
	"fmt"
	"net/url"
	"strconv"
	"time"

	"agent/app/agent"
	"agent/app/inbox"
	"agent/views/urls"
)

// Channel is a channel the admin can preview replies for.
type Channel struct{ Code, Name string }

// Channels are the channels of the preview's channel choice.
var Channels = []Channel{{"chat", "Chat widget"}, {"email", "Email"}, {"whatsapp", "WhatsApp"}, {"messenger", "Messenger"}}

// ValidChannel reports whether code is one of Channels.
func ValidChannel(code string) bool {
	for _, c := range Channels {
		if c.Code == code {
			return true
		}
	}
	return false
}

// DecisionLabel names a decision for people.
func DecisionLabel(d agent.Decision) string {
	switch d {
	case agent.Answer:
		return "Answer"
	case agent.Clarify:
		return "Clarify"
	case agent.Handoff:
		return "Hand off"
	}
	return string(d)
}

// ReasonLabel says why, in words.
func ReasonLabel(r agent.Reason) string {
	switch r {
	case agent.ReasonGreeting:
		return "greeting"
	case agent.ReasonThanks:
		return "thanks or goodbye"
	case agent.ReasonAnswered:
		return "the knowledge answers it"
	case agent.ReasonAmbiguous:
		return "several sources match equally"
	case agent.ReasonVague:
		return "too short to know what is asked"
	case agent.ReasonRephrase:
		return "asked once to rephrase"
	case agent.ReasonNoMatch:
		return "nothing in the knowledge answers it"
	case agent.ReasonHuman:
		return "the customer asked for a person"
	case agent.ReasonRepeated:
		return "the same answer was already given"
	case agent.ReasonDeclined:
		return "the model found no answer in the sources"
	case agent.ReasonUncited:
		return "the model's reply cited no source"
	case agent.ReasonLink:
		return "the model's reply held a link from no source"
	}
	return string(r)
}

// ModeLabel says how a reply was written.
func ModeLabel(ai *inbox.AIReply) string {
	switch ai.Mode {
	case agent.ModeModel:
		return "by " + ai.Model
	case agent.ModeExtractive:
		return "quoted from the knowledge (extractive)"
	}
	return "fixed phrase"
}

// NeedsContent reports whether a reply shows a gap in the knowledge worth filling.
func NeedsContent(ai *inbox.AIReply) bool {
	switch ai.Reason {
	case agent.ReasonNoMatch, agent.ReasonDeclined, agent.ReasonUncited, agent.ReasonRephrase, agent.ReasonVague:
		return true
	}
	return false
}

// AddContentURL is where to add the answer a preview's question lacked: the knowledge
// gap topic customers asked it in, when there is one, else a new short answer; the
// question is filled in either way.
func AddContentURL(ws int64, question string) string {
	return urls.Workspace(ws, "reports", "gaps", "answer") + "?" + url.Values{"question": {question}}.Encode()
}

// usage is the tokens a model reply took, as ", 198 + 12 tokens"; "" without a model.
func usage(ai *inbox.AIReply) string {
	if ai.PromptTokens+ai.CompletionTokens == 0 {
		return ""
	}
	return ", " + itoa(ai.PromptTokens) + " + " + itoa(ai.CompletionTokens) + " tokens"
}

func itoa(n int) string { return strconv.Itoa(n) }

func percent(f float64) string { return fmt.Sprintf("%.0f%%", f*100) }

func ms(d time.Duration) string {
	return strconv.FormatFloat(float64(d.Microseconds())/1000, 'f', 1, 64) + " ms"
}

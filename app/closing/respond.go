package closing

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"agent/app/agent"
	"agent/app/inbox"
)

// The closing agent's own reasons: an answer quoted from the quote's own fields, and a
// question back when a word of the buyer's could mean several of its lines.
const (
	ReasonQuote     agent.Reason = "quote"
	ReasonQuoteLine agent.Reason = "quote_line"
)

// Responder is the closing agent at work: it answers the buyers of every workspace's
// quotes (inbox.Closer).
type Responder struct {
	Settings *Store
	Quotes   Quotes
	Engine   *agent.Engine
}

// Respond answers a buyer's message in conversation c of a quote's page, and says where
// the conversation goes on a handoff. A workspace whose closing agent is not set up or is
// deactivated gets inbox.ErrNoCloser: its quotes' chats are answered as before it had one.
func (r *Responder) Respond(ctx context.Context, c inbox.Conversation, in agent.Message) (agent.Reply, inbox.Referral, error) {
	st, err := r.Settings.Get(ctx, c.WorkspaceID)
	if errors.Is(err, ErrNotFound) || err == nil && !st.Active {
		return agent.Reply{}, inbox.Referral{}, inbox.ErrNoCloser
	}
	if err != nil {
		return agent.Reply{}, inbox.Referral{}, err
	}
	q, err := r.Quotes.ForConversation(ctx, c.WorkspaceID, c.ID)
	if err != nil {
		return agent.Reply{}, inbox.Referral{}, fmt.Errorf("closing: the quote of conversation %d: %w", c.ID, err)
	}
	reply, err := Reply(ctx, r.Engine, st, q, in)
	return reply, referral(st, q, Script(reply.Lang, in.Lang)), err
}

// Reply is the closing agent's answer to a buyer's message about quote q: from the quote's
// fields when it asks for them (always in extractive form: see docs/CLOSING.md), else
// from the agent's chosen knowledge through the engine's decision (answer, clarify or
// hand off), in the buyer's language.
func Reply(ctx context.Context, e *agent.Engine, st Settings, q Quote, in agent.Message) (agent.Reply, error) {
	lang := agent.ReplyLang(in.Text, in.Lang, in.History)
	script := Script(lang, in.Lang) // the sentences' language; the reply's is lang
	if ask, query, ok := pickedLine(q, in.Text, in.History); ok {
		if r, ok := fieldAnswer(q, ask, query, lang, script); ok {
			return r, nil
		}
	}
	if intent, rest := agent.Understand(strings.TrimSpace(in.Text)); intent == agent.IntentQuestion {
		ask := Understand(q, rest)
		if len(ask.Choices) > 0 {
			r := agent.Reply{Decision: agent.Clarify, Reason: ReasonQuoteLine, Text: say(script, "which_line"), Lang: lang, Confidence: 1,
				Mode: agent.ModeExtractive, Query: rest}
			for _, i := range ask.Choices {
				r.QuickReplies = append(r.QuickReplies, lineLabel(q.Lines, i))
			}
			r.QuickReplies = append(r.QuickReplies, agent.Say(lang, agent.PhraseSomethingElse))
			return r, nil
		}
		if r, ok := fieldAnswer(q, ask, rest, lang, script); ok {
			return r, nil
		}
	}
	return e.Respond(ctx, st.agent(), in)
}

// fieldAnswer is the answer to ask from the quote's fields, citing the quote, in lang
// written in script (see Script); false when the quote holds none of what is asked.
func fieldAnswer(q Quote, ask Ask, query, lang, script string) (agent.Reply, bool) {
	text := q.Answer(ask, script)
	if text == "" {
		return agent.Reply{}, false
	}
	fields := make([]string, len(ask.Fields))
	for i, f := range ask.Fields {
		fields[i] = string(f)
	}
	return agent.Reply{Decision: agent.Answer, Reason: ReasonQuote, Text: text, Lang: lang, Confidence: 1, Mode: agent.ModeExtractive,
		Query: query, Fingerprint: "quote:" + strings.Join(fields, ","),
		Sources: []agent.Citation{{N: 1, Title: quoteTitle(q, script), URL: q.URL}}}, true
}

// pickedLine reads a tapped line of the closing agent's last question back ("which line
// do you mean?"): what was asked then, of that line. "Something else", the last option,
// is the engine's to hand off.
func pickedLine(q Quote, text string, history []agent.Turn) (Ask, string, bool) {
	var last agent.Turn
	for i := len(history) - 1; i >= 0; i-- {
		if history[i].Author == agent.AuthorBot {
			last = history[i]
			break
		}
	}
	if last.Decision != agent.Clarify || last.Reason != ReasonQuoteLine || len(last.Options) < 2 {
		return Ask{}, "", false
	}
	for _, o := range last.Options[:len(last.Options)-1] {
		if !strings.EqualFold(strings.TrimSpace(o), strings.TrimSpace(text)) {
			continue
		}
		ask := Understand(q, last.Query)
		for _, i := range ask.Choices {
			if lineLabel(q.Lines, i) == o {
				ask.Lines, ask.Choices = []int{i}, nil
				return ask, last.Query, true
			}
		}
	}
	return Ask{}, "", false
}

// agent is the closing agent as the answer engine sees it: a sales agent with the chosen
// knowledge and trust level.
func (st Settings) agent() agent.Agent {
	return agent.Agent{WorkspaceID: st.WorkspaceID, Name: st.Name, Role: agent.RoleSales, Personality: agent.Professional,
		SourceIDs: st.SourceIDs, Trust: st.Trust, Active: true}
}

// referral says where a handoff goes by the settings, with the buyer's messages in lang.
func referral(st Settings, q Quote, lang string) inbox.Referral {
	ref := inbox.Referral{InboxChannelID: st.InboxChannelID, TeamIDs: st.TeamIDs, OwnerAway: st.UnavailableOne, NoOne: st.UnavailableAll,
		Note: fmt.Sprintf("The closing agent handed this conversation off. It is about %s.", quoteTitle(q, "en")), Then: notifyOwner(q)}
	if st.ToOwner {
		ref.OwnerID = q.OwnerID
	}
	if ref.OwnerAway == "" {
		ref.OwnerAway = say(lang, "owner_away")
	}
	if ref.NoOne == "" {
		ref.NoOne = agent.Say(lang, agent.PhraseUnavailable)
	}
	return ref
}

// quoteTitle names the quote as its citation shows it: "Quote Q-2026-014 · Acme rollout".
func quoteTitle(q Quote, lang string) string {
	word := map[string]string{"fr": "Devis", "de": "Angebot", "no": "Tilbud", "es": "Presupuesto", "zh": "报价", "it": "Preventivo",
		"pt": "Orçamento", "nl": "Offerte", "sv": "Offert", "da": "Tilbud", "pl": "Oferta", "ja": "見積書"}[agent.BaseLang(lang)]
	if lang == "zh-Hant" {
		word = "報價"
	}
	if word == "" {
		word = "Quote"
	}
	t := word + " " + q.Number
	if q.Title != "" {
		t += " · " + q.Title
	}
	return t
}

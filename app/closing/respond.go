package closing

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"agent/app/agent"
	"agent/app/inbox"
)

// ReasonQuote is the reason of an answer quoted from the quote's own fields.
const ReasonQuote agent.Reason = "quote"

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
	return reply, referral(st, q, reply.Lang), err
}

// Reply is the closing agent's answer to a buyer's message about quote q: from the quote's
// fields when it asks for them (always in extractive form: see docs/CLOSING.md), else
// from the agent's chosen knowledge through the engine's decision (answer, clarify or
// hand off), in the buyer's language.
func Reply(ctx context.Context, e *agent.Engine, st Settings, q Quote, in agent.Message) (agent.Reply, error) {
	lang := agent.ReplyLang(in.Text, in.Lang, in.History)
	if intent, rest := agent.Understand(strings.TrimSpace(in.Text)); intent == agent.IntentQuestion {
		ask := Understand(q, rest)
		if text := q.Answer(ask, lang); text != "" {
			fields := make([]string, len(ask.Fields))
			for i, f := range ask.Fields {
				fields[i] = string(f)
			}
			return agent.Reply{Decision: agent.Answer, Reason: ReasonQuote, Text: text, Lang: lang, Confidence: 1, Mode: agent.ModeExtractive,
				Query: rest, Fingerprint: "quote:" + strings.Join(fields, ","),
				Sources: []agent.Citation{{N: 1, Title: quoteTitle(q, lang), URL: q.URL}}}, nil
		}
	}
	return e.Respond(ctx, st.agent(), in)
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
	l := agent.BaseLang(lang)
	if _, ok := sentences[l]; !ok {
		l = "en"
	}
	if ref.OwnerAway == "" {
		ref.OwnerAway = sentences[l]["owner_away"]
	}
	if ref.NoOne == "" {
		ref.NoOne = agent.Say(lang, agent.PhraseUnavailable)
	}
	return ref
}

// quoteTitle names the quote as its citation shows it: "Quote Q-2026-014 · Acme rollout".
func quoteTitle(q Quote, lang string) string {
	word := map[string]string{"fr": "Devis", "de": "Angebot", "no": "Tilbud", "es": "Presupuesto", "zh": "报价"}[agent.BaseLang(lang)]
	if word == "" {
		word = "Quote"
	}
	t := word + " " + q.Number
	if q.Title != "" {
		t += " · " + q.Title
	}
	return t
}

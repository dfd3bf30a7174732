package agent

import (
	"context"
	"log/slog"
	"strings"
	"time"

	"agent/app/knowledge"
	"agent/app/llm"
)

// Decision is what the agent does with a customer message.
type Decision string

// The three decisions.
const (
	Answer  Decision = "answer"
	Clarify Decision = "clarify"
	Handoff Decision = "handoff"
)

// Reason says why the agent decided as it did; the preview shows it and reports group by it.
type Reason string

// The reasons behind a decision.
const (
	ReasonGreeting  Reason = "greeting"        // answer: a greeting, without retrieval
	ReasonThanks    Reason = "thanks"          // answer: thanks or goodbye, without retrieval
	ReasonAnswered  Reason = "answered"        // answer: the knowledge answers it
	ReasonAmbiguous Reason = "ambiguous"       // clarify: close candidates about different things
	ReasonUnsure    Reason = "unsure"          // clarify: likely candidates, none sure enough to answer: offered as options
	ReasonVague     Reason = "vague"           // clarify: too short to know what is asked
	ReasonRephrase  Reason = "rephrase"        // clarify: asked once to rephrase before handing off
	ReasonNoMatch   Reason = "no_match"        // handoff: nothing in the knowledge answers it
	ReasonHuman     Reason = "human_requested" // handoff: the customer asked for a person
	ReasonRepeated  Reason = "repeated"        // handoff: the answer was already given in this conversation
	ReasonOther     Reason = "something_else"  // handoff: none of the options offered is what the customer meant
	ReasonDeclined  Reason = "declined"        // handoff: the model found no answer in the sources
	ReasonUncited   Reason = "uncited"         // handoff: the model's reply cited no source it was given
	ReasonLink      Reason = "invented_link"   // handoff: the model's reply held a link from no source
)

// Mode is how the reply was written.
type Mode string

// The modes of a reply.
const (
	ModeModel      Mode = "model"      // written by the language model from the sources
	ModeExtractive Mode = "extractive" // quoted from the knowledge, without a model
	ModeRule       Mode = "rule"       // a fixed phrase (greeting, clarify, handoff)
)

// Author says who wrote a turn of a conversation.
type Author string

// The authors of turns.
const (
	AuthorVisitor Author = "visitor"
	AuthorBot     Author = "bot"
	AuthorHuman   Author = "human"
)

// Turn is one earlier message of the conversation, oldest first in Message.History.
type Turn struct {
	Author      Author
	Text        string
	Decision    Decision // bot turns
	Reason      Reason   // bot turns
	Query       string   // bot turns: what was searched for the message before it
	Fingerprint string   // bot answers: what the answer rested on
	Options     []string // bot clarifies: the quick replies offered, "something else" last
}

// Message is one customer message with its context.
type Message struct {
	Text    string
	Lang    string // the browser's language on the widget; "" elsewhere
	Channel string
	History []Turn
	// Stream, when set, receives the reply's text as the model writes it. What it receives is
	// a draft: the final Reply.Text replaces it (the check after writing may turn it into a
	// handoff, and a failed model call into an extractive reply).
	Stream func(token string) error
}

// Citation is a source an answer rests on, numbered as in the reply's text.
type Citation struct {
	N          int    `json:"n"`
	SourceID   int64  `json:"source_id"`
	ChunkID    int64  `json:"chunk_id"`
	Title      string `json:"title"`
	URL        string `json:"url"`
	ExternalID string `json:"external_id,omitempty"`
}

// Candidate is a search result the decision looked at, best first, for the preview and eval.
type Candidate struct {
	SourceID   int64   `json:"source_id"`
	ExternalID string  `json:"external_id,omitempty"`
	Title      string  `json:"title"`
	Heading    string  `json:"heading,omitempty"`
	Score      float64 `json:"score"`
	Coverage   float64 `json:"coverage"`
}

// Reply is what the agent says, and everything needed to explain and report it.
type Reply struct {
	Decision         Decision      `json:"decision"`
	Reason           Reason        `json:"reason"`
	Text             string        `json:"text"`
	Lang             string        `json:"lang"`
	Confidence       float64       `json:"confidence"` // 0..1, from the evidence (see decide.go)
	Sources          []Citation    `json:"sources"`
	QuickReplies     []string      `json:"quick_replies,omitempty"` // clarify: the options to offer
	Mode             Mode          `json:"mode"`
	Model            string        `json:"model,omitempty"`
	ModelError       string        `json:"model_error,omitempty"` // why the model was not used, when it was meant to be
	Query            string        `json:"query,omitempty"`       // what was searched, after resolving a follow-up
	Fingerprint      string        `json:"fingerprint,omitempty"` // what an answer rests on, to refuse repeating it
	Candidates       []Candidate   `json:"candidates"`
	Signals          *Signals      `json:"signals,omitempty"` // what decide weighed, when it decided
	PromptTokens     int           `json:"prompt_tokens"`
	CompletionTokens int           `json:"completion_tokens"`
	Retrieval        time.Duration `json:"retrieval_ns"`
	ModelTime        time.Duration `json:"model_ns"`
	Total            time.Duration `json:"total_ns"`
}

// Searcher finds knowledge; *knowledge.Manager is one.
type Searcher interface {
	Search(ctx context.Context, workspaceID int64, query string, o knowledge.SearchOptions) ([]knowledge.Result, error)
	// UnknownWords returns the content words of text the knowledge never uses.
	UnknownWords(ctx context.Context, text string) []string
}

// Options configure an Engine.
type Options struct {
	Knowledge Searcher
	// LLM writes replies; nil, or without a chat model, means extractive mode.
	LLM    *llm.Client
	Logger *slog.Logger
	// SearchLimit is how many chunks each message retrieves (default 10).
	SearchLimit int
}

// Engine answers customer messages for any agent; it is safe for concurrent use.
type Engine struct {
	knowledge Searcher
	llm       *llm.Client
	log       *slog.Logger
	limit     int
}

// NewEngine returns an Engine.
func NewEngine(o Options) *Engine {
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.SearchLimit <= 0 {
		o.SearchLimit = 10
	}
	return &Engine{knowledge: o.Knowledge, llm: o.LLM, log: o.Logger, limit: o.SearchLimit}
}

// Respond runs one customer message through understand, retrieve, decide and write.
// Errors are failures of the knowledge search only: a model that fails falls back to
// extractive mode, and the reason is in Reply.ModelError.
func (e *Engine) Respond(ctx context.Context, a Agent, in Message) (Reply, error) {
	start := time.Now()
	r, err := e.respond(ctx, a, in)
	r.Total = time.Since(start)
	return r, err
}

func (e *Engine) respond(ctx context.Context, a Agent, in Message) (Reply, error) {
	text := strings.TrimSpace(in.Text)
	r := Reply{Lang: replyLang(text, in.Lang, in.History), Mode: ModeRule}

	intent, rest := Understand(text)
	if intent == IntentHuman {
		r.Decision, r.Reason, r.Confidence, r.Text = Handoff, ReasonHuman, 1, Say(r.Lang, PhraseHumanRequested)
		return r, nil
	}
	if intent == IntentQuestion {
		r.Query = resolveFollowUp(rest, in.History)
	} else {
		r.Query = text
	}
	last := lastBotTurn(in.History)
	if pick, ok := pickedOption(text, last); ok {
		return e.respondToPick(ctx, a, in, pick, last, r)
	}
	results, err := e.search(ctx, a, r.Query, r.Lang, &r)
	if err != nil {
		return r, err
	}
	r.Candidates = candidates(results)
	// Only a question can be vague: a greeting says what it is.
	vague := intent == IntentQuestion && isVague(rest)
	d := decide(a, r.Query, vague, results, len(e.knowledge.UnknownWords(ctx, r.Query)), in.History)
	if intent != IntentQuestion && (d.decision != Answer || d.evidence[0].Source.Kind != knowledge.KindShortAnswer) {
		// A greeting or thanks gets the business's own short answer for it when the
		// knowledge has one (the presets include greetings), else a fixed phrase.
		r.Decision, r.Reason, r.Confidence, r.Query = Answer, ReasonGreeting, 1, ""
		r.Text = Say(r.Lang, PhraseGreeting)
		if intent == IntentThanks {
			r.Reason, r.Text = ReasonThanks, Say(r.Lang, PhraseThanks)
		}
		return r, nil
	}
	return e.reply(ctx, a, in, d, r)
}

// reply turns a decision into the reply: a clarify's options, a handoff's phrase, or an
// answer written by the model or quoted from the evidence.
func (e *Engine) reply(ctx context.Context, a Agent, in Message, d decision, r Reply) (Reply, error) {
	r.Decision, r.Reason, r.Confidence, r.Signals = d.decision, d.reason, d.confidence, d.signals
	switch d.decision {
	case Clarify:
		switch d.reason {
		case ReasonAmbiguous, ReasonUnsure:
			r.Text = Say(r.Lang, PhraseClarify)
			for _, o := range d.options {
				r.QuickReplies = append(r.QuickReplies, optionText(o))
			}
			r.QuickReplies = append(r.QuickReplies, Say(r.Lang, PhraseSomethingElse))
		case ReasonVague:
			r.Text = Say(r.Lang, PhraseVague)
		default:
			r.Text = Say(r.Lang, PhraseRephrase)
		}
		return r, nil
	case Handoff:
		r.Text = handoffText(r.Lang, d.reason)
		return r, nil
	}

	r.Fingerprint = d.fingerprint
	evidence := d.evidence
	if e.llm != nil && e.llm.ChatModel() != "" {
		err := e.write(ctx, a, in, evidence, &r)
		if err == nil {
			return r, nil
		}
		if ctx.Err() != nil {
			return r, ctx.Err()
		}
		r.ModelError = err.Error()
		e.log.Warn("model reply failed; answering in extractive mode", "agent", a.ID, "err", err)
	} else {
		r.ModelError = "no language model configured"
	}
	r.Mode, r.Model, r.PromptTokens, r.CompletionTokens = ModeExtractive, "", 0, 0
	r.Text, r.Sources = extractive(r.Query, evidence[0])
	return r, nil
}

func (e *Engine) search(ctx context.Context, a Agent, query, lang string, r *Reply) ([]knowledge.Result, error) {
	t := time.Now()
	o := knowledge.SearchOptions{Lang: lang, Limit: e.limit}
	if !a.AllSources {
		o.SourceIDs = a.SourceIDs
		if len(o.SourceIDs) == 0 {
			o.SourceIDs = []int64{0} // chosen sources that were all removed: nothing to search
		}
	}
	results, err := e.knowledge.Search(ctx, a.WorkspaceID, query, o)
	r.Retrieval = time.Since(t)
	return results, err
}

// pick is the option a customer chose from a clarify's quick replies: the source's title,
// or other for "something else".
type pick struct {
	title string
	other bool
}

// pickedOption reports whether text is one of the options the last reply offered, as a
// tapped quick reply sends it ("something else" is always the last).
func pickedOption(text string, last Turn) (pick, bool) {
	if last.Decision != Clarify {
		return pick{}, false
	}
	for i, o := range last.Options {
		if strings.EqualFold(strings.TrimSpace(o), text) {
			return pick{title: o, other: i == len(last.Options)-1}, true
		}
	}
	return pick{}, false
}

// respondToPick answers a chosen option from the source it names, found by the question
// the options were offered for (or else by the title), and hands "something else" off.
func (e *Engine) respondToPick(ctx context.Context, a Agent, in Message, p pick, last Turn, r Reply) (Reply, error) {
	if p.other {
		r.Decision, r.Reason, r.Confidence, r.Query = Handoff, ReasonOther, 1, last.Query
		r.Text = handoffText(r.Lang, r.Reason)
		return r, nil
	}
	for _, q := range []string{last.Query, p.title} {
		if q == "" {
			continue
		}
		results, err := e.search(ctx, a, q, r.Lang, &r)
		if err != nil {
			return r, err
		}
		for _, res := range results {
			if strings.EqualFold(optionText(res), p.title) {
				r.Query, r.Candidates = q, candidates(results)
				d := answerFrom(decision{confidence: 1}, res, sameSource(results, res.Source.ID), in.History)
				return e.reply(ctx, a, in, d, r)
			}
		}
	}
	// The source is gone (removed since, or no longer the agent's): nothing to answer from.
	r.Decision, r.Reason, r.Text = Handoff, ReasonNoMatch, handoffText(r.Lang, ReasonNoMatch)
	return r, nil
}

// sameSource keeps the results of one source.
func sameSource(results []knowledge.Result, sourceID int64) []knowledge.Result {
	var rs []knowledge.Result
	for _, r := range results {
		if r.Source.ID == sourceID {
			rs = append(rs, r)
		}
	}
	return rs
}

func handoffText(lang string, reason Reason) string {
	switch reason {
	case ReasonRepeated:
		return Say(lang, PhraseRepeated)
	case ReasonHuman:
		return Say(lang, PhraseHumanRequested)
	}
	return Say(lang, PhraseHandoff)
}

// ReplyLang is the language to answer a customer's message in (see replyLang): the
// closing agent answers a quote's fields in it without searching.
func ReplyLang(text, browser string, history []Turn) string { return replyLang(text, browser, history) }

// replyLang is the language to answer in: the browser's on the widget (a visitor's browser
// says more surely than a few typed words); elsewhere the message's language as detected,
// or as its greetings and thanks say ("Hei!"), else the conversation's so far, else a
// guess, else English.
func replyLang(text, browser string, history []Turn) string {
	if b := knowledge.NormalizeLang(browser); b != "" {
		return b
	}
	if detected := knowledge.DetectLang(text); detected != "" {
		return detected
	}
	if l := smallTalkLang(text); l != "" {
		return l
	}
	for i := len(history) - 1; i >= 0; i-- {
		if history[i].Author == AuthorVisitor {
			if l := knowledge.DetectLang(history[i].Text); l != "" {
				return l
			}
		}
	}
	if l := knowledge.GuessLang(text); l != "" {
		return l
	}
	return "en"
}

// resolveFollowUp turns a message that leans on the previous question ("and how much is
// it?") into a query that stands alone, by prefixing what was searched last.
func resolveFollowUp(text string, history []Turn) string {
	if !IsFollowUp(text) {
		return text
	}
	for i := len(history) - 1; i >= 0; i-- {
		t := history[i]
		if t.Author == AuthorBot && t.Query != "" && t.Reason != ReasonGreeting && t.Reason != ReasonThanks {
			return t.Query + " " + text
		}
		if t.Author == AuthorVisitor && t.Text != "" {
			if in, rest := Understand(t.Text); in == IntentQuestion {
				return rest + " " + text
			}
		}
	}
	return text
}

func candidates(results []knowledge.Result) []Candidate {
	cs := make([]Candidate, 0, len(results))
	for _, r := range results {
		cs = append(cs, Candidate{SourceID: r.Source.ID, ExternalID: r.Source.ExternalID, Title: r.Source.Title, Heading: r.Heading,
			Score: r.Score, Coverage: r.Coverage})
	}
	return cs
}

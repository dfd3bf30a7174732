// Package gaps keeps the knowledge gaps: the customers' questions the agent could not
// answer, grouped by topic as they come, so that a person can write the missing answer
// once for every way it was asked (docs/REPORTS.md, Knowledge gaps).
package gaps

import (
	"context"
	"database/sql"
	"log/slog"
	"time"

	"agent/app/agent"
	"agent/app/knowledge"
	"agent/app/store"
	"agent/app/usererr"
)

// Cause says why a question is a gap.
type Cause string

// The causes.
const (
	CauseNoAnswer      Cause = "no_answer"      // the agent handed off: nothing in the knowledge answered it
	CauseClarifyFailed Cause = "clarify_failed" // the customer was offered options and none was it
	CauseNotUseful     Cause = "not_useful"     // the customer rated the answer down
	// The automatic bot, or auto-send for a busy person, was not confident enough to
	// answer: it sent the fallback, or left the message to the person.
	CauseBotUnsure      Cause = "bot_unsure"
	CauseAutoSendUnsure Cause = "autosend_unsure"
)

// Status is where a question or a topic stands.
type Status string

// The statuses.
const (
	Open      Status = "open"
	Resolved  Status = "resolved"  // a short answer was written for it
	Dismissed Status = "dismissed" // a person said it is no gap
)

// ErrNotFound is a topic or question that is not in the workspace.
const ErrNotFound = usererr.Error("not found")

// Question is a question the agent could not answer, as found in a conversation.
type Question struct {
	WorkspaceID    int64
	ConversationID int64
	MessageID      int64 // the customer's message it was asked in
	Text           string
	Lang           string
	Cause          Cause
	// Reason is why: the engine's reason for not answering (app/agent's: no_match,
	// unsure...), or the customer's for rating an answer down; "" when not known.
	Reason  string
	AskedAt time.Time
}

// Gap is a recorded question.
type Gap struct {
	Question
	ID      int64
	TopicID int64
	Status  Status
}

// Topic is a group of similar questions.
type Topic struct {
	ID          int64
	WorkspaceID int64
	Title       string // its first question
	Status      Status
	Questions   int // its questions of its status
	LastSeen    time.Time
	SourceID    int64 // resolved: the short answer written for it
	Replayed    int   // resolved: questions replayed through the decision
	Answered    int   // resolved: of those, how many the agent now answers
}

// Options configure a Book.
type Options struct {
	DB        *store.DB
	Knowledge *knowledge.Manager
	Agents    *agent.Store
	Logger    *slog.Logger
	// OnCreated, when set, is told of every new open gap, after it is stored.
	OnCreated func(context.Context, Gap)
}

// Book records the knowledge gaps of every workspace and resolves them.
type Book struct {
	db        *store.DB
	knowledge *knowledge.Manager
	agents    *agent.Store
	replay    *agent.Engine
	log       *slog.Logger
	onCreated func(context.Context, Gap)
}

// New returns a Book.
func New(o Options) *Book {
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	// Replays need the decision only: without a model, the engine decides as it does with
	// one (decide.go) and quotes instead of writing.
	engine := agent.NewEngine(agent.Options{Knowledge: o.Knowledge, Logger: o.Logger})
	return &Book{db: o.DB, knowledge: o.Knowledge, agents: o.Agents, replay: engine, log: o.Logger, onCreated: o.OnCreated}
}

// scanner is a row or rows.
type scanner interface{ Scan(...any) error }

func nullTime(v sql.NullInt64) time.Time {
	if !v.Valid || v.Int64 == 0 {
		return time.Time{}
	}
	return time.Unix(v.Int64, 0)
}

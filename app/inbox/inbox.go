// Package inbox keeps conversations and their messages: what customers wrote, what the AI
// replied and what each AI reply rested on (decision, confidence, sources, model, timings).
package inbox

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"agent/app/agent"
	"agent/app/knowledge"
	"agent/app/store"
	"agent/app/usererr"
)

// MaxMessage bounds what a customer can send in one message, in characters.
const MaxMessage = 4000

// Authors of messages besides the engine's (visitor, bot, human).
const (
	AuthorNote   agent.Author = "note"   // an internal note, seen by staff only
	AuthorSystem agent.Author = "system" // an automatic notice to the customer ("no one is available")
)

// Errors callers tell apart with errors.Is.
const (
	ErrNotFound = usererr.Error("not found")
)

// Conversation is one exchange between a customer and the business on one channel.
type Conversation struct {
	ID          int64
	WorkspaceID int64
	AgentID     int64 // the AI agent that answers it (0: none)
	ChannelID   int64
	Channel     string
	VisitorID   int64
	Preview     bool // the admin's playground: counted in no report
	Lang        string
	Status      string // "open" or "closed"
	AssigneeID  int64  // the person it is assigned to (0: none)
	TeamID      int64  // the team it waits for (0: none)
	AIActive    bool   // the AI answers the customer's messages
	Unread      bool   // a customer message no person has opened yet
	Awaiting    bool   // the customer wrote last: Unreplied
	CreatedBy   int64
	FirstAIAt   time.Time // zero when the AI never took part
	FirstHuman  time.Time // the first human reply; zero when none yet
	LastActive  time.Time
	ClosedAt    time.Time
	CreatedAt   time.Time
	UpdatedAt   time.Time
	QuoteID     int64 // the quote whose public page it was started on (channel ChannelQuote); 0: none
	// SnoozedUntil is when a snoozed conversation comes back to the open views (zero: not snoozed).
	SnoozedUntil time.Time
	// SeenMessageID is the last message staff had in view when they opened the conversation.
	SeenMessageID int64
}

// Message is one message of a conversation; AI is set on the AI's replies.
type Message struct {
	ID             int64
	ConversationID int64
	Author         agent.Author
	UserID         int64
	Body           string
	Lang           string
	CreatedAt      time.Time
	AI             *AIReply
	AutoSent       bool // an AI reply the assistant sent for a busy person; staff see it labelled
}

// AIReply is the record of how an AI reply came about.
type AIReply struct {
	Decision         agent.Decision
	Reason           agent.Reason
	Confidence       float64
	Mode             agent.Mode
	Model            string
	ModelError       string
	Query            string
	Fingerprint      string
	QuickReplies     []string
	PromptTokens     int
	CompletionTokens int
	Retrieval        time.Duration
	ModelTime        time.Duration
	Total            time.Duration
	Sources          []agent.Citation
}

// Store reads and writes conversations.
type Store struct {
	db        *store.DB
	now       func() time.Time
	unindexed atomic.Int64 // messages stored, for IndexMessages' batches
}

// New returns a Store over db.
func New(db *store.DB) *Store { return &Store{db: db, now: time.Now} }

// NewConversation is what starting a conversation needs.
type NewConversation struct {
	AgentID   int64 // the AI agent that answers it; 0 sends it straight to people
	ChannelID int64
	Channel   string // the channel's kind ("chat")
	VisitorID int64
	Preview   bool
	CreatedBy int64 // the admin who opened a preview
	QuoteID   int64 // started on this quote's public page
	// Pending: opened before its first message (the widget's, to follow its events), and
	// shown nowhere until a customer's or a person's message comes (insertMessage).
	Pending bool
}

// Create starts a conversation in a workspace; with an agent, or on a quote's page, the
// AI is assigned to it.
func (s *Store) Create(ctx context.Context, workspaceID int64, n NewConversation) (Conversation, error) {
	var c Conversation
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		var err error
		c, err = s.create(ctx, tx, workspaceID, n)
		return err
	})
	if err != nil {
		return Conversation{}, fmt.Errorf("inbox: create conversation: %w", err)
	}
	return c, nil
}

// create stores a new conversation in tx and returns it as stored.
func (s *Store) create(ctx context.Context, tx *sql.Tx, workspaceID int64, n NewConversation) (Conversation, error) {
	now := s.now().Unix()
	// The closing agent answers a quote's conversations (Service.Closer), without an agent
	// of the workspace's.
	ai := n.AgentID != 0 || n.Channel == ChannelQuote && !n.Preview
	var firstAI any
	if ai {
		firstAI = now
	}
	var id int64
	err := tx.QueryRowContext(ctx, `INSERT INTO conversations (workspace_id, agent_id, channel_id, channel, visitor_id, preview,
		created_by, ai_active, first_ai_at, last_activity_at, created_at, updated_at, quote_id, pending)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		workspaceID, store.NullID(n.AgentID), store.NullID(n.ChannelID), n.Channel, store.NullID(n.VisitorID), n.Preview, store.NullID(n.CreatedBy),
		ai, firstAI, now, now, now, store.NullID(n.QuoteID), n.Pending).Scan(&id)
	if err != nil {
		return Conversation{}, err
	}
	return scanConversation(tx.QueryRowContext(ctx, sqlConversation, id, workspaceID))
}

const conversationColumns = `id, workspace_id, COALESCE(agent_id, 0), COALESCE(channel_id, 0), channel, COALESCE(visitor_id, 0),
	preview, lang, status, COALESCE(assignee_id, 0), COALESCE(team_id, 0), ai_active, unread, awaiting, COALESCE(created_by, 0),
	COALESCE(first_ai_at, 0), COALESCE(first_human_reply_at, 0), last_activity_at, COALESCE(closed_at, 0), created_at, updated_at,
	COALESCE(quote_id, 0), COALESCE(snoozed_until, 0), seen_message_id`

// scanConversation reads conversationColumns, then any extra columns into extra.
func scanConversation(row interface{ Scan(...any) error }, extra ...any) (Conversation, error) {
	var c Conversation
	var firstAI, firstHuman, last, closed, created, updated, snoozed int64
	err := row.Scan(append([]any{&c.ID, &c.WorkspaceID, &c.AgentID, &c.ChannelID, &c.Channel, &c.VisitorID, &c.Preview, &c.Lang, &c.Status,
		&c.AssigneeID, &c.TeamID, &c.AIActive, &c.Unread, &c.Awaiting, &c.CreatedBy, &firstAI, &firstHuman, &last, &closed, &created, &updated, &c.QuoteID,
		&snoozed, &c.SeenMessageID},
		extra...)...)
	c.FirstAIAt, c.FirstHuman, c.LastActive, c.ClosedAt = store.TimeOrZero(firstAI), store.TimeOrZero(firstHuman), store.TimeOrZero(last), store.TimeOrZero(closed)
	c.SnoozedUntil = store.TimeOrZero(snoozed)
	c.CreatedAt, c.UpdatedAt = time.Unix(created, 0), time.Unix(updated, 0)
	return c, err
}

// sqlConversation reads a conversation of a workspace by id.
const sqlConversation = "SELECT " + conversationColumns + " FROM conversations WHERE id = ? AND workspace_id = ?"

// Get returns a conversation of a workspace; one of another workspace is ErrNotFound.
func (s *Store) Get(ctx context.Context, workspaceID, id int64) (Conversation, error) {
	c, err := scanConversation(s.db.Read.QueryRowContext(ctx, sqlConversation, id, workspaceID))
	if errors.Is(err, sql.ErrNoRows) {
		return Conversation{}, ErrNotFound
	}
	if err != nil {
		return Conversation{}, fmt.Errorf("inbox: get conversation: %w", err)
	}
	return c, nil
}

// LatestPreview returns the newest preview conversation a user had with an agent, or ErrNotFound.
func (s *Store) LatestPreview(ctx context.Context, workspaceID, agentID, userID int64) (Conversation, error) {
	c, err := scanConversation(s.db.Read.QueryRowContext(ctx, "SELECT "+conversationColumns+` FROM conversations
		WHERE workspace_id = ? AND agent_id = ? AND created_by = ? AND preview = 1 ORDER BY id DESC LIMIT 1`, workspaceID, agentID, userID))
	if errors.Is(err, sql.ErrNoRows) {
		return Conversation{}, ErrNotFound
	}
	if err != nil {
		return Conversation{}, fmt.Errorf("inbox: latest preview: %w", err)
	}
	return c, nil
}

// The messages of a conversation, or one of them (?2), with their AI records and the
// sources those cite.
const (
	messageColumns = `SELECT m.id, m.conversation_id, m.author, COALESCE(m.user_id, 0), m.body, m.lang, m.created_at,
		a.decision, a.reason, a.confidence, a.mode, a.model, a.model_error, a.query, a.fingerprint, a.quick_replies,
		a.prompt_tokens, a.completion_tokens, a.retrieval_us, a.model_us, a.total_us,
		EXISTS (SELECT 1 FROM auto_sent x WHERE x.message_id = m.id)
		FROM messages m LEFT JOIN ai_replies a ON a.message_id = m.id`
	sqlMessages   = messageColumns + " WHERE m.conversation_id = ?1 ORDER BY m.id"
	sqlMessage    = messageColumns + " WHERE m.id = ?2 AND m.conversation_id = ?1"
	sourceColumns = `SELECT rs.message_id, rs.n, COALESCE(rs.source_id, 0), COALESCE(rs.chunk_id, 0), rs.title, rs.url
		FROM reply_sources rs JOIN messages m ON m.id = rs.message_id`
	sqlSources        = sourceColumns + " WHERE m.conversation_id = ?1 ORDER BY m.id, rs.n"
	sqlMessageSources = sourceColumns + " WHERE rs.message_id = ?2 AND m.conversation_id = ?1 ORDER BY rs.n"
)

// Messages returns a conversation's messages, oldest first, with the AI records.
func (s *Store) Messages(ctx context.Context, conversationID int64) ([]Message, error) {
	return s.messages(ctx, sqlMessages, sqlSources, conversationID)
}

// Message returns one message of a conversation with its AI record, or ErrNotFound; a
// live update needs only the message it announces, not the whole conversation.
func (s *Store) Message(ctx context.Context, conversationID, messageID int64) (Message, error) {
	msgs, err := s.messages(ctx, sqlMessage, sqlMessageSources, conversationID, messageID)
	if err != nil {
		return Message{}, err
	}
	if len(msgs) == 0 {
		return Message{}, ErrNotFound
	}
	return msgs[0], nil
}

// messages reads the messages query q picks and the sources query sq picks, both of args.
func (s *Store) messages(ctx context.Context, q, sq string, args ...any) ([]Message, error) {
	rows, err := s.db.Read.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("inbox: messages: %w", err)
	}
	defer rows.Close()
	var msgs []Message
	byID := map[int64]*AIReply{}
	for rows.Next() {
		var m Message
		var created int64
		var decision, reason, mode, model, modelErr, query, fp, quick sql.NullString
		var conf sql.NullFloat64
		var pt, ct, rus, mus, tus sql.NullInt64
		if err := rows.Scan(&m.ID, &m.ConversationID, &m.Author, &m.UserID, &m.Body, &m.Lang, &created,
			&decision, &reason, &conf, &mode, &model, &modelErr, &query, &fp, &quick, &pt, &ct, &rus, &mus, &tus, &m.AutoSent); err != nil {
			return nil, fmt.Errorf("inbox: messages: %w", err)
		}
		m.CreatedAt = time.Unix(created, 0)
		if decision.Valid {
			ai := &AIReply{Decision: agent.Decision(decision.String), Reason: agent.Reason(reason.String), Confidence: conf.Float64,
				Mode: agent.Mode(mode.String), Model: model.String, ModelError: modelErr.String, Query: query.String, Fingerprint: fp.String,
				PromptTokens: int(pt.Int64), CompletionTokens: int(ct.Int64), Retrieval: time.Duration(rus.Int64) * time.Microsecond,
				ModelTime: time.Duration(mus.Int64) * time.Microsecond, Total: time.Duration(tus.Int64) * time.Microsecond}
			if err := json.Unmarshal([]byte(quick.String), &ai.QuickReplies); err != nil {
				return nil, fmt.Errorf("inbox: quick replies of message %d: %w", m.ID, err)
			}
			m.AI = ai
			byID[m.ID] = ai
		}
		msgs = append(msgs, m)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("inbox: messages: %w", err)
	}
	if len(byID) > 0 {
		if err := s.loadSources(ctx, sq, args, byID); err != nil {
			return nil, err
		}
	}
	return msgs, nil
}

func (s *Store) loadSources(ctx context.Context, q string, args []any, byID map[int64]*AIReply) error {
	rows, err := s.db.Read.QueryContext(ctx, q, args...)
	if err != nil {
		return fmt.Errorf("inbox: reply sources: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var c agent.Citation
		if err := rows.Scan(&id, &c.N, &c.SourceID, &c.ChunkID, &c.Title, &c.URL); err != nil {
			return fmt.Errorf("inbox: reply sources: %w", err)
		}
		if ai := byID[id]; ai != nil {
			ai.Sources = append(ai.Sources, c)
		}
	}
	return rows.Err()
}

// historyTurns is how far back the engine is shown a conversation: the model sees the
// last 6 turns, and the decision looks further (the last question asked, a follow-up's
// subject, an answer already given, the customer's language), but ten exchanges hold all
// it needs, and reading no more keeps an answer's cost the same in a conversation of any
// length.
const historyTurns = 20

// sqlHistory reads the last turns (?3) before a message (?2) of a conversation, newest
// first: what the customer and the people and the AI answering them said.
const sqlHistory = `SELECT m.author, m.body, a.decision, a.reason, a.query, a.fingerprint, a.quick_replies
	FROM messages m LEFT JOIN ai_replies a ON a.message_id = m.id
	WHERE m.conversation_id = ?1 AND m.id < ?2 AND m.author IN ('visitor', 'human', 'bot') ORDER BY m.id DESC LIMIT ?3`

// history returns the engine's view of the conversation before message beforeID.
func (s *Store) history(ctx context.Context, conversationID, beforeID int64) ([]agent.Turn, error) {
	rows, err := s.db.Read.QueryContext(ctx, sqlHistory, conversationID, beforeID, historyTurns)
	if err != nil {
		return nil, fmt.Errorf("inbox: history: %w", err)
	}
	defer rows.Close()
	var msgs []Message
	for rows.Next() {
		var m Message
		var decision, reason, query, fp, quick sql.NullString
		if err := rows.Scan(&m.Author, &m.Body, &decision, &reason, &query, &fp, &quick); err != nil {
			return nil, fmt.Errorf("inbox: history: %w", err)
		}
		if decision.Valid {
			m.AI = &AIReply{Decision: agent.Decision(decision.String), Reason: agent.Reason(reason.String), Query: query.String, Fingerprint: fp.String}
			if err := json.Unmarshal([]byte(quick.String), &m.AI.QuickReplies); err != nil {
				return nil, fmt.Errorf("inbox: history: %w", err)
			}
		}
		msgs = append(msgs, m)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("inbox: history: %w", err)
	}
	slices.Reverse(msgs)
	return History(msgs), nil
}

// AddMessage stores a message written by a person (visitor, human or note).
func (s *Store) AddMessage(ctx context.Context, conversationID int64, author agent.Author, userID int64, body, lang string) (Message, error) {
	m, _, err := s.addMessage(ctx, Message{ConversationID: conversationID, Author: author, UserID: userID, Body: body, Lang: lang}, 0, false)
	return m, err
}

// addMessage stores m and, with claim, this process's claim on answering it, in one
// transaction: from the moment it is stored, a customer's message is someone's to answer.
// With a visitor (not 0), the customer who wrote it, the same transaction records that
// they are around (TouchVisitor): one write per message.
func (s *Store) addMessage(ctx context.Context, m Message, visitorID int64, claim bool) (Message, turn, error) {
	return s.addMessageRecord(ctx, m, visitorID, claim, nil)
}

// addMessageWith stores m with the channel's record of it, in one transaction.
func (s *Store) addMessageWith(ctx context.Context, m Message, record func(tx *sql.Tx, messageID int64) error) (Message, error) {
	m, _, err := s.addMessageRecord(ctx, m, 0, false, record)
	return m, err
}

func (s *Store) addMessageRecord(ctx context.Context, m Message, visitorID int64, claim bool, record func(tx *sql.Tx, messageID int64) error) (Message, turn, error) {
	m.Body = strings.TrimSpace(m.Body)
	if m.Body == "" {
		return Message{}, turn{}, &usererr.InputError{Field: "message", Message: "write a message first"}
	}
	if utf8.RuneCountInString(m.Body) > MaxMessage {
		return Message{}, turn{}, &usererr.InputError{Field: "message", Message: fmt.Sprintf("keep the message under %d characters", MaxMessage)}
	}
	m.CreatedAt = s.now()
	var t turn
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		var err error
		if m.ID, err = insertMessage(ctx, tx, m); err != nil {
			return err
		}
		if record != nil {
			if err := record(tx, m.ID); err != nil {
				return err
			}
		}
		if visitorID != 0 {
			if _, err := tx.ExecContext(ctx, sqlSeeVisitor, m.CreatedAt.Unix(), knowledge.NormalizeLang(m.Lang), visitorID); err != nil {
				return err
			}
		}
		if claim {
			t, err = claimTurn(ctx, tx, m.ID, process)
		}
		return err
	})
	if err != nil {
		return Message{}, turn{}, fmt.Errorf("inbox: add message: %w", err)
	}
	s.stored(ctx)
	return m, t, nil
}

// Storing a message: the row, and the conversation's state. A customer's message makes
// the conversation unread and unreplied, and wakes it from a snooze; a reply the customer sees (AI or human) answers
// it. Notes and system lines change neither.
const (
	sqlInsertMessage = "INSERT INTO messages (conversation_id, author, user_id, body, lang, created_at) VALUES (?, ?, ?, ?, ?, ?)"
	sqlMessageAdded  = `UPDATE conversations SET updated_at = ?1, last_activity_at = ?1,
		lang = CASE WHEN ?2 <> '' AND ?3 = 'visitor' THEN ?2 ELSE lang END,
		unread = CASE ?3 WHEN 'visitor' THEN 1 ELSE unread END,
		snoozed_until = CASE ?3 WHEN 'visitor' THEN NULL ELSE snoozed_until END,
		awaiting = CASE ?3 WHEN 'visitor' THEN 1 WHEN 'human' THEN 0 WHEN 'bot' THEN 0 ELSE awaiting END,
		first_human_reply_at = CASE WHEN ?3 = 'human' AND first_human_reply_at IS NULL THEN ?1 ELSE first_human_reply_at END
		WHERE id = ?4`
)

// sqlStarted ends a conversation's pending state (NewConversation.Pending) before its
// first customer's or person's message is stored: from then on it is shown, and its
// followers are told it was created before they are told of the message.
const sqlStarted = "UPDATE conversations SET pending = 0, updated_at = ? WHERE id = ? AND pending = 1"

func insertMessage(ctx context.Context, tx *sql.Tx, m Message) (int64, error) {
	if m.Author == agent.AuthorVisitor || m.Author == agent.AuthorHuman {
		if _, err := tx.ExecContext(ctx, sqlStarted, m.CreatedAt.Unix(), m.ConversationID); err != nil {
			return 0, err
		}
	}
	res, err := tx.ExecContext(ctx, sqlInsertMessage, m.ConversationID, m.Author, store.NullID(m.UserID), m.Body, m.Lang, m.CreatedAt.Unix())
	if err != nil {
		return 0, err
	}
	if _, err = tx.ExecContext(ctx, sqlMessageAdded, m.CreatedAt.Unix(), m.Lang, m.Author, m.ConversationID); err != nil {
		return 0, err
	}
	return res.LastInsertId()
}

// AddAIReply stores an AI reply with its record in one transaction.
func (s *Store) AddAIReply(ctx context.Context, conversationID, agentID int64, r agent.Reply) (Message, error) {
	return s.addAIReply(ctx, conversationID, agentID, r, turn{}, nil)
}

// An AI reply's record, and the sources it cites (a source deleted meanwhile is cited
// without its link).
const (
	sqlInsertAIReply = `INSERT INTO ai_replies (message_id, agent_id, decision, reason, confidence, mode, model, model_error,
		query, fingerprint, quick_replies, prompt_tokens, completion_tokens, retrieval_us, model_us, total_us)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
	sqlInsertSource = `INSERT INTO reply_sources (message_id, n, source_id, chunk_id, title, url)
		VALUES (?, ?, (SELECT id FROM sources WHERE id = ?), ?, ?, ?)`
)

// addAIReply stores an AI reply, ends the claim t it answers and runs then (unless nil),
// in one transaction: when the claim was taken over meanwhile, nothing is stored
// (errClaimLost).
func (s *Store) addAIReply(ctx context.Context, conversationID, agentID int64, r agent.Reply, t turn, then func(*sql.Tx) error) (Message, error) {
	m := Message{ConversationID: conversationID, Author: agent.AuthorBot, Body: r.Text, Lang: r.Lang, CreatedAt: s.now(), AI: &AIReply{
		Decision: r.Decision, Reason: r.Reason, Confidence: r.Confidence, Mode: r.Mode, Model: r.Model, ModelError: r.ModelError,
		Query: r.Query, Fingerprint: r.Fingerprint, QuickReplies: r.QuickReplies, PromptTokens: r.PromptTokens,
		CompletionTokens: r.CompletionTokens, Retrieval: r.Retrieval, ModelTime: r.ModelTime, Total: r.Total, Sources: r.Sources,
	}}
	quick, err := json.Marshal(append([]string{}, r.QuickReplies...))
	if err != nil {
		return Message{}, err
	}
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		if err := t.end(ctx, tx); err != nil {
			return err
		}
		id, err := insertMessage(ctx, tx, m)
		if err != nil {
			return err
		}
		m.ID = id
		if _, err := tx.ExecContext(ctx, sqlInsertAIReply,
			id, store.NullID(agentID), r.Decision, r.Reason, r.Confidence, r.Mode, r.Model, r.ModelError, r.Query, r.Fingerprint, string(quick),
			r.PromptTokens, r.CompletionTokens, r.Retrieval.Microseconds(), r.ModelTime.Microseconds(), r.Total.Microseconds()); err != nil {
			return err
		}
		for _, c := range r.Sources {
			if _, err := tx.ExecContext(ctx, sqlInsertSource, id, c.N, c.SourceID, c.ChunkID, c.Title, c.URL); err != nil {
				return err
			}
		}
		if then != nil {
			return then(tx)
		}
		return nil
	})
	if err != nil {
		return Message{}, fmt.Errorf("inbox: add AI reply: %w", err)
	}
	s.stored(ctx)
	return m, nil
}

// History turns stored messages into the engine's view of the conversation.
func History(msgs []Message) []agent.Turn {
	turns := make([]agent.Turn, 0, len(msgs))
	for _, m := range msgs {
		t := agent.Turn{Author: m.Author, Text: m.Body}
		switch m.Author {
		case agent.AuthorVisitor, agent.AuthorHuman:
		case agent.AuthorBot:
			if m.AI != nil {
				t.Decision, t.Reason, t.Query, t.Fingerprint = m.AI.Decision, m.AI.Reason, m.AI.Query, m.AI.Fingerprint
				t.Options = m.AI.QuickReplies
			}
		default:
			continue // notes and system lines are not part of what the customer saw
		}
		turns = append(turns, t)
	}
	return turns
}

// Ask stores a customer's message, has the agent respond and stores the reply. The
// message is committed before the engine runs, so that nothing the customer wrote is lost
// if answering fails.
func (s *Store) Ask(ctx context.Context, e *agent.Engine, a agent.Agent, c Conversation, text, lang string, stream func(string) error) (Message, agent.Reply, error) {
	m, err := s.AddMessage(ctx, c.ID, agent.AuthorVisitor, 0, text, lang)
	if err != nil {
		return Message{}, agent.Reply{}, err
	}
	history, err := s.history(ctx, c.ID, m.ID)
	if err != nil {
		return Message{}, agent.Reply{}, err
	}
	r, err := e.Respond(ctx, a, agent.Message{Text: text, Lang: lang, Channel: c.Channel, History: history, Stream: stream})
	if err != nil {
		return Message{}, r, err
	}
	reply, err := s.AddAIReply(ctx, c.ID, a.ID, r)
	return reply, r, err
}

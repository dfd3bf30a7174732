package webhook

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"agent/app/ids"
)

// Version is the payload format's version, in every payload: a change that could break a
// receiver comes with a new version.
const Version = 1

// Payload is the JSON body of every delivery (docs/WEBHOOKS.md shows each type's data).
// IDs are those the product shows in its URLs.
type Payload struct {
	Version   int       `json:"version"`
	ID        string    `json:"id"` // the event's: a receiver may use it to skip a repeat
	Type      Type      `json:"type"`
	CreatedAt time.Time `json:"created_at"`
	Workspace string    `json:"workspace"`
	Data      any       `json:"data"`
}

// Ref names a person, team or contact.
type Ref struct {
	ID    string `json:"id"`
	Name  string `json:"name,omitempty"`
	Email string `json:"email,omitempty"`
	Phone string `json:"phone,omitempty"`
}

// ConversationData is a conversation as an event shows it.
type ConversationData struct {
	ID        string     `json:"id"`
	URL       string     `json:"url"` // in the inbox; relative when the install has no server.base_url
	Channel   string     `json:"channel"`
	Status    string     `json:"status"`
	Contact   *Ref       `json:"contact"`
	Assignee  *Ref       `json:"assignee"`
	Team      *Ref       `json:"team"`
	CreatedAt time.Time  `json:"created_at"`
	ClosedAt  *time.Time `json:"closed_at"`
}

// MessageData is a message: Author is customer, ai or human.
type MessageData struct {
	ID        string    `json:"id"`
	Author    string    `json:"author"`
	Body      string    `json:"body"`
	Lang      string    `json:"lang"`
	User      *Ref      `json:"user,omitempty"`     // a person's reply: who wrote it
	Decision  string    `json:"decision,omitempty"` // the AI's: answer, clarify or handoff
	CreatedAt time.Time `json:"created_at"`
}

// HandoffData is a transfer to people: its cause, and who got it (assigned), the queue
// (unassigned) or no one (stayed with the AI).
type HandoffData struct {
	ID      string `json:"id"`
	Cause   string `json:"cause"`
	Outcome string `json:"outcome"`
	ToUser  *Ref   `json:"to_user"`
	ToTeam  *Ref   `json:"to_team"`
}

// FeedbackData is a customer's rating of an AI reply.
type FeedbackData struct {
	MessageID string `json:"message_id"`
	Helpful   bool   `json:"helpful"`
	Reason    string `json:"reason"`
	Comment   string `json:"comment"`
}

// ResolutionData is the report's settled record of a conversation.
type ResolutionData struct {
	Outcome        string    `json:"outcome"` // not_handled, resolved, handed_off, unresolved
	Reasons        []string  `json:"reasons"`
	HandoffCauses  []string  `json:"handoff_causes"`
	Feedback       []string  `json:"feedback"`
	ResolutionSecs *int64    `json:"resolution_secs"`
	FrozenAt       time.Time `json:"frozen_at"`
}

// GapData is a customer's question the knowledge did not answer, and the topic it joined.
type GapData struct {
	ID       string    `json:"id"`
	Question string    `json:"question"`
	Cause    string    `json:"cause"`  // no_answer, clarify_failed, not_useful, bot_unsure or autosend_unsure
	Reason   string    `json:"reason"` // the engine's (no_match, unsure...), or the customer's rating reason; "" when not known
	Lang     string    `json:"lang"`
	Topic    Ref       `json:"topic"` // Name: the topic's title
	AskedAt  time.Time `json:"asked_at"`
}

// errGone reports an event whose subject was deleted before it was dispatched.
var errGone = errors.New("webhook: the event's subject no longer exists")

// payload builds the data of an event from what the database holds now.
func (d *Sender) payload(ctx context.Context, e event) (Payload, error) {
	p := Payload{Version: Version, ID: ids.Encode(e.id), Type: e.typ, CreatedAt: time.Unix(e.created, 0).UTC(), Workspace: ids.Encode(e.workspaceID)}
	// Every event but the test is about a conversation, shown with its subject under key.
	var key string
	var subject any
	var err error
	convID := e.ref
	switch e.typ {
	case ConversationCreated, ConversationClosed:
	case MessageCustomer, MessageAI, MessageHuman:
		key = "message"
		subject, convID, err = d.message(ctx, e.ref)
	case Handoff:
		key = "handoff"
		subject, convID, err = d.handoff(ctx, e.ref)
	case FeedbackGiven:
		key = "feedback"
		subject, convID, err = d.feedback(ctx, e.ref)
	case ResolutionEvaluated:
		key = "resolution"
		subject, err = d.resolution(ctx, e.ref)
	case KnowledgeGapCreated:
		key = "gap"
		subject, convID, err = d.gap(ctx, e.ref)
	case Ping:
		p.Data = map[string]any{"message": "A test event sent from Settings."}
		return p, nil
	default:
		return p, fmt.Errorf("webhook: no payload for event type %q", e.typ)
	}
	var c ConversationData
	if err == nil {
		c, err = d.conversation(ctx, e.workspaceID, convID)
	}
	if errors.Is(err, sql.ErrNoRows) {
		return p, errGone
	}
	data := map[string]any{"conversation": c}
	if key != "" {
		data[key] = subject
	}
	p.Data = data
	return p, err
}

func ref(id int64, name string) *Ref {
	if id == 0 {
		return nil
	}
	return &Ref{ID: ids.Encode(id), Name: name}
}

func unixOrNil(t int64) *time.Time {
	if t == 0 {
		return nil
	}
	u := time.Unix(t, 0).UTC()
	return &u
}

func (d *Sender) conversation(ctx context.Context, workspaceID, id int64) (ConversationData, error) {
	var c ConversationData
	var contactID, assigneeID, teamID, created, closed int64
	var contactName, email, phone, assignee, team string
	err := d.db.Read.QueryRowContext(ctx, `SELECT c.channel, c.status, c.created_at, COALESCE(c.closed_at, 0),
		COALESCE(k.id, 0), COALESCE(k.name, ''), COALESCE(k.email, ''), COALESCE(k.phone, ''),
		COALESCE(u.id, 0), COALESCE(u.name, ''), COALESCE(t.id, 0), COALESCE(t.name, '')
		FROM conversations c LEFT JOIN contacts k ON k.id = c.contact_id LEFT JOIN users u ON u.id = c.assignee_id
		LEFT JOIN teams t ON t.id = c.team_id WHERE c.id = ? AND c.workspace_id = ?`, id, workspaceID).
		Scan(&c.Channel, &c.Status, &created, &closed, &contactID, &contactName, &email, &phone, &assigneeID, &assignee, &teamID, &team)
	if err != nil {
		return c, err
	}
	c.ID = ids.Encode(id)
	c.URL = strings.TrimSuffix(d.BaseURL, "/") + "/w/" + ids.Encode(workspaceID) + "/inbox/" + c.ID
	if contactID != 0 {
		c.Contact = &Ref{ID: ids.Encode(contactID), Name: contactName, Email: email, Phone: phone}
	}
	c.Assignee, c.Team = ref(assigneeID, assignee), ref(teamID, team)
	c.CreatedAt, c.ClosedAt = time.Unix(created, 0).UTC(), unixOrNil(closed)
	return c, nil
}

// authors maps the messages' author column to the payload's.
var authors = map[string]string{"visitor": "customer", "bot": "ai", "human": "human"}

func (d *Sender) message(ctx context.Context, id int64) (MessageData, int64, error) {
	var m MessageData
	var convID, userID, created int64
	var author, userName string
	err := d.db.Read.QueryRowContext(ctx, `SELECT m.conversation_id, m.author, m.body, m.lang, m.created_at,
		COALESCE(u.id, 0), COALESCE(u.name, ''), COALESCE(a.decision, '')
		FROM messages m LEFT JOIN users u ON u.id = m.user_id LEFT JOIN ai_replies a ON a.message_id = m.id WHERE m.id = ?`, id).
		Scan(&convID, &author, &m.Body, &m.Lang, &created, &userID, &userName, &m.Decision)
	m.ID, m.Author, m.CreatedAt, m.User = ids.Encode(id), authors[author], time.Unix(created, 0).UTC(), ref(userID, userName)
	return m, convID, err
}

func (d *Sender) handoff(ctx context.Context, id int64) (HandoffData, int64, error) {
	h := HandoffData{ID: ids.Encode(id)}
	var convID, userID, teamID int64
	var user, team string
	err := d.db.Read.QueryRowContext(ctx, `SELECT h.conversation_id, h.cause, h.outcome, COALESCE(u.id, 0), COALESCE(u.name, ''),
		COALESCE(t.id, 0), COALESCE(t.name, '') FROM handoffs h LEFT JOIN users u ON u.id = h.to_user_id
		LEFT JOIN teams t ON t.id = h.to_team_id WHERE h.id = ?`, id).Scan(&convID, &h.Cause, &h.Outcome, &userID, &user, &teamID, &team)
	h.ToUser, h.ToTeam = ref(userID, user), ref(teamID, team)
	return h, convID, err
}

func (d *Sender) feedback(ctx context.Context, messageID int64) (FeedbackData, int64, error) {
	f := FeedbackData{MessageID: ids.Encode(messageID)}
	var convID int64
	err := d.db.Read.QueryRowContext(ctx, `SELECT m.conversation_id, f.helpful, f.reason, f.comment FROM feedback f
		JOIN messages m ON m.id = f.message_id WHERE f.message_id = ?`, messageID).Scan(&convID, &f.Helpful, &f.Reason, &f.Comment)
	return f, convID, err
}

func (d *Sender) resolution(ctx context.Context, conversationID int64) (ResolutionData, error) {
	var r ResolutionData
	var reasons, causes, feedback string
	var frozen int64
	err := d.db.Read.QueryRowContext(ctx, `SELECT outcome, reasons, handoff_causes, feedback, resolution_secs, frozen_at
		FROM resolutions WHERE conversation_id = ?`, conversationID).Scan(&r.Outcome, &reasons, &causes, &feedback, &r.ResolutionSecs, &frozen)
	r.Reasons, r.HandoffCauses, r.Feedback = fields(reasons), fields(causes), fields(feedback)
	r.FrozenAt = time.Unix(frozen, 0).UTC()
	return r, err
}

// fields splits a space-separated list; an empty one is [] in JSON, not null.
func fields(s string) []string {
	return append([]string{}, strings.Fields(s)...)
}

// marshal encodes a payload as it is sent and signed.
func marshal(p Payload) ([]byte, error) {
	b, err := json.Marshal(p)
	if err != nil {
		return nil, fmt.Errorf("webhook: encode payload: %w", err)
	}
	return b, nil
}

func (d *Sender) gap(ctx context.Context, id int64) (GapData, int64, error) {
	g := GapData{ID: ids.Encode(id)}
	var convID, topicID, asked int64
	err := d.db.Read.QueryRowContext(ctx, `SELECT g.conversation_id, g.question, g.cause, g.reason, g.lang, g.asked_at, t.id, t.title
		FROM gaps g JOIN gap_topics t ON t.id = g.topic_id WHERE g.id = ?`, id).Scan(&convID, &g.Question, &g.Cause, &g.Reason, &g.Lang, &asked, &topicID, &g.Topic.Name)
	g.Topic.ID, g.AskedAt = ids.Encode(topicID), time.Unix(asked, 0).UTC()
	return g, convID, err
}

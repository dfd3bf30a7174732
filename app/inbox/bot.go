package inbox

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"agent/app/agent"
	"agent/app/channel"
	"agent/app/store"
	"agent/app/usererr"
)

// Bot is a workspace's automatic bot: it answers customers from an agent's knowledge when
// no person can (no one online, or everyone online at capacity while the conversation
// waits), all day or only outside working hours.
type Bot struct {
	WorkspaceID   int64
	Enabled       bool
	OffHoursOnly  bool  // works only outside the schedule's hours; else all day
	AgentID       int64 // whose knowledge and trust level it answers with
	TimeZone      string
	Schedule      Schedule
	Label         string // under its messages for the customer; "" is PhraseAssistant
	Fallback      string // when it cannot answer; "" is PhraseOffline in the customer's language
	OffHoursReply string // after the fallback, outside working hours; "" sends none
}

// Automatic is the kind of a message sent without a person.
type Automatic string

// The kinds of automatic messages.
const (
	AutoAnswer   Automatic = "bot_answer"   // the bot answered a question
	AutoGreeting Automatic = "bot_greeting" // the bot replied to a greeting or thanks: it resolves nothing
	AutoFallback Automatic = "fallback"     // the bot could not answer
	AutoOffHours Automatic = "off_hours"    // the workspace's off-hours reply
	AutoStopped  Automatic = "bot_stopped"  // a note to staff: the bot stopped in this conversation
)

// Location is the bot's time zone (UTC when unset or unknown).
func (b Bot) Location() *time.Location {
	loc, err := time.LoadLocation(b.TimeZone)
	if err != nil || b.TimeZone == "" {
		return time.UTC
	}
	return loc
}

// Working reports whether t is inside the workspace's working hours.
func (b Bot) Working(t time.Time) bool { return b.Schedule.OpenAt(t, b.Location()) }

// OnDuty reports whether the bot works at t (people's availability aside).
func (b Bot) OnDuty(t time.Time) bool { return b.Enabled && (!b.OffHoursOnly || !b.Working(t)) }

// LabelIn is what the customer sees under the bot's messages, in lang.
func (b Bot) LabelIn(lang string) string {
	if b.Label != "" {
		return b.Label
	}
	return agent.Say(lang, agent.PhraseAssistant)
}

// Bot returns a workspace's bot settings (off, all day, UTC, no hours, when never saved).
func (s *Store) Bot(ctx context.Context, workspaceID int64) (Bot, error) {
	b := Bot{WorkspaceID: workspaceID, TimeZone: "UTC"}
	var schedule string
	var agentID sql.NullInt64
	var hours string
	err := s.db.Read.QueryRowContext(ctx, `SELECT enabled, hours, agent_id, time_zone, schedule, label, fallback, off_hours_reply
		FROM bot_settings WHERE workspace_id = ?`, workspaceID).Scan(&b.Enabled, &hours, &agentID, &b.TimeZone, &schedule, &b.Label, &b.Fallback, &b.OffHoursReply)
	if errors.Is(err, sql.ErrNoRows) {
		return b, nil
	}
	if err != nil {
		return b, fmt.Errorf("inbox: bot settings: %w", err)
	}
	b.OffHoursOnly, b.AgentID = hours == "off_hours", agentID.Int64
	if err := json.Unmarshal([]byte(schedule), &b.Schedule); err != nil {
		return b, fmt.Errorf("inbox: bot schedule: %w", err)
	}
	return b, nil
}

// SaveBot stores a workspace's bot settings. Turning it on needs an agent of the
// workspace; outside working hours needs a schedule.
func (s *Store) SaveBot(ctx context.Context, b Bot) error {
	if _, err := time.LoadLocation(b.TimeZone); err != nil || b.TimeZone == "" {
		return &usererr.InputError{Field: "time_zone", Message: "choose a time zone such as Europe/Oslo"}
	}
	if b.AgentID != 0 {
		var n int
		if err := s.db.Read.QueryRowContext(ctx, "SELECT COUNT(*) FROM agents WHERE id = ? AND workspace_id = ?", b.AgentID, b.WorkspaceID).Scan(&n); err != nil || n == 0 {
			return &usererr.InputError{Field: "agent", Message: "choose an agent of this workspace"}
		}
	} else if b.Enabled {
		return &usererr.InputError{Field: "agent", Message: "choose the agent whose knowledge the bot answers from"}
	}
	if b.Enabled && b.OffHoursOnly && !hasHours(b.Schedule) {
		return &usererr.InputError{Field: "hours", Message: "set working hours, or let the bot work all day"}
	}
	schedule, err := json.Marshal(b.Schedule)
	if err != nil {
		return err
	}
	hours := "all_day"
	if b.OffHoursOnly {
		hours = "off_hours"
	}
	_, err = s.db.Write.ExecContext(ctx, `INSERT INTO bot_settings (workspace_id, enabled, hours, agent_id, time_zone, schedule, label, fallback, off_hours_reply, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (workspace_id) DO UPDATE SET enabled = excluded.enabled, hours = excluded.hours,
		agent_id = excluded.agent_id, time_zone = excluded.time_zone, schedule = excluded.schedule, label = excluded.label,
		fallback = excluded.fallback, off_hours_reply = excluded.off_hours_reply, updated_at = excluded.updated_at`,
		b.WorkspaceID, b.Enabled, hours, store.NullID(b.AgentID), b.TimeZone, string(schedule), strings.TrimSpace(b.Label),
		strings.TrimSpace(b.Fallback), strings.TrimSpace(b.OffHoursReply), s.now().Unix())
	if err != nil {
		return fmt.Errorf("inbox: save bot settings: %w", err)
	}
	return nil
}

func hasHours(s Schedule) bool {
	for _, d := range s.Week {
		if len(d) > 0 {
			return true
		}
	}
	return false
}

// sqlPeopleFree says whether a person of the workspace can take a conversation now:
// someone online under capacity (?2: the default), or the conversation's own assignee
// (?3) online. Only members who are not disabled count.
const sqlPeopleFree = `SELECT EXISTS (SELECT 1 FROM presence p JOIN memberships m ON m.workspace_id = p.workspace_id AND m.user_id = p.user_id
	JOIN users u ON u.id = p.user_id AND u.disabled = 0
	WHERE p.workspace_id = ?1 AND p.status = 'online' AND (p.user_id = ?3 OR p.capacity >
		(SELECT COUNT(*) FROM conversations c WHERE c.workspace_id = ?1 AND c.assignee_id = p.user_id AND c.status = 'open' AND c.preview = 0)))`

// peopleFree reports whether a person can take conversation c now: its assignee is
// online, or someone online has room for one more.
func (s *Store) peopleFree(ctx context.Context, c Conversation) (bool, error) {
	var free bool
	if err := s.db.Read.QueryRowContext(ctx, sqlPeopleFree, c.WorkspaceID, DefaultCapacity, c.AssigneeID).Scan(&free); err != nil {
		return false, fmt.Errorf("inbox: people free: %w", err)
	}
	return free, nil
}

// AutomaticOf returns the kind of an automatic message, or "" for any other.
func (s *Store) AutomaticOf(ctx context.Context, messageID int64) (Automatic, error) {
	var k Automatic
	err := s.db.Read.QueryRowContext(ctx, "SELECT kind FROM automatic_messages WHERE message_id = ?", messageID).Scan(&k)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("inbox: automatic message: %w", err)
	}
	return k, nil
}

// Automatics returns the automatic messages of a conversation by message id.
func (s *Store) Automatics(ctx context.Context, conversationID int64) (map[int64]Automatic, error) {
	rows, err := s.db.Read.QueryContext(ctx, "SELECT message_id, kind FROM automatic_messages WHERE conversation_id = ?", conversationID)
	if err != nil {
		return nil, fmt.Errorf("inbox: automatic messages: %w", err)
	}
	defer rows.Close()
	out := map[int64]Automatic{}
	for rows.Next() {
		var id int64
		var k Automatic
		if err := rows.Scan(&id, &k); err != nil {
			return nil, fmt.Errorf("inbox: automatic messages: %w", err)
		}
		out[id] = k
	}
	return out, rows.Err()
}

// addAutomatic stores a message the bot sends (author system, or a note to staff) and its kind.
func (s *Store) addAutomatic(ctx context.Context, c Conversation, author agent.Author, kind Automatic, body, lang string) (Message, error) {
	m := Message{ConversationID: c.ID, Author: author, Body: body, Lang: lang, CreatedAt: s.now()}
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		var err error
		if m.ID, err = insertMessage(ctx, tx, m); err != nil {
			return err
		}
		return markAutomatic(ctx, tx, c.ID, m.ID, kind)
	})
	if err != nil {
		return Message{}, fmt.Errorf("inbox: add automatic message: %w", err)
	}
	s.stored(ctx)
	return m, nil
}

func markAutomatic(ctx context.Context, tx *sql.Tx, conversationID, messageID int64, kind Automatic) error {
	_, err := tx.ExecContext(ctx, "INSERT INTO automatic_messages (message_id, conversation_id, kind) VALUES (?, ?, ?)", messageID, conversationID, kind)
	return err
}

// sqlBotSent reads the automatic messages of a conversation (?2), and whether each says text (?1).
const sqlBotSent = `SELECT am.kind, m.body = ?1 FROM automatic_messages am JOIN messages m ON m.id = am.message_id
	WHERE am.conversation_id = ?2`

// botSent says which kinds of automatic messages a conversation has had, and whether the
// bot already gave the answer text.
func (s *Store) botSent(ctx context.Context, conversationID int64, text string) (map[Automatic]bool, bool, error) {
	rows, err := s.db.Read.QueryContext(ctx, sqlBotSent, text, conversationID)
	if err != nil {
		return nil, false, fmt.Errorf("inbox: bot sent: %w", err)
	}
	defer rows.Close()
	sent, same := map[Automatic]bool{}, false
	for rows.Next() {
		var k Automatic
		var eq bool
		if err := rows.Scan(&k, &eq); err != nil {
			return nil, false, fmt.Errorf("inbox: bot sent: %w", err)
		}
		sent[k] = true
		same = same || ((k == AutoAnswer || k == AutoGreeting) && eq)
	}
	return sent, same, rows.Err()
}

// botStoppedNote is what staff read when the bot would have repeated itself.
const botStoppedNote = "The bot stopped here: it would have sent the same reply twice. Please reply to the customer."

// botAnswer has the automatic bot take the customer's message m of a conversation no AI
// agent is on, when the bot is on duty and no person can take it. It answers when the
// decision is a confident answer (at the agent's trust level, Balanced at most); otherwise
// it sends the fallback once, then the off-hours reply, and leaves the conversation
// Unreplied for people, routed by the channel's rules. A reply it already gave in the
// conversation stops it there, with a note to staff. It returns false when it is not on
// duty (or cannot tell, which it logs), so that the usual path runs. When it takes the
// message, it ends the claim t on answering it (a channel's queued answer holds one).
func (s *Service) botAnswer(ctx context.Context, ch channel.Channel, c Conversation, m Message, t turn) ([]Message, bool, error) {
	if c.Preview || m.Author != agent.AuthorVisitor {
		return nil, false, nil
	}
	out, ok, err := s.bot(ctx, ch, c, m, t)
	if !ok && err != nil && s.Log != nil {
		s.Log.Error("bot: people answer instead", "conversation", c.ID, "err", err)
	}
	return out, ok, err
}

func (s *Service) bot(ctx context.Context, ch channel.Channel, c Conversation, m Message, t turn) ([]Message, bool, error) {
	b, err := s.Store.Bot(ctx, c.WorkspaceID)
	now := s.Store.now()
	if err != nil || !b.OnDuty(now) {
		return nil, false, err
	}
	if free, err := s.Store.peopleFree(ctx, c); err != nil || free {
		return nil, false, err
	}
	r, answered := s.botReply(ctx, b, c, m)
	sent, same, err := s.Store.botSent(ctx, c.ID, r.Text)
	if err != nil || sent[AutoStopped] {
		return nil, false, err // stopped earlier: people have it
	}
	var out []Message
	if answered && !same {
		kind := AutoAnswer
		if intent, _ := agent.Understand(m.Body); intent == agent.IntentGreeting || intent == agent.IntentThanks {
			kind = AutoGreeting
		}
		reply, err := s.Store.addAIReply(ctx, c.ID, b.AgentID, r, t, func(tx *sql.Tx) error {
			// The reply is the conversation's newest message in this transaction.
			_, err := tx.ExecContext(ctx, `INSERT INTO automatic_messages (message_id, conversation_id, kind)
				SELECT MAX(id), conversation_id, ? FROM messages WHERE conversation_id = ?`, kind, c.ID)
			return err
		})
		if err != nil {
			return nil, true, err
		}
		s.publish(c, Event{Kind: EventMessage, MessageID: reply.ID})
		s.deliver(ctx, c, reply)
		return []Message{reply}, true, nil
	}
	// The decision it did not send is kept with the end of the claim: the question may be
	// a knowledge gap (app/gaps), which is recorded once the customer has been told.
	err = s.Store.db.Tx(ctx, func(tx *sql.Tx) error {
		if err := t.end(ctx, tx); err != nil {
			return err
		}
		return s.Store.keepUnanswered(ctx, tx, m, unansweredByBot, r)
	})
	if err != nil {
		return nil, true, fmt.Errorf("inbox: bot: %w", err)
	}
	defer s.collectGaps(ctx, c)
	if same || r.Reason == agent.ReasonRepeated {
		note, err := s.Store.addAutomatic(ctx, c, AuthorNote, AutoStopped, botStoppedNote, "")
		if err != nil {
			return nil, true, err
		}
		s.publish(c, Event{Kind: EventMessage, MessageID: note.ID, Staff: true})
	}
	lang := m.Lang
	if r.Lang != "" {
		lang = r.Lang
	}
	if !sent[AutoFallback] {
		text := b.Fallback
		if text == "" {
			text = agent.Say(lang, agent.PhraseOffline)
		}
		if out, err = s.sayAutomatic(ctx, c, AutoFallback, text, lang, out); err != nil {
			return out, true, err
		}
		if b.OffHoursReply != "" && !b.Working(now) && !sent[AutoOffHours] {
			if out, err = s.sayAutomatic(ctx, c, AutoOffHours, b.OffHoursReply, lang, out); err != nil {
				return out, true, err
			}
		}
	}
	return out, true, s.queue(ctx, ch, c)
}

// botReply is the bot's answer to m, and whether it is confident enough to send: an
// answer (never a clarify or a handoff) at the Cautious or Balanced level.
func (s *Service) botReply(ctx context.Context, b Bot, c Conversation, m Message) (agent.Reply, bool) {
	a, err := s.Agents.Get(ctx, c.WorkspaceID, b.AgentID)
	if err != nil || !a.Active {
		return agent.Reply{Lang: m.Lang}, false
	}
	if a.Trust != agent.TrustCautious {
		a.Trust = agent.TrustBalanced
	}
	history, err := s.Store.history(ctx, c.ID, m.ID)
	if err != nil {
		return agent.Reply{Lang: m.Lang}, false
	}
	r, err := s.Engine.Respond(ctx, a, agent.Message{Text: m.Body, Lang: m.Lang, Channel: c.Channel, History: history})
	if err != nil {
		if s.Log != nil {
			s.Log.Error("bot reply failed", "conversation", c.ID, "message", m.ID, "err", err)
		}
		return agent.Reply{Lang: m.Lang}, false
	}
	return r, r.Decision == agent.Answer
}

// sayAutomatic sends the customer an automatic notice and appends it to out.
func (s *Service) sayAutomatic(ctx context.Context, c Conversation, kind Automatic, text, lang string, out []Message) ([]Message, error) {
	m, err := s.Store.addAutomatic(ctx, c, AuthorSystem, kind, text, lang)
	if err != nil {
		return out, err
	}
	s.publish(c, Event{Kind: EventMessage, MessageID: m.ID})
	s.deliver(ctx, c, m)
	return append(out, m), nil
}

// queue routes a conversation no one has by the channel's rules, without the notice that
// no one is available (the fallback said so); one already routed keeps its place.
func (s *Service) queue(ctx context.Context, ch channel.Channel, c Conversation) error {
	if c.AssigneeID != 0 || c.TeamID != 0 || hasHandoff(ctx, s.Store, c.ID) {
		s.publish(c, Event{Kind: EventConversation})
		return nil
	}
	err := s.Store.db.Tx(ctx, func(tx *sql.Tx) error {
		_, err := s.Store.route(ctx, tx, c, ch, CauseAutomation)
		return err
	})
	if err != nil {
		return fmt.Errorf("inbox: bot: route: %w", err)
	}
	s.publish(c, Event{Kind: EventConversation})
	return nil
}

package inbox

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"

	"agent/app/agent"
	"agent/app/channel"
)

// Service runs conversations: customers' messages in, the AI's and people's replies out,
// handoffs by the channel's rules, and an event for every change.
type Service struct {
	Store    *Store
	Hub      *Hub
	Engine   *agent.Engine
	Agents   *agent.Store
	Channels *channel.Store
	Log      *slog.Logger
	// Outboxes deliver what customers are told on the channels that need sending (email,
	// WhatsApp, Messenger), by kind. The chat widget needs none: it follows the events.
	Outboxes map[channel.Kind]Outbox
	// Gaps, when set, is told of each conversation where the AI handed off or a reply was
	// rated down, to record the questions the AI could not answer (app/gaps).
	Gaps GapCollector
	// Closer answers the conversations of quotes' pages (ChannelQuote); nil: people do.
	Closer Closer
}

// GapCollector records the knowledge gaps of a conversation; *gaps.Book is one.
type GapCollector interface {
	Collect(ctx context.Context, conversationID int64) error
}

// collectGaps has the conversation's knowledge gaps recorded; a failure costs the
// customer nothing, so it is logged.
func (s *Service) collectGaps(ctx context.Context, c Conversation) {
	if s.Gaps == nil || c.Preview {
		return
	}
	if err := s.Gaps.Collect(ctx, c.ID); err != nil && s.Log != nil {
		s.Log.Error("knowledge gaps: collect failed", "conversation", c.ID, "err", err)
	}
}

// Rate records the visitor's rating of an AI reply of their conversation (Store.SetFeedback);
// a rating down may make its question a knowledge gap.
func (s *Service) Rate(ctx context.Context, c Conversation, f Feedback) error {
	if err := s.Store.SetFeedback(ctx, c.ID, f); err != nil {
		return err
	}
	if !f.Helpful {
		s.collectGaps(ctx, c)
	}
	return nil
}

// Outbox sends a message meant for the customer out through its channel. The message is
// stored before it is handed over, so a failed delivery loses nothing.
type Outbox interface {
	Deliver(ctx context.Context, ch channel.Channel, c Conversation, m Message) error
}

// deliver hands a message the customer sees to the outbox of the conversation's channel.
func (s *Service) deliver(ctx context.Context, c Conversation, m Message) {
	box := s.Outboxes[channel.Kind(c.Channel)]
	if box == nil || c.Preview {
		return
	}
	ch, err := s.Channels.ByID(ctx, c.ChannelID)
	if err == nil {
		err = box.Deliver(ctx, ch, c, m)
	}
	if err != nil && s.Log != nil {
		s.Log.Error("delivery failed", "conversation", c.ID, "message", m.ID, "channel", c.Channel, "err", err)
	}
}

// VisitorMessage stores a customer's message (committed before anything else happens), then,
// when the AI handles the conversation, has it reply, its words streamed to the
// conversation's followers as they are written; when it hands off, the channel's rules
// decide who gets the conversation. It returns the customer's message and what was said
// in return, in order. Storing it records that the conversation's visitor is around, in
// its language.
func (s *Service) VisitorMessage(ctx context.Context, ch channel.Channel, c Conversation, text, lang string) (Message, []Message, error) {
	return s.VisitorMessageWith(ctx, ch, c, text, lang, nil)
}

// VisitorMessageWith is VisitorMessage with what comes with the message (the files the
// visitor attached), stored by record in the message's transaction.
func (s *Service) VisitorMessageWith(ctx context.Context, ch channel.Channel, c Conversation, text, lang string,
	record func(tx *sql.Tx, messageID int64) error) (Message, []Message, error) {
	// Only a message the AI is to answer is claimed (see claimOwed): one that people answer
	// is stored in a single write.
	a, aiOK := s.activeAgent(ctx, c)
	m, t, err := s.Store.addMessageRecord(ctx, Message{ConversationID: c.ID, Author: agent.AuthorVisitor, Body: text, Lang: lang}, c.VisitorID, aiOK || s.closes(c), record)
	if err != nil {
		return Message{}, nil, err
	}
	s.publish(c, Event{Kind: EventMessage, MessageID: m.ID})
	out, err := s.answer(ctx, ch, c, a, aiOK, m, t)
	return m, out, err
}

// answer gives the customer's message m, claimed by t, its answer: the AI's reply (a, when
// aiOK), or a handoff by the channel's rules; a live message and one left unanswered by a
// stop (AnswerOwed) take this same path. The AI is shown the conversation's last turns
// before m; people's conversations read none of it.
func (s *Service) answer(ctx context.Context, ch channel.Channel, c Conversation, a agent.Agent, aiOK bool, m Message, t turn) ([]Message, error) {
	if s.closes(c) {
		out, err := s.closingAnswer(ctx, c, m, t)
		if !errors.Is(err, ErrNoCloser) {
			return out, err
		}
		// No closing agent in this workspace: the channel's agent, if any, else people.
	}
	if !aiOK {
		if out, ok, err := s.botAnswer(ctx, ch, c, m, t); ok {
			return out, err
		}
		// No AI on it: the first message of a conversation that no one has yet is routed by
		// the channel's rules, an automation.
		var out []Message
		var err error
		if c.AssigneeID == 0 && c.TeamID == 0 && !hasHandoff(ctx, s.Store, c.ID) {
			out, err = s.handoff(ctx, ch, c, CauseAutomation, "", t)
		} else {
			err = s.Store.endTurn(ctx, t)
		}
		if err != nil {
			return out, err
		}
		// The person it is assigned to may be busy elsewhere and let the assistant answer (assist.go).
		return append(out, s.autoSend(ctx, c.WorkspaceID, c.ID, m)...), nil
	}
	var r agent.Reply
	history, err := s.Store.history(ctx, c.ID, m.ID)
	if err == nil {
		r, err = s.Engine.Respond(ctx, a, agent.Message{Text: m.Body, Lang: m.Lang, Channel: c.Channel, History: history,
			Stream: func(tok string) error {
				s.publish(c, Event{Kind: EventToken, Token: tok})
				return nil
			}})
	}
	if err != nil {
		// The customer is not left waiting for an answer that will not come: a person takes over.
		if s.Log != nil {
			s.Log.Error("AI reply failed; handing off", "conversation", c.ID, "message", m.ID, "err", err)
		}
		return s.handoff(ctx, ch, c, CauseNoAnswer, m.Lang, t)
	}
	if r.Decision == agent.Handoff && ch.HandoffMessage != "" && ch.Handoff != channel.Stay {
		r.Text = ch.HandoffMessage
	}
	var h Handoff
	var route func(*sql.Tx) error
	if r.Decision == agent.Handoff && !c.Preview {
		// The reply that says a person takes over and the handoff are stored together: a
		// stop between them would leave the customer promised a person no one was given.
		route = func(tx *sql.Tx) (err error) {
			h, err = s.Store.route(ctx, tx, c, ch, CauseOf(r.Reason))
			return err
		}
	}
	reply, err := s.Store.addAIReply(ctx, c.ID, a.ID, r, t, route)
	if err != nil {
		return nil, err
	}
	s.publish(c, Event{Kind: EventMessage, MessageID: reply.ID})
	s.deliver(ctx, c, reply)
	out := []Message{reply}
	if r.Decision == agent.Handoff {
		s.collectGaps(ctx, c)
	}
	if route != nil {
		more, err := s.handedOff(ctx, ch, c, h, r.Lang)
		if err != nil {
			return out, err
		}
		out = append(out, more...)
	}
	return out, nil
}

// activeAgent returns the AI agent answering the conversation, when it is on and not paused.
func (s *Service) activeAgent(ctx context.Context, c Conversation) (agent.Agent, bool) {
	if !c.AIActive || c.AgentID == 0 {
		return agent.Agent{}, false
	}
	a, err := s.Agents.Get(ctx, c.WorkspaceID, c.AgentID)
	if err != nil || !a.Active {
		return agent.Agent{}, false
	}
	return a, true
}

func hasHandoff(ctx context.Context, st *Store, conversationID int64) bool {
	hs, err := st.Handoffs(ctx, conversationID)
	return err == nil && len(hs) > 0
}

// handoff applies the channel's rules and, when no one takes over, tells the customer so.
// It ends the claim t in the routing's transaction.
func (s *Service) handoff(ctx context.Context, ch channel.Channel, c Conversation, cause Cause, lang string, t turn) ([]Message, error) {
	if c.Preview {
		// An admin trying the widget: the AI says it hands off, and no one is given the conversation.
		return nil, s.Store.endTurn(ctx, t)
	}
	var h Handoff
	err := s.Store.db.Tx(ctx, func(tx *sql.Tx) error {
		if err := t.end(ctx, tx); err != nil {
			return err
		}
		var err error
		h, err = s.Store.route(ctx, tx, c, ch, cause)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("inbox: handoff: %w", err)
	}
	return s.handedOff(ctx, ch, c, h, lang)
}

// handedOff tells everyone following of handoff h and, when no one took over, the customer.
func (s *Service) handedOff(ctx context.Context, ch channel.Channel, c Conversation, h Handoff, lang string) ([]Message, error) {
	s.publish(c, Event{Kind: EventConversation})
	if h.Outcome == Assigned || (h.Outcome == LeftUnassigned && ch.Handoff == channel.Unassigned) {
		return nil, nil
	}
	// Staying with the AI, or no one available: say so.
	text := ch.UnavailableMessage
	if text == "" {
		text = agent.Say(lang, agent.PhraseUnavailable)
	}
	m, err := s.Store.AddMessage(ctx, c.ID, AuthorSystem, 0, text, lang)
	if err != nil {
		return nil, err
	}
	s.publish(c, Event{Kind: EventMessage, MessageID: m.ID})
	s.deliver(ctx, c, m)
	return []Message{m}, nil
}

// sqlHumanReplied takes a conversation a person replied to off the AI; one that no one
// had becomes theirs (?1).
const sqlHumanReplied = `UPDATE conversations SET ai_active = 0, unread = 0, status = 'open', closed_at = NULL,
	assignee_id = COALESCE(assignee_id, ?1) WHERE id = ?2`

// HumanReply stores a person's reply to the customer. It takes the conversation off the
// AI, and a conversation no one had becomes the replier's.
func (s *Service) HumanReply(ctx context.Context, workspaceID, conversationID, userID int64, text string) (Message, error) {
	return s.HumanReplyWith(ctx, workspaceID, conversationID, userID, text, nil)
}

// HumanReplyWith is HumanReply with what the channel keeps about the reply (a WhatsApp
// template's name and parameters), stored by record in the message's transaction so that
// the sending, which may start at once, finds it.
func (s *Service) HumanReplyWith(ctx context.Context, workspaceID, conversationID, userID int64, text string,
	record func(tx *sql.Tx, messageID int64) error) (Message, error) {
	c, err := s.Store.Get(ctx, workspaceID, conversationID)
	if err != nil {
		return Message{}, err
	}
	if c.Preview {
		return Message{}, ErrNotFound
	}
	var m Message
	if record == nil {
		m, err = s.Store.AddMessage(ctx, c.ID, agent.AuthorHuman, userID, text, "")
	} else {
		m, err = s.Store.addMessageWith(ctx, Message{ConversationID: c.ID, Author: agent.AuthorHuman, UserID: userID, Body: text}, record)
	}
	if err != nil {
		return Message{}, err
	}
	_, err = s.Store.db.Write.ExecContext(ctx, sqlHumanReplied, userID, c.ID)
	if err != nil {
		return m, fmt.Errorf("inbox: human reply: %w", err)
	}
	s.publish(c, Event{Kind: EventMessage, MessageID: m.ID})
	s.publish(c, Event{Kind: EventConversation})
	s.deliver(ctx, c, m)
	return m, nil
}

// Note stores an internal note, which only staff see.
func (s *Service) Note(ctx context.Context, workspaceID, conversationID, userID int64, text string) (Message, error) {
	c, err := s.Store.Get(ctx, workspaceID, conversationID)
	if err != nil {
		return Message{}, err
	}
	m, err := s.Store.AddMessage(ctx, c.ID, AuthorNote, userID, text, "")
	if err != nil {
		return Message{}, err
	}
	s.publish(c, Event{Kind: EventMessage, MessageID: m.ID, Staff: true})
	return m, nil
}

// Assign gives a conversation to a person and/or team by hand, and tells everyone
// following. The place it frees goes to a conversation waiting for a person; the one
// handed over does not go back to who had it.
func (s *Service) Assign(ctx context.Context, workspaceID, conversationID, byUserID, toUserID, toTeamID int64) error {
	had, err := s.assign(ctx, workspaceID, conversationID, byUserID, toUserID, toTeamID)
	if err != nil {
		return err
	}
	s.freed(ctx, workspaceID, map[int64]int64{conversationID: had})
	return nil
}

// assign is Assign without the hand-out; it returns who had the conversation.
func (s *Service) assign(ctx context.Context, workspaceID, conversationID, byUserID, toUserID, toTeamID int64) (int64, error) {
	c, err := s.Store.Get(ctx, workspaceID, conversationID)
	if err != nil {
		return 0, err
	}
	if err := s.Store.Assign(ctx, workspaceID, conversationID, byUserID, toUserID, toTeamID); err != nil {
		return 0, err
	}
	s.publish(c, Event{Kind: EventConversation})
	return c.AssigneeID, nil
}

// SetStatus closes or reopens a conversation, and tells everyone following. The place a
// closed one frees goes to a conversation waiting for a person.
func (s *Service) SetStatus(ctx context.Context, workspaceID, conversationID int64, closed bool) error {
	if err := s.setStatus(ctx, workspaceID, conversationID, closed); err != nil {
		return err
	}
	if closed {
		s.freed(ctx, workspaceID, nil)
	}
	return nil
}

// setStatus is SetStatus without the hand-out.
func (s *Service) setStatus(ctx context.Context, workspaceID, conversationID int64, closed bool) error {
	if err := s.Store.SetStatus(ctx, workspaceID, conversationID, closed); err != nil {
		return err
	}
	s.publish(Conversation{ID: conversationID, WorkspaceID: workspaceID}, Event{Kind: EventConversation})
	return nil
}

// SetOnline records a person's presence and tells their colleagues. Someone coming
// online is handed the conversations waiting for a person, by their channels' rules.
func (s *Service) SetOnline(ctx context.Context, workspaceID, userID int64, online bool) error {
	if err := s.Store.SetOnline(ctx, workspaceID, userID, online); err != nil {
		return err
	}
	s.Hub.Publish(workspaceID, Event{Kind: EventPresence})
	if !online {
		return nil
	}
	return s.handOut(ctx, workspaceID, nil)
}

// SetCapacity sets how many open conversations a person takes at most, and tells their
// colleagues; the places it frees go to conversations waiting for a person.
func (s *Service) SetCapacity(ctx context.Context, workspaceID, userID int64, capacity int) error {
	if err := s.Store.SetCapacity(ctx, workspaceID, userID, capacity); err != nil {
		return err
	}
	s.Hub.Publish(workspaceID, Event{Kind: EventPresence})
	s.freed(ctx, workspaceID, nil)
	return nil
}

// handOut gives the conversations waiting for a person to those free to take them
// (Store.HandOut), and tells everyone following.
func (s *Service) handOut(ctx context.Context, workspaceID int64, notTo map[int64]int64) error {
	handed, err := s.Store.HandOut(ctx, workspaceID, s.Channels, notTo)
	for _, c := range handed {
		s.publish(c, Event{Kind: EventConversation})
	}
	if len(handed) > 0 && s.Hub != nil {
		s.Hub.Publish(workspaceID, Event{Kind: EventPresence}) // their loads changed
	}
	return err
}

// freed hands out after a place freed (a conversation closed or handed over): what was
// asked is done, so a failure here is logged, and the next freed place tries again.
func (s *Service) freed(ctx context.Context, workspaceID int64, notTo map[int64]int64) {
	if err := s.handOut(ctx, workspaceID, notTo); err != nil && s.Log != nil {
		s.Log.Warn("hand out waiting conversations", "workspace", workspaceID, "err", err)
	}
}

// CloseInactive closes the conversations idle past their channel's limit (a job); the
// places they free go to conversations waiting for a person.
func (s *Service) CloseInactive(ctx context.Context) error {
	closed, err := s.Store.CloseInactive(ctx)
	for _, c := range closed {
		s.publish(c, Event{Kind: EventConversation})
	}
	if len(closed) > 0 && s.Log != nil {
		s.Log.Info("closed inactive conversations", "count", len(closed))
	}
	done := map[int64]bool{}
	for _, c := range closed {
		if c.AssigneeID != 0 && !done[c.WorkspaceID] {
			done[c.WorkspaceID] = true
			s.freed(ctx, c.WorkspaceID, nil)
		}
	}
	return err
}

func (s *Service) publish(c Conversation, e Event) {
	if s.Hub == nil {
		return
	}
	e.ConversationID = c.ID
	ws := c.WorkspaceID
	if c.Preview {
		ws = 0 // a preview reaches its own followers (the admin's widget), not the staff's lists
	}
	s.Hub.Publish(ws, e)
}

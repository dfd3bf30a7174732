package inbox

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"agent/app/agent"
	"agent/app/channel"
	"agent/app/store"
)

// ErrNoCloser is what a Closer says of a workspace without a closing agent: its quotes'
// conversations go to people by their channel's rules.
var ErrNoCloser = errors.New("inbox: the workspace has no closing agent")

// Closer is the closing agent (app/closing): it answers a buyer's message on a quote's
// page and says who the conversation goes to when it hands off.
type Closer interface {
	Respond(ctx context.Context, c Conversation, in agent.Message) (agent.Reply, Referral, error)
}

// Referral is where a quote's conversation goes when the closing agent hands it off: the
// quote's owner when they are free, else a free member of the teams, else no one yet,
// each with what the buyer is told.
type Referral struct {
	InboxChannelID int64   // the chat inbox the conversation moves to
	OwnerID        int64   // tried first; 0: not
	TeamIDs        []int64 // then their members, round robin
	// OwnerAway is said when the owner was tried and someone else takes over; NoOne when
	// no one is free. Both are in the buyer's language.
	OwnerAway string
	NoOne     string
	// Note is the staff-only line that tells the people of the inbox, and the owner, which
	// quote the conversation is about.
	Note string
	// Then, when set, runs in the handoff's transaction (the owner's mail is queued there).
	Then func(ctx context.Context, tx *sql.Tx, c Conversation, h Handoff) error
}

// closes reports whether the closing agent answers conversation c.
func (s *Service) closes(c Conversation) bool {
	return s.Closer != nil && c.Channel == ChannelQuote && c.AIActive && !c.Preview
}

// closingAnswer answers a buyer's message m, claimed by t, with the closing agent, and on
// a handoff moves the conversation to the referral's inbox and person in the reply's
// transaction. A closing agent that fails hands off too, when it said where to: the buyer
// is not left waiting.
func (s *Service) closingAnswer(ctx context.Context, c Conversation, m Message, t turn) ([]Message, error) {
	history, err := s.Store.history(ctx, c.ID, m.ID)
	if err != nil {
		return nil, err
	}
	r, ref, err := s.Closer.Respond(ctx, c, agent.Message{Text: m.Body, Lang: m.Lang, Channel: c.Channel, History: history,
		Stream: func(tok string) error {
			s.publish(c, Event{Kind: EventToken, Token: tok})
			return nil
		}})
	if errors.Is(err, ErrNoCloser) {
		return nil, err
	}
	if err != nil {
		if ref.InboxChannelID == 0 {
			return nil, err
		}
		if s.Log != nil {
			s.Log.Error("closing agent failed; handing off", "conversation", c.ID, "message", m.ID, "err", err)
		}
		r = agent.Reply{Decision: agent.Handoff, Reason: agent.ReasonNoMatch, Mode: agent.ModeRule, Lang: m.Lang,
			Text: agent.Say(m.Lang, agent.PhraseHandoff)}
	}
	var h Handoff
	var said string
	var route func(*sql.Tx) error
	if r.Decision == agent.Handoff {
		route = func(tx *sql.Tx) (err error) {
			h, said, err = s.Store.refer(ctx, tx, c, ref, CauseOf(r.Reason))
			return err
		}
	}
	reply, err := s.Store.addAIReply(ctx, c.ID, 0, r, t, route)
	if err != nil {
		return nil, err
	}
	s.publish(c, Event{Kind: EventMessage, MessageID: reply.ID})
	out := []Message{reply}
	if route == nil {
		return out, nil
	}
	s.publish(c, Event{Kind: EventConversation})
	if ref.Note != "" {
		note, err := s.Store.AddMessage(ctx, c.ID, AuthorNote, 0, ref.Note, "")
		if err != nil {
			return out, err
		}
		s.publish(c, Event{Kind: EventMessage, MessageID: note.ID, Staff: true})
	}
	if said != "" {
		m, err := s.Store.AddMessage(ctx, c.ID, AuthorSystem, 0, said, r.Lang)
		if err != nil {
			return out, err
		}
		s.publish(c, Event{Kind: EventMessage, MessageID: m.ID})
		out = append(out, m)
	}
	if h.ToUserID != 0 {
		s.Hub.Publish(c.WorkspaceID, Event{Kind: EventPresence}) // their load changed
	}
	return out, nil
}

// refer hands a quote's conversation off by its referral inside tx, and returns what the
// buyer is to be told ("" when the owner took it, or when they were not asked for).
func (s *Store) refer(ctx context.Context, tx *sql.Tx, c Conversation, ref Referral, cause Cause) (Handoff, string, error) {
	h := Handoff{ConversationID: c.ID, Cause: cause, Outcome: LeftUnassigned, CreatedAt: s.now()}
	if ref.OwnerID != 0 {
		owner, _, err := s.pick(ctx, tx, c.WorkspaceID, channel.Channel{WorkspaceID: c.WorkspaceID, HandoffUsers: []int64{ref.OwnerID}})
		if err != nil {
			return h, "", err
		}
		h.ToUserID = owner
	}
	if h.ToUserID == 0 && len(ref.TeamIDs) > 0 {
		best, team, err := s.pick(ctx, tx, c.WorkspaceID, channel.Channel{WorkspaceID: c.WorkspaceID, HandoffTeams: ref.TeamIDs})
		if err != nil {
			return h, "", err
		}
		h.ToUserID, h.ToTeamID = best, team
		if best == 0 {
			h.ToTeamID = ref.TeamIDs[0] // waits in the team's view
		}
	}
	said := ""
	switch {
	case h.ToUserID == 0:
		said = ref.NoOne
	case ref.OwnerID != 0 && h.ToUserID != ref.OwnerID:
		said = ref.OwnerAway
	}
	if h.ToUserID != 0 {
		h.Outcome = Assigned
	}
	if ref.InboxChannelID != 0 {
		if _, err := tx.ExecContext(ctx, "UPDATE conversations SET channel_id = ? WHERE id = ?", store.NullID(ref.InboxChannelID), c.ID); err != nil {
			return h, "", fmt.Errorf("inbox: move to the handoff inbox: %w", err)
		}
	}
	if err := s.applyHandoff(ctx, tx, c, &h); err != nil {
		return h, "", err
	}
	if ref.Then != nil {
		return h, said, ref.Then(ctx, tx, c, h)
	}
	return h, said, nil
}

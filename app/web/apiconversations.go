package web

import (
	"context"
	"time"

	"agent/app/inbox"
)

// apiConversation is a conversation as the API shows it; IDs of what it has not (no
// agent, no assignee) are left out.
type apiConversation struct {
	ID             string     `json:"id"`
	Channel        string     `json:"channel" doc:"chat, email, whatsapp or messenger"`
	ChannelID      string     `json:"channel_id,omitempty"`
	AgentID        string     `json:"agent_id,omitempty" doc:"the AI agent that answers it"`
	ContactID      string     `json:"contact_id,omitempty"`
	Contact        string     `json:"contact" doc:"the customer's name, email or phone, when known"`
	Status         string     `json:"status" doc:"open or closed"`
	AssigneeID     string     `json:"assignee_id,omitempty" doc:"the member it is assigned to"`
	TeamID         string     `json:"team_id,omitempty"`
	AIActive       bool       `json:"ai_active" doc:"the AI answers the customer's messages"`
	Unread         bool       `json:"unread"`
	AwaitingReply  bool       `json:"awaiting_reply" doc:"the customer wrote last"`
	Lang           string     `json:"lang"`
	CreatedAt      time.Time  `json:"created_at"`
	LastActivityAt *time.Time `json:"last_activity_at"`
	ClosedAt       *time.Time `json:"closed_at"`
}

// apiMessage is a message or an internal note of a conversation.
type apiMessage struct {
	ID        string    `json:"id"`
	Author    string    `json:"author" doc:"visitor (the customer), bot (the AI), human, note (internal) or an automatic message's kind"`
	UserID    string    `json:"user_id,omitempty" doc:"the member who wrote it"`
	Body      string    `json:"body"`
	Lang      string    `json:"lang"`
	CreatedAt time.Time `json:"created_at"`
	AI        *apiAI    `json:"ai,omitempty" doc:"how an AI reply came about"`
}

// apiAI is how an AI reply came about.
type apiAI struct {
	Decision   string    `json:"decision" doc:"answer, clarify or handoff"`
	Reason     string    `json:"reason"`
	Confidence float64   `json:"confidence"`
	Sources    []apiCite `json:"sources"`
}

type apiCite struct {
	SourceID string `json:"source_id"`
	Title    string `json:"title"`
	URL      string `json:"url"`
}

type apiTextInput struct {
	Text string `json:"text" required:"true"`
}

type apiAssignment struct {
	UserID string `json:"user_id,omitempty" doc:"a member's ID"`
	TeamID string `json:"team_id,omitempty" doc:"a team's ID"`
}

// apiConversationOf loads the conversation named in the path: one of another workspace, a
// preview (the admin's playground) or a bad ID is a 404, as in the inbox.
func (s *Server) apiConversationOf(c *apiCall) (inbox.Conversation, error) {
	id, err := c.id("conversation")
	if err != nil {
		return inbox.Conversation{}, err
	}
	conv, err := s.inbox.Get(c.r.Context(), c.ws(), id)
	if err == nil && conv.Preview {
		return inbox.Conversation{}, errNotFound()
	}
	return conv, err
}

func (s *Server) apiConversationJSON(c *apiCall, sm inbox.Summary) (apiConversation, error) {
	k, _, err := s.inbox.ContactOf(c.r.Context(), sm.Conversation)
	if err != nil {
		return apiConversation{}, err
	}
	return apiConversation{ID: apiID(sm.ID), Channel: sm.Channel, ChannelID: apiID(sm.ChannelID), AgentID: apiID(sm.AgentID),
		ContactID: apiID(k.ID), Contact: k.Label(), Status: sm.Status, AssigneeID: apiID(sm.AssigneeID), TeamID: apiID(sm.TeamID),
		AIActive: sm.AIActive, Unread: sm.Unread, AwaitingReply: sm.Awaiting, Lang: sm.Lang, CreatedAt: apiAt(sm.CreatedAt),
		LastActivityAt: apiTime(sm.LastActive), ClosedAt: apiTime(sm.ClosedAt)}, nil
}

func (s *Server) apiConversations(c *apiCall) (any, error) {
	limit, cur, err := c.page("conversations")
	if err != nil {
		return nil, err
	}
	q := c.r.URL.Query()
	view := inbox.View(q.Get("view"))
	switch view {
	case "":
		view = inbox.ViewAll
	case inbox.ViewAll, inbox.ViewUnassigned, inbox.ViewUnreplied, inbox.ViewUnread, inbox.ViewClosed:
	default:
		return nil, errBadRequest("invalid_view", "view must be all, unassigned, unreplied, unread or closed.")
	}
	list, err := s.inbox.List(c.r.Context(), c.ws(), inbox.Filter{View: view, Search: q.Get("q"), Limit: limit + 1,
		BeforeActive: cur.At, BeforeID: cur.ID})
	if err != nil {
		return nil, err
	}
	p := pageOf(list, limit, func(last inbox.Summary) cursor {
		return cursor{Kind: "conversations", At: last.LastActive.Unix(), ID: last.ID}
	})
	return mapPage(p, func(sm inbox.Summary) (apiConversation, error) { return s.apiConversationJSON(c, sm) })
}

func (s *Server) apiConversation(c *apiCall) (any, error) {
	conv, err := s.apiConversationOf(c)
	if err != nil {
		return nil, err
	}
	return s.apiConversationJSON(c, inbox.Summary{Conversation: conv})
}

func apiMessageJSON(m inbox.Message) apiMessage {
	out := apiMessage{ID: apiID(m.ID), Author: string(m.Author), UserID: apiID(m.UserID), Body: m.Body, Lang: m.Lang, CreatedAt: apiAt(m.CreatedAt)}
	if m.AI != nil {
		out.AI = &apiAI{Decision: string(m.AI.Decision), Reason: string(m.AI.Reason), Confidence: m.AI.Confidence, Sources: []apiCite{}}
		for _, src := range m.AI.Sources {
			out.AI.Sources = append(out.AI.Sources, apiCite{SourceID: apiID(src.SourceID), Title: src.Title, URL: src.URL})
		}
	}
	return out
}

// apiMessages pages a conversation's messages by id, oldest first.
func (s *Server) apiMessages(c *apiCall) (any, error) {
	limit, cur, err := c.page("messages")
	if err != nil {
		return nil, err
	}
	conv, err := s.apiConversationOf(c)
	if err != nil {
		return nil, err
	}
	msgs, err := s.inbox.Messages(c.r.Context(), conv.ID)
	if err != nil {
		return nil, err
	}
	var picked []inbox.Message
	for _, m := range msgs {
		if m.ID > cur.ID && len(picked) <= limit {
			picked = append(picked, m)
		}
	}
	p := pageOf(picked, limit, func(last inbox.Message) cursor { return cursor{Kind: "messages", ID: last.ID} })
	return mapPage(p, func(m inbox.Message) (apiMessage, error) { return apiMessageJSON(m), nil })
}

func (s *Server) apiReply(c *apiCall) (any, error) {
	return s.apiAddText(c, func(ctx context.Context, ws, conv, user int64, text string) (inbox.Message, error) {
		return s.service.Reply(ctx, ws, conv, user, text, 0)
	})
}

func (s *Server) apiNote(c *apiCall) (any, error) { return s.apiAddText(c, s.service.Note) }

// apiAddText adds the body's text to the conversation in the path by add (a reply or a
// note), as the token's admin.
func (s *Server) apiAddText(c *apiCall, add func(ctx context.Context, ws, conv, user int64, text string) (inbox.Message, error)) (any, error) {
	var in apiTextInput
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	conv, err := s.apiConversationOf(c)
	if err != nil {
		return nil, err
	}
	m, err := add(c.r.Context(), c.ws(), conv.ID, c.token.CreatedBy, in.Text)
	if err != nil {
		return nil, renamed(err, map[string]string{"message": "text", "note": "text"})
	}
	return apiMessageJSON(m), nil
}

func (s *Server) apiAssign(c *apiCall) (any, error) {
	var in apiAssignment
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	user, err := optionalID("user_id", in.UserID)
	if err != nil {
		return nil, err
	}
	team, err := optionalID("team_id", in.TeamID)
	if err != nil {
		return nil, err
	}
	conv, err := s.apiConversationOf(c)
	if err != nil {
		return nil, err
	}
	if err := s.service.Assign(c.r.Context(), c.ws(), conv.ID, c.token.CreatedBy, user, team); err != nil {
		return nil, renamed(err, map[string]string{"assignee": "user_id", "team": "team_id"})
	}
	return s.apiConversation(c)
}

func (s *Server) apiSetStatus(closed bool) func(*apiCall) (any, error) {
	return func(c *apiCall) (any, error) {
		conv, err := s.apiConversationOf(c)
		if err != nil {
			return nil, err
		}
		if err := s.service.SetStatus(c.r.Context(), c.ws(), conv.ID, closed); err != nil {
			return nil, err
		}
		return s.apiConversation(c)
	}
}

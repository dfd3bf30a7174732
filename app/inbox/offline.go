package inbox

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"unicode/utf8"

	"agent/app/channel"
	"agent/app/usererr"
)

// Offline reports whether a widget visitor would reach no one now: the channel's AI
// agent does not answer (agentActive false), the automatic bot is not on duty, and no
// person is online with room for a conversation. The widget then offers its offline form.
func (s *Service) Offline(ctx context.Context, ch channel.Channel, agentActive bool) (bool, error) {
	if agentActive {
		return false, nil
	}
	b, err := s.Store.Bot(ctx, ch.WorkspaceID)
	if err != nil {
		return false, err
	}
	if b.OnDuty(s.Store.now()) {
		return false, nil
	}
	free, err := s.Store.peopleFree(ctx, Conversation{WorkspaceID: ch.WorkspaceID})
	return !free, err
}

// LeftMessage is what a visitor leaves in the widget's offline form.
type LeftMessage struct {
	Email string // required: people answer there
	Name  string
	Text  string
	Lang  string
	Visit Visit
}

// MailChannel returns the workspace's active email channel, which sends people's replies
// by mail, and false when it has none.
func (s *Service) MailChannel(ctx context.Context, workspaceID int64) (channel.Channel, bool, error) {
	chs, err := s.Channels.List(ctx, workspaceID)
	if err != nil {
		return channel.Channel{}, false, err
	}
	for _, c := range chs {
		if c.Kind == channel.Email && c.Active {
			return c, true, nil
		}
	}
	return channel.Channel{}, false, nil
}

// LeaveMessage stores an offline form's message as a new conversation for people
// (Unassigned; no AI, no bot), answered by email. With an email channel the conversation
// is that channel's, with the contact of the address: a reply in the inbox is mailed.
// Without one it stays the widget's, the address kept as the visitor's claim, and a note
// tells people to write to it themselves. Either way a note says the address was typed by
// the visitor, not verified. It returns the conversation and whether replies are mailed.
func (s *Service) LeaveMessage(ctx context.Context, ch channel.Channel, v Visitor, in LeftMessage) (Conversation, bool, error) {
	email, err := checkEmail(in.Email)
	if err != nil {
		return Conversation{}, false, err
	}
	text := strings.TrimSpace(in.Text)
	switch {
	case email == "":
		return Conversation{}, false, &usererr.InputError{Field: "email", Message: "enter your email address, so that we can answer"}
	case text == "":
		return Conversation{}, false, &usererr.InputError{Field: "text", Message: "write your message first"}
	case utf8.RuneCountInString(text) > MaxMessage:
		return Conversation{}, false, &usererr.InputError{Field: "text", Message: fmt.Sprintf("keep the message under %d characters", MaxMessage)}
	}
	mail, byMail, err := s.MailChannel(ctx, ch.WorkspaceID)
	if err != nil {
		return Conversation{}, false, err
	}
	// The conversation, the visit, the message and the note are stored in one
	// transaction: the visitor is told it was sent only once all of it is.
	var c Conversation
	var note string
	on := ch // the channel the conversation is on
	o := Opening{Record: func(tx *sql.Tx, started Conversation) error {
		c = started
		return s.Store.recordVisit(ctx, tx, c.ID, in.Visit)
	}}
	if byMail {
		on = mail
		k, err := s.Store.ContactByEmail(ctx, ch.WorkspaceID, email, in.Name)
		if err != nil {
			return Conversation{}, false, err
		}
		o.New, o.ContactID = NewConversation{ChannelID: mail.ID, Channel: string(channel.Email)}, k.ID
		note = fmt.Sprintf("Left in the offline form of the chat widget %s. Replies are sent by email from %s to %s, an address the visitor typed (not verified).",
			ch.Name, mail.Name, email)
	} else {
		if err := s.Store.ClaimVisitor(ctx, v, Claims{Name: in.Name, Email: email}); err != nil {
			return Conversation{}, false, err
		}
		o.New = NewConversation{ChannelID: ch.ID, Channel: string(ch.Kind), VisitorID: v.ID}
		note = fmt.Sprintf("Left in the offline form of the chat widget %s. This workspace has no email channel to reply from: write to %s (typed by the visitor, not verified) yourself, or add an email channel.",
			ch.Name, email)
	}
	var n Message
	c, _, err = s.channelMessage(ctx, on, Conversation{}, &o, text, in.Lang, "left in the offline form", func(tx *sql.Tx, _ int64) error {
		n = Message{ConversationID: c.ID, Author: AuthorNote, Body: note, CreatedAt: s.Store.now()}
		var err error
		n.ID, err = insertMessage(ctx, tx, n)
		return err
	})
	if err != nil {
		return Conversation{}, byMail, err
	}
	s.publish(c, Event{Kind: EventMessage, MessageID: n.ID, Staff: true})
	return c, byMail, nil
}

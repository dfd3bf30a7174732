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
	var c Conversation
	var note string
	on := ch // the channel the conversation is on
	if byMail {
		on = mail
		k, err := s.Store.ContactByEmail(ctx, ch.WorkspaceID, email, in.Name)
		if err != nil {
			return Conversation{}, false, err
		}
		if c, err = s.Store.Create(ctx, ch.WorkspaceID, NewConversation{ChannelID: mail.ID, Channel: string(channel.Email)}); err != nil {
			return Conversation{}, false, err
		}
		if err := s.Store.SetContact(ctx, ch.WorkspaceID, c.ID, k.ID); err != nil {
			return Conversation{}, false, err
		}
		note = fmt.Sprintf("Left in the offline form of the chat widget %s. Replies are sent by email from %s to %s, an address the visitor typed (not verified).",
			ch.Name, mail.Name, email)
	} else {
		if err := s.Store.ClaimVisitor(ctx, v, Claims{Name: in.Name, Email: email}); err != nil {
			return Conversation{}, false, err
		}
		if c, err = s.Store.Create(ctx, ch.WorkspaceID, NewConversation{ChannelID: ch.ID, Channel: string(ch.Kind), VisitorID: v.ID}); err != nil {
			return Conversation{}, false, err
		}
		note = fmt.Sprintf("Left in the offline form of the chat widget %s. This workspace has no email channel to reply from: write to %s (typed by the visitor, not verified) yourself, or add an email channel.",
			ch.Name, email)
	}
	if err := s.Store.RecordVisit(ctx, c.ID, in.Visit); err != nil {
		return c, byMail, err
	}
	if _, err := s.ChannelMessage(ctx, on, c, text, in.Lang, "left in the offline form", func(*sql.Tx, int64) error { return nil }); err != nil {
		return c, byMail, err
	}
	if _, err := s.Note(ctx, ch.WorkspaceID, c.ID, 0, note); err != nil {
		return c, byMail, err
	}
	return c, byMail, nil
}

package inbox

import (
	"context"

	"agent/app/agent"
	"agent/app/channel"
)

// OpenConversation returns the visitor's open conversation, starting one when they have
// none (Store.OpenConversation). A conversation started because their last one was closed
// opens with a greeting (the channel's welcome, else the greeting in their language): they
// are starting afresh, and the widget has shown them the closing notice.
func (s *Service) OpenConversation(ctx context.Context, ch channel.Channel, v Visitor, agentActive bool) (Conversation, error) {
	prev, err := s.Store.VisitorConversation(ctx, v)
	closed := err == nil && prev.Status == "closed" && prev.ChannelID == ch.ID && prev.Preview == (v.PreviewBy != 0)
	c, err := s.Store.OpenConversation(ctx, ch, v, agentActive)
	if err != nil || !closed || c.ID == prev.ID {
		return c, err
	}
	text := ch.Welcome
	if text == "" {
		text = agent.Say(v.Lang, agent.PhraseGreeting)
	}
	m, err := s.Store.AddMessage(ctx, c.ID, AuthorSystem, 0, text, v.Lang)
	if err != nil {
		return c, err
	}
	s.publish(c, Event{Kind: EventMessage, MessageID: m.ID})
	return c, nil
}

package web

import (
	"context"

	inboxview "agent/views/inbox"
)

// maxContactConversations bounds the other conversations a conversation's pane lists.
const maxContactConversations = 20

// contactData adds to a conversation's pane who the customer is, their conversations,
// and how the messages sent out on the channel fared.
func (s *Server) contactData(ctx context.Context, d *inboxview.ConvData) error {
	var err error
	if d.Deliveries, err = s.inbox.Deliveries(ctx, d.Conv.ID); err != nil {
		return err
	}
	k, ok, err := s.inbox.ContactOf(ctx, d.Conv)
	if err != nil || !ok {
		return err
	}
	d.Contact = k
	d.Earlier, err = s.inbox.ContactConversations(ctx, d.WS, k.ID, maxContactConversations+1)
	return err
}

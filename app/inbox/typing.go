package inbox

import "context"

// Typing tells the other side of a conversation that someone is typing (stopped false)
// or stopped (they emptied the box): the customer's widget shows a person typing, the
// inbox the customer, until a message or a stop arrives, or a few seconds pass. Nothing
// is stored; the callers throttle it (the page every few seconds, the server per person
// and visitor).
func (s *Service) Typing(ctx context.Context, workspaceID, conversationID int64, typer string, stopped bool) error {
	c, err := s.Store.Get(ctx, workspaceID, conversationID)
	if err != nil {
		return err
	}
	s.publish(c, Event{Kind: EventTyping, Typer: typer, Stopped: stopped})
	return nil
}

package web

import (
	"net/http"

	"agent/app/account"
)

// deliveryRoutes lists the routes of messages sent out on channels.
func (s *Server) deliveryRoutes(ws wsRoute) {
	ws("POST /w/{ws}/inbox/{conv}/retry/{msg}", account.PermUseInbox, s.retryDelivery)
}

// retryDelivery sends a message that failed to go out once more.
func (s *Server) retryDelivery(w http.ResponseWriter, r *http.Request) {
	c, id, ok := s.conversationItem(w, r, "msg")
	if !ok {
		return
	}
	if s.deliveries == nil {
		s.notFound(w, r)
		return
	}
	if err := s.deliveries.Retry(r.Context(), c.WorkspaceID, c.ID, id); err != nil {
		s.domainError(w, r, err)
		return
	}
	s.backToConversation(w, r, c, "Sending again.")
}

package web

import "agent/app/account"

// inboxRoutes lists the inbox's routes.
func (s *Server) inboxRoutes(ws wsRoute) {
	ws("GET /w/{ws}/inbox", account.PermUseInbox, s.section("inbox"))
}

package web

import "agent/app/account"

// channelRoutes lists the routes of the Channels section.
func (s *Server) channelRoutes(ws wsRoute) {
	ws("GET /w/{ws}/channels", account.PermManageChannels, s.section("channels"))
}

package web

// widgetRoutes lists the chat widget's public routes.
func (s *Server) widgetRoutes(public route) {}

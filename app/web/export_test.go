package web

import (
	"agent/app/closing"
	"time"

	"agent/app/account"
	"agent/app/ratelimit"
)

// SetHeartbeat makes idle event streams send their keep-alive comment every d, until
// restore is called.
func SetHeartbeat(d time.Duration) (restore func()) {
	old := sseHeartbeat
	sseHeartbeat = d
	return func() { sseHeartbeat = old }
}

// Route is one registered route with its guard, for the test that walks them all.
type Route struct {
	Pattern    string
	Public     bool // no session needed
	Workspace  bool // under /w/{ws}/, needs a membership with Permission
	SuperAdmin bool // needs an install super admin
	// SuperAdminHere: a Workspace route that also needs an install super admin.
	SuperAdminHere bool
	Permission     account.Permission // for Workspace routes
}

// Routes lists every route the server registered.
func (s *Server) Routes() []Route {
	out := make([]Route, 0, len(s.table))
	for _, e := range s.table {
		out = append(out, Route{Pattern: e.pattern, Public: e.access == accessPublic,
			Workspace: e.access == accessWorkspace || e.access == accessSuperAdminHere, SuperAdmin: e.access == accessSuperAdmin,
			SuperAdminHere: e.access == accessSuperAdminHere, Permission: e.perm})
	}
	return out
}

// SetBodyTimeout makes request bodies time out after d (plus the time their size needs),
// until restore is called.
func SetBodyTimeout(d time.Duration) (restore func()) {
	old := bodyTimeout
	bodyTimeout = d
	return func() { bodyTimeout = old }
}

// Closing is the server's closing agent settings.
func (s *Server) Closing() *closing.Store { return s.closing }

// APIRoute is one operation of the JSON API, for the tests that walk them all.
type APIRoute struct {
	Method, Path string
	Scope        account.Scope // "" for the OpenAPI document
	Status       int           // on success
}

// APIRoutes lists the API's operations as the router registers them.
func (s *Server) APIRoutes() []APIRoute {
	var out []APIRoute
	for _, rt := range s.apiRoutes() {
		st := rt.status
		if st == 0 {
			st = 200
		}
		out = append(out, APIRoute{Method: rt.method, Path: rt.path, Scope: rt.scope, Status: st})
	}
	return out
}

// SetAPILimit allows each API token events calls per window.
func (s *Server) SetAPILimit(events int, window time.Duration) {
	s.apiLimit = ratelimit.New(events, window)
}

// SetAPIFailureLimit allows each client address events calls with a missing or invalid
// token per window.
func (s *Server) SetAPIFailureLimit(events int, window time.Duration) {
	s.apiFailures = ratelimit.New(events, window)
}

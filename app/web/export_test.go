package web

import (
	"agent/app/closing"
	"time"

	"agent/app/account"
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

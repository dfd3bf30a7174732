package web

import (
	"net/http"

	"agent/app/account"
	"agent/static"
)

// route registers a handler for a pattern; wsRoute does so under /w/{ws}/ with the
// permission the handler needs. Sections with many routes list them in their own file
// (inboxRoutes, channelRoutes, widgetRoutes), called from here.
type (
	route   func(pattern string, h http.HandlerFunc)
	wsRoute func(pattern string, p account.Permission, h http.HandlerFunc)
)

// routeEntry is one registered route and who may call it. routes keeps the table it
// registers so that a test can walk every route and check that its guard holds.
type routeEntry struct {
	pattern string
	access  access
	perm    account.Permission // for accessWorkspace
}

type access int

const (
	accessPublic         access = iota // anyone, including customers and anonymous visitors
	accessUser                         // a signed-in user
	accessWorkspace                    // a member of the workspace in the path, with perm
	accessSuperAdmin                   // one of the install's super admins
	accessSuperAdminHere               // one of the install's super admins who is a member of the workspace in the path
)

// routes is the whole URL space with the permission each route needs, readable at a glance.
// Workspace pages live under /w/{ws}/ so that a link names its workspace and the
// membership check happens in one place (s.inWorkspace).
func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	s.mux = mux
	var public route = func(pattern string, h http.HandlerFunc) {
		s.table = append(s.table, routeEntry{pattern, accessPublic, 0})
		mux.Handle(pattern, h)
	}
	user := func(pattern string, h http.HandlerFunc) {
		s.table = append(s.table, routeEntry{pattern, accessUser, 0})
		mux.Handle(pattern, s.requireUser(h))
	}
	var ws wsRoute = func(pattern string, p account.Permission, h http.HandlerFunc) {
		s.table = append(s.table, routeEntry{pattern, accessWorkspace, p})
		mux.Handle(pattern, s.requireUser(s.inWorkspace(p, h)))
	}
	// superAdmin: the install's super admins only, whatever their workspace roles.
	superAdmin := func(pattern string, h http.HandlerFunc) {
		s.table = append(s.table, routeEntry{pattern, accessSuperAdmin, 0})
		mux.Handle(pattern, s.requireUser(s.requireSuperAdmin(h)))
	}

	// superAdminHere: a super admin who is a member of the workspace (the closing agent).
	var superAdminHere wsRoute = func(pattern string, _ account.Permission, h http.HandlerFunc) {
		s.table = append(s.table, routeEntry{pattern, accessSuperAdminHere, account.PermUseInbox})
		mux.Handle(pattern, s.requireUser(s.inWorkspace(account.PermUseInbox, s.superAdminHere(h))))
	}

	mux.Handle("GET "+static.Prefix, static.Handler())
	public("GET /healthz", s.health)
	public("GET /favicon.svg", favicon)
	public("GET /favicon.ico", favicon)
	public("GET /setup", s.setupPage)
	public("POST /setup", s.setup)
	public("GET /login", s.loginPage)
	public("POST /login", s.login)
	public("POST /logout", s.logout)
	public("GET /invitation", s.invitationPage)
	public("POST /invitation", s.createInvitedAccount)

	user("GET /{$}", s.home)
	user("GET /account/password", s.passwordPage)
	user("POST /account/password", s.changePassword)
	user("POST /workspaces", s.createWorkspace)
	user("POST /invitation/accept", s.acceptInvitation)
	user("POST /invitation/decline", s.declineInvitation)

	superAdmin("GET /install", s.installPage)
	superAdmin("POST /install/accounts/{user}/super", s.makeSuperAdmin)
	superAdmin("POST /install/accounts/{user}/unsuper", s.unmakeSuperAdmin)
	superAdmin("POST /install/accounts/{user}/disable", s.installDisable)
	superAdmin("POST /install/accounts/{user}/enable", s.installEnable)
	superAdmin("POST /install/accounts/{user}/password", s.installResetPassword)

	ws("GET /w/{ws}/{$}", account.PermUseInbox, s.workspaceHome)
	s.inboxRoutes(ws)
	s.assistRoutes(ws)
	s.deliveryRoutes(ws)
	s.mailboxRoutes(ws)
	s.newEmailRoutes(ws)
	s.contactRoutes(ws)
	s.metaRoutes(public, ws)
	ws("GET /w/{ws}/knowledge", account.PermEditKnowledge, s.knowledgePage)
	ws("GET /w/{ws}/knowledge/search", account.PermEditKnowledge, s.knowledgeSearch)
	ws("GET /w/{ws}/knowledge/new/article", account.PermEditKnowledge, s.newArticlePage)
	ws("POST /w/{ws}/knowledge/articles", account.PermEditKnowledge, s.createArticle)
	ws("POST /w/{ws}/knowledge/preview", account.PermEditKnowledge, s.previewMarkdown)
	ws("GET /w/{ws}/knowledge/new/short-answer", account.PermEditKnowledge, s.newShortAnswerPage)
	ws("POST /w/{ws}/knowledge/short-answers", account.PermEditKnowledge, s.createShortAnswer)
	ws("GET /w/{ws}/knowledge/new/presets", account.PermEditKnowledge, s.presetsPage)
	ws("POST /w/{ws}/knowledge/presets", account.PermEditKnowledge, s.loadPresets)
	ws("GET /w/{ws}/knowledge/new/files", account.PermEditKnowledge, s.newFilesPage)
	ws("POST /w/{ws}/knowledge/files", account.PermEditKnowledge, s.uploadFiles)
	ws("GET /w/{ws}/knowledge/new/url", account.PermEditKnowledge, s.newURLPage)
	ws("POST /w/{ws}/knowledge/urls", account.PermEditKnowledge, s.addURL)
	ws("POST /w/{ws}/knowledge/sync", account.PermEditKnowledge, s.syncSources)
	ws("POST /w/{ws}/knowledge/remove", account.PermEditKnowledge, s.removeSources)
	ws("GET /w/{ws}/knowledge/crawls/{crawl}/progress", account.PermEditKnowledge, s.crawlProgress)
	ws("POST /w/{ws}/knowledge/crawls/{crawl}/cancel", account.PermEditKnowledge, s.cancelCrawl)
	ws("GET /w/{ws}/knowledge/{src}", account.PermEditKnowledge, s.sourcePage)
	ws("GET /w/{ws}/knowledge/{src}/edit", account.PermEditKnowledge, s.editSourcePage)
	ws("POST /w/{ws}/knowledge/{src}", account.PermEditKnowledge, s.updateSource)
	ws("GET /w/{ws}/agents", account.PermManageAgents, s.agentsPage)
	ws("GET /w/{ws}/agents/new", account.PermManageAgents, s.newAgentPage)
	ws("POST /w/{ws}/agents", account.PermManageAgents, s.createAgent)
	ws("GET /w/{ws}/agents/{agent}/edit", account.PermManageAgents, s.editAgentPage)
	ws("POST /w/{ws}/agents/{agent}", account.PermManageAgents, s.updateAgent)
	ws("POST /w/{ws}/agents/{agent}/pause", account.PermManageAgents, s.pauseAgent)
	ws("POST /w/{ws}/agents/{agent}/resume", account.PermManageAgents, s.resumeAgent)
	ws("POST /w/{ws}/agents/{agent}/delete", account.PermManageAgents, s.deleteAgent)
	ws("GET /w/{ws}/agents/{agent}/avatar", account.PermManageAgents, s.agentAvatar)
	ws("POST /w/{ws}/agents/{agent}/avatar", account.PermManageAgents, s.uploadAvatar)
	ws("POST /w/{ws}/agents/{agent}/avatar/remove", account.PermManageAgents, s.removeAvatar)
	ws("GET /w/{ws}/agents/{agent}/preview", account.PermManageAgents, s.previewPage)
	ws("POST /w/{ws}/agents/{agent}/preview", account.PermManageAgents, s.askPreview)
	ws("GET /w/{ws}/agents/{agent}/preview/transcript", account.PermManageAgents, s.previewTranscript)
	ws("POST /w/{ws}/agents/{agent}/preview/new", account.PermManageAgents, s.newPreview)
	s.channelRoutes(ws)
	s.widgetRoutes(public)
	s.reportRoutes(ws)
	s.gapRoutes(ws)
	s.quoteRoutes(public, ws)
	s.closingRoutes(superAdminHere)

	ws("GET /w/{ws}/settings", account.PermManageWorkspace, s.workspaceSettings)
	ws("POST /w/{ws}/settings", account.PermManageWorkspace, s.renameWorkspace)
	ws("POST /w/{ws}/settings/time-zone", account.PermManageWorkspace, s.setTimeZone)
	ws("GET /w/{ws}/settings/bot", account.PermManageWorkspace, s.botPage)
	ws("POST /w/{ws}/settings/bot", account.PermManageWorkspace, s.saveBot)
	s.savedReplyRoutes(ws)
	s.apiTokenRoutes(ws)
	s.webhookRoutes(ws)

	ws("GET /w/{ws}/settings/users", account.PermManageUsers, s.usersPage)
	ws("POST /w/{ws}/settings/users", account.PermManageUsers, s.inviteUser)
	ws("POST /w/{ws}/settings/invitations/{inv}/revoke", account.PermManageUsers, s.revokeInvitation)
	ws("POST /w/{ws}/settings/users/{user}/role", account.PermManageUsers, s.setUserRole)
	ws("POST /w/{ws}/settings/users/{user}/teams", account.PermManageUsers, s.setUserTeams)
	ws("POST /w/{ws}/settings/users/{user}/disable", account.PermManageUsers, s.disableUser)
	ws("POST /w/{ws}/settings/users/{user}/enable", account.PermManageUsers, s.enableUser)
	ws("POST /w/{ws}/settings/users/{user}/password", account.PermManageUsers, s.resetUserPassword)
	ws("POST /w/{ws}/settings/users/{user}/remove", account.PermManageUsers, s.removeUser)

	ws("GET /w/{ws}/settings/teams", account.PermManageTeams, s.teamsPage)
	ws("POST /w/{ws}/settings/teams", account.PermManageTeams, s.createTeam)
	ws("POST /w/{ws}/settings/teams/{team}", account.PermManageTeams, s.updateTeam)
	ws("POST /w/{ws}/settings/teams/{team}/delete", account.PermManageTeams, s.deleteTeam)

	mux.Handle(apiPrefix, s.api()) // its own table and guard: a bearer token (api.go)
	mux.Handle("/", http.HandlerFunc(s.notFound))

	var h http.Handler = mux
	h = s.csrf(h)
	h = s.limitBodyTime(h)
	h = s.loadSession(h)
	h = crossOrigin(h)
	h = securityHeaders(h)
	h = s.logRequests(h)
	h = s.recoverPanics(h)
	return h
}

// favicon serves the tab icon; an SVG answers /favicon.ico too, which browsers accept, so
// that their unprompted requests for it are not 404s in the log.
func favicon(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Type", "image/svg+xml")
	h.Set("Cache-Control", "public, max-age=86400")
	h.Set("X-Content-Type-Options", "nosniff")
	w.Write(static.Favicon())
}

// Package web is the HTTP server: routes, sessions, CSRF protection, permission checks
// and the handlers of the admin. Handlers parse the request, make one call into a domain
// package and render a view.
package web

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"agent/app/account"
	"agent/app/agent"
	"agent/app/attach"
	"agent/app/channel"
	"agent/app/channel/meta"
	"agent/app/closing"
	"agent/app/config"
	"agent/app/gaps"
	"agent/app/inbox"
	"agent/app/knowledge"
	"agent/app/llm"
	"agent/app/metrics"
	"agent/app/quote"
	"agent/app/ratelimit"
	"agent/app/store"
	"agent/app/webhook"
)

// Options are what the server needs from the rest of the program.
type Options struct {
	Config    *config.Config
	DB        *store.DB
	Accounts  *account.Manager
	Knowledge *knowledge.Manager
	Agents    *agent.Store
	Engine    *agent.Engine
	Inbox     *inbox.Store
	Service   *inbox.Service // conversations: messages, replies, handoffs, live events
	Gaps      *gaps.Book     // the knowledge gaps the inbox records
	Channels  *channel.Store
	// Deliveries sends messages out on the channels that send; nil when none is set up.
	Deliveries *inbox.Deliveries
	LLM        *llm.Client
	Logger     *slog.Logger
	Version    string
	// Metrics counts each request; nil when metrics are off.
	Metrics *metrics.Metrics
	// FreeSpace reads how many bytes a directory's file system has free; store.FreeSpace
	// when nil (tests give another disk).
	FreeSpace func(dir string) (uint64, error)
}

// inboxStreamsPerUser is how many inbox pages (tabs) one user may keep live at once:
// far more than a person uses, few enough that an account cannot exhaust the server.
const inboxStreamsPerUser = 32

// Server holds the dependencies of the handlers.
type Server struct {
	cfg        *config.Config
	db         *store.DB
	accounts   *account.Manager
	knowledge  *knowledge.Manager
	agents     *agent.Store
	engine     *agent.Engine
	inbox      *inbox.Store
	service    *inbox.Service
	gaps       *gaps.Book
	channels   *channel.Store
	deliveries *inbox.Deliveries
	files      *attach.Store
	closing    *closing.Store // the closing agent's settings
	quotes     *quote.Store
	webhooks   *webhook.Store
	metrics    *metrics.Metrics
	mux        *http.ServeMux // the route table, for the metrics' route names
	metaHooks  *meta.Receiver // WhatsApp's and Messenger's webhook; nil without deliveries
	llm        *llm.Client
	log        *slog.Logger
	version    string

	model     modelCache // the language model's last known health, for the admin's pages
	disk      diskCache  // the disk's last known free space, for the admin's pages
	freeSpace func(dir string) (uint64, error)

	loginByUser *ratelimit.Limiter // attempts per email and IP
	loginByIP   *ratelimit.Limiter // attempts per IP, whatever the email
	apiLimit    *ratelimit.Limiter // API calls per token

	openAPI map[string]any // the API's document (openapi.go)

	// inboxStreams counts each user's open inbox event streams (one per tab), so that one
	// account cannot hold connections until the server runs out of file descriptors.
	inboxStreams *ratelimit.Slots
	staffTyping  *ratelimit.Limiter // typing signals per person (inboxwork.go)

	// streams are the open event streams (the chat widget's, the inbox's), which
	// shutdown ends at once instead of waiting for them.
	streams *sseStreams

	handler http.Handler
	table   []routeEntry // every route registered by routes, with its guard
}

// New builds the server and its routes.
func New(o Options) *Server {
	s := &Server{
		cfg:          o.Config,
		db:           o.DB,
		accounts:     o.Accounts,
		knowledge:    o.Knowledge,
		agents:       o.Agents,
		engine:       o.Engine,
		inbox:        o.Inbox,
		service:      o.Service,
		gaps:         o.Gaps,
		channels:     o.Channels,
		deliveries:   o.Deliveries,
		files:        attach.NewStore(o.DB),
		quotes:       quote.New(o.DB),
		webhooks:     webhook.NewStore(o.DB, o.Config.Webhooks.AllowPrivateURLs),
		metrics:      o.Metrics,
		llm:          o.LLM,
		log:          o.Logger,
		version:      o.Version,
		streams:      newSSEStreams(sseHeartbeat),
		inboxStreams: ratelimit.NewSlots(inboxStreamsPerUser),
		freeSpace:    o.FreeSpace,
		loginByUser:  ratelimit.New(o.Config.Auth.LoginAttempts, o.Config.Auth.LoginWindow),
		loginByIP:    ratelimit.New(o.Config.Auth.LoginAttempts*5, o.Config.Auth.LoginWindow),
		apiLimit:     ratelimit.New(apiRequestsPerMinute, time.Minute),
	}
	if s.freeSpace == nil {
		s.freeSpace = store.FreeSpace
	}
	s.closing = closing.NewStore(o.DB, o.Channels)
	if o.Service != nil && o.Service.Closer == nil {
		// The closing agent answers quotes' conversations with the server's engine.
		o.Service.Closer = newResponder(s)
	}
	s.metaHooks = s.newMetaReceiver()
	s.openAPI = openAPIDocument(s.apiRoutes(), o.Version, o.Config.Server.BaseURL)
	s.handler = s.routes()
	return s
}

// ServeHTTP makes the Server an http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// ListenAndServe serves on the configured address until ctx ends, then shuts down
// gracefully within the configured timeout.
func (s *Server) ListenAndServe(ctx context.Context, ready func(addr string)) error {
	srv := &http.Server{
		Addr:              s.cfg.Server.Listen,
		Handler:           s,
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
	}
	srv.RegisterOnShutdown(s.streams.closeAll)
	ln, err := net.Listen("tcp", srv.Addr)
	if err != nil {
		return fmt.Errorf("web: listen on %s: %w", srv.Addr, err)
	}
	if ready != nil {
		ready(ln.Addr().String())
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	go s.sweepExpired(ctx)
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	s.log.Info("shutting down", "timeout", s.cfg.Server.ShutdownTimeout)
	sctx, cancel := context.WithTimeout(context.Background(), s.cfg.Server.ShutdownTimeout)
	defer cancel()
	return srv.Shutdown(sctx)
}

// sweepExpired deletes expired sessions and long-expired invitations hourly so the
// tables do not grow forever.
func (s *Server) sweepExpired(ctx context.Context) {
	t := time.NewTicker(time.Hour)
	defer t.Stop()
	for {
		for what, sweep := range map[string]func(context.Context) (int64, error){
			"sessions": s.accounts.DeleteExpiredSessions, "invitations": s.accounts.DeleteExpiredInvitations} {
			if n, err := sweep(ctx); err != nil && ctx.Err() == nil {
				s.log.Warn("delete expired "+what, "err", err)
			} else if n > 0 {
				s.log.Debug("deleted expired "+what, "count", n)
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

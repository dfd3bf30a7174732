package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"os/signal"
	"runtime"
	"slices"
	"syscall"
	"time"

	"agent/app/account"
	"agent/app/agent"
	"agent/app/channel"
	"agent/app/config"
	"agent/app/fetch"
	"agent/app/gaps"
	"agent/app/inbox"
	"agent/app/jobs"
	"agent/app/knowledge"
	"agent/app/llm"
	"agent/app/report"
	"agent/app/store"
	"agent/app/web"
	"agent/app/webhook"
)

func serve(ctx context.Context, e Env, args []string) int {
	f := newFlags(e, "serve", "", "Run the web server until SIGINT or SIGTERM.")
	f.override("listen", "server.listen", "`host:port` to listen on (default 127.0.0.1:8080)")
	f.override("log-level", "log.level", "log `level`: debug, info, warn, error")
	f.override("log-format", "log.format", "log `format`: text or json")
	f.override("ollama", "llm.url", "Ollama base `URL` (default http://127.0.0.1:11434)")
	rest, code, ok := f.parse(args)
	if !ok {
		return code
	}
	if extraArgs(e, f, rest, 0) {
		return exitUsage
	}
	cfg, err := f.load(e)
	if err != nil {
		return fail(e, err)
	}
	lock, err := store.LockServing(cfg.Data.Dir)
	if err != nil {
		return fail(e, err)
	}
	defer lock.Release()
	db, err := store.Open(ctx, cfg.Data.Dir)
	if err != nil {
		return fail(e, err)
	}
	defer db.Close()
	log := newLogger(cfg, e.Stderr)
	switch n, err := raiseFileLimit(); {
	case err != nil:
		log.Warn("open files", "limit", n, "err", err)
	case n < lowFileLimit:
		log.Warn("open files: the limit is low for a public server; raise the hard limit (LimitNOFILE= in systemd, ulimit -Hn)", "limit", n)
	default:
		log.Info("open files", "limit", n)
	}
	log.Info("processors", "cpus", runtime.NumCPU(), "gomaxprocs", ensureProcs(e.Environ))

	client, err := newLLM(cfg)
	if err != nil {
		return fail(e, err)
	}
	accounts := account.New(db)
	km := newKnowledge(cfg, db, client, log)
	engine := agent.NewEngine(agent.Options{Knowledge: km, LLM: client, Logger: log})
	agents, conversations, channels := agent.NewStore(db), inbox.New(db), channel.NewStore(db)
	service := &inbox.Service{Store: conversations, Hub: inbox.NewHub(), Engine: engine, Agents: agents, Channels: channels, Log: log}
	book := gaps.New(gaps.Options{DB: db, Knowledge: km, Agents: agents, Logger: log})
	service.Gaps = book
	// Work that waits on the outside world (webhook receivers, the backup's disk) runs
	// beside the rest, so that it never holds up a customer's answer.
	runner, background := jobs.New(db, log), jobs.New(db, log)
	background.Only, background.Poll = append(slices.Clone(webhook.Kinds), jobBackup), time.Second
	runner.Except = background.Only
	deliveries := newDeliveries(cfg, db, runner, service)
	sender := webhook.NewSender(webhook.Options{DB: db, AllowPrivate: cfg.Webhooks.AllowPrivateURLs, BaseURL: cfg.Server.BaseURL,
		UserAgent: "agent-webhooks/" + e.Version, Log: log, Mail: webhookMailer(deliveries)})
	handleClosingNotices(cfg, db, runner, accounts, deliveries)
	figures, err := newMetrics(cfg, db, service, log)
	if err != nil {
		return fail(e, err)
	}
	srv := web.New(web.Options{Config: cfg, DB: db, Accounts: accounts, Knowledge: km, Agents: agents, Engine: engine,
		Inbox: conversations, Service: service, Gaps: book, Channels: channels, Deliveries: deliveries, LLM: client, Logger: log, Version: e.Version,
		Metrics: figures})

	ctx, stop := signal.NotifyContext(ctx, syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	runner.Handle(jobCloseInactive, func(ctx context.Context, _ json.RawMessage) error { return service.CloseInactive(ctx) })
	if err := runner.Every(ctx, jobCloseInactive, time.Minute); err != nil {
		return fail(e, err)
	}
	runner.Handle(inbox.JobWake, func(ctx context.Context, _ json.RawMessage) error { return service.Wake(ctx) })
	if err := runner.Every(ctx, inbox.JobWake, inbox.WakeEvery); err != nil {
		return fail(e, err)
	}
	runner.Handle(jobAnswerOwed, func(ctx context.Context, _ json.RawMessage) error {
		return service.AnswerOwed(ctx, cfg.Chat.RecoverWithin)
	})
	if err := runner.At(ctx, jobAnswerOwed, time.Now(), nil); err != nil {
		return fail(e, err)
	}
	if err := takeMetaEvents(ctx, cfg, db, runner, service, log); err != nil {
		return fail(e, err)
	}
	runner.Handle(inbox.JobAnswer, service.AnswerQueued)
	mailboxes := watchMailboxes(ctx, cfg, db, service, log)
	defer func() { stop(); <-mailboxes }() // logged out before the database closes
	ledger := report.New(db, nil)
	runner.Handle(report.JobSettle, func(ctx context.Context, _ json.RawMessage) error {
		_, err := ledger.Settle(ctx)
		return err
	})
	if err := runner.Every(ctx, report.JobSettle, report.SettleEvery); err != nil {
		return fail(e, err)
	}
	// Once, after the upgrade that brings knowledge gaps: those of the stored conversations.
	runner.Handle(gaps.JobBackfill, func(ctx context.Context, _ json.RawMessage) error { return book.BackfillOnce(ctx) })
	if err := runner.At(ctx, gaps.JobBackfill, time.Now(), nil); err != nil {
		return fail(e, err)
	}
	go reportModel(ctx, client, log)
	go km.Run(ctx)
	if err := sender.Register(ctx, background); err != nil {
		return fail(e, err)
	}
	if err := scheduleBackups(ctx, cfg, db, background, log); err != nil {
		return fail(e, err)
	}
	go runner.Run(ctx)
	go background.Run(ctx)
	if figures != nil {
		metricsDone, err := serveMetrics(ctx, cfg.Metrics.Listen, figures, log)
		if err != nil {
			return fail(e, err)
		}
		defer func() { stop(); <-metricsDone }()
	}

	err = srv.ListenAndServe(ctx, func(addr string) {
		url := "http://" + addr
		if cfg.Server.BaseURL != "" {
			url = cfg.Server.BaseURL
		}
		log.Info("agent is serving", "url", url, "version", e.Version, "data", cfg.Data.Dir)
		if has, err := accounts.HasUsers(ctx); err == nil && !has {
			fmt.Fprintf(e.Stdout, "\nOpen %s/setup to create the owner account.\n\n", url)
		} else {
			fmt.Fprintf(e.Stdout, "\nOpen %s\n\n", url)
		}
	})
	if err != nil {
		return fail(e, err)
	}
	log.Info("stopped")
	return exitOK
}

// jobCloseInactive closes chat conversations idle past their channel's limit.
const jobCloseInactive = "close-inactive-conversations"

// jobAnswerOwed, once at each start, answers the customers' messages a stop left unanswered.
const jobAnswerOwed = "answer-owed-messages"

// newKnowledge builds the knowledge manager the configuration describes.
func newKnowledge(cfg *config.Config, db *store.DB, client *llm.Client, log *slog.Logger) *knowledge.Manager {
	return knowledge.New(knowledge.Options{
		DB: db, Logger: log, LLM: client,
		Fetch:              fetch.New(fetch.Options{AllowPrivate: cfg.Knowledge.AllowPrivateURLs}),
		MaxFileBytes:       int64(cfg.Knowledge.MaxFileMB) << 20,
		SyncEvery:          cfg.Knowledge.SyncInterval,
		CrawlMaxPages:      cfg.Knowledge.CrawlMaxPages,
		MaxChunksPerSource: cfg.Knowledge.MaxChunksPerSource,
	})
}

// reportModel logs once at start-up whether Ollama and the configured models are there,
// so an operator sees at a glance whether replies will be written by a model.
func reportModel(ctx context.Context, client *llm.Client, log *slog.Logger) {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	h := client.Health(ctx)
	switch {
	case h.Error != "":
		log.Warn("language model unavailable; answering in extractive mode", "ollama", client.URL(), "reason", h.Error)
	case h.ChatModel == "":
		log.Info("no chat model configured; answering in extractive mode", "ollama", client.URL(), "ollama_version", h.Version)
	default:
		log.Info("language model ready", "ollama", client.URL(), "ollama_version", h.Version, "chat_model", h.ChatModel)
	}
}

// newLLM builds the Ollama client the configuration describes.
func newLLM(cfg *config.Config) (*llm.Client, error) {
	return llm.New(llm.Options{URL: cfg.LLM.URL, ChatModel: cfg.LLM.ChatModel, EmbedModel: cfg.LLM.EmbedModel, Timeout: cfg.LLM.Timeout})
}

package cli

import (
	"context"
	"log/slog"
	"time"

	"agent/app/attach"
	"agent/app/channel"
	"agent/app/channel/meta"
	"agent/app/config"
	"agent/app/inbox"
	"agent/app/jobs"
	"agent/app/store"
)

// jobMetaPending processes webhook events whose own job was lost.
const jobMetaPending = "meta-pending-events"

// metaSenders are the drivers of WhatsApp and Messenger channels, through the Graph API
// that config names.
func metaSenders(cfg *config.Config, db *store.DB, service *inbox.Service) map[channel.Kind]channel.Driver {
	graph := newGraph(cfg)
	out := map[channel.Kind]channel.Driver{}
	for _, k := range []channel.Kind{channel.WhatsApp, channel.Messenger} {
		out[k] = &meta.Sender{Kind: k, DB: db, Settings: meta.NewStore(db), Inbox: service.Store, Graph: graph}
	}
	return out
}

func newGraph(cfg *config.Config) *meta.Graph {
	return &meta.Graph{BaseURL: cfg.Meta.GraphURL, Version: cfg.Meta.GraphVersion}
}

// takeMetaEvents has the runner process the webhook events the web server stores.
func takeMetaEvents(ctx context.Context, cfg *config.Config, db *store.DB, runner *jobs.Runner, service *inbox.Service, log *slog.Logger) error {
	intake := &meta.Intake{DB: db, Settings: meta.NewStore(db), Service: service, Graph: newGraph(cfg), Files: attach.NewStore(db), Log: log}
	runner.Handle(meta.JobEvent, intake.Process)
	runner.Handle(jobMetaPending, intake.Pending)
	return runner.Every(ctx, jobMetaPending, time.Minute)
}

package cli

import (
	"context"
	"encoding/json"
	"log/slog"
	"time"

	"agent/app/channel"
	"agent/app/channel/mailbox"
	"agent/app/config"
	"agent/app/inbox"
	"agent/app/jobs"
	"agent/app/store"
)

// jobPollMailboxes reads the email channels' mailboxes, each at its own interval.
const jobPollMailboxes = "poll-mailboxes"

// newDeliveries makes the outbox of the channels that send (email, WhatsApp, Messenger)
// and has the runner send through it.
func newDeliveries(cfg *config.Config, db *store.DB, runner *jobs.Runner, service *inbox.Service) *inbox.Deliveries {
	sender := &mailbox.Sender{DB: db, Settings: mailbox.NewStore(db), Inbox: service.Store}
	d := &inbox.Deliveries{Store: service.Store, Channels: service.Channels, Jobs: runner, Hub: service.Hub,
		Drivers: map[channel.Kind]channel.Driver{channel.Email: sender}}
	service.Outboxes = map[channel.Kind]inbox.Outbox{channel.Email: d}
	for kind, drv := range metaSenders(cfg, db, service) {
		d.Drivers[kind], service.Outboxes[kind] = drv, d
	}
	runner.Handle(inbox.JobSend, d.Send)
	return d
}

// pollMailboxes has the runner read the email channels' mailboxes: it looks every 10
// seconds, the shortest interval a mailbox may have.
func pollMailboxes(ctx context.Context, db *store.DB, runner *jobs.Runner, service *inbox.Service, log *slog.Logger) error {
	intake := &mailbox.Intake{DB: db, Settings: mailbox.NewStore(db), Service: service, Log: log}
	runner.Handle(jobPollMailboxes, func(ctx context.Context, _ json.RawMessage) error {
		return intake.PollDue(ctx, service.Channels, time.Now())
	})
	return runner.Every(ctx, jobPollMailboxes, 10*time.Second)
}

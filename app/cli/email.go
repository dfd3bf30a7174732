package cli

import (
	"context"
	"log/slog"

	"agent/app/channel"
	"agent/app/channel/mailbox"
	"agent/app/config"
	"agent/app/inbox"
	"agent/app/jobs"
	"agent/app/store"
)

// newDeliveries makes the outbox of the channels that send (email, WhatsApp, Messenger)
// and has the runner send through it.
func newDeliveries(cfg *config.Config, db *store.DB, runner *jobs.Runner, service *inbox.Service) *inbox.Deliveries {
	sender := &mailbox.Sender{DB: db, Settings: mailbox.NewStore(db), Inbox: service.Store, Net: mailbox.NewNetwork(cfg.Email.AllowPrivateHosts)}
	d := &inbox.Deliveries{Store: service.Store, Channels: service.Channels, Jobs: runner, Hub: service.Hub,
		Drivers: map[channel.Kind]channel.Driver{channel.Email: sender}}
	service.Outboxes = map[channel.Kind]inbox.Outbox{channel.Email: d}
	for kind, drv := range metaSenders(cfg, db, service) {
		d.Drivers[kind], service.Outboxes[kind] = drv, d
	}
	runner.Handle(inbox.JobSend, d.Send)
	return d
}

// watchMailboxes reads the email channels' mailboxes until ctx ends, apart from the job
// runner (a slow job holds up no mailbox); the channel it returns is closed once every
// connection has logged out.
func watchMailboxes(ctx context.Context, cfg *config.Config, db *store.DB, service *inbox.Service, log *slog.Logger) <-chan struct{} {
	intake := &mailbox.Intake{DB: db, Settings: mailbox.NewStore(db), Service: service, Log: log, Net: mailbox.NewNetwork(cfg.Email.AllowPrivateHosts)}
	done := make(chan struct{})
	go func() {
		defer close(done)
		intake.Watch(ctx)
	}()
	return done
}

package cli

import (
	"agent/app/account"
	"agent/app/channel"
	"agent/app/channel/mailbox"
	"agent/app/closing"
	"agent/app/config"
	"agent/app/inbox"
	"agent/app/jobs"
	"agent/app/quote"
	"agent/app/store"
)

// handleClosingNotices has the runner mail quotes' owners of the closing agent's handoffs,
// from the workspace's mailbox when it has one.
func handleClosingNotices(cfg *config.Config, db *store.DB, runner *jobs.Runner, accounts *account.Manager, d *inbox.Deliveries) {
	sender, ok := d.Drivers[channel.Email].(*mailbox.Sender)
	if !ok {
		return
	}
	n := &closing.Notifier{Accounts: accounts, Quotes: quote.New(db), Mail: sender, BaseURL: cfg.Server.BaseURL}
	runner.Handle(closing.JobNotify, n.Run)
}

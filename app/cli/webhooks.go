package cli

import (
	"agent/app/channel"
	"agent/app/channel/mailbox"
	"agent/app/inbox"
	"agent/app/webhook"
)

// webhookMailer is what tells admins of a paused webhook by mail: the workspace's mailbox
// when email is set up, else nothing (the settings pages say it).
func webhookMailer(d *inbox.Deliveries) webhook.Mailer {
	if sender, ok := d.Drivers[channel.Email].(*mailbox.Sender); ok {
		return sender
	}
	return nil
}

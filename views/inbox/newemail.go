package inbox

import (
	"agent/app/channel"
	"agent/views/components"
)

// NewEmailData is the form that starts an email conversation with a customer.
type NewEmailData struct {
	WS       int64
	CSRF     string
	Channels []channel.Channel // the workspace's email channels with a mailbox; none: it says so
	Form     components.Form   // channel, to, subject, message
	// CanSetUp: the person may add an email channel (Channels), so the page leads there.
	CanSetUp bool
}

// HasEmail reports whether any of the channels is an email channel, for the inbox's
// New email button.
func HasEmail(chs []channel.Channel) bool {
	for _, c := range chs {
		if c.Kind == channel.Email {
			return true
		}
	}
	return false
}

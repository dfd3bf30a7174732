package web

import (
	"context"
	"errors"
	"fmt"
	"net/mail"

	"agent/app/account"
	"agent/app/channel"
	"agent/app/channel/mailbox"
)

// mailer sends the workspace's own mail (mailbox.Sender, the email channels' driver).
type mailer interface {
	SendMail(ctx context.Context, channelID int64, to mail.Address, subject, text string) error
}

// errNoMailbox: the workspace has no email channel that can send.
var errNoMailbox = errors.New("no mailbox to send from")

// mailInvitation emails an invitation's link from the workspace's first active email
// channel whose mailbox can send, and returns the address it came from; errNoMailbox when
// the workspace has none (the admin passes the link on themselves).
func (s *Server) mailInvitation(ctx context.Context, inviter string, inv account.Invitation, link string) (string, error) {
	if s.deliveries == nil {
		return "", errNoMailbox
	}
	m, ok := s.deliveries.Drivers[channel.Email].(mailer)
	if !ok {
		return "", errNoMailbox
	}
	chs, err := s.channels.List(ctx, inv.WorkspaceID)
	if err != nil {
		return "", err
	}
	settings := mailbox.NewStore(s.db)
	for _, ch := range chs {
		if ch.Kind != channel.Email || !ch.Active {
			continue
		}
		set, err := settings.Get(ctx, ch.ID)
		if errors.Is(err, mailbox.ErrNotSet) || (err == nil && set.SMTP.Host == "") {
			continue
		}
		if err != nil {
			return "", err
		}
		text := fmt.Sprintf("Hello,\n\n%s invited you to join %s.\n\nOpen this link to set your password and join (it works until %s):\n%s\n\n"+
			"If you already have an account here, log in with it from the link instead.\nIf you did not expect this invitation, you can ignore this mail.\n",
			inviter, inv.WorkspaceName, inv.ExpiresAt.Format("2 January 2006"), link)
		err = m.SendMail(ctx, ch.ID, mail.Address{Address: inv.Email}, "Join "+inv.WorkspaceName, text)
		return set.Address, err
	}
	return "", errNoMailbox
}

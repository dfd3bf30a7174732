package mailbox

import (
	"context"
	"time"
)

// Check is what Test found: nil for a server that works, else what failed, in the
// server's own words where it gave any.
type Check struct {
	IMAP, SMTP error
	Messages   uint32 // in the folder, when IMAP works
}

// Test connects to both servers as the settings say, through n: IMAP logs in and opens
// the folder read-only, SMTP logs in; nothing is fetched or sent.
func Test(ctx context.Context, set Settings, n Network) Check {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	var ch Check
	in := &Intake{Net: n}
	ch.Messages, ch.IMAP = in.check(ctx, set)
	ch.SMTP = checkSMTP(ctx, set, n)
	return ch
}

func (in *Intake) check(ctx context.Context, set Settings) (uint32, error) {
	c, sel, err := in.open(ctx, set, nil)
	if err != nil {
		return 0, err
	}
	defer c.Close()
	return sel.NumMessages, c.Logout().Wait()
}

func checkSMTP(ctx context.Context, set Settings, n Network) error {
	c, err := n.dialSMTP(ctx, set.SMTP)
	if err != nil {
		return err
	}
	defer c.Close()
	return c.Quit()
}

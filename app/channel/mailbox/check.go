package mailbox

import (
	"context"
	"crypto/tls"
	"time"

	"github.com/emersion/go-imap/v2/imapclient"
)

// Check is what Test found: nil for a server that works, else what failed, in the
// server's own words where it gave any.
type Check struct {
	IMAP, SMTP error
	Messages   uint32 // in the folder, when IMAP works
}

// Test connects to both servers as the settings say: IMAP logs in and opens the folder
// read-only, SMTP logs in; nothing is fetched or sent.
// tlsConf is nil but in tests (their servers' roots).
func Test(ctx context.Context, set Settings, tlsConf *tls.Config) Check {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	var ch Check
	in := &Intake{Options: &imapclient.Options{TLSConfig: tlsConf}}
	ch.Messages, ch.IMAP = in.check(ctx, set)
	ch.SMTP = checkSMTP(ctx, set, tlsConf)
	return ch
}

func (in *Intake) check(ctx context.Context, set Settings) (uint32, error) {
	c, sel, err := in.open(ctx, set)
	if err != nil {
		return 0, err
	}
	defer c.Close()
	return sel.NumMessages, c.Logout().Wait()
}

func checkSMTP(ctx context.Context, set Settings, tlsConf *tls.Config) error {
	c, err := dialSMTP(ctx, set.SMTP, tlsConf)
	if err != nil {
		return err
	}
	defer c.Close()
	return c.Quit()
}

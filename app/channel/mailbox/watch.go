package mailbox

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
)

// Watch keeps every active email channel's mailbox read until ctx ends, each in its own
// goroutine so that one slow server holds up no other: where the server has IDLE, a
// connection waits for new mail and takes it within seconds, made anew every IdleFor;
// elsewhere the folder is polled at the mailbox's interval. A mailbox that fails is tried
// again after a growing wait (Backoff). Changed settings start its reading over; a channel
// turned off or deleted stops it (seen within Rescan). Watch returns once every connection
// is closed: a waiting one logs out, a read is cut short (each mail is stored whole or not
// at all, and the next read goes on from the last one stored).
func (in *Intake) Watch(ctx context.Context) {
	type watcher struct {
		set  Settings
		stop context.CancelFunc
		done chan struct{}
	}
	running := map[int64]*watcher{}
	stop := func(id int64) {
		w := running[id]
		w.stop()
		<-w.done
		delete(running, id)
	}
	defer func() {
		for id := range running {
			running[id].stop()
		}
		for id := range running {
			stop(id)
		}
	}()
	tick := time.NewTicker(orDefault(in.Rescan, 10*time.Second))
	defer tick.Stop()
	for {
		active, err := in.activeMailboxes(ctx)
		if err != nil && ctx.Err() == nil {
			in.log().Error("mailboxes", "err", err)
		}
		if err == nil {
			for id, w := range running {
				if set, ok := active[id]; !ok || set != w.set {
					stop(id)
				}
			}
			for id, set := range active {
				if running[id] == nil {
					wctx, cancel := context.WithCancel(ctx)
					w := &watcher{set: set, stop: cancel, done: make(chan struct{})}
					running[id] = w
					go func() {
						defer close(w.done)
						in.watch(wctx, id)
					}()
				}
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// activeMailboxes returns the settings of the active email channels' mailboxes.
func (in *Intake) activeMailboxes(ctx context.Context) (map[int64]Settings, error) {
	rows, err := in.DB.Read.QueryContext(ctx, `SELECT s.channel_id FROM email_settings s JOIN channels c ON c.id = s.channel_id
		WHERE c.kind = 'email' AND c.active = 1`)
	if err != nil {
		return nil, fmt.Errorf("mailbox: watch: %w", err)
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, fmt.Errorf("mailbox: watch: %w", err)
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("mailbox: watch: %w", err)
	}
	out := map[int64]Settings{}
	for _, id := range ids {
		set, err := in.Settings.Get(ctx, id)
		if errors.Is(err, ErrNotSet) {
			continue // deleted since
		}
		if err != nil {
			return nil, err
		}
		out[id] = set
	}
	return out, nil
}

// errNoIdle ends a session with a server that has no IDLE: the next read is a poll.
var errNoIdle = errors.New("the server has no IDLE")

// watch reads one mailbox until ctx ends: sessions one after another, waiting between them
// the mailbox's interval when polling, and a growing time after a failure.
func (in *Intake) watch(ctx context.Context, channelID int64) {
	first := orDefault(in.Backoff, 5*time.Second)
	backoff := first
	for {
		wait, err := in.session(ctx, channelID)
		if ctx.Err() != nil {
			return
		}
		switch {
		case errors.Is(err, errNoIdle):
			backoff = first
		case err != nil:
			in.log().Warn("mailbox could not be read; trying again", "channel", channelID, "in", backoff, "err", err)
			wait, backoff = backoff, min(2*backoff, 5*time.Minute)
		default:
			backoff = first
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
	}
}

// session connects to the mailbox and stores its new mail; then, where the server has
// IDLE, waits for more on the same connection until IdleFor has passed (nil, to be made
// anew at once), else ends with errNoIdle and the mailbox's interval to wait.
func (in *Intake) session(ctx context.Context, channelID int64) (time.Duration, error) {
	set, err := in.Settings.Get(ctx, channelID)
	if err != nil {
		return 0, err
	}
	// New mail while idling (EXISTS) wakes the loop below; a wake already pending is enough.
	wake := make(chan struct{}, 1)
	onData := &imapclient.UnilateralDataHandler{Mailbox: func(d *imapclient.UnilateralDataMailbox) {
		if d.NumMessages != nil {
			select {
			case wake <- struct{}{}:
			default:
			}
		}
	}}
	// The connection outlives ctx by a logout: it is closed by end, or by a step that
	// takes longer than its bound.
	conn, end := context.WithCancel(context.WithoutCancel(ctx))
	defer end()
	opened, stopped := time.AfterFunc(stepTimeout, end), context.AfterFunc(ctx, end)
	c, sel, err := in.open(conn, set, onData)
	opened.Stop()
	stopped()
	if err != nil {
		return 0, err
	}
	defer c.Close()
	logout := func() error {
		t := time.AfterFunc(logoutTimeout, end)
		defer t.Stop()
		return c.Logout().Wait()
	}
	idle := c.Caps().Has(imap.CapIdle)
	restart := time.NewTimer(orDefault(in.IdleFor, 25*time.Minute))
	defer restart.Stop()
	for {
		// Drained before reading, so that mail arriving during the read wakes the next one.
		select {
		case <-wake:
		default:
		}
		if err := in.read(ctx, end, c, channelID, set, sel.UIDValidity); err != nil {
			return 0, err
		}
		if !idle {
			if err := logout(); err != nil {
				return 0, fmt.Errorf("imap %s: log out: %w", set.IMAP.Host, err)
			}
			return orDefault(set.Poll, time.Minute), errNoIdle
		}
		cmd, err := c.Idle()
		if err != nil {
			return 0, fmt.Errorf("imap %s: idle: %w", set.IMAP.Host, err)
		}
		done := false
		select {
		case <-wake:
		case <-restart.C:
			done = true
		case <-ctx.Done():
			done = true
		case <-c.Closed():
			return 0, fmt.Errorf("imap %s: the server closed the connection", set.IMAP.Host)
		}
		t := time.AfterFunc(stepTimeout, end)
		err = cmd.Close()
		if err == nil {
			err = cmd.Wait()
		}
		t.Stop()
		if err != nil {
			return 0, fmt.Errorf("imap %s: idle: %w", set.IMAP.Host, err)
		}
		if done {
			return 0, logout()
		}
	}
}

// read stores the folder's new mail, within stepTimeout or until ctx ends (either closes
// the connection by end).
func (in *Intake) read(ctx context.Context, end context.CancelFunc, c *imapclient.Client, channelID int64, set Settings, validity uint32) error {
	ch, err := in.Service.Channels.ByID(ctx, channelID) // its agent and rules as they are now
	if err != nil {
		return err
	}
	rctx, cancel := context.WithTimeout(ctx, stepTimeout)
	defer cancel()
	stop := context.AfterFunc(rctx, end)
	defer stop()
	n, err := in.fetchNew(rctx, c, ch, set, validity)
	if n > 0 {
		in.log().Info("mail received", "channel", ch.ID, "count", n)
	}
	return err
}

// stepTimeout bounds one step with a mailbox's server (connecting and logging in, reading
// new mail, ending an IDLE), so that a server that stops answering is left and tried again.
const stepTimeout = 2 * time.Minute

// logoutTimeout bounds the logout, which a stop waits for.
const logoutTimeout = 5 * time.Second

func orDefault(d, def time.Duration) time.Duration {
	if d > 0 {
		return d
	}
	return def
}

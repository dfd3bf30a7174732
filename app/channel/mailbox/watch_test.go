package mailbox_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"agent/app/channel"
	"agent/app/channel/mailbox"
	"agent/app/channel/mailbox/mailtest"
)

// eventually waits for cond, checked every 20 ms, failing after 10 s: a wait for
// something that happens in another goroutine, not a measure of its speed.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within 10 s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// watch runs intake.Watch until the test ends, and returns a stop that waits for it.
func watch(t *testing.T, intake *mailbox.Intake) (stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		intake.Watch(ctx)
		close(done)
	}()
	stop = func() {
		cancel()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			t.Fatal("Watch did not return")
		}
	}
	t.Cleanup(stop)
	return stop
}

func mailNumbered(n int) string {
	return strings.Replace(firstMail, "kari-1@", "kari-"+strings.Repeat("i", n)+"@", 1)
}

// With a server that has IDLE, a mail that arrives while the intake waits is stored
// without waiting for the mailbox's interval (a minute here); a dropped connection is
// made again; turning the channel off logs out, and stopping Watch ends it.
func TestWatchIdle(t *testing.T) {
	w := newWorld(t)
	user := w.newIMAPServer(t)
	intake := &mailbox.Intake{DB: w.db, Settings: w.settings, Service: w.svc, Net: loopback,
		Rescan: 50 * time.Millisecond, Backoff: 50 * time.Millisecond}
	stop := watch(t, intake)
	user.Deliver(t, mailNumbered(1))
	stored := func(n int) func() bool {
		return func() bool {
			held := 0
			for _, ms := range w.conversations(t) {
				if len(ms) > 0 {
					held++
				}
			}
			return held == n
		}
	}
	eventually(t, "the mail in the folder at the start", stored(1))
	eventually(t, "IDLE", func() bool { return user.Idles() > 0 })

	user.Deliver(t, mailNumbered(2))
	eventually(t, "a mail while idling", stored(2))

	user.Drop()
	user.Deliver(t, mailNumbered(3))
	eventually(t, "a mail after the connection dropped", stored(3))
	if user.Sessions() < 2 {
		t.Errorf("%d sessions: the dropped connection was not made again", user.Sessions())
	}

	if _, err := w.svc.Channels.Update(w.ctx, w.ws.ID, w.ch.ID, channel.Input{Kind: channel.Email, Name: w.ch.Name, AgentID: w.agent.ID,
		Handoff: channel.Unassigned, Active: false}); err != nil {
		t.Fatal(err)
	}
	eventually(t, "logging out of a channel turned off", func() bool { return user.Open() == 0 })
	if _, err := w.svc.Channels.Update(w.ctx, w.ws.ID, w.ch.ID, channel.Input{Kind: channel.Email, Name: w.ch.Name, AgentID: w.agent.ID,
		Handoff: channel.Unassigned, Active: true}); err != nil {
		t.Fatal(err)
	}
	user.Deliver(t, mailNumbered(4))
	eventually(t, "a mail after the channel is on again", stored(4))
	eventually(t, "IDLE again", func() bool { return user.Open() == 1 })
	stop()
	eventually(t, "logging out at a stop", func() bool { return user.Open() == 0 })
	if _, err := w.runner.RunDue(w.ctx); err != nil {
		t.Fatal(err)
	}
	if got := len(w.smtp.Received()); got != 4 {
		t.Errorf("%d answers sent, want 4; jobs not done: %s", got, pendingJobs(t, w))
	}
}

// pendingJobs lists the jobs not done, with their attempts and last error, for a failure
// to say why a mail was not answered (once seen under heavy load, not reproduced).
func pendingJobs(t *testing.T, w *world) string {
	t.Helper()
	rows, err := w.db.Read.QueryContext(w.ctx, "SELECT kind, payload, attempts, last_error FROM jobs WHERE done_at IS NULL AND every = 0")
	if err != nil {
		return err.Error()
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var kind, payload, last string
		var attempts int
		if err := rows.Scan(&kind, &payload, &attempts, &last); err != nil {
			return err.Error()
		}
		out = append(out, fmt.Sprintf("%s %s (%d attempts: %q)", kind, payload, attempts, last))
	}
	return strings.Join(out, "; ")
}

// The IDLE connection is made anew every IdleFor, before servers drop an idle client;
// mail is still read.
func TestWatchRestartsIdle(t *testing.T) {
	w := newWorld(t)
	user := w.newIMAPServer(t)
	intake := &mailbox.Intake{DB: w.db, Settings: w.settings, Service: w.svc, Net: loopback,
		Rescan: 50 * time.Millisecond, IdleFor: 100 * time.Millisecond}
	stop := watch(t, intake)
	eventually(t, "three connections", func() bool { return user.Sessions() >= 3 })
	user.Deliver(t, mailNumbered(1))
	eventually(t, "a mail", func() bool { return len(w.conversations(t)) == 1 })
	stop()
	eventually(t, "every connection closed", func() bool { return user.Open() == 0 })
}

// A server without IDLE is polled at the mailbox's interval, a connection each time.
func TestWatchPolls(t *testing.T) {
	w := newWorld(t)
	user := w.useIMAP(t, mailtest.NewIMAPWithoutIdle(t, "support@shop.example", "imap password"))
	// Shorter than the page allows, so that the test waits less.
	if _, err := w.db.Write.Exec("UPDATE email_settings SET poll_seconds = 1"); err != nil {
		t.Fatal(err)
	}
	intake := &mailbox.Intake{DB: w.db, Settings: w.settings, Service: w.svc, Net: loopback, Rescan: 50 * time.Millisecond}
	watch(t, intake)
	user.Deliver(t, mailNumbered(1))
	eventually(t, "a mail", func() bool { return len(w.conversations(t)) == 1 })
	user.Deliver(t, mailNumbered(2))
	eventually(t, "the next poll's mail", func() bool { return len(w.conversations(t)) == 2 })
	if user.Idles() != 0 || user.Sessions() < 2 {
		t.Errorf("%d IDLE commands, %d sessions; want none and a session per poll", user.Idles(), user.Sessions())
	}
}

package webhook_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"agent/app/ids"
	"agent/app/webhook"
)

// giveUp moves the clock through every retry of the deliveries due now.
func (w *world) giveUp() {
	w.t.Helper()
	w.runDue()
	for _, b := range webhook.Backoff {
		w.clock.add(b)
		w.runDue()
	}
}

func (w *world) get(id int64) webhook.Subscription {
	w.t.Helper()
	sub, err := w.subs.Get(w.ctx, w.ws, id)
	if err != nil {
		w.t.Fatal(err)
	}
	return sub
}

// TestAWebhookFailingForADayIsPausedItsEventsHeldAndSentOnResume: once a delivery is
// given up with no delivery to the webhook succeeding meanwhile, the webhook is paused
// with its reason, its admins are mailed, its events are held (its test event still
// sent), and Resume sends those held up to HoldFor, dropping older ones.
func TestAWebhookFailingForADayIsPausedItsEventsHeldAndSentOnResume(t *testing.T) {
	w := newWorld(t, true)
	sub := w.subscribe(webhook.ConversationCreated)
	for range 100 {
		w.recv.fail = append(w.recv.fail, http.StatusBadGateway)
	}
	w.conversation(false)
	w.giveUp()
	paused := w.get(sub.ID)
	if paused.PausedAt.IsZero() || !strings.Contains(paused.PausedReason, "502") || !strings.Contains(paused.PausedReason, "conversation.created") {
		t.Fatalf("not paused after a day of failures: %+v", paused)
	}
	if list, err := w.subs.Paused(w.ctx, w.ws); err != nil || len(list) != 1 || list[0].ID != sub.ID {
		t.Fatalf("Paused = %+v, %v", list, err)
	}
	w.runDue()
	mails := w.mail.mails()
	if len(mails) != 1 || !strings.HasPrefix(mails[0], "owner@example.com: A webhook was paused") ||
		!strings.Contains(mails[0], "/settings/webhooks/"+ids.Encode(sub.ID)) || !strings.Contains(mails[0], paused.PausedReason) {
		t.Fatalf("mails: %q", mails)
	}

	// Held while paused: nothing is sent but the test event.
	before := len(w.recv.received())
	old := w.conversation(false) // its event is dated now: older than HoldFor at the resume
	w.runDue()
	if err := w.subs.SendTest(w.ctx, w.ws, sub.ID); err != nil {
		t.Fatal(err)
	}
	w.runDue()
	got := w.recv.received()[before:]
	if len(got) != 1 || got[0].event != string(webhook.Ping) {
		t.Fatalf("sent while paused: %+v", got)
	}
	w.clock.add(webhook.HoldFor + time.Hour)
	recent := w.conversation(false)
	if err := webhook.Record(w.ctx, w.db.Write, w.clock.now(), w.ws, webhook.ConversationCreated, recent.ID); err != nil {
		t.Fatal(err)
	}
	w.runDue()
	ds, _ := w.subs.Deliveries(w.ctx, w.ws, sub.ID, 10)
	held := 0
	for _, d := range ds {
		if d.Held() {
			held++
		}
	}
	if held != 3 { // what both conversations' triggers recorded (dated by the real clock), and the one recorded at the test clock's now
		t.Fatalf("%d deliveries held, want 3: %+v", held, ds)
	}

	w.recv.fail = nil
	n, err := w.subs.Resume(w.ctx, w.ws, sub.ID)
	if err != nil || n != 1 {
		t.Fatalf("Resume = %d, %v; want the one event younger than HoldFor", n, err)
	}
	w.runDue()
	var sent []string // the test event's retries aside
	for _, r := range w.recv.received()[before:] {
		if r.event == string(webhook.ConversationCreated) {
			sent = append(sent, string(r.data["conversation"]))
		}
	}
	if len(sent) != 1 || !strings.Contains(sent[0], `"`+ids.Encode(recent.ID)+`"`) {
		t.Fatalf("sent on resume: %q, want conversation %s", sent, ids.Encode(recent.ID))
	}
	if s := w.get(sub.ID); !s.PausedAt.IsZero() || s.PausedReason != "" {
		t.Errorf("still paused: %+v", s)
	}
	ds, _ = w.subs.Deliveries(w.ctx, w.ws, sub.ID, 10)
	dropped := 0
	for _, d := range ds {
		if d.Status == "failed" && strings.Contains(d.LastError, "held longer than") {
			dropped++
		}
		if d.Held() {
			t.Errorf("still held: %+v", d)
		}
	}
	if dropped != 2 {
		t.Errorf("%d held deliveries dropped, want 2 (of %s and the other one older than HoldFor)", dropped, ids.Encode(old.ID))
	}
	if n, err := w.subs.Resume(w.ctx, w.ws, sub.ID); err != nil || n != 0 {
		t.Errorf("Resume of an active webhook = %d, %v", n, err)
	}
	if _, err := w.subs.Resume(w.ctx, w.ws+1000, sub.ID); err != webhook.ErrNotFound {
		t.Errorf("Resume from another workspace: %v", err)
	}
}

// TestAWebhookThatStillDeliversIsNotPaused: a receiver that refuses one event but takes
// others (a bug in one handler) keeps its webhook, and the given-up delivery is failed.
func TestAWebhookThatStillDeliversIsNotPaused(t *testing.T) {
	w := newWorld(t, true)
	sub := w.subscribe(webhook.ConversationCreated)
	w.recv.fail = []int{http.StatusInternalServerError}
	w.conversation(false)
	w.runDue() // the first attempt fails
	w.conversation(false)
	w.runDue() // the second event is delivered
	for range webhook.Backoff {
		w.recv.fail = append(w.recv.fail, http.StatusInternalServerError)
	}
	for _, b := range webhook.Backoff {
		w.clock.add(b)
		w.runDue()
	}
	ds, _ := w.subs.Deliveries(w.ctx, w.ws, sub.ID, 10)
	if len(ds) != 2 || ds[1].Status != "failed" || ds[0].Status != "delivered" {
		t.Fatalf("%+v", ds)
	}
	if s := w.get(sub.ID); !s.PausedAt.IsZero() {
		t.Errorf("paused though a delivery succeeded: %+v", s)
	}
	if mails := w.mail.mails(); len(mails) != 0 {
		t.Errorf("mailed: %q", mails)
	}
}

// TestTestEventsAreLimitedPerWebhook: past TestsPerMinute a test event is refused with a
// message that says when to try again; another webhook is not held back.
func TestTestEventsAreLimitedPerWebhook(t *testing.T) {
	w := newWorld(t, true)
	sub, other := w.subscribe(webhook.ConversationCreated), w.subscribe(webhook.ConversationCreated)
	for i := range webhook.TestsPerMinute {
		if err := w.subs.SendTest(w.ctx, w.ws, sub.ID); err != nil {
			t.Fatalf("test %d: %v", i+1, err)
		}
		w.clock.add(time.Second)
	}
	err := w.subs.SendTest(w.ctx, w.ws, sub.ID)
	if err == nil || !strings.Contains(err.Error(), "test events a minute: try again in 55 seconds") {
		t.Fatalf("test %d: %v", webhook.TestsPerMinute+1, err)
	}
	if err := w.subs.SendTest(w.ctx, w.ws, other.ID); err != nil {
		t.Errorf("another webhook: %v", err)
	}
	w.clock.add(55 * time.Second)
	if err := w.subs.SendTest(w.ctx, w.ws, sub.ID); err != nil {
		t.Errorf("a minute after the first: %v", err)
	}
}

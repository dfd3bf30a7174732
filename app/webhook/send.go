package webhook

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"agent/app/fetch"
	"agent/app/jobs"
	"agent/app/store"
)

// The job kinds of webhooks, run by a runner of their own (Kinds) so that a receiver that
// is slow to answer holds up no other work.
const (
	JobDispatch = "webhook-dispatch" // write an event's payload, queue its deliveries
	JobDeliver  = "webhook-deliver"  // one attempt of one delivery
	JobPrune    = "webhook-prune"    // drop the log past its retention
)

// Kinds are the job kinds a webhook runner takes (jobs.Runner.Only), and the main one leaves.
var Kinds = []string{JobDispatch, JobDeliver, JobPrune, JobPaused}

// SettingAllowPrivate is the install's setting that lets webhooks be sent to loopback and
// private addresses (a receiver on the same machine or network).
const SettingAllowPrivate = "webhooks.allow_private_urls"

// Backoff is the wait after each failed attempt: eight attempts over about 23 hours, then
// the delivery is marked failed.
var Backoff = []time.Duration{time.Minute, 5 * time.Minute, 30 * time.Minute, time.Hour, 3 * time.Hour, 6 * time.Hour, 12 * time.Hour}

// The log's bounds: events (and their deliveries) older than Retention go, and each
// subscription keeps at most KeepPerSubscription deliveries.
const (
	Retention           = 14 * 24 * time.Hour
	KeepPerSubscription = 1000
	pruneEvery          = time.Hour
)

const (
	defaultTimeout = 10 * time.Second
	maxResponse    = 64 << 10 // read of a receiver's answer, then the connection is dropped
	maxErrorText   = 300      // of a receiver's answer kept in the log
)

// Options configures a Sender.
type Options struct {
	DB *store.DB
	// AllowPrivate lets deliveries reach loopback and private addresses (webhooks.allow_private_urls).
	AllowPrivate bool
	// BaseURL is the install's public URL, for the links in payloads.
	BaseURL string
	// Timeout bounds one attempt, from connecting to the end of the answer (default 10 s).
	Timeout   time.Duration
	UserAgent string
	Log       *slog.Logger
	// Mail tells admins that a webhook was paused; nil tells them on its pages only.
	Mail Mailer
}

// Sender dispatches events and delivers them.
type Sender struct {
	db        *store.DB
	hc        *http.Client
	now       func() time.Time
	userAgent string
	log       *slog.Logger
	mail      Mailer
	BaseURL   string
}

// NewSender returns a Sender whose connections follow the install's address policy
// (app/fetch): without AllowPrivate, an admin could probe the server's own network with a
// webhook's URL.
func NewSender(o Options) *Sender {
	if o.Timeout <= 0 {
		o.Timeout = defaultTimeout
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	if o.UserAgent == "" {
		o.UserAgent = "agent-webhooks/1"
	}
	guard := fetch.New(fetch.Options{AllowPrivate: o.AllowPrivate, Setting: SettingAllowPrivate})
	tr := &http.Transport{
		Proxy:                  nil, // a proxy would make the connection, and the address check, somebody else's
		DialContext:            guard.DialContext,
		ForceAttemptHTTP2:      true,
		MaxIdleConns:           16,
		MaxIdleConnsPerHost:    2,
		IdleConnTimeout:        30 * time.Second,
		TLSHandshakeTimeout:    o.Timeout,
		ResponseHeaderTimeout:  o.Timeout,
		MaxResponseHeaderBytes: 64 << 10,
	}
	hc := &http.Client{Transport: tr, Timeout: o.Timeout,
		// A redirect is an answer, not followed: its target was never checked by an admin.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	return &Sender{db: o.DB, hc: hc, now: time.Now, userAgent: o.UserAgent, log: o.Log, mail: o.Mail, BaseURL: o.BaseURL}
}

// SetClock replaces the clock, for tests.
func (d *Sender) SetClock(now func() time.Time) { d.now = now }

// Register sets the webhook jobs' handlers on r and schedules the log's pruning.
func (d *Sender) Register(ctx context.Context, r *jobs.Runner) error {
	r.Handle(JobDispatch, d.Dispatch)
	r.Handle(JobDeliver, d.Deliver)
	r.Handle(JobPrune, func(ctx context.Context, _ json.RawMessage) error { return d.Prune(ctx) })
	r.Handle(JobPaused, d.NoticePaused)
	return r.Every(ctx, JobPrune, pruneEvery)
}

type dispatchJob struct {
	Event int64 `json:"event"`
}

type deliverJob struct {
	Delivery int64 `json:"delivery"`
}

type event struct {
	id, workspaceID, ref, subscription, created int64
	typ                                         Type
	payload                                     sql.NullString
}

// Dispatch writes an event's payload (once) and queues a delivery to each active
// subscription that wants it, or to the one subscription a test event is for.
func (d *Sender) Dispatch(ctx context.Context, raw json.RawMessage) error {
	var j dispatchJob
	if err := json.Unmarshal(raw, &j); err != nil {
		return fmt.Errorf("webhook: dispatch: %w", err)
	}
	var e event
	var typ string
	err := d.db.Read.QueryRowContext(ctx, `SELECT id, workspace_id, type, ref_id, COALESCE(subscription_id, 0), payload, created_at
		FROM webhook_events WHERE id = ?`, j.Event).Scan(&e.id, &e.workspaceID, &typ, &e.ref, &e.subscription, &e.payload, &e.created)
	if errors.Is(err, sql.ErrNoRows) {
		return nil // pruned, or its workspace deleted
	}
	if err != nil {
		return fmt.Errorf("webhook: dispatch: %w", err)
	}
	e.typ = Type(typ)
	if e.payload.Valid {
		return nil // dispatched already: a job run again after a stop
	}
	p, err := d.payload(ctx, e)
	if errors.Is(err, errGone) {
		_, err = d.db.Write.ExecContext(ctx, "DELETE FROM webhook_events WHERE id = ?", e.id)
		return err
	}
	if err != nil {
		return err
	}
	body, err := marshal(p)
	if err != nil {
		return err
	}
	now := d.now()
	return d.db.Tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, "UPDATE webhook_events SET payload = ? WHERE id = ? AND payload IS NULL", string(body), e.id)
		if err != nil {
			return fmt.Errorf("webhook: dispatch: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil
		}
		rows, err := tx.QueryContext(ctx, `INSERT INTO webhook_deliveries (subscription_id, event_id, next_attempt_at, created_at, updated_at)
			SELECT id, ?1, ?2, ?2, ?2 FROM webhook_subscriptions WHERE workspace_id = ?3
			AND (id = ?4 OR (?4 = 0 AND active = 1 AND instr(events, ' ' || ?5 || ' ') > 0)) RETURNING id`,
			e.id, now.Unix(), e.workspaceID, e.subscription, string(e.typ))
		if err != nil {
			return fmt.Errorf("webhook: dispatch: %w", err)
		}
		var queued []int64
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return err
			}
			queued = append(queued, id)
		}
		rows.Close()
		for _, id := range queued {
			if err := jobs.Schedule(ctx, tx, JobDeliver, now, deliverJob{id}); err != nil {
				return err
			}
		}
		return rows.Err()
	})
}

// attempt is the outcome of one POST.
type attempt struct {
	status   int
	duration time.Duration
	err      string // "" when delivered
}

// Deliver makes one attempt of a delivery and records it: delivered on a 2xx answer, else
// tried again after the next Backoff, or failed when none is left, which may pause the
// webhook (pause.go). A paused webhook's delivery is held instead, its test event aside.
// It returns an error only when it could not record the attempt; the job runner then
// runs it again.
func (d *Sender) Deliver(ctx context.Context, raw json.RawMessage) error {
	var j deliverJob
	if err := json.Unmarshal(raw, &j); err != nil {
		return fmt.Errorf("webhook: deliver: %w", err)
	}
	var url, secret, status, typ, body string
	var attempts int
	var sub, created int64
	var paused bool
	err := d.db.Read.QueryRowContext(ctx, `SELECT s.id, s.url, s.secret, s.paused_at IS NOT NULL, d.status, d.attempts, d.created_at, e.type, e.payload
		FROM webhook_deliveries d JOIN webhook_subscriptions s ON s.id = d.subscription_id JOIN webhook_events e ON e.id = d.event_id
		WHERE d.id = ?`, j.Delivery).Scan(&sub, &url, &secret, &paused, &status, &attempts, &created, &typ, &body)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && status != "pending") {
		return nil // the subscription was deleted, or a run again after a stop
	}
	if err != nil {
		return fmt.Errorf("webhook: deliver: %w", err)
	}
	if paused && Type(typ) != Ping {
		return d.db.Tx(ctx, func(tx *sql.Tx) error { return hold(ctx, tx, j, d.now()) })
	}
	a := d.post(ctx, url, secret, Type(typ), j.Delivery, []byte(body))
	attempts++
	now := d.now()
	return d.db.Tx(ctx, func(tx *sql.Tx) error {
		var next any
		st := "delivered"
		if a.err != "" {
			st = "failed"
			if attempts <= len(Backoff) {
				st, next = "pending", now.Add(Backoff[attempts-1]).Unix()
				if err := jobs.Schedule(ctx, tx, JobDeliver, now.Add(Backoff[attempts-1]), j); err != nil {
					return err
				}
			}
			d.log.Warn("webhook delivery failed", "delivery", j.Delivery, "url", url, "attempt", attempts, "err", a.err)
		}
		_, err := tx.ExecContext(ctx, `UPDATE webhook_deliveries SET status = ?, attempts = ?, response_status = ?, response_ms = ?,
			last_error = ?, next_attempt_at = ?, updated_at = ? WHERE id = ?`,
			st, attempts, a.status, a.duration.Milliseconds(), a.err, next, now.Unix(), j.Delivery)
		if err != nil {
			return fmt.Errorf("webhook: record delivery: %w", err)
		}
		if st == "failed" {
			pausedNow, err := pauseIfFailing(ctx, tx, sub, time.Unix(created, 0), now, Type(typ), a.err)
			if pausedNow {
				d.log.Warn("webhook paused: every delivery failed for a day", "subscription", sub, "url", url)
			}
			return err
		}
		return nil
	})
}

// post sends one signed attempt.
func (d *Sender) post(ctx context.Context, url, secret string, t Type, deliveryID int64, body []byte) attempt {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return attempt{err: err.Error()}
	}
	ts := d.now().Unix()
	h := req.Header
	h.Set("Content-Type", "application/json")
	h.Set("User-Agent", d.userAgent)
	h.Set(HeaderEvent, string(t))
	h.Set(HeaderDelivery, strconv.FormatInt(deliveryID, 10))
	h.Set(HeaderTimestamp, strconv.FormatInt(ts, 10))
	h.Set(HeaderSignature, Sign(secret, ts, body))
	start := time.Now()
	resp, err := d.hc.Do(req)
	if err != nil {
		return attempt{duration: time.Since(start), err: err.Error()}
	}
	defer resp.Body.Close()
	answer, _ := io.ReadAll(io.LimitReader(resp.Body, maxResponse))
	a := attempt{status: resp.StatusCode, duration: time.Since(start)}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		a.err = resp.Status
		if text := strings.TrimSpace(string(answer)); text != "" && utf8.ValidString(text) {
			a.err += ": " + truncate(text, maxErrorText)
		}
	}
	return a
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

// Prune drops the events (with their deliveries) past Retention, and each subscription's
// deliveries beyond its newest KeepPerSubscription.
func (d *Sender) Prune(ctx context.Context) error {
	cut := d.now().Add(-Retention).Unix()
	if _, err := d.db.Write.ExecContext(ctx, "DELETE FROM webhook_events WHERE created_at < ?", cut); err != nil {
		return fmt.Errorf("webhook: prune: %w", err)
	}
	_, err := d.db.Write.ExecContext(ctx, `DELETE FROM webhook_deliveries WHERE id IN (SELECT id FROM (
		SELECT id, row_number() OVER (PARTITION BY subscription_id ORDER BY id DESC) AS n FROM webhook_deliveries) WHERE n > ?)`, KeepPerSubscription)
	if err != nil {
		return fmt.Errorf("webhook: prune: %w", err)
	}
	return nil
}

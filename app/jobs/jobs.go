// Package jobs runs work later or on a schedule from a table in the database, so that a
// restart loses none of it: a job taken by a process that died is taken again once its
// lease runs out.
package jobs

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"time"

	"agent/app/store"
)

// Handler does one job; an error makes the job run again later.
type Handler func(ctx context.Context, payload json.RawMessage) error

// Runner takes due jobs and runs their handlers, one at a time.
type Runner struct {
	db       *store.DB
	log      *slog.Logger
	handlers map[string]Handler
	now      func() time.Time
	// Poll is how often the runner looks for due jobs; Lease how long a taken job is
	// left alone before another run may take it (a handler must finish within it).
	Poll  time.Duration
	Lease time.Duration
	// Only, when set, limits the runner to these kinds, and Except keeps it off these: two
	// runners over the one table split the kinds between them, so that slow work (webhook
	// deliveries waiting on receivers) never holds up the rest (a customer's answer).
	Only, Except []string
}

// maxAttempts is how often a one-off job is tried before it is given up (and logged).
const maxAttempts = 10

// New returns a Runner over db.
func New(db *store.DB, log *slog.Logger) *Runner {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Runner{db: db, log: log, handlers: map[string]Handler{}, now: time.Now, Poll: 5 * time.Second, Lease: 5 * time.Minute}
}

// SetClock replaces the runner's clock, for tests that move time.
func (r *Runner) SetClock(now func() time.Time) { r.now = now }

// Handle sets the handler of a kind of job; call it before Run.
func (r *Runner) Handle(kind string, h Handler) { r.handlers[kind] = h }

// Every makes kind run every interval, first at once; calling it again changes the interval.
func (r *Runner) Every(ctx context.Context, kind string, interval time.Duration) error {
	now := r.now().Unix()
	_, err := r.db.Write.ExecContext(ctx, `INSERT INTO jobs (kind, run_at, every) VALUES (?, ?, ?)
		ON CONFLICT (kind) WHERE every > 0 DO UPDATE SET every = excluded.every`, kind, now, int64(interval/time.Second))
	if err != nil {
		return fmt.Errorf("jobs: schedule %s: %w", kind, err)
	}
	return nil
}

// At schedules one run of kind with payload (JSON-encoded) at t.
func (r *Runner) At(ctx context.Context, kind string, t time.Time, payload any) error {
	return schedule(ctx, r.db.Write, kind, t, payload)
}

// Schedule is At inside the caller's transaction: the job exists if and only if what it
// works on was committed with it, so a stop right after the commit still runs it once.
func Schedule(ctx context.Context, tx Execer, kind string, t time.Time, payload any) error {
	return schedule(ctx, tx, kind, t, payload)
}

// Execer is a transaction (or the database's writer, outside one).
type Execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

func schedule(ctx context.Context, db Execer, kind string, t time.Time, payload any) error {
	b, err := json.Marshal(payload)
	if err != nil {
		return fmt.Errorf("jobs: schedule %s: %w", kind, err)
	}
	if _, err := db.ExecContext(ctx, "INSERT INTO jobs (kind, payload, run_at) VALUES (?, ?, ?)", kind, string(b), t.Unix()); err != nil {
		return fmt.Errorf("jobs: schedule %s: %w", kind, err)
	}
	return nil
}

// Run runs due jobs until ctx ends. It first drops the recurring jobs it takes but no handler runs:
// every start schedules its own (Every), so those were left by an earlier version.
func (r *Runner) Run(ctx context.Context) {
	if err := r.dropUnhandled(ctx); err != nil {
		r.log.Error("jobs", "err", err)
	}
	t := time.NewTicker(r.Poll)
	defer t.Stop()
	for {
		if _, err := r.RunDue(ctx); err != nil && ctx.Err() == nil {
			r.log.Error("jobs", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

func (r *Runner) dropUnhandled(ctx context.Context) error {
	kinds, err := json.Marshal(slices.Collect(maps.Keys(r.handlers)))
	if err != nil {
		return err
	}
	only, except, err := kindLists(r.Only, r.Except)
	if err != nil {
		return err
	}
	// Only the kinds this runner takes: the others are another runner's.
	res, err := r.db.Write.ExecContext(ctx, `DELETE FROM jobs WHERE every > 0 AND kind NOT IN (SELECT value FROM json_each(?1))
		AND (?2 IS NULL OR kind IN (SELECT value FROM json_each(?2))) AND kind NOT IN (SELECT value FROM json_each(?3))`, string(kinds), only, except)
	if err != nil {
		return fmt.Errorf("jobs: drop unhandled: %w", err)
	}
	if n, _ := res.RowsAffected(); n > 0 {
		r.log.Info("dropped recurring jobs no longer run", "count", n)
	}
	return nil
}

type job struct {
	id       int64
	kind     string
	payload  string
	every    int64
	attempts int
}

// RunDue runs every job that is due now and returns how many ran.
func (r *Runner) RunDue(ctx context.Context) (int, error) {
	n := 0
	for ctx.Err() == nil {
		j, ok, err := r.take(ctx)
		if err != nil || !ok {
			return n, err
		}
		n++
		if err := r.finish(ctx, j, r.run(ctx, j)); err != nil {
			return n, err
		}
	}
	return n, nil
}

// take leases the next due job, atomically, so that two runners never run it at once.
func (r *Runner) take(ctx context.Context) (job, bool, error) {
	var j job
	now := r.now().Unix()
	only, except, err := kindLists(r.Only, r.Except)
	if err != nil {
		return j, false, err
	}
	err = r.db.Tx(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `SELECT id, kind, payload, every, attempts FROM jobs
			WHERE done_at IS NULL AND run_at <= ?1 AND locked_until <= ?1
			AND (?2 IS NULL OR kind IN (SELECT value FROM json_each(?2))) AND kind NOT IN (SELECT value FROM json_each(?3))
			ORDER BY run_at, id LIMIT 1`, now, only, except).
			Scan(&j.id, &j.kind, &j.payload, &j.every, &j.attempts)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, "UPDATE jobs SET locked_until = ?, attempts = attempts + 1 WHERE id = ?", now+int64(r.Lease/time.Second), j.id)
		return err
	})
	if errors.Is(err, sql.ErrNoRows) {
		return j, false, nil
	}
	if err != nil {
		return j, false, fmt.Errorf("jobs: take: %w", err)
	}
	j.attempts++
	return j, true, nil
}

// kindLists encodes Only (NULL when unset: every kind) and Except for take's query.
func kindLists(only, except []string) (any, string, error) {
	var o any
	if only != nil {
		b, err := json.Marshal(only)
		if err != nil {
			return nil, "", err
		}
		o = string(b)
	}
	e, err := json.Marshal(append([]string{}, except...))
	return o, string(e), err
}

func (r *Runner) run(ctx context.Context, j job) (err error) {
	h := r.handlers[j.kind]
	if h == nil {
		return fmt.Errorf("no handler for job kind %q", j.kind)
	}
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("panic: %v", p)
		}
	}()
	ctx, cancel := context.WithTimeout(ctx, r.Lease)
	defer cancel()
	return h(ctx, json.RawMessage(j.payload))
}

// finish records the outcome: a recurring job is due again after its interval, a one-off
// job is done; a failure is retried with a growing delay.
func (r *Runner) finish(ctx context.Context, j job, runErr error) error {
	now := r.now().Unix()
	var err error
	switch {
	case runErr == nil && j.every > 0:
		_, err = r.db.Write.ExecContext(ctx, "UPDATE jobs SET run_at = ?, locked_until = 0, attempts = 0, last_error = '' WHERE id = ?", now+j.every, j.id)
	case runErr == nil:
		_, err = r.db.Write.ExecContext(ctx, "UPDATE jobs SET done_at = ?, locked_until = 0, last_error = '' WHERE id = ?", now, j.id)
	case j.every == 0 && j.attempts >= maxAttempts:
		r.log.Error("job failed; giving up", "kind", j.kind, "id", j.id, "attempts", j.attempts, "err", runErr)
		_, err = r.db.Write.ExecContext(ctx, "UPDATE jobs SET done_at = ?, locked_until = 0, last_error = ? WHERE id = ?", now, runErr.Error(), j.id)
	default:
		r.log.Warn("job failed; will retry", "kind", j.kind, "id", j.id, "attempts", j.attempts, "err", runErr)
		delay := min(int64(30)<<min(j.attempts, 7), 3600) // 1 minute, 2, 4... at most an hour
		if j.every > 0 {
			delay = min(delay, j.every)
		}
		_, err = r.db.Write.ExecContext(ctx, "UPDATE jobs SET run_at = ?, locked_until = 0, last_error = ? WHERE id = ?", now+delay, runErr.Error(), j.id)
	}
	if err != nil {
		return fmt.Errorf("jobs: finish %s: %w", j.kind, err)
	}
	return nil
}

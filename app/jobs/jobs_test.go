package jobs

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"agent/app/store"
)

// testClock is the runners' time, moved by the test.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *testClock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func newDB(t *testing.T) *store.DB {
	t.Helper()
	db, err := store.Open(context.Background(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func newRunner(db *store.DB, c *testClock) *Runner {
	r := New(db, nil)
	r.now = c.now
	return r
}

type row struct {
	runAt, lockedUntil int64
	attempts           int
	lastError          string
	done               bool
}

func jobRow(t *testing.T, db *store.DB, kind string) row {
	t.Helper()
	var r row
	var done *int64
	err := db.Read.QueryRow("SELECT run_at, locked_until, attempts, last_error, done_at FROM jobs WHERE kind = ?", kind).
		Scan(&r.runAt, &r.lockedUntil, &r.attempts, &r.lastError, &done)
	if err != nil {
		t.Fatal(err)
	}
	r.done = done != nil
	return r
}

func runDue(t *testing.T, r *Runner) int {
	t.Helper()
	n, err := r.RunDue(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestRecurringJobRunsAndIsRescheduled(t *testing.T) {
	db := newDB(t)
	c := &testClock{t: time.Unix(1_700_000_000, 0)}
	r := newRunner(db, c)
	runs := 0
	r.Handle("sweep", func(context.Context, json.RawMessage) error { runs++; return nil })
	if err := r.Every(context.Background(), "sweep", time.Minute); err != nil {
		t.Fatal(err)
	}
	// Scheduling it again (a restart) keeps one job.
	if err := r.Every(context.Background(), "sweep", time.Minute); err != nil {
		t.Fatal(err)
	}
	if n := runDue(t, r); n != 1 || runs != 1 {
		t.Fatalf("first run: ran %d, handler %d times", n, runs)
	}
	if got := jobRow(t, db, "sweep"); got.runAt != c.now().Unix()+60 || got.lockedUntil != 0 || got.done || got.attempts != 0 {
		t.Fatalf("after a run: %+v", got)
	}
	c.add(59 * time.Second)
	if n := runDue(t, r); n != 0 {
		t.Fatalf("ran %d before its interval", n)
	}
	c.add(time.Second)
	if n := runDue(t, r); n != 1 || runs != 2 {
		t.Fatalf("second run: ran %d, handler %d times", n, runs)
	}
	var count int
	db.Read.QueryRow("SELECT COUNT(*) FROM jobs").Scan(&count)
	if count != 1 {
		t.Errorf("%d jobs, want 1", count)
	}
}

func TestFailingJobIsRetriedLater(t *testing.T) {
	db := newDB(t)
	c := &testClock{t: time.Unix(1_700_000_000, 0)}
	r := newRunner(db, c)
	fail := true
	var got []string
	r.Handle("send", func(_ context.Context, p json.RawMessage) error {
		var s string
		if err := json.Unmarshal(p, &s); err != nil {
			return err
		}
		got = append(got, s)
		if fail {
			return errors.New("smtp: connection refused")
		}
		return nil
	})
	if err := r.At(context.Background(), "send", c.now(), "hello"); err != nil {
		t.Fatal(err)
	}
	if n := runDue(t, r); n != 1 {
		t.Fatalf("ran %d", n)
	}
	row := jobRow(t, db, "send")
	if row.done || row.attempts != 1 || row.lastError != "smtp: connection refused" || row.runAt <= c.now().Unix() || row.lockedUntil != 0 {
		t.Fatalf("after a failure: %+v", row)
	}
	if n := runDue(t, r); n != 0 {
		t.Fatal("retried at once")
	}
	c.add(time.Duration(row.runAt-c.now().Unix()) * time.Second)
	fail = false
	if n := runDue(t, r); n != 1 {
		t.Fatalf("retry ran %d", n)
	}
	if row := jobRow(t, db, "send"); !row.done || row.attempts != 2 || row.lastError != "" {
		t.Errorf("after the retry: %+v", row)
	}
	if len(got) != 2 || got[0] != "hello" || got[1] != "hello" {
		t.Errorf("payloads = %q", got)
	}
}

func TestPanickingOrUnknownJobsAreRetried(t *testing.T) {
	db := newDB(t)
	c := &testClock{t: time.Unix(1_700_000_000, 0)}
	r := newRunner(db, c)
	r.Handle("explode", func(context.Context, json.RawMessage) error { panic("boom") })
	for _, kind := range []string{"explode", "nobody-handles-this"} {
		if err := r.At(context.Background(), kind, c.now(), nil); err != nil {
			t.Fatal(err)
		}
	}
	if n := runDue(t, r); n != 2 {
		t.Fatalf("ran %d, want 2", n)
	}
	if row := jobRow(t, db, "explode"); row.done || row.lastError != "panic: boom" {
		t.Errorf("panicking job: %+v", row)
	}
	if row := jobRow(t, db, "nobody-handles-this"); row.done || row.lastError == "" {
		t.Errorf("unhandled job: %+v", row)
	}
}

func TestJobOfACrashedRunnerIsTakenAgain(t *testing.T) {
	db := newDB(t)
	c := &testClock{t: time.Unix(1_700_000_000, 0)}
	crashed := newRunner(db, c)
	if err := crashed.At(context.Background(), "import", c.now(), map[string]int{"source": 7}); err != nil {
		t.Fatal(err)
	}
	// The first process takes the job and dies before finishing it.
	if _, ok, err := crashed.take(context.Background()); err != nil || !ok {
		t.Fatalf("take: %v %v", ok, err)
	}
	if row := jobRow(t, db, "import"); row.lockedUntil != c.now().Unix()+int64(crashed.Lease/time.Second) || row.attempts != 1 {
		t.Fatalf("leased: %+v", row)
	}

	// After a restart, the job is left alone while its lease lasts...
	restarted := newRunner(db, c)
	runs := 0
	restarted.Handle("import", func(_ context.Context, p json.RawMessage) error {
		runs++
		if string(p) != `{"source":7}` {
			t.Errorf("payload %s", p)
		}
		return nil
	})
	c.add(time.Minute)
	if n := runDue(t, restarted); n != 0 {
		t.Fatalf("took a leased job: %d", n)
	}
	// ... and taken once it is over.
	c.add(crashed.Lease)
	if n := runDue(t, restarted); n != 1 || runs != 1 {
		t.Fatalf("after the lease: ran %d, handler %d times", n, runs)
	}
	if row := jobRow(t, db, "import"); !row.done || row.attempts != 2 {
		t.Errorf("done: %+v", row)
	}
}

func TestOneOffJobRunsOnce(t *testing.T) {
	db := newDB(t)
	c := &testClock{t: time.Unix(1_700_000_000, 0)}
	r := newRunner(db, c)
	runs := 0
	r.Handle("welcome", func(context.Context, json.RawMessage) error { runs++; return nil })
	if err := r.At(context.Background(), "welcome", c.now().Add(time.Hour), nil); err != nil {
		t.Fatal(err)
	}
	if n := runDue(t, r); n != 0 {
		t.Fatal("ran before its time")
	}
	c.add(time.Hour)
	for range 3 {
		runDue(t, r)
		c.add(time.Hour)
	}
	if runs != 1 {
		t.Fatalf("ran %d times, want 1", runs)
	}
	if row := jobRow(t, db, "welcome"); !row.done || row.attempts != 1 {
		t.Errorf("row = %+v", row)
	}
}

func TestRunStopsWithItsContext(t *testing.T) {
	db := newDB(t)
	r := New(db, nil)
	r.Poll = 10 * time.Millisecond
	ran := make(chan struct{}, 1)
	r.Handle("ping", func(context.Context, json.RawMessage) error {
		select {
		case ran <- struct{}{}:
		default:
		}
		return nil
	})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { r.Run(ctx); close(done) }()
	if err := r.At(context.Background(), "ping", time.Now(), nil); err != nil {
		t.Fatal(err)
	}
	select {
	case <-ran:
	case <-time.After(5 * time.Second):
		t.Fatal("the job did not run")
	}
	cancel()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not return")
	}
}

// A recurring job of a kind no handler runs (left by an earlier version) is dropped when
// the runner starts; one-off jobs and handled ones stay.
func TestRunDropsUnhandledRecurringJobs(t *testing.T) {
	db := newDB(t)
	ctx := context.Background()
	r := New(db, nil)
	r.Handle("ping", func(context.Context, json.RawMessage) error { return nil })
	for _, kind := range []string{"ping", "retired"} {
		if err := r.Every(ctx, kind, time.Hour); err != nil {
			t.Fatal(err)
		}
	}
	if err := r.At(ctx, "one-off", time.Now().Add(time.Hour), nil); err != nil {
		t.Fatal(err)
	}
	if err := r.dropUnhandled(ctx); err != nil {
		t.Fatal(err)
	}
	var kinds []string
	rows, err := db.Read.Query("SELECT kind FROM jobs ORDER BY kind")
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var k string
		rows.Scan(&k)
		kinds = append(kinds, k)
	}
	rows.Close()
	if strings.Join(kinds, " ") != "one-off ping" {
		t.Errorf("jobs left: %v", kinds)
	}
}

func TestRunnersSplitTheKindsBetweenThem(t *testing.T) {
	db := newDB(t)
	c := &testClock{t: time.Unix(1_700_000_000, 0)}
	main, hooks := newRunner(db, c), newRunner(db, c)
	hooks.Only, main.Except = []string{"deliver"}, []string{"deliver"}
	var ran []string
	main.Handle("send", func(context.Context, json.RawMessage) error { ran = append(ran, "main:send"); return nil })
	hooks.Handle("deliver", func(context.Context, json.RawMessage) error { ran = append(ran, "hooks:deliver"); return nil })
	for _, kind := range []string{"deliver", "send"} {
		if err := main.At(context.Background(), kind, c.now(), nil); err != nil {
			t.Fatal(err)
		}
	}
	if n := runDue(t, hooks); n != 1 || strings.Join(ran, " ") != "hooks:deliver" {
		t.Fatalf("the webhook runner ran %d: %v", n, ran)
	}
	if n := runDue(t, main); n != 1 || strings.Join(ran, " ") != "hooks:deliver main:send" {
		t.Fatalf("the main runner ran %d: %v", n, ran)
	}
	// Each drops only the recurring jobs of the kinds it takes.
	if err := main.Every(context.Background(), "deliver-sweep", time.Minute); err != nil {
		t.Fatal(err)
	}
	hooks.Only = append(hooks.Only, "deliver-sweep")
	main.Except = hooks.Only
	if err := main.dropUnhandled(context.Background()); err != nil {
		t.Fatal(err)
	}
	jobRow(t, db, "deliver-sweep") // still there
	if err := hooks.dropUnhandled(context.Background()); err != nil {
		t.Fatal(err)
	}
	var n int
	db.Read.QueryRow("SELECT count(*) FROM jobs WHERE kind = 'deliver-sweep'").Scan(&n)
	if n != 0 {
		t.Fatal("the webhook runner kept a recurring job of its own no handler runs")
	}
}

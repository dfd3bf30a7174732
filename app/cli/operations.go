package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"time"

	"agent/app/config"
	"agent/app/inbox"
	"agent/app/jobs"
	"agent/app/metrics"
	"agent/app/store"
)

// Exit codes of `agent version --check` besides exitOK (the schema matches).
const (
	exitSchemaOlder = 1 // the database needs the binary's migrations (agent migrate, or serve)
	exitSchemaNewer = 3 // the database is from a newer binary: this one refuses to start
)

func restore(ctx context.Context, e Env, args []string) int {
	f := newFlags(e, "restore", "FILE", "Replace the database with the backup FILE. The server must be stopped; the current\ndatabase is kept aside. Start the server afterwards: an older backup is migrated then.")
	rest, code, ok := f.parse(args)
	if !ok {
		return code
	}
	if extraArgs(e, f, rest, 1) {
		return exitUsage
	}
	cfg, err := f.load(e)
	if err != nil {
		return fail(e, err)
	}
	lock, err := store.LockExclusive(cfg.Data.Dir)
	if err != nil {
		return fail(e, err)
	}
	defer lock.Release()
	info, aside, err := store.Restore(ctx, rest[0], cfg.Data.Dir, time.Now())
	if err != nil {
		return fail(e, err)
	}
	fmt.Fprintf(e.Stdout, "restored %s (schema version %d of %d) into %s\n", rest[0], info.SchemaVersion, info.Known, cfg.Data.Dir)
	if aside != "" {
		fmt.Fprintf(e.Stdout, "the database before the restore is kept at %s\n", aside)
	}
	return exitOK
}

func version(ctx context.Context, e Env, args []string) int {
	f := newFlags(e, "version", "", "Print the version. With --check, say whether the database's schema matches this binary:\nexit 0 when it does, 1 when the database needs this binary's migrations, 3 when it is\nfrom a newer binary.")
	check := f.Bool("check", false, "compare the database's schema with this binary's")
	rest, code, ok := f.parse(args)
	if !ok {
		return code
	}
	if extraArgs(e, f, rest, 0) {
		return exitUsage
	}
	fmt.Fprintln(e.Stdout, "agent "+e.Version)
	if !*check {
		return exitOK
	}
	cfg, err := f.load(e)
	if err != nil {
		return fail(e, err)
	}
	db, err := storeExisting(cfg.Data.Dir)
	if err != nil {
		return fail(e, err)
	}
	defer db.Close()
	have, err := db.SchemaVersion(ctx)
	if err != nil {
		return fail(e, err)
	}
	ms, err := store.Migrations()
	if err != nil {
		return fail(e, err)
	}
	switch want := len(ms); {
	case have == want:
		fmt.Fprintf(e.Stdout, "database %s: schema version %d matches this binary\n", db.Path, have)
		return exitOK
	case have < want:
		fmt.Fprintf(e.Stdout, "database %s: schema version %d, this binary's is %d: 'agent migrate' or starting the server applies %d migration(s)\n", db.Path, have, want, want-have)
		return exitSchemaOlder
	default:
		fmt.Fprintf(e.Stdout, "database %s: schema version %d is newer than this binary's (%d): this binary will not start on it; use the newer binary\n", db.Path, have, want)
		return exitSchemaNewer
	}
}

// jobBackup writes a scheduled backup and deletes the oldest beyond backup.keep.
const jobBackup = "scheduled-backup"

// scheduleBackups makes runner write a backup every backup.interval, when backup.dir is set.
func scheduleBackups(ctx context.Context, cfg *config.Config, db *store.DB, runner *jobs.Runner, log *slog.Logger) error {
	if cfg.Backup.Dir == "" {
		return nil
	}
	runner.Handle(jobBackup, func(ctx context.Context, _ json.RawMessage) error {
		path, err := db.BackupRotating(ctx, cfg.Backup.Dir, cfg.Backup.Keep, time.Now())
		if err != nil {
			return err
		}
		if st, err := os.Stat(path); err == nil {
			log.Info("backup written", "path", path, "bytes", st.Size(), "keep", cfg.Backup.Keep)
		}
		return nil
	})
	return runner.Every(ctx, jobBackup, cfg.Backup.Interval)
}

// newMetrics makes the metrics when metrics.listen is set; nil otherwise.
func newMetrics(cfg *config.Config, db *store.DB, service *inbox.Service, log *slog.Logger) (*metrics.Metrics, error) {
	if cfg.Metrics.Listen == "" {
		return nil, nil
	}
	return metrics.New(metrics.Options{DB: db, Streams: service.Hub.Subscribers, Log: log})
}

// serveMetrics serves /metrics on its own address until ctx ends; the channel closes when
// the listener has stopped.
func serveMetrics(ctx context.Context, addr string, m *metrics.Metrics, log *slog.Logger) (<-chan struct{}, error) {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", m.Handler())
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second, WriteTimeout: time.Minute,
		ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn)}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("metrics: listen on %s: %w", addr, err)
	}
	log.Info("metrics are served", "url", "http://"+ln.Addr().String()+"/metrics")
	done := make(chan struct{})
	go func() {
		defer close(done)
		errc := make(chan error, 1)
		go func() { errc <- srv.Serve(ln) }()
		select {
		case err := <-errc:
			log.Error("metrics server stopped", "err", err)
			return
		case <-ctx.Done():
		}
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		srv.Shutdown(sctx)
	}()
	return done, nil
}

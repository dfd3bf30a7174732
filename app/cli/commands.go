package cli

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"agent/app/store"
)

func migrate(ctx context.Context, e Env, args []string) int {
	f := newFlags(e, "migrate", "", "Apply pending database migrations and exit. 'agent serve' does this too.")
	rest, code, ok := f.parse(args)
	if !ok {
		return code
	}
	if extraArgs(e, f, rest, 0) {
		return exitUsage
	}
	cfg, err := f.load(e)
	if err != nil {
		return fail(e, err)
	}
	db, err := storeOpenFile(cfg.Data.Dir)
	if err != nil {
		return fail(e, err)
	}
	defer db.Close()
	before, err := db.SchemaVersion(ctx)
	if err != nil {
		return fail(e, err)
	}
	n, err := db.Migrate(ctx)
	if err != nil {
		return fail(e, err)
	}
	fmt.Fprintf(e.Stdout, "database %s: schema version %d -> %d (%d migration(s) applied)\n", db.Path, before, before+n, n)
	return exitOK
}

func backup(ctx context.Context, e Env, args []string) int {
	f := newFlags(e, "backup", "FILE", "Write a consistent copy of the database to FILE. Safe while the server runs.")
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
	db, err := storeExisting(cfg.Data.Dir)
	if err != nil {
		return fail(e, err)
	}
	defer db.Close()
	if err := db.Backup(ctx, rest[0]); err != nil {
		return fail(e, err)
	}
	fmt.Fprintf(e.Stdout, "backup written to %s\n", rest[0])
	return exitOK
}

// storeOpenFile opens the database in dir, creating the file when needed, without migrating.
func storeOpenFile(dir string) (*store.DB, error) {
	return store.OpenFile(filepath.Join(dir, store.FileName))
}

// storeExisting opens the database in dir, which must already exist.
func storeExisting(dir string) (*store.DB, error) {
	path := filepath.Join(dir, store.FileName)
	if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("no database at %s (check --data or data.dir)", path)
	}
	return store.OpenFile(path)
}

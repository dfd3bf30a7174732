// Package store opens the SQLite database that holds everything the product keeps:
// one writer connection (SQLite allows one writer at a time, so queuing in Go is cheaper
// than busy-waiting in SQLite) and a pool of read-only connections for everything else.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"syscall"
	"time"

	"github.com/mattn/go-sqlite3" // the SQLite driver, built with -tags sqlite_fts5
)

// FileName is the database file inside the data directory.
const FileName = "agent.db"

// statementCache is how many compiled statements each connection keeps.
const statementCache = 128

// DB is the product's database: Write for statements that change data, Read for queries.
type DB struct {
	Write *sql.DB
	Read  *sql.DB
	Path  string
}

// Open opens (creating if needed) the database in dir and applies pending migrations.
func Open(ctx context.Context, dir string) (*DB, error) {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("store: create data dir: %w", err)
	}
	db, err := OpenFile(filepath.Join(dir, FileName))
	if err != nil {
		return nil, err
	}
	if _, err := db.Migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// OpenFile opens the database at path without migrating it.
func OpenFile(path string) (*DB, error) {
	pragmas := url.Values{}
	pragmas.Set("_journal_mode", "WAL")
	pragmas.Set("_busy_timeout", "5000")
	pragmas.Set("_foreign_keys", "on")
	pragmas.Set("_synchronous", "NORMAL")
	// Each connection keeps its last statements compiled (go-sqlite3's own cache, by
	// text, least recently used out): a statement run again skips SQLite's parsing and
	// planning, which was 11-18 % of the message path's CPU. A statement in use is taken
	// out of the cache, so one run again before the first finishes (a query inside a loop
	// over its own rows) is compiled anew rather than shared. Statements built from a
	// filter (the inbox's lists) come in few shapes; 128 holds them with every constant one.
	pragmas.Set("_stmt_cache_size", strconv.Itoa(statementCache))

	w := url.Values{}
	for k, v := range pragmas {
		w[k] = v
	}
	// BEGIN IMMEDIATE takes the write lock up front, so a transaction never fails
	// half-way when it upgrades from reading to writing.
	w.Set("_txlock", "immediate")
	write, err := sql.Open("sqlite3", "file:"+path+"?"+w.Encode())
	if err != nil {
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	write.SetMaxOpenConns(1)
	write.SetMaxIdleConns(1)
	write.SetConnMaxLifetime(0)
	write.SetConnMaxIdleTime(0)
	if err := write.Ping(); err != nil {
		write.Close()
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}

	r := url.Values{}
	for k, v := range pragmas {
		r[k] = v
	}
	r.Set("_query_only", "true")
	read, err := sql.Open("sqlite3", "file:"+path+"?"+r.Encode())
	if err != nil {
		write.Close()
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	n := max(4, runtime.NumCPU()*2)
	read.SetMaxOpenConns(n)
	read.SetMaxIdleConns(n)
	return &DB{Write: write, Read: read, Path: path}, nil
}

// Close closes both pools.
func (db *DB) Close() error {
	return errors.Join(db.Read.Close(), db.Write.Close())
}

// Tx runs fn in a write transaction, committing when fn returns nil.
func (db *DB) Tx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := db.Write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: begin: %w", err)
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("store: commit: %w", err)
	}
	return nil
}

// Ping checks that the database answers a query.
func (db *DB) Ping(ctx context.Context) error {
	var one int
	return db.Read.QueryRowContext(ctx, "SELECT 1").Scan(&one)
}

// PingWrite commits a one-row write (the time of the check, in settings), so that a
// database that answers queries but takes no writes (a read-only file or mount, an I/O
// error, a lock held elsewhere) shows. A full disk may still take so small a write, in
// WAL pages already on disk: FreeSpace tells that.
func (db *DB) PingWrite(ctx context.Context) error {
	_, err := db.Write.ExecContext(ctx, `INSERT INTO settings (key, value) VALUES ('health_checked_at', ?)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value`, strconv.FormatInt(time.Now().Unix(), 10))
	if err != nil {
		return fmt.Errorf("store: write: %w", err)
	}
	return nil
}

// FreeSpace is how many bytes the file system holding dir has free for the server
// (blocks kept for root not counted).
func FreeSpace(dir string) (uint64, error) {
	var st syscall.Statfs_t
	if err := syscall.Statfs(dir, &st); err != nil {
		return 0, fmt.Errorf("store: free space of %s: %w", dir, err)
	}
	return st.Bavail * uint64(st.Bsize), nil
}

// Backup writes a consistent copy of the live database to dest with VACUUM INTO. It reads
// one snapshot through its own connection, so a running server keeps writing meanwhile.
func (db *DB) Backup(ctx context.Context, dest string) error {
	if _, err := os.Stat(dest); err == nil {
		return fmt.Errorf("store: backup: %s already exists", dest)
	}
	abs, err := filepath.Abs(dest)
	if err != nil {
		return fmt.Errorf("store: backup: %w", err)
	}
	conn, err := sql.Open("sqlite3", "file:"+db.Path+"?_busy_timeout=5000")
	if err != nil {
		return fmt.Errorf("store: backup: %w", err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "VACUUM INTO ?", abs); err != nil {
		os.Remove(abs)
		return fmt.Errorf("store: backup to %s: %w", dest, err)
	}
	return nil
}

// IsUniqueViolation reports whether err is SQLite refusing a row whose key (UNIQUE or
// PRIMARY KEY) is already taken.
func IsUniqueViolation(err error) bool {
	var se sqlite3.Error
	return errors.As(err, &se) &&
		(se.ExtendedCode == sqlite3.ErrConstraintUnique || se.ExtendedCode == sqlite3.ErrConstraintPrimaryKey)
}

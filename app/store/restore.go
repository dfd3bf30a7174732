package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/mattn/go-sqlite3"
)

// FileInfo is what Check found in a database file.
type FileInfo struct {
	SchemaVersion int // the migrations applied to it
	Known         int // the migrations this binary has
}

// Check reads a database file the way a restore needs it read: SQLite's integrity check
// passes, it is this product's database, and its schema is not newer than this binary's.
// path is opened read-write (SQLite may need to recover a journal), so pass a copy.
func Check(ctx context.Context, path string) (FileInfo, error) {
	var info FileInfo
	ms, err := Migrations()
	if err != nil {
		return info, err
	}
	info.Known = len(ms)
	if _, err := os.Stat(path); err != nil {
		return info, fmt.Errorf("store: check %s: %w", path, err)
	}
	db, err := sql.Open("sqlite3", "file:"+path+"?_busy_timeout=5000")
	if err != nil {
		return info, fmt.Errorf("store: check %s: %w", path, err)
	}
	defer db.Close()
	var result string
	if err := db.QueryRowContext(ctx, "PRAGMA integrity_check(1)").Scan(&result); err != nil {
		return info, fmt.Errorf("store: check %s: not a readable SQLite database: %w", path, err)
	}
	if result != "ok" {
		return info, fmt.Errorf("store: check %s: the integrity check failed: %s", path, result)
	}
	if err := db.QueryRowContext(ctx, "PRAGMA user_version").Scan(&info.SchemaVersion); err != nil {
		return info, fmt.Errorf("store: check %s: %w", path, err)
	}
	var tables int
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name IN ('settings', 'workspaces', 'users')`).Scan(&tables); err != nil {
		return info, fmt.Errorf("store: check %s: %w", path, err)
	}
	if info.SchemaVersion < 1 || tables != 3 {
		return info, fmt.Errorf("store: check %s: not a database of this product", path)
	}
	if info.SchemaVersion > info.Known {
		return info, fmt.Errorf("store: check %s: its schema version %d is newer than this binary knows (%d); restore it with the newer agent binary", path, info.SchemaVersion, info.Known)
	}
	return info, nil
}

// Restore replaces the database in dir with the one in src, after checking src (Check).
// The current database is first copied aside (its path is returned; "" when there was
// none). The copy goes in through SQLite's online backup, in one transaction: a process
// that still has the old database open sees either all of it or all of the restored one,
// and no file is renamed under it. The caller holds LockExclusive, so no server runs.
func Restore(ctx context.Context, src, dir string, now time.Time) (FileInfo, string, error) {
	dest := filepath.Join(dir, FileName)
	// A private copy, so that src cannot change between the check and the restore.
	staged := dest + ".restoring"
	os.Remove(staged)
	if err := copyFile(src, staged); err != nil {
		return FileInfo{}, "", fmt.Errorf("store: restore: %w", err)
	}
	defer os.Remove(staged)
	info, err := Check(ctx, staged)
	if err != nil {
		return info, "", errors.New(strings.ReplaceAll(err.Error(), staged, src))
	}
	aside := ""
	if _, err := os.Stat(dest); err == nil {
		old, err := OpenFile(dest)
		if err != nil {
			return info, "", err
		}
		aside = dest + ".before-restore-" + now.UTC().Format("20060102T150405Z")
		err = old.Backup(ctx, aside)
		old.Close()
		if err != nil {
			return info, "", fmt.Errorf("store: restore: keep the current database: %w", err)
		}
	}
	if err := onlineCopy(ctx, staged, dest); err != nil {
		return info, aside, fmt.Errorf("store: restore: %w", err)
	}
	return info, aside, nil
}

// onlineCopy writes every page of src into dest with SQLite's backup API, in one step.
func onlineCopy(ctx context.Context, src, dest string) error {
	from, err := sql.Open("sqlite3", "file:"+src+"?_busy_timeout=5000")
	if err != nil {
		return err
	}
	defer from.Close()
	to, err := sql.Open("sqlite3", "file:"+dest+"?_busy_timeout=10000&_journal_mode=WAL")
	if err != nil {
		return err
	}
	defer to.Close()
	fc, err := from.Conn(ctx)
	if err != nil {
		return err
	}
	defer fc.Close()
	tc, err := to.Conn(ctx)
	if err != nil {
		return err
	}
	defer tc.Close()
	return tc.Raw(func(d any) error {
		return fc.Raw(func(s any) error {
			b, err := d.(*sqlite3.SQLiteConn).Backup("main", s.(*sqlite3.SQLiteConn), "main")
			if err != nil {
				return err
			}
			done, err := b.Step(-1)
			if ferr := b.Finish(); err == nil {
				err = ferr
			}
			if err == nil && !done {
				err = errors.New("backup did not finish")
			}
			return err
		})
	})
}

func copyFile(src, dest string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dest, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o640)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

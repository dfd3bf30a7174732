package store

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// backupPrefix and backupSuffix frame the names of scheduled backups: agent-<UTC time>.db,
// which sort by time.
const (
	backupPrefix = "agent-"
	backupSuffix = ".db"
	backupStamp  = "20060102T150405Z"
)

// BackupRotating writes a backup named by the time into dir, then deletes the oldest
// scheduled backups there beyond keep. Other files in dir are left alone. It returns the
// new backup's path.
func (db *DB) BackupRotating(ctx context.Context, dir string, keep int, now time.Time) (string, error) {
	path := filepath.Join(dir, backupPrefix+now.UTC().Format(backupStamp)+backupSuffix)
	// Written under another name first, so that a backup by its final name is complete.
	partial := path + ".partial"
	os.Remove(partial) // left by a stop mid-way
	if err := db.Backup(ctx, partial); err != nil {
		return "", err
	}
	if err := os.Rename(partial, path); err != nil {
		os.Remove(partial)
		return "", fmt.Errorf("store: backup: %w", err)
	}
	names, err := ScheduledBackups(dir)
	if err != nil {
		return path, err
	}
	for _, name := range names[:max(0, len(names)-keep)] {
		if err := os.Remove(filepath.Join(dir, name)); err != nil {
			return path, fmt.Errorf("store: remove old backup: %w", err)
		}
	}
	return path, nil
}

// ScheduledBackups lists the scheduled backups in dir, oldest first.
func ScheduledBackups(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("store: list backups: %w", err)
	}
	var names []string
	for _, e := range entries {
		name := e.Name()
		stamp, ok := strings.CutPrefix(name, backupPrefix)
		stamp, ok2 := strings.CutSuffix(stamp, backupSuffix)
		if _, err := time.Parse(backupStamp, stamp); ok && ok2 && err == nil && e.Type().IsRegular() {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	return names, nil
}

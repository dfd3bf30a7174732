package ids

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"agent/app/store"
)

// Setup makes the install's alphabet the process's encoding: the one in the database's
// settings, or a new random one stored there on the first start. An install that had
// data before alphabets were per install (settings key ids_legacy) also decodes the IDs
// of the fixed alphabet, so that links given out before the upgrade keep working.
func Setup(ctx context.Context, db *store.DB) error {
	// INSERT OR IGNORE: of two processes starting at once, the first one's stays.
	if _, err := db.Write.ExecContext(ctx, "INSERT OR IGNORE INTO settings (key, value) VALUES ('ids_alphabet', ?)", NewAlphabet()); err != nil {
		return fmt.Errorf("ids: setup: %w", err)
	}
	var alphabet, legacy string
	if err := db.Write.QueryRowContext(ctx, "SELECT value FROM settings WHERE key = 'ids_alphabet'").Scan(&alphabet); err != nil {
		return fmt.Errorf("ids: setup: %w", err)
	}
	err := db.Write.QueryRowContext(ctx, "SELECT value FROM settings WHERE key = 'ids_legacy'").Scan(&legacy)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("ids: setup: %w", err)
	}
	if err := use(alphabet, legacy == "1"); err != nil {
		return fmt.Errorf("ids: setup: alphabet in settings: %w", err)
	}
	return nil
}

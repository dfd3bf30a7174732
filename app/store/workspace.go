package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
)

// InWorkspace reports whether every one of ids (repeats allowed) is a row of table, looked
// up by column, that belongs to the workspace. Forms name the workspace's sources, people
// and teams by id: one that is not the workspace's own (another workspace's, or deleted
// meanwhile) must be refused, not skipped, or a save keeps less than the person chose.
// table and column are the caller's constants, never input.
func InWorkspace(ctx context.Context, tx *sql.Tx, table, column string, workspaceID int64, ids []int64) (bool, error) {
	distinct := slices.Compact(slices.Sorted(slices.Values(ids)))
	if len(distinct) == 0 {
		return true, nil
	}
	list, err := json.Marshal(distinct)
	if err != nil {
		return false, err
	}
	var n int
	err = tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM "+table+" WHERE workspace_id = ? AND "+column+
		" IN (SELECT value FROM json_each(?))", workspaceID, string(list)).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("store: %s of workspace %d: %w", table, workspaceID, err)
	}
	return n == len(distinct), nil
}

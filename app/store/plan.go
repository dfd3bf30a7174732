package store

import (
	"context"
	"fmt"
)

// QueryPlan is SQLite's plan for q (EXPLAIN QUERY PLAN), one step a line, read through the
// writer as the statements it checks run there: the tests of statements that run per
// message or per row check with it that they use their indexes.
func (db *DB) QueryPlan(ctx context.Context, q string, args ...any) ([]string, error) {
	rows, err := db.Write.QueryContext(ctx, "EXPLAIN QUERY PLAN "+q, args...)
	if err != nil {
		return nil, fmt.Errorf("store: plan: %w", err)
	}
	defer rows.Close()
	var plan []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			return nil, fmt.Errorf("store: plan: %w", err)
		}
		plan = append(plan, detail)
	}
	return plan, rows.Err()
}

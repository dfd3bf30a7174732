package report

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"agent/app/store"
)

// Month is one calendar month's billable conversations.
type Month struct {
	Month    string `json:"month"` // YYYY-MM in the workspace's time zone
	Billable int64  `json:"billable_conversations"`
}

// sqlUsage reads when each conversation of a workspace became billable, from the index
// conversations_billable.
const sqlUsage = `SELECT first_ai_reply_at FROM conversations
	WHERE workspace_id = ? AND first_ai_reply_at IS NOT NULL AND preview = 0`

// Usage counts billable conversations per month: a conversation is billable once it holds
// an AI reply, and counts once, in the month of its first one (an email thread that comes
// back into its conversation later is not counted again). Previews are never billable.
func Usage(ctx context.Context, db *store.DB, workspaceID int64) ([]Month, error) {
	loc, err := TimeZone(ctx, db, workspaceID)
	if err != nil {
		return nil, err
	}
	rows, err := db.Read.QueryContext(ctx, sqlUsage, workspaceID)
	if err != nil {
		return nil, fmt.Errorf("report: usage: %w", err)
	}
	defer rows.Close()
	var months []Month
	at := map[string]int{}
	for rows.Next() {
		var first int64
		if err := rows.Scan(&first); err != nil {
			return nil, fmt.Errorf("report: usage: %w", err)
		}
		m := time.Unix(first, 0).In(loc).Format("2006-01")
		i, ok := at[m]
		if !ok {
			i, at[m] = len(months), len(months)
			months = append(months, Month{Month: m})
		}
		months[i].Billable++
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("report: usage: %w", err)
	}
	slices.SortFunc(months, func(a, b Month) int { return strings.Compare(a.Month, b.Month) })
	return months, nil
}

package report

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"agent/app/store"
	"agent/app/usererr"
)

// SetTimeZone sets the workspace's time zone (an IANA name such as Europe/Oslo) and sums
// its records into days again, since a conversation's day follows the zone. The records
// themselves do not change.
func SetTimeZone(ctx context.Context, db *store.DB, workspaceID int64, name string) error {
	if name == "" || name == "Local" {
		return &usererr.InputError{Field: "time_zone", Message: "Choose a time zone, such as Europe/Oslo or UTC."}
	}
	if _, err := time.LoadLocation(name); err != nil {
		return &usererr.InputError{Field: "time_zone", Message: fmt.Sprintf("%q is not a time zone; use a name such as Europe/Oslo or UTC.", name)}
	}
	err := db.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, "UPDATE workspaces SET time_zone = ? WHERE id = ?", name, workspaceID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM report_days WHERE workspace_id = ?", workspaceID); err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, `SELECT r.workspace_id, r.agent_id, r.channel, r.first_customer_at, r.outcome,
			r.handoff_causes, COALESCE(r.resolution_secs, 0), r.feedback, r.responded_24h, COALESCE(r.first_response_secs, -1),
			r.assistant_resolved, o.reopened_at IS NOT NULL
			FROM resolutions r LEFT JOIN reopenings o ON o.conversation_id = r.conversation_id WHERE r.workspace_id = ?`, workspaceID)
		if err != nil {
			return err
		}
		type stored struct {
			r        Record
			reopened bool
		}
		var recs []stored
		for rows.Next() {
			var s stored
			var causes, feedback string
			if err := rows.Scan(&s.r.WorkspaceID, &s.r.AgentID, &s.r.Channel, &s.r.FirstCustomerAt, &s.r.Outcome, &causes,
				&s.r.ResolutionSecs, &feedback, &s.r.Responded24h, &s.r.FirstResponse, &s.r.AssistantSolved, &s.reopened); err != nil {
				rows.Close()
				return err
			}
			s.r.Causes, s.r.Feedback = split(causes), split(feedback)
			recs = append(recs, s)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		z := zones{}
		for _, s := range recs {
			if err := addDay(ctx, tx, z, s.r, s.reopened); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("report: set time zone: %w", err)
	}
	return nil
}

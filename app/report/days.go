package report

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"
)

// Keys of a day's counts besides the handoff causes ("cause:" + cause) and the feedback
// types ("feedback:" + type).
const (
	countResponded     = "seller:responded_24h"
	countFirstRespN    = "seller:first_response_n"
	countFirstRespSecs = "seller:first_response_secs"
	countAssistant     = "seller:assistant_resolved"
)

// zones caches the workspaces' time zones for one pass.
type zones map[int64]*time.Location

func (z zones) of(ctx context.Context, tx *sql.Tx, workspaceID int64) (*time.Location, error) {
	if loc, ok := z[workspaceID]; ok {
		return loc, nil
	}
	var name string
	if err := tx.QueryRowContext(ctx, "SELECT time_zone FROM workspaces WHERE id = ?", workspaceID).Scan(&name); err != nil {
		return nil, fmt.Errorf("report: time zone of workspace %d: %w", workspaceID, err)
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		loc = time.UTC
	}
	z[workspaceID] = loc
	return loc, nil
}

// day is one row of report_days.
type day struct {
	conversations, handled, resolved, handedOff, reopened, resolutionSecs int64
	counts                                                                map[string]int64
}

// addDay adds the frozen record r to its day; reopened when its customer came back.
func addDay(ctx context.Context, tx *sql.Tx, z zones, r Record, reopened bool) error {
	return changeDay(ctx, tx, z, r, func(d *day) {
		d.conversations++
		if reopened {
			d.reopened++
		}
		d.counts[countResponded] += b2i(r.Responded24h)
		d.counts[countAssistant] += b2i(r.AssistantSolved)
		if r.FirstResponse >= 0 {
			d.counts[countFirstRespN]++
			d.counts[countFirstRespSecs] += r.FirstResponse
		}
		for _, f := range r.Feedback {
			d.counts["feedback:"+f]++
		}
		if !r.Handled() {
			return
		}
		d.handled++
		switch r.Outcome {
		case Resolved:
			d.resolved++
			d.resolutionSecs += r.ResolutionSecs
		case HandedOff:
			d.handedOff++
		}
		for _, c := range r.Causes {
			d.counts["cause:"+c]++
		}
	})
}

// addReopening counts a customer who came back after r froze.
func addReopening(ctx context.Context, tx *sql.Tx, z zones, r Record) error {
	return changeDay(ctx, tx, z, r, func(d *day) { d.reopened++ })
}

func changeDay(ctx context.Context, tx *sql.Tx, z zones, r Record, change func(*day)) error {
	loc, err := z.of(ctx, tx, r.WorkspaceID)
	if err != nil {
		return err
	}
	date := time.Unix(r.FirstCustomerAt, 0).In(loc).Format(time.DateOnly)
	d := day{counts: map[string]int64{}}
	var counts string
	err = tx.QueryRowContext(ctx, `SELECT conversations, handled, resolved, handed_off, reopened, resolution_secs, counts
		FROM report_days WHERE workspace_id = ? AND day = ? AND agent_id = ? AND channel = ?`, r.WorkspaceID, date, r.AgentID, r.Channel).
		Scan(&d.conversations, &d.handled, &d.resolved, &d.handedOff, &d.reopened, &d.resolutionSecs, &counts)
	if err == nil {
		err = json.Unmarshal([]byte(counts), &d.counts)
	} else if err == sql.ErrNoRows {
		err = nil
	}
	if err != nil {
		return fmt.Errorf("report: read day: %w", err)
	}
	change(&d)
	b, _ := json.Marshal(d.counts)
	_, err = tx.ExecContext(ctx, `INSERT INTO report_days (workspace_id, day, agent_id, channel, conversations, handled,
		resolved, handed_off, reopened, resolution_secs, counts) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (workspace_id, day, agent_id, channel) DO UPDATE SET conversations = excluded.conversations,
		handled = excluded.handled, resolved = excluded.resolved, handed_off = excluded.handed_off,
		reopened = excluded.reopened, resolution_secs = excluded.resolution_secs, counts = excluded.counts`,
		r.WorkspaceID, date, r.AgentID, r.Channel, d.conversations, d.handled, d.resolved, d.handedOff, d.reopened, d.resolutionSecs, string(b))
	if err != nil {
		return fmt.Errorf("report: write day: %w", err)
	}
	return nil
}

func b2i(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

package knowledge

import (
	"context"
	"time"
)

// workerIdle is how often the worker looks for due work when nothing wakes it.
const workerIdle = 30 * time.Second

// wake tells the worker there is work, without waiting.
func (m *Manager) wake() {
	select {
	case m.wakeup <- struct{}{}:
	default:
	}
}

// Run does the background work of the knowledge until ctx ends: fetching new and due
// URL sources, running crawls, and embedding chunks when an embedding model is set.
// A crawl interrupted by a shutdown is queued again and resumed at the next start.
func (m *Manager) Run(ctx context.Context) {
	m.ensureIndex(ctx) // at start, rather than on a customer's first question
	if _, err := m.db.Write.ExecContext(ctx, "UPDATE crawls SET status = 'pending' WHERE status = 'running'"); err != nil {
		m.log.Error("knowledge: resume crawls", "err", err)
	}
	m.resetStaleEmbeddings(ctx)
	t := time.NewTicker(workerIdle)
	defer t.Stop()
	for {
		m.RunPending(ctx)
		select {
		case <-ctx.Done():
			return
		case <-m.wakeup:
		case <-t.C:
		}
	}
}

// RunPending does the background work that is due now, once: what Run does on every
// round, for commands that have no server running (agent import).
func (m *Manager) RunPending(ctx context.Context) {
	m.syncDue(ctx)
	m.crawlQueued(ctx)
	m.embedPending(ctx)
}

// syncDue fetches URL sources that are new or due for their scheduled re-sync.
func (m *Manager) syncDue(ctx context.Context) {
	if m.web == nil {
		return
	}
	for ctx.Err() == nil {
		rows, err := m.db.Read.QueryContext(ctx, `SELECT workspace_id, id FROM sources WHERE kind = 'url'
			AND (status = 'pending' OR next_sync_at <= ?) ORDER BY COALESCE(next_sync_at, 0) LIMIT 20`, m.now().Unix())
		if err != nil {
			m.log.Error("knowledge: due syncs", "err", err)
			return
		}
		var due [][2]int64
		for rows.Next() {
			var ws, id int64
			if rows.Scan(&ws, &id) == nil {
				due = append(due, [2]int64{ws, id})
			}
		}
		rows.Close()
		if len(due) == 0 {
			return
		}
		for _, d := range due {
			if result, err := m.Sync(ctx, d[0], d[1]); err != nil && ctx.Err() == nil {
				m.log.Error("knowledge: sync", "source", d[1], "err", err)
				return
			} else {
				m.log.Debug("knowledge: synced", "source", d[1], "result", result)
			}
		}
	}
}

// crawlQueued runs the queued crawls one after another.
func (m *Manager) crawlQueued(ctx context.Context) {
	if m.web == nil {
		return
	}
	for ctx.Err() == nil {
		c, err := scanCrawl(m.db.Read.QueryRowContext(ctx, "SELECT "+crawlColumns+" FROM crawls WHERE status = 'pending' ORDER BY id LIMIT 1"))
		if err != nil {
			return // none queued (sql.ErrNoRows) or shutting down
		}
		if err := m.runCrawl(ctx, c); err != nil {
			m.log.Error("knowledge: crawl", "err", err)
			return
		}
	}
}

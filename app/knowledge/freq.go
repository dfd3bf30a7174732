package knowledge

import (
	"context"
	"sync"
	"time"

	"agent/app/store"
)

// Statistics are rebuilt after writes, at most once per freqRefresh (reading the whole
// FTS5 vocabulary takes about a second at 100,000 chunks), and every freqMaxAge in any
// case, to catch writes made by another process (agent import while the server runs).
const (
	freqRefresh = time.Minute
	freqMaxAge  = 10 * time.Minute
)

// indexStats are what query planning needs to know about the index: the document
// frequency of every term, and how many chunks each workspace has in each language.
type indexStats struct {
	df     map[string]int
	chunks map[int64]map[string]int // workspace -> language -> chunks
	total  int
}

// workspaceChunks is the number of chunks a workspace has in all languages.
func (s *indexStats) workspaceChunks(workspaceID int64) int {
	n := 0
	for _, c := range s.chunks[workspaceID] {
		n += c
	}
	return n
}

// statsCache keeps indexStats in memory. Looking terms up in fts5vocab one by one scans
// the vocabulary, so it is read whole and rebuilt in the background after writes; being
// a little stale only shifts which common words a query leaves out and which filters
// it can skip.
type statsCache struct {
	db       *store.DB
	mu       sync.Mutex
	stats    *indexStats
	built    time.Time
	dirty    bool
	building bool
}

// changed marks the statistics out of date after chunks were written or removed.
func (c *statsCache) changed() {
	c.mu.Lock()
	c.dirty = true
	c.mu.Unlock()
}

// get returns the current statistics: built on first use, rebuilt in the background
// when out of date and old enough. It returns nil when they cannot be read. exact
// reports whether nothing has been written since they were read, so that counts may
// be relied on to leave filters out.
func (c *statsCache) get(ctx context.Context) (s *indexStats, exact bool) {
	c.mu.Lock()
	s, dirty := c.stats, c.dirty
	age := time.Since(c.built)
	stale := !c.building && ((dirty && age > freqRefresh) || age > freqMaxAge)
	if stale {
		c.building = true
	}
	c.mu.Unlock()
	if s == nil {
		s = c.build(ctx)
		return s, s != nil
	}
	if stale {
		go c.build(context.WithoutCancel(ctx))
	}
	return s, !dirty
}

func (c *statsCache) build(ctx context.Context) *indexStats {
	c.mu.Lock()
	c.dirty = false
	c.mu.Unlock()
	s, err := c.read(ctx)
	c.mu.Lock()
	defer c.mu.Unlock()
	c.building = false
	if err != nil {
		c.dirty = true // try again next time; meanwhile plan without statistics
		return c.stats
	}
	c.stats, c.built = s, time.Now()
	return s
}

func (c *statsCache) read(ctx context.Context) (*indexStats, error) {
	s := &indexStats{df: map[string]int{}, chunks: map[int64]map[string]int{}}
	rows, err := c.db.Read.QueryContext(ctx, "SELECT workspace_id, lang, count(*) FROM chunks GROUP BY workspace_id, lang")
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var ws int64
		var lang string
		var n int
		if err := rows.Scan(&ws, &lang, &n); err != nil {
			rows.Close()
			return nil, err
		}
		if s.chunks[ws] == nil {
			s.chunks[ws] = map[string]int{}
		}
		s.chunks[ws][lang] = n
		s.total += n
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows, err = c.db.Read.QueryContext(ctx, "SELECT term, doc FROM chunks_fts_vocab")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var t string
		var n int
		if err := rows.Scan(&t, &n); err != nil {
			return nil, err
		}
		s.df[t] = n
	}
	return s, rows.Err()
}

// Package metrics serves the server's figures in Prometheus' text format: HTTP requests
// and their latencies by route, messages by channel, the AI's decisions, the job queue,
// live event streams and the database's size. The web server reports each request; the
// rest is read when Prometheus scrapes, so the message path does no extra work.
package metrics

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"strconv"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"agent/app/store"
)

// Options are what the metrics read.
type Options struct {
	DB *store.DB
	// Streams counts the open live event streams (the hub's subscriptions).
	Streams func() int
	Log     *slog.Logger
}

// Metrics holds the figures and serves them.
type Metrics struct {
	reg      *prometheus.Registry
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
	log      *slog.Logger
}

// New registers every figure on a registry of its own (Go's runtime and the process's
// included).
func New(o Options) (*Metrics, error) {
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	m := &Metrics{reg: prometheus.NewRegistry(), log: o.Log}
	m.requests = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "agent_http_requests_total", Help: "HTTP requests answered, by route pattern, method and status code.",
	}, []string{"route", "method", "code"})
	m.latency = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: "agent_http_request_duration_seconds", Help: "Time to answer HTTP requests, by route pattern (event streams: their lifetime).",
		Buckets: prometheus.DefBuckets,
	}, []string{"route"})
	db, err := newDBCollector(o.DB)
	if err != nil {
		return nil, err
	}
	streams := prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "agent_sse_streams", Help: "Open live event streams (inbox pages and chat widgets).",
	}, func() float64 { return float64(o.Streams()) })
	for _, c := range []prometheus.Collector{m.requests, m.latency, db, streams,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{})} {
		if err := m.reg.Register(c); err != nil {
			return nil, fmt.Errorf("metrics: %w", err)
		}
	}
	return m, nil
}

// Request counts one answered request; route is the pattern that matched ("" none).
func (m *Metrics) Request(route, method string, code int, d time.Duration) {
	if route == "" {
		route = "unmatched"
	}
	if code == 0 {
		code = http.StatusOK // the handler wrote nothing: net/http answered 200
	}
	m.requests.WithLabelValues(route, method, strconv.Itoa(code)).Inc()
	m.latency.WithLabelValues(route).Observe(d.Seconds())
}

// Handler serves /metrics.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{ErrorLog: slog.NewLogLogger(m.log.Handler(), slog.LevelWarn)})
}

// scrapeTimeout bounds the database's part of a scrape.
const scrapeTimeout = 5 * time.Second

// dbCollector reads its figures from the database at each scrape. Messages are counted
// from the process's start, by reading only those stored since the last scrape.
type dbCollector struct {
	db       *store.DB
	messages *prometheus.Desc
	replies  *prometheus.Desc
	jobs     *prometheus.Desc
	hooks    *prometheus.Desc
	size     *prometheus.Desc

	mu        sync.Mutex
	after     int64                 // the last message counted
	byChannel map[[2]string]float64 // channel, author
	decisions map[string]float64
}

func newDBCollector(db *store.DB) (*dbCollector, error) {
	c := &dbCollector{db: db, byChannel: map[[2]string]float64{}, decisions: map[string]float64{},
		messages: prometheus.NewDesc("agent_messages_total", "Messages stored since the server started, by channel and author (customer, ai, human, note, system); previews not counted.", []string{"channel", "author"}, nil),
		replies:  prometheus.NewDesc("agent_ai_decisions_total", "The AI's replies since the server started, by decision (answer, clarify, handoff).", []string{"decision"}, nil),
		jobs:     prometheus.NewDesc("agent_jobs_queued", "Jobs not done yet: due now (waiting for the runner) or scheduled later.", []string{"state"}, nil),
		hooks:    prometheus.NewDesc("agent_webhook_deliveries_pending", "Webhook deliveries waiting for their next attempt.", nil, nil),
		size:     prometheus.NewDesc("agent_database_bytes", "Size of the database's files on disk: the database and its write-ahead log.", []string{"file"}, nil),
	}
	err := db.Read.QueryRow("SELECT COALESCE(MAX(id), 0) FROM messages").Scan(&c.after)
	if err != nil {
		return nil, fmt.Errorf("metrics: %w", err)
	}
	return c, nil
}

func (c *dbCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{c.messages, c.replies, c.jobs, c.hooks, c.size} {
		ch <- d
	}
}

// authors names the messages' authors as the figures show them.
var authors = map[string]string{"visitor": "customer", "bot": "ai", "human": "human", "note": "note", "system": "system"}

func (c *dbCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), scrapeTimeout)
	defer cancel()
	if err := c.count(ctx); err != nil {
		ch <- prometheus.NewInvalidMetric(c.messages, err)
	}
	c.mu.Lock()
	for k, v := range c.byChannel {
		ch <- prometheus.MustNewConstMetric(c.messages, prometheus.CounterValue, v, k[0], k[1])
	}
	for k, v := range c.decisions {
		ch <- prometheus.MustNewConstMetric(c.replies, prometheus.CounterValue, v, k)
	}
	c.mu.Unlock()

	var due, later, pending float64
	now := time.Now().Unix()
	err := c.db.Read.QueryRowContext(ctx, `SELECT
		(SELECT count(*) FROM jobs WHERE done_at IS NULL AND run_at <= ?1),
		(SELECT count(*) FROM jobs WHERE done_at IS NULL AND run_at > ?1),
		(SELECT count(*) FROM webhook_deliveries WHERE status = 'pending')`, now).Scan(&due, &later, &pending)
	if err != nil {
		ch <- prometheus.NewInvalidMetric(c.jobs, err)
	} else {
		ch <- prometheus.MustNewConstMetric(c.jobs, prometheus.GaugeValue, due, "due")
		ch <- prometheus.MustNewConstMetric(c.jobs, prometheus.GaugeValue, later, "scheduled")
		ch <- prometheus.MustNewConstMetric(c.hooks, prometheus.GaugeValue, pending)
	}
	for file, path := range map[string]string{"db": c.db.Path, "wal": c.db.Path + "-wal"} {
		var n int64
		if st, err := os.Stat(path); err == nil {
			n = st.Size()
		}
		ch <- prometheus.MustNewConstMetric(c.size, prometheus.GaugeValue, float64(n), file)
	}
}

// count adds the messages stored since the last scrape.
func (c *dbCollector) count(ctx context.Context) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	rows, err := c.db.Read.QueryContext(ctx, `SELECT c.channel, m.author, COALESCE(a.decision, ''), count(*), MAX(m.id)
		FROM messages m JOIN conversations c ON c.id = m.conversation_id LEFT JOIN ai_replies a ON a.message_id = m.id
		WHERE m.id > ? AND c.preview = 0 GROUP BY 1, 2, 3`, c.after)
	if err != nil {
		return fmt.Errorf("metrics: messages: %w", err)
	}
	defer rows.Close()
	last := c.after
	for rows.Next() {
		var channel, author, decision string
		var n float64
		var maxID int64
		if err := rows.Scan(&channel, &author, &decision, &n, &maxID); err != nil {
			return fmt.Errorf("metrics: messages: %w", err)
		}
		c.byChannel[[2]string{channel, authors[author]}] += n
		if decision != "" {
			c.decisions[decision] += n
		}
		last = max(last, maxID)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("metrics: messages: %w", err)
	}
	c.after = last
	return nil
}

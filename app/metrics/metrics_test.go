package metrics_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"agent/app/agent"
	"agent/app/inbox"
	"agent/app/metrics"
	"agent/app/store"
)

// scrape fetches url and parses Prometheus' text format, as Prometheus does.
func scrape(t *testing.T, url string) map[string]*dto.MetricFamily {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("scrape: %s", res.Status)
	}
	p := expfmt.NewTextParser(model.UTF8Validation)
	families, err := p.TextToMetricFamilies(res.Body)
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	return families
}

// value is the value of the family's metric with exactly these labels; false when none.
func value(families map[string]*dto.MetricFamily, name string, labels map[string]string) (float64, bool) {
	f := families[name]
	if f == nil {
		return 0, false
	}
	for _, m := range f.Metric {
		if len(m.Label) != len(labels) {
			continue
		}
		match := true
		for _, l := range m.Label {
			match = match && labels[l.GetName()] == l.GetValue()
		}
		if !match {
			continue
		}
		switch {
		case m.Counter != nil:
			return m.Counter.GetValue(), true
		case m.Gauge != nil:
			return m.Gauge.GetValue(), true
		case m.Histogram != nil:
			return float64(m.Histogram.GetSampleCount()), true
		}
	}
	return 0, false
}

func TestScrapedFiguresParse(t *testing.T) {
	ctx := context.Background()
	db, err := store.Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	res, _ := db.Write.Exec("INSERT INTO workspaces (name, created_at) VALUES ('Shop', 0)")
	ws, _ := res.LastInsertId()
	conversations := inbox.New(db)
	c, err := conversations.Create(ctx, ws, inbox.NewConversation{Channel: "chat"})
	if err != nil {
		t.Fatal(err)
	}
	// Messages before the start are not counted: the counters begin with the process.
	conversations.AddMessage(ctx, c.ID, agent.AuthorVisitor, 0, "before", "en")

	m, err := metrics.New(metrics.Options{DB: db, Streams: func() int { return 3 }})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(m.Handler())
	defer srv.Close()

	conversations.AddMessage(ctx, c.ID, agent.AuthorVisitor, 0, "Hello", "en")
	conversations.AddMessage(ctx, c.ID, agent.AuthorVisitor, 0, "Anyone?", "en")
	if _, err := conversations.AddAIReply(ctx, c.ID, 0, agent.Reply{Text: "Hi!", Decision: agent.Answer, Mode: agent.ModeRule, Lang: "en"}); err != nil {
		t.Fatal(err)
	}
	preview, _ := conversations.Create(ctx, ws, inbox.NewConversation{Channel: "chat", Preview: true})
	conversations.AddMessage(ctx, preview.ID, agent.AuthorVisitor, 0, "a test", "en")
	db.Write.Exec("INSERT INTO jobs (kind, run_at) VALUES ('a', 0), ('b', 0), ('c', ?)", time.Now().Add(time.Hour).Unix())
	m.Request("GET /w/{ws}/inbox", "GET", 200, 30*time.Millisecond)
	m.Request("GET /w/{ws}/inbox", "GET", 200, 2*time.Second)
	m.Request("", "GET", 404, time.Millisecond)

	f := scrape(t, srv.URL)
	for _, tc := range []struct {
		name   string
		labels map[string]string
		want   float64
	}{
		{"agent_http_requests_total", map[string]string{"route": "GET /w/{ws}/inbox", "method": "GET", "code": "200"}, 2},
		{"agent_http_requests_total", map[string]string{"route": "unmatched", "method": "GET", "code": "404"}, 1},
		{"agent_http_request_duration_seconds", map[string]string{"route": "GET /w/{ws}/inbox"}, 2},
		{"agent_messages_total", map[string]string{"channel": "chat", "author": "customer"}, 2},
		{"agent_messages_total", map[string]string{"channel": "chat", "author": "ai"}, 1},
		{"agent_ai_decisions_total", map[string]string{"decision": "answer"}, 1},
		{"agent_jobs_queued", map[string]string{"state": "due"}, 2},
		{"agent_jobs_queued", map[string]string{"state": "scheduled"}, 1},
		{"agent_webhook_deliveries_pending", map[string]string{}, 0},
		{"agent_sse_streams", map[string]string{}, 3},
	} {
		if got, ok := value(f, tc.name, tc.labels); !ok || got != tc.want {
			t.Errorf("%s%v = %v (%v), want %v", tc.name, tc.labels, got, ok, tc.want)
		}
	}
	if got, ok := value(f, "agent_database_bytes", map[string]string{"file": "db"}); !ok || got < 4096 {
		t.Errorf("database bytes: %v %v", got, ok)
	}
	if f["go_goroutines"] == nil || f["process_cpu_seconds_total"] == nil {
		t.Error("no Go runtime or process figures")
	}
	// A second scrape adds only what came since.
	conversations.AddMessage(ctx, c.ID, agent.AuthorHuman, 0, "Here", "en")
	f = scrape(t, srv.URL)
	if got, _ := value(f, "agent_messages_total", map[string]string{"channel": "chat", "author": "customer"}); got != 2 {
		t.Errorf("customer messages after a second scrape: %v", got)
	}
	if got, _ := value(f, "agent_messages_total", map[string]string{"channel": "chat", "author": "human"}); got != 1 {
		t.Errorf("human messages: %v", got)
	}
}

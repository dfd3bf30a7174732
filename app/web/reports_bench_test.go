package web_test

import (
	"context"
	"net/http"
	"os"
	"testing"
	"time"

	"agent/app/account"
	"agent/app/channel"
	"agent/app/report"
)

// BenchmarkReport measures the report page (and its JSON, and usage) of a big workspace, over HTTP:
// 10,000 conversations and 100,000 messages over 90 days, or with REPORT_SCALE=1 100,000
// and 1,000,000 (docs/BENCHMARKS.md, "Reports"). The workspace is filled as BenchmarkLoad's
// scale run fills it, then `agent report rebuild`'s work settles every conversation once
// (its time is logged); the page reads the daily aggregates only.
func BenchmarkReport(b *testing.B) {
	o := loadOptions{conversations: 10_000, messages: 100_000}
	if os.Getenv("REPORT_SCALE") == "1" {
		o.conversations, o.messages = 100_000, 1_000_000
	}
	e := newEnv(b, nil)
	e.setupOwner()
	ctx := context.Background()
	a := e.createAgent("Ava")
	aiCh, err := e.channels.Create(ctx, e.wsID, channel.Input{Kind: channel.Chat, Name: "Website", AgentID: a.ID, Active: true})
	if err != nil {
		b.Fatal(err)
	}
	humanCh, err := e.channels.Create(ctx, e.wsID, channel.Input{Kind: channel.Chat, Name: "Help desk", Handoff: channel.Unassigned, Active: true})
	if err != nil {
		b.Fatal(err)
	}
	staff, _, err := e.accounts.AddMember(ctx, e.wsID, account.NewUser{Email: "staff@example.com", Name: "Staff", Password: "staff password"}, account.RoleAgent, false)
	if err != nil {
		b.Fatal(err)
	}
	start := time.Now()
	p := prefill{db: e.db.Write, ws: e.wsID, agent: a.ID, aiCh: aiCh.ID, humanCh: humanCh.ID, staff: []int64{staff.ID},
		texts: []string{"Where is my parcel?", "Do you sell gift cards?", "Can I return shoes?", "What are your opening hours?"}}
	if _, _, err := p.fill(ctx, o, nil, nil); err != nil {
		b.Fatal(err)
	}
	b.Logf("filled %d conversations and %d messages in %s", o.conversations, o.messages, time.Since(start).Round(time.Second))
	start = time.Now()
	n, err := report.New(e.db, nil).Rebuild(ctx, e.wsID)
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("rebuild: %d conversations settled in %s", n, time.Since(start).Round(time.Millisecond))

	br := e.ownerBrowser()
	for _, path := range []string{"reports", "reports/figures.json", "reports/usage.json"} {
		b.Run(path, func(b *testing.B) {
			for b.Loop() {
				if res := br.get(e.path(path)); res.status != http.StatusOK {
					b.Fatalf("%s = %d", path, res.status)
				}
			}
		})
	}
}

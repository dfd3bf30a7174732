package web_test

import (
	"strings"
	"testing"

	"agent/app/channel"
	"agent/app/knowledge"
)

// TestHostileTextIsEscaped puts markup where visitors and members can write (a visitor's
// message, names of teams, agents, channels and sources) and opens every page that shows
// it: the markup must arrive as text, never as elements.
func TestHostileTextIsEscaped(t *testing.T) {
	const payload = `<script>alert(1)</script><img src=x onerror=alert(2)>"'`
	w := newInboxWorld(t)
	c := w.visit(t, w.chat, "hello "+payload)
	if _, err := w.accounts.CreateTeam(w.ctx, w.wsID, "Team "+payload[:40]); err != nil {
		t.Fatal(err)
	}
	if _, err := w.knowledge.CreateArticle(w.ctx, w.wsID, knowledge.ArticleInput{Title: "Doc " + payload, Body: "Body " + payload}); err != nil {
		t.Fatal(err)
	}
	w.createAgent("Bot " + payload[:40])
	w.inboxChannel(t, channel.Input{Name: "Site " + payload[:40], AgentID: w.ava.ID, Handoff: channel.Unassigned})

	for _, p := range []string{
		w.path("inbox"), w.convPath(c, ""), w.path("inbox?q=alert"), w.path("settings/teams"), w.path("settings/users"),
		w.path("knowledge"), w.path("agents"), w.path("channels"),
	} {
		res := w.b.get(p)
		if res.status != 200 {
			t.Errorf("GET %s = %d", p, res.status)
			continue
		}
		for _, raw := range []string{"<script>alert", "<img src=x"} {
			if strings.Contains(res.body, raw) {
				t.Errorf("GET %s shows %q unescaped", p, raw)
			}
		}
		if !strings.Contains(res.body, "&lt;script&gt;alert(1)") {
			t.Errorf("GET %s does not show the text escaped", p)
		}
	}
}

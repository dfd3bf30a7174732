package channels

import (
	"testing"

	"agent/app/channel"
)

func TestHandoffSummary(t *testing.T) {
	n := Names{People: map[int64]string{1: "Ann", 2: "Bo", 3: "Cy"}, Teams: map[int64]string{7: "Billing"}}
	for _, tc := range []struct {
		c    channel.Channel
		want string
	}{
		{channel.Channel{Handoff: channel.Unassigned, HandoffUsers: []int64{1}}, "Unassigned: anyone takes it"},
		{channel.Channel{Handoff: channel.Stay}, "The AI stays on it"},
		{channel.Channel{Handoff: channel.Assign}, "Assign: no one chosen"},
		{channel.Channel{Handoff: channel.Assign, HandoffUsers: []int64{1}, HandoffTeams: []int64{7}}, "Assign to Ann, Billing"},
		{channel.Channel{Handoff: channel.Assign, HandoffUsers: []int64{1, 2, 3}, HandoffTeams: []int64{7}}, "Assign to Ann, Bo and 2 more"},
		{channel.Channel{Handoff: channel.Assign, HandoffUsers: []int64{99}}, "Assign: no one chosen"},
	} {
		if got := n.HandoffSummary(tc.c); got != tc.want {
			t.Errorf("HandoffSummary(%+v) = %q, want %q", tc.c, got, tc.want)
		}
	}
}

func TestAgentLabel(t *testing.T) {
	n := Names{Agents: map[int64]string{4: "Ava"}}
	if got := n.AgentLabel(channel.Channel{AgentID: 4}); got != "Ava" {
		t.Errorf("AgentLabel = %q", got)
	}
	if got := n.AgentLabel(channel.Channel{}); got != "People only" {
		t.Errorf("AgentLabel without an agent = %q", got)
	}
}

func TestSnippetAndKinds(t *testing.T) {
	want := `<script src="https://support.example.com/widget.js" data-agent="ch_abc" async></script>`
	if got := Snippet("https://support.example.com/", "ch_abc"); got != want {
		t.Errorf("Snippet = %q, want %q", got, want)
	}
	if KindLabel(channel.Chat) != "Chat widget" || KindLabel(channel.WhatsApp) != "WhatsApp" {
		t.Error("KindLabel")
	}
}

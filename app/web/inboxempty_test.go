package web_test

import (
	"strings"
	"testing"

	"agent/app/channel"
)

// TestInboxEmptyPointsToChannels: a new workspace's inbox, with no channel for customers
// to write through, says so and leads to adding the chat widget; with one, it asks to
// choose a conversation.
func TestInboxEmptyPointsToChannels(t *testing.T) {
	e := newEnv(t, nil)
	e.setupOwner()
	b := e.loggedIn("owner@example.com", "owner password")
	page := b.get(e.path("inbox")).body
	if !strings.Contains(page, `data-testid="add-channel"`) || strings.Contains(page, "Choose a conversation") {
		t.Errorf("a new inbox:\n%s", page)
	}
	e.createChannel(channel.Input{Name: "Website"})
	page = b.get(e.path("inbox")).body
	if strings.Contains(page, `data-testid="add-channel"`) || !strings.Contains(page, "Choose a conversation") {
		t.Errorf("an inbox with a channel:\n%s", page)
	}
}

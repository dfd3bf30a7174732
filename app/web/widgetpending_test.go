package web_test

import (
	"context"
	"net/http"
	"testing"
)

// A conversation the widget opened for a first message that never came is deleted when
// its channel's close-after time passes; a message the visitor sends to it later (their
// page still open) starts a new conversation, as one to a closed conversation does, where
// another visitor's conversation stays a 404.
func TestWidgetMessageToADeletedEmptyConversation(t *testing.T) {
	e, ch := chatEnv(t, nil)
	v := e.widgetVisitor(ch, shopOrigin)
	v.start()
	v.open()
	if _, err := e.db.Write.Exec("UPDATE conversations SET last_activity_at = last_activity_at - 2 * 86400"); err != nil {
		t.Fatal(err)
	}
	if err := e.service.CloseInactive(context.Background()); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := e.db.Read.QueryRow("SELECT COUNT(*) FROM conversations").Scan(&n); err != nil || n != 0 {
		t.Fatalf("conversations after the close-after time: %d %v", n, err)
	}
	res, sent := v.say(giftQuestion)
	if res.status != http.StatusOK || !sent.Conversation.Open || sent.Message.Text != giftQuestion {
		t.Fatalf("message to the deleted conversation: %d %s", res.status, res.body)
	}
	other := e.widgetVisitor(ch, shopOrigin)
	other.start()
	other.conv = sent.Conversation.ID
	if res, _ := other.say("Hello"); res.status != http.StatusNotFound {
		t.Errorf("another visitor's conversation: %d %s", res.status, res.body)
	}
}

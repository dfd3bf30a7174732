package meta_test

import (
	"testing"
	"time"

	"agent/app/channel/meta/metatest"
)

// A customer's first message starts its conversation in the same transaction: a failure
// while the message is stored (here a trigger that refuses its Meta record) leaves no
// empty conversation behind, and Meta's next delivery stores both, once.
func TestFirstMessageAndItsConversationTogether(t *testing.T) {
	w := newWorld(t)
	if _, err := w.db.Write.Exec(`CREATE TEMP TRIGGER refuse BEFORE INSERT ON meta_messages
		BEGIN SELECT RAISE(ABORT, 'injected failure'); END`); err != nil {
		t.Fatal(err)
	}
	event := metatest.WhatsApp(wabaID, phoneID, []metatest.WAMessage{
		{ID: "wamid.FIRST", From: "4790000009", Name: "Per", Text: "Do you sell gift cards?", At: time.Now().Add(-time.Minute)}}, nil)
	if err := w.receiver.Receive(w.ctx, w.wa.PublicKey, metatest.Signature(appSecret, event), event); err != nil {
		t.Fatal(err)
	}
	w.runner.RunDue(w.ctx) // the event's processing fails, and is kept to try again
	if convs := w.messages(t, w.wa); len(convs) != 0 {
		t.Fatalf("after a failed store: conversations %v", convs)
	}
	if _, err := w.db.Write.Exec("DROP TRIGGER temp.refuse"); err != nil {
		t.Fatal(err)
	}
	w.post(t, w.wa, event)
	convs := w.messages(t, w.wa)
	if len(convs) != 1 || len(convs[0]) == 0 || convs[0][0].Body != "Do you sell gift cards?" {
		t.Fatalf("delivered again: %+v", convs)
	}
}

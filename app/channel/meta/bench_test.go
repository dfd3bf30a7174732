package meta_test

import (
	"fmt"
	"testing"
	"time"

	"agent/app/channel/meta/metatest"
)

// BenchmarkReceive is the webhook's work before Meta has its 200: the signature over the
// raw body, the shape check, the stored event and its queued job. The event is a batch of
// five messages (about 2 KB).
func BenchmarkReceive(b *testing.B) {
	w := newWorld(b)
	var msgs []metatest.WAMessage
	for i := range 5 {
		msgs = append(msgs, metatest.WAMessage{ID: fmt.Sprintf("wamid.%d", i), From: "4790000001", Name: "Kari", Text: "Do you sell gift cards?", At: time.Now()})
	}
	body := metatest.WhatsApp(wabaID, phoneID, msgs, nil)
	sig := metatest.Signature(appSecret, body)
	b.SetBytes(int64(len(body)))
	b.ResetTimer()
	for b.Loop() {
		if err := w.receiver.Receive(w.ctx, w.wa.PublicKey, sig, body); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkProcess is one stored event of one customer's text message taken into the
// inbox, without the AI's answer (the conversation is a person's): the dedup lookup, the
// contact, the message with its id.
func BenchmarkProcess(b *testing.B) {
	w := newWorld(b)
	w.db.Write.Exec("UPDATE channels SET agent_id = NULL")
	i := 0
	for b.Loop() {
		i++
		body := metatest.WhatsApp(wabaID, phoneID, []metatest.WAMessage{{ID: fmt.Sprintf("wamid.%d", i), From: "4790000001",
			Text: "Do you sell gift cards?", At: time.Now()}}, nil)
		if err := w.receiver.Receive(w.ctx, w.wa.PublicKey, metatest.Signature(appSecret, body), body); err != nil {
			b.Fatal(err)
		}
		if _, err := w.runner.RunDue(w.ctx); err != nil {
			b.Fatal(err)
		}
	}
}

package meta_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"agent/app/channel/meta"
	"agent/app/channel/meta/metatest"
	"agent/app/ratelimit"
)

func TestVerify(t *testing.T) {
	w := newWorld(t)
	set, err := w.settings.Get(w.ctx, w.wa.ID)
	if err != nil || len(set.VerifyToken) != 32 || !set.VerifiedAt.IsZero() {
		t.Fatalf("settings: %+v %v", set, err)
	}
	for _, c := range []struct {
		name, key, mode, token, challenge string
		want                              error
	}{
		{"another mode", w.wa.PublicKey, "unsubscribe", set.VerifyToken, "1158201444", meta.ErrVerify},
		{"a wrong token", w.wa.PublicKey, "subscribe", set.VerifyToken[:31] + "x", "1158201444", meta.ErrVerify},
		{"no token", w.wa.PublicKey, "subscribe", "", "1158201444", meta.ErrVerify},
		{"the other channel's token", w.ms.PublicKey, "subscribe", set.VerifyToken, "1158201444", meta.ErrVerify},
		{"no challenge", w.wa.PublicKey, "subscribe", set.VerifyToken, "", meta.ErrVerify},
		{"an unknown channel", "nokey", "subscribe", set.VerifyToken, "1158201444", meta.ErrNoChannel},
	} {
		if got, err := w.receiver.Verify(w.ctx, c.key, c.mode, c.token, c.challenge); !errors.Is(err, c.want) || got != "" {
			t.Errorf("%s: %q, %v; want %v", c.name, got, err, c.want)
		}
	}
	got, err := w.receiver.Verify(w.ctx, w.wa.PublicKey, "subscribe", set.VerifyToken, "1158201444")
	if err != nil || got != "1158201444" {
		t.Fatalf("the right token: %q, %v", got, err)
	}
	if set, _ = w.settings.Get(w.ctx, w.wa.ID); set.VerifiedAt.IsZero() {
		t.Error("the verification is not recorded for the channel page")
	}
}

// A POST is stored only with the app secret's signature over its exact bytes: a missing
// or wrong signature, the same event re-serialised (same JSON, other bytes), another
// channel's secret, and a body that is too deep are refused and store nothing.
func TestReceiveSignature(t *testing.T) {
	w := newWorld(t)
	body := metatest.WhatsApp(wabaID, phoneID, []metatest.WAMessage{{ID: "wamid.HBgLMTIzNDU2Nzg5MDEVAgASGBQzQUY", From: "4790000001",
		Name: "Kari", Text: "Do you sell gift cards?", At: time.Now()}}, nil)
	var v any
	json.Unmarshal(body, &v)
	reserialised, _ := json.MarshalIndent(v, "", " ")
	deep := []byte(strings.Repeat(`{"a":`, 40) + "1" + strings.Repeat("}", 40))
	good := metatest.Signature(appSecret, body)
	for _, c := range []struct {
		name, key, sig string
		body           []byte
		want           error
	}{
		{"no signature", w.wa.PublicKey, "", body, meta.ErrSignature},
		{"a wrong signature", w.wa.PublicKey, metatest.Signature("another secret", body), body, meta.ErrSignature},
		{"sha1", w.wa.PublicKey, strings.Replace(good, "sha256=", "sha1=", 1), body, meta.ErrSignature},
		{"not hex", w.wa.PublicKey, "sha256=zz", body, meta.ErrSignature},
		{"re-serialised", w.wa.PublicKey, good, reserialised, meta.ErrSignature},
		{"one byte changed", w.wa.PublicKey, good, bytes.Replace(body, []byte("gift"), []byte("gigt"), 1), meta.ErrSignature},
		{"an unknown channel", "nokey", good, body, meta.ErrNoChannel},
		{"too deep", w.wa.PublicKey, metatest.Signature(appSecret, deep), deep, meta.ErrShape},
		{"not an object", w.wa.PublicKey, metatest.Signature(appSecret, []byte(`[1,2]`)), []byte(`[1,2]`), meta.ErrShape},
	} {
		if err := w.receiver.Receive(w.ctx, c.key, c.sig, c.body); !errors.Is(err, c.want) {
			t.Errorf("%s: %v, want %v", c.name, err, c.want)
		}
	}
	var n int
	w.db.Read.QueryRow("SELECT COUNT(*) FROM meta_events").Scan(&n)
	if n != 0 {
		t.Fatalf("%d refused events were stored", n)
	}
	w.run(t)
	if got := w.messages(t, w.wa); len(got) != 0 {
		t.Fatalf("a refused event made messages: %v", got)
	}
	if err := w.receiver.Receive(w.ctx, w.wa.PublicKey, good, body); err != nil {
		t.Fatal(err)
	}
	w.db.Read.QueryRow("SELECT COUNT(*) FROM meta_events WHERE processed_at IS NULL").Scan(&n)
	if n != 1 {
		t.Fatalf("the signed event is not stored before it is processed: %d", n)
	}
	w.run(t)
	if got := w.messages(t, w.wa); len(got) != 1 || got[0][0].Body != "Do you sell gift cards?" {
		t.Fatalf("the signed event: %v", got)
	}
}

func TestReceiveRateLimit(t *testing.T) {
	w := newWorld(t)
	w.receiver.Limiter = ratelimit.New(2, time.Minute)
	body := metatest.WhatsApp(wabaID, phoneID, nil, nil)
	sig := metatest.Signature(appSecret, body)
	for i, want := range []error{nil, nil, meta.ErrLimited} {
		if err := w.receiver.Receive(w.ctx, w.wa.PublicKey, sig, body); !errors.Is(err, want) {
			t.Errorf("request %d: %v, want %v", i+1, err, want)
		}
	}
	if err := w.receiver.Receive(w.ctx, w.ms.PublicKey, sig, metatest.Messenger(pageID)); errors.Is(err, meta.ErrLimited) {
		t.Error("one channel's limit stops another's")
	}
}

// An event whose job was lost (stored, then the queueing failed) is processed by Pending
// once it is a minute old.
func TestPendingEvents(t *testing.T) {
	w := newWorld(t)
	body := metatest.WhatsApp(wabaID, phoneID, []metatest.WAMessage{{ID: "wamid.lost", From: "4790000001", Text: "Hello", At: time.Now()}}, nil)
	if err := w.receiver.Receive(w.ctx, w.wa.PublicKey, metatest.Signature(appSecret, body), body); err != nil {
		t.Fatal(err)
	}
	if _, err := w.db.Write.Exec("DELETE FROM jobs WHERE kind = ?", meta.JobEvent); err != nil {
		t.Fatal(err)
	}
	if err := w.intake.Pending(w.ctx, nil); err != nil || len(w.messages(t, w.wa)) != 0 {
		t.Fatalf("an event under a minute old was taken: %v", err)
	}
	w.db.Write.Exec("UPDATE meta_events SET received_at = received_at - 120")
	if err := w.intake.Pending(w.ctx, nil); err != nil {
		t.Fatal(err)
	}
	if got := w.messages(t, w.wa); len(got) != 1 || got[0][0].Body != "Hello" {
		t.Fatalf("the lost event: %v", got)
	}
}

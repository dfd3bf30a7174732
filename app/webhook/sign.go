package webhook

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strconv"
	"strings"
	"time"
)

// The headers of a delivery. A receiver checks the signature over the timestamp and the
// raw body, and refuses a timestamp outside its replay window (docs/WEBHOOKS.md).
const (
	HeaderEvent     = "Agent-Webhook-Event"     // the event type
	HeaderDelivery  = "Agent-Webhook-Delivery"  // the delivery's id: the same on each retry
	HeaderTimestamp = "Agent-Webhook-Timestamp" // Unix seconds when this attempt was signed
	HeaderSignature = "Agent-Webhook-Signature" // "v1=" and the hex HMAC-SHA256
)

// ReplayWindow is how far from now a receiver should accept a delivery's timestamp.
const ReplayWindow = 5 * time.Minute

// Sign returns the signature header's value for a body sent at timestamp ts (Unix
// seconds): HMAC-SHA256, keyed with the secret, of "ts.body".
func Sign(secret string, ts int64, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(strconv.FormatInt(ts, 10)))
	mac.Write([]byte{'.'})
	mac.Write(body)
	return "v1=" + hex.EncodeToString(mac.Sum(nil))
}

// Errors of Verify.
var (
	ErrSignature = errors.New("webhook: signature does not match")
	ErrStale     = errors.New("webhook: timestamp outside the replay window")
)

// Verify checks a delivery as a receiver does: the timestamp header within window of now,
// and one of the signature header's comma-separated values made with secret.
func Verify(secret, timestamp, signature string, body []byte, now time.Time, window time.Duration) error {
	ts, err := strconv.ParseInt(timestamp, 10, 64)
	if err != nil {
		return ErrStale
	}
	if d := now.Sub(time.Unix(ts, 0)); d > window || d < -window {
		return ErrStale
	}
	want := Sign(secret, ts, body)
	for _, sig := range strings.Split(signature, ",") {
		if hmac.Equal([]byte(strings.TrimSpace(sig)), []byte(want)) {
			return nil
		}
	}
	return ErrSignature
}

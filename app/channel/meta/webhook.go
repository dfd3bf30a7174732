package meta

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"agent/app/channel"
	"agent/app/jobs"
	"agent/app/ratelimit"
	"agent/app/store"
)

// JobEvent is the job that processes one stored webhook event.
const JobEvent = "meta-event"

// Limits of a webhook POST, checked after its signature and before it is stored: Meta's
// events are small, a few levels deep.
const (
	MaxBody   = 1 << 20 // bytes
	maxDepth  = 16
	maxTokens = 20000 // JSON values, keys and delimiters
)

// The ways a webhook request is refused; the web layer answers each with its status.
var (
	ErrNoChannel = errors.New("meta: no WhatsApp or Messenger channel has this webhook") // 404
	ErrSignature = errors.New("meta: the signature is missing or wrong")                 // 401
	ErrVerify    = errors.New("meta: the verification request does not match")           // 403
	ErrLimited   = errors.New("meta: too many webhook requests for this channel")        // 429
	ErrShape     = errors.New("meta: the body is not a webhook event of a size we take") // 400
)

// Receiver takes Meta's webhook requests for the channels it knows by their public key
// (the webhook URL's last part): Meta's verification of the URL, and signed events, stored
// as they came and processed by the job runner (Intake.Process), so that Meta has its 200
// at once and a stop loses nothing.
type Receiver struct {
	DB       *store.DB
	Channels *channel.Store
	Settings *Store
	Jobs     *jobs.Runner
	Limiter  *ratelimit.Limiter // per channel; nil takes everything
	Log      *slog.Logger
}

// channel returns the WhatsApp or Messenger channel with the key, and its settings.
func (r *Receiver) channel(ctx context.Context, key string) (channel.Channel, Settings, error) {
	ch, err := r.Channels.ByPublicKey(ctx, key)
	if errors.Is(err, channel.ErrNotFound) || (err == nil && ch.Kind != channel.WhatsApp && ch.Kind != channel.Messenger) {
		return ch, Settings{}, ErrNoChannel
	}
	if err != nil {
		return ch, Settings{}, err
	}
	set, err := r.Settings.Get(ctx, ch.ID)
	if errors.Is(err, ErrNotSet) {
		return ch, set, ErrNoChannel
	}
	return ch, set, err
}

// Verify answers Meta's check of the webhook URL (GET with hub.mode, hub.verify_token
// and hub.challenge): the challenge, only for "subscribe" with the channel's token.
func (r *Receiver) Verify(ctx context.Context, key, mode, token, challenge string) (string, error) {
	ch, set, err := r.channel(ctx, key)
	if err != nil {
		return "", err
	}
	if mode != "subscribe" || subtle.ConstantTimeCompare([]byte(token), []byte(set.VerifyToken)) != 1 ||
		challenge == "" || len(challenge) > 200 {
		r.log().Warn("webhook verification refused", "channel", ch.ID, "mode", mode)
		return "", ErrVerify
	}
	if err := r.Settings.verified(ctx, ch.ID); err != nil {
		return "", err
	}
	return challenge, nil
}

// Receive takes one webhook POST: body is the raw request body, signature its
// X-Hub-Signature-256 header. The signature is checked over the raw bytes with the app
// secret, in constant time, before anything is parsed; then the body's shape is bounded,
// and it is stored and queued. Every refusal is logged.
func (r *Receiver) Receive(ctx context.Context, key, signature string, body []byte) error {
	if r.Limiter != nil {
		if ok, _ := r.Limiter.Allow(key); !ok {
			r.log().Warn("webhook rate limited", "key", key)
			return ErrLimited
		}
	}
	ch, set, err := r.channel(ctx, key)
	if err != nil {
		if errors.Is(err, ErrNoChannel) {
			r.log().Warn("webhook for no channel", "key", key)
		}
		return err
	}
	if !ValidSignature(set.AppSecret, signature, body) {
		r.log().Warn("webhook signature refused", "channel", ch.ID, "signed", signature != "", "bytes", len(body))
		return ErrSignature
	}
	if err := checkShape(body); err != nil {
		r.log().Warn("webhook body refused", "channel", ch.ID, "err", err)
		return ErrShape
	}
	res, err := r.DB.Write.ExecContext(ctx, "INSERT INTO meta_events (channel_id, body, received_at) VALUES (?, ?, ?)", ch.ID, body, time.Now().Unix())
	if err != nil {
		return fmt.Errorf("meta: store event: %w", err)
	}
	id, err := res.LastInsertId()
	if err != nil {
		return fmt.Errorf("meta: store event: %w", err)
	}
	// Stored is enough for Meta: a failure to queue is logged, and the event waits for
	// Intake.Pending.
	if err := r.Jobs.At(ctx, JobEvent, time.Now(), eventJob{EventID: id}); err != nil {
		r.log().Error("webhook event not queued", "channel", ch.ID, "event", id, "err", err)
	}
	return nil
}

type eventJob struct {
	EventID int64 `json:"event_id"`
}

// ValidSignature reports whether header ("sha256=" and the hex HMAC-SHA256 of body with
// the app secret) signs body, comparing in constant time.
func ValidSignature(appSecret, header string, body []byte) bool {
	hexSum, ok := strings.CutPrefix(header, "sha256=")
	if !ok || appSecret == "" {
		return false
	}
	got, err := hex.DecodeString(hexSum)
	if err != nil {
		return false
	}
	mac := hmac.New(sha256.New, []byte(appSecret))
	mac.Write(body)
	return hmac.Equal(got, mac.Sum(nil))
}

// checkShape reads body as JSON tokens and refuses an object nested deeper than maxDepth
// or made of more than maxTokens tokens, before anything is decoded into structures.
func checkShape(body []byte) error {
	dec := json.NewDecoder(bytes.NewReader(body))
	depth, n := 0, 0
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		if n++; n > maxTokens {
			return fmt.Errorf("more than %d JSON tokens", maxTokens)
		}
		switch tok {
		case json.Delim('{'), json.Delim('['):
			if depth++; depth > maxDepth {
				return fmt.Errorf("nested deeper than %d", maxDepth)
			}
		case json.Delim('}'), json.Delim(']'):
			depth--
		}
		if n == 1 && tok != json.Delim('{') {
			return errors.New("not a JSON object")
		}
	}
	if n == 0 {
		return errors.New("empty")
	}
	return nil
}

func (r *Receiver) log() *slog.Logger {
	if r.Log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return r.Log
}

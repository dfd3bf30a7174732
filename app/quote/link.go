package quote

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
)

// A public link names a quote by a token: its id and link version, signed with a key of
// this server (HMAC-SHA256, cut to 128 bits). Nothing in it can be guessed or changed: a
// token for another quote, or a changed one, fails the signature. A withdrawal moves the
// quote's link version on, so a withdrawn link stays dead when the quote is published
// again; an expired quote's link fails by its date.

// TokenPrefix starts every quote token, telling it apart from a channel's public key.
const TokenPrefix = "q_"

const (
	linkKeySetting = "quote_link_key"
	macSize        = 16
	maxToken       = 64
)

// Errors of a public link, meant for the person who opened it.
var (
	ErrLinkInvalid   = errors.New("quote: link not valid") // tampered, unknown or not yet published
	ErrLinkWithdrawn = errors.New("quote: link withdrawn") // the quote was withdrawn (or the link is an old one)
	ErrLinkExpired   = errors.New("quote: quote expired")  // past the quote's expiry date
)

// linkKey is the server's signing key, kept in the settings table so that links survive a
// restart (and a backup restored); made at first use.
type linkKey struct {
	mu  sync.Mutex
	key []byte
}

func (s *Store) key(ctx context.Context) ([]byte, error) {
	s.link.mu.Lock()
	defer s.link.mu.Unlock()
	if s.link.key != nil {
		return s.link.key, nil
	}
	fresh := make([]byte, 32)
	if _, err := rand.Read(fresh); err != nil {
		return nil, fmt.Errorf("quote: link key: %w", err)
	}
	if _, err := s.db.Write.ExecContext(ctx, "INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING",
		linkKeySetting, hex.EncodeToString(fresh)); err != nil {
		return nil, fmt.Errorf("quote: link key: %w", err)
	}
	var v string
	if err := s.db.Write.QueryRowContext(ctx, "SELECT value FROM settings WHERE key = ?", linkKeySetting).Scan(&v); err != nil {
		return nil, fmt.Errorf("quote: link key: %w", err)
	}
	k, err := hex.DecodeString(v)
	if err != nil || len(k) < 32 {
		return nil, fmt.Errorf("quote: link key: stored key is not 32 bytes of hex")
	}
	s.link.key = k
	return k, nil
}

func mac(key []byte, id, version int64) []byte {
	h := hmac.New(sha256.New, key)
	h.Write([]byte("quote-link\x00" + strconv.FormatInt(id, 10) + "." + strconv.FormatInt(version, 10)))
	return h.Sum(nil)[:macSize]
}

// Token is the token of the quote's public link as it stands (its current link version).
func (s *Store) Token(ctx context.Context, q Quote) (string, error) {
	key, err := s.key(ctx)
	if err != nil {
		return "", err
	}
	b := binary.AppendUvarint(nil, uint64(q.ID))
	b = binary.AppendUvarint(b, uint64(q.LinkVersion))
	b = append(b, mac(key, q.ID, q.LinkVersion)...)
	return TokenPrefix + base64.RawURLEncoding.EncodeToString(b), nil
}

// Open returns the quote a public link's token names, when its page may be shown:
// published or accepted, and the link the current one. Otherwise ErrLinkInvalid (a
// tampered or unknown token, a quote not published yet), ErrLinkWithdrawn or
// ErrLinkExpired, with the quote when the signature held (to say which one expired).
func (s *Store) Open(ctx context.Context, token string) (Quote, error) {
	raw, ok := strings.CutPrefix(token, TokenPrefix)
	if !ok || len(token) > maxToken {
		return Quote{}, ErrLinkInvalid
	}
	b, err := base64.RawURLEncoding.DecodeString(raw)
	if err != nil {
		return Quote{}, ErrLinkInvalid
	}
	id, n := binary.Uvarint(b)
	if n <= 0 {
		return Quote{}, ErrLinkInvalid
	}
	version, m := binary.Uvarint(b[n:])
	if m <= 0 || len(b[n+m:]) != macSize || id > 1<<62 || version > 1<<62 {
		return Quote{}, ErrLinkInvalid
	}
	key, err := s.key(ctx)
	if err != nil {
		return Quote{}, err
	}
	if !hmac.Equal(b[n+m:], mac(key, int64(id), int64(version))) {
		return Quote{}, ErrLinkInvalid
	}
	var ws int64
	err = s.db.Read.QueryRowContext(ctx, "SELECT workspace_id FROM quotes WHERE id = ?", id).Scan(&ws)
	if errors.Is(err, sql.ErrNoRows) {
		return Quote{}, ErrLinkInvalid
	}
	if err != nil {
		return Quote{}, fmt.Errorf("quote: open link: %w", err)
	}
	q, err := s.Get(ctx, ws, int64(id))
	if err != nil {
		return Quote{}, err
	}
	switch {
	case q.LinkVersion != int64(version) || q.Status == Withdrawn:
		return q, ErrLinkWithdrawn
	case q.Status == Draft:
		return Quote{}, ErrLinkInvalid
	case q.State(s.now()) == Expired:
		return q, ErrLinkExpired
	}
	return q, nil
}

// PagePath is the path of the public page a token opens.
func PagePath(token string) string { return "/q/" + token }

package account

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"errors"
	"time"
)

// Session is one login in one browser.
type Session struct {
	UserID    int64
	CSRFToken string // sent back with every state-changing request
	CreatedAt time.Time
	ExpiresAt time.Time
}

// touchEvery bounds how often a session's last-seen time is written: once per this
// interval rather than on every request.
const touchEvery = 5 * time.Minute

func randomToken() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic("account: no randomness: " + err.Error())
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

func tokenHash(token string) []byte {
	h := sha256.Sum256([]byte(token))
	return h[:]
}

// CreateSession starts a session for the user and returns the token for its cookie.
// Only a hash of the token is stored, so a copy of the database cannot log anyone in.
func (m *Manager) CreateSession(ctx context.Context, userID int64, ttl time.Duration, ip, userAgent string) (string, Session, error) {
	token := randomToken()
	now := m.now()
	s := Session{UserID: userID, CSRFToken: randomToken(), CreatedAt: now, ExpiresAt: now.Add(ttl)}
	if len(userAgent) > 300 {
		userAgent = userAgent[:300]
	}
	_, err := m.db.Write.ExecContext(ctx, `INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, last_seen_at, expires_at, ip, user_agent)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, tokenHash(token), userID, s.CSRFToken, now.Unix(), now.Unix(), s.ExpiresAt.Unix(), ip, userAgent)
	if err != nil {
		return "", Session{}, wrap("create session", err)
	}
	return token, s, nil
}

// SessionUser returns the session for a cookie token and its user. Expired sessions and
// those of disabled users are ErrSessionNotFound.
func (m *Manager) SessionUser(ctx context.Context, token string) (Session, User, error) {
	if token == "" || len(token) > 100 {
		return Session{}, User{}, ErrSessionNotFound
	}
	var s Session
	var created, expires, lastSeen int64
	var u User
	var userCreated int64
	now := m.now()
	err := m.db.Read.QueryRowContext(ctx, `SELECT s.user_id, s.csrf_token, s.created_at, s.expires_at, s.last_seen_at,
		u.id, u.email, u.name, u.disabled, u.must_change_password, u.super_admin, COALESCE(u.last_workspace_id, 0), u.created_at
		FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = ? AND s.expires_at > ?`,
		tokenHash(token), now.Unix()).
		Scan(&s.UserID, &s.CSRFToken, &created, &expires, &lastSeen,
			&u.ID, &u.Email, &u.Name, &u.Disabled, &u.MustChangePassword, &u.SuperAdmin, &u.LastWorkspaceID, &userCreated)
	if errors.Is(err, sql.ErrNoRows) {
		return Session{}, User{}, ErrSessionNotFound
	}
	if err != nil {
		return Session{}, User{}, wrap("get session", err)
	}
	if u.Disabled {
		return Session{}, User{}, ErrSessionNotFound
	}
	s.CreatedAt, s.ExpiresAt, u.CreatedAt = unix(created), unix(expires), unix(userCreated)
	if now.Sub(unix(lastSeen)) > touchEvery {
		if _, err := m.db.Write.ExecContext(ctx, "UPDATE sessions SET last_seen_at = ? WHERE token_hash = ?", now.Unix(), tokenHash(token)); err != nil {
			return Session{}, User{}, wrap("touch session", err)
		}
	}
	return s, u, nil
}

// DeleteSession ends one session (logout).
func (m *Manager) DeleteSession(ctx context.Context, token string) error {
	_, err := m.db.Write.ExecContext(ctx, "DELETE FROM sessions WHERE token_hash = ?", tokenHash(token))
	return wrap("delete session", err)
}

// DeleteExpiredSessions removes sessions past their expiry and returns how many.
func (m *Manager) DeleteExpiredSessions(ctx context.Context) (int64, error) {
	res, err := m.db.Write.ExecContext(ctx, "DELETE FROM sessions WHERE expires_at <= ?", m.now().Unix())
	if err != nil {
		return 0, wrap("delete expired sessions", err)
	}
	return res.RowsAffected()
}

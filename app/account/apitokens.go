package account

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Scope is one area of the JSON API a token may read or write ("knowledge:write").
type Scope string

// The scopes a token can be given. Writing an area includes reading it.
const (
	ScopeContactsRead       Scope = "contacts:read"
	ScopeConversationsRead  Scope = "conversations:read"
	ScopeConversationsWrite Scope = "conversations:write"
	ScopeKnowledgeRead      Scope = "knowledge:read"
	ScopeKnowledgeWrite     Scope = "knowledge:write"
	ScopeAgentsRead         Scope = "agents:read"
	ScopeMembersRead        Scope = "members:read"
	ScopeReportsRead        Scope = "reports:read"
	ScopeQuotesRead         Scope = "quotes:read"
	ScopeQuotesWrite        Scope = "quotes:write"
)

// Scopes lists every scope, in the order the settings page shows them.
var Scopes = []Scope{ScopeContactsRead, ScopeConversationsRead, ScopeConversationsWrite, ScopeKnowledgeRead,
	ScopeKnowledgeWrite, ScopeAgentsRead, ScopeMembersRead, ScopeReportsRead, ScopeQuotesRead, ScopeQuotesWrite}

// APIToken is a workspace's key to the JSON API. It acts as the admin who made it: their
// replies are theirs, and it stops working when they are no longer an admin or owner of
// the workspace, or their account is disabled.
type APIToken struct {
	ID          int64
	WorkspaceID int64
	CreatedBy   int64
	CreatorName string
	Name        string
	Prefix      string // the secret's first characters, to tell tokens apart
	Scopes      []Scope
	CreatedAt   time.Time
	LastUsedAt  time.Time // zero: never used
	RevokedAt   time.Time // zero: in force
}

// Allows reports whether the token may call a route that needs scope s: it has s, or
// the same area's write scope when s reads.
func (t APIToken) Allows(s Scope) bool {
	if slices.Contains(t.Scopes, s) {
		return true
	}
	area, ok := strings.CutSuffix(string(s), ":read")
	return ok && slices.Contains(t.Scopes, Scope(area+":write"))
}

// ErrTokenInvalid is any token that cannot be used: unknown, revoked, or its creator's
// rights are gone. The API says no more than that.
const ErrTokenInvalid = Error("this API token is not valid: it is unknown or revoked, or the admin who made it can no longer manage the workspace")

// apiTokenPrefix marks the secrets of this product, so that secret scanners and people
// recognise one in a log or a repository.
const apiTokenPrefix = "agt_"

// tokenTouchEvery bounds how often a token's last use is written: a busy script should not
// turn every read into a write.
const tokenTouchEvery = time.Minute

const maxTokenName = 100

// CreateAPIToken makes a token for the workspace as the member byUserID, who must be allowed
// to manage it, and returns its secret: shown once, only its hash is kept. A SHA-256 hash
// is enough (unlike a password's bcrypt) because the secret is 256 random bits: no
// dictionary to try, and the lookup on every call stays a single indexed read.
func (m *Manager) CreateAPIToken(ctx context.Context, workspaceID, byUserID int64, name string, scopes []Scope) (string, APIToken, error) {
	name = strings.TrimSpace(name)
	switch {
	case name == "":
		return "", APIToken{}, &InputError{Field: "name", Message: "is required"}
	case utf8.RuneCountInString(name) > maxTokenName:
		return "", APIToken{}, &InputError{Field: "name", Message: "must be at most 100 characters"}
	case len(scopes) == 0:
		return "", APIToken{}, &InputError{Field: "scopes", Message: "choose at least one"}
	}
	var chosen []Scope
	for _, s := range Scopes {
		if slices.Contains(scopes, s) {
			chosen = append(chosen, s)
		}
	}
	if len(chosen) != len(distinctScopes(scopes)) {
		return "", APIToken{}, &InputError{Field: "scopes", Message: "one of them is not a known scope"}
	}
	ms, err := m.Membership(ctx, workspaceID, byUserID)
	if err != nil {
		return "", APIToken{}, err
	}
	if !ms.Can(PermManageWorkspace) {
		return "", APIToken{}, ErrNotFound
	}
	secret := apiTokenPrefix + randomToken()
	now := m.now()
	t := APIToken{WorkspaceID: workspaceID, CreatedBy: byUserID, Name: name, Prefix: secret[:len(apiTokenPrefix)+6],
		Scopes: chosen, CreatedAt: now}
	res, err := m.db.Write.ExecContext(ctx, `INSERT INTO api_tokens (workspace_id, created_by, name, prefix, token_hash, scopes, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, workspaceID, byUserID, name, t.Prefix, tokenHash(secret), joinScopes(chosen), now.Unix())
	if err != nil {
		return "", APIToken{}, wrap("create api token", err)
	}
	t.ID, _ = res.LastInsertId()
	return secret, t, nil
}

func distinctScopes(s []Scope) []Scope {
	s = slices.Clone(s)
	slices.Sort(s)
	return slices.Compact(s)
}

func joinScopes(s []Scope) string {
	out := make([]string, len(s))
	for i, x := range s {
		out[i] = string(x)
	}
	return strings.Join(out, " ")
}

func splitScopes(s string) []Scope {
	var out []Scope
	for _, f := range strings.Fields(s) {
		out = append(out, Scope(f))
	}
	return out
}

const apiTokenColumns = `t.id, t.workspace_id, t.created_by, u.name, t.name, t.prefix, t.scopes, t.created_at,
	COALESCE(t.last_used_at, 0), COALESCE(t.revoked_at, 0)`

func scanAPIToken(row interface{ Scan(...any) error }, extra ...any) (APIToken, error) {
	var t APIToken
	var scopes string
	var created, used, revoked int64
	err := row.Scan(append([]any{&t.ID, &t.WorkspaceID, &t.CreatedBy, &t.CreatorName, &t.Name, &t.Prefix, &scopes, &created, &used, &revoked}, extra...)...)
	t.Scopes, t.CreatedAt = splitScopes(scopes), unix(created)
	if used != 0 {
		t.LastUsedAt = unix(used)
	}
	if revoked != 0 {
		t.RevokedAt = unix(revoked)
	}
	return t, err
}

// APITokens lists a workspace's tokens, revoked ones included, newest first.
func (m *Manager) APITokens(ctx context.Context, workspaceID int64) ([]APIToken, error) {
	rows, err := m.db.Read.QueryContext(ctx, "SELECT "+apiTokenColumns+` FROM api_tokens t JOIN users u ON u.id = t.created_by
		WHERE t.workspace_id = ? ORDER BY t.id DESC`, workspaceID)
	if err != nil {
		return nil, wrap("list api tokens", err)
	}
	defer rows.Close()
	var out []APIToken
	for rows.Next() {
		t, err := scanAPIToken(rows)
		if err != nil {
			return nil, wrap("list api tokens", err)
		}
		out = append(out, t)
	}
	return out, wrap("list api tokens", rows.Err())
}

// RevokeAPIToken ends a token of the workspace at once; revoking it again changes nothing.
// A token of another workspace is ErrNotFound.
func (m *Manager) RevokeAPIToken(ctx context.Context, workspaceID, id int64) error {
	res, err := m.db.Write.ExecContext(ctx, "UPDATE api_tokens SET revoked_at = COALESCE(revoked_at, ?) WHERE id = ? AND workspace_id = ?",
		m.now().Unix(), id, workspaceID)
	if err != nil {
		return wrap("revoke api token", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	return nil
}

// APITokenBySecret returns the token a caller presents, and records its use. A token that
// is unknown or revoked, or whose creator is disabled or can no longer manage the
// workspace, is ErrTokenInvalid.
func (m *Manager) APITokenBySecret(ctx context.Context, secret string) (APIToken, error) {
	if !strings.HasPrefix(secret, apiTokenPrefix) || len(secret) > 100 {
		return APIToken{}, ErrTokenInvalid
	}
	var ms Membership
	var disabled bool
	t, err := scanAPIToken(m.db.Read.QueryRowContext(ctx, "SELECT "+apiTokenColumns+`, u.disabled, COALESCE(ms.role, ''), COALESCE(ms.agent_editor, 0)
		FROM api_tokens t JOIN users u ON u.id = t.created_by
		LEFT JOIN memberships ms ON ms.workspace_id = t.workspace_id AND ms.user_id = t.created_by
		WHERE t.token_hash = ?`, tokenHash(secret)), &disabled, &ms.Role, &ms.AgentEditor)
	if errors.Is(err, sql.ErrNoRows) {
		return APIToken{}, ErrTokenInvalid
	}
	if err != nil {
		return APIToken{}, wrap("api token", err)
	}
	if !t.RevokedAt.IsZero() || disabled || !ms.Can(PermManageWorkspace) {
		return APIToken{}, ErrTokenInvalid
	}
	now := m.now()
	if now.Sub(t.LastUsedAt) >= tokenTouchEvery {
		if _, err := m.db.Write.ExecContext(ctx, "UPDATE api_tokens SET last_used_at = ? WHERE id = ?", now.Unix(), t.ID); err != nil {
			return APIToken{}, wrap("touch api token", err)
		}
		t.LastUsedAt = now
	}
	return t, nil
}

package account

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestAPITokenLifecycle(t *testing.T) {
	ctx := context.Background()
	m := newManager(t)
	owner, ws := setup(t, m)
	now := time.Unix(1_800_000_000, 0)
	m.SetClock(func() time.Time { return now })

	for _, c := range []struct {
		name   string
		scopes []Scope
		field  string
	}{
		{"", []Scope{ScopeContactsRead}, "name"},
		{"Shop sync", nil, "scopes"},
		{"Shop sync", []Scope{"contacts:delete"}, "scopes"},
		{"Shop sync", []Scope{ScopeContactsRead, "everything"}, "scopes"},
	} {
		var ie *InputError
		if _, _, err := m.CreateAPIToken(ctx, ws.ID, owner.ID, c.name, c.scopes); !errors.As(err, &ie) || ie.Field != c.field {
			t.Errorf("CreateAPIToken(%q, %v) = %v, want an error on %s", c.name, c.scopes, err, c.field)
		}
	}
	agentUser, _, err := m.AddMember(ctx, ws.ID, NewUser{Email: "ann@example.com", Name: "Ann", Password: "ann password"}, RoleAgent, true)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := m.CreateAPIToken(ctx, ws.ID, agentUser.ID, "Mine", []Scope{ScopeKnowledgeWrite}); !errors.Is(err, ErrNotFound) {
		t.Errorf("an agent made a token: %v", err)
	}

	secret, tok, err := m.CreateAPIToken(ctx, ws.ID, owner.ID, " Shop sync ", []Scope{ScopeKnowledgeWrite, ScopeContactsRead, ScopeContactsRead})
	if err != nil {
		t.Fatal(err)
	}
	if tok.Name != "Shop sync" || len(tok.Scopes) != 2 || tok.Scopes[0] != ScopeContactsRead || len(secret) < 40 || secret[:len(tok.Prefix)] != tok.Prefix {
		t.Fatalf("token = %+v, secret %q", tok, secret)
	}
	var stored []byte
	m.db.Read.QueryRow("SELECT token_hash FROM api_tokens WHERE id = ?", tok.ID).Scan(&stored)
	if string(stored) == secret || len(stored) != 32 {
		t.Fatalf("stored %x: want a SHA-256 hash, not the secret", stored)
	}

	got, err := m.APITokenBySecret(ctx, secret)
	if err != nil || got.ID != tok.ID || got.WorkspaceID != ws.ID || !got.LastUsedAt.Equal(now) {
		t.Fatalf("by secret = %+v, %v", got, err)
	}
	if !got.Allows(ScopeKnowledgeRead) || !got.Allows(ScopeKnowledgeWrite) || !got.Allows(ScopeContactsRead) ||
		got.Allows(ScopeConversationsRead) || got.Allows(ScopeConversationsWrite) {
		t.Errorf("scopes of %v: write must include read of the same area only", got.Scopes)
	}
	for _, bad := range []string{"", secret + "x", secret[1:], "agt_" + randomToken()} {
		if _, err := m.APITokenBySecret(ctx, bad); !errors.Is(err, ErrTokenInvalid) {
			t.Errorf("secret %q: %v, want ErrTokenInvalid", bad, err)
		}
	}

	// Its last use is written at most once a minute.
	now = now.Add(30 * time.Second)
	m.APITokenBySecret(ctx, secret)
	list, err := m.APITokens(ctx, ws.ID)
	if err != nil || len(list) != 1 || !list[0].LastUsedAt.Equal(now.Add(-30*time.Second)) || list[0].CreatorName != "Olga" {
		t.Fatalf("tokens = %+v, %v", list, err)
	}

	// It stops working when its creator can no longer manage the workspace.
	admin, _, err := m.AddMember(ctx, ws.ID, NewUser{Email: "adam@example.com", Name: "Adam", Password: "adam password"}, RoleAdmin, false)
	if err != nil {
		t.Fatal(err)
	}
	adminSecret, _, err := m.CreateAPIToken(ctx, ws.ID, admin.ID, "Adam's", []Scope{ScopeReportsRead})
	if err != nil {
		t.Fatal(err)
	}
	if err := m.SetRole(ctx, ws.ID, admin.ID, RoleAgent, false); err != nil {
		t.Fatal(err)
	}
	if _, err := m.APITokenBySecret(ctx, adminSecret); !errors.Is(err, ErrTokenInvalid) {
		t.Errorf("token of a demoted admin: %v", err)
	}
	if err := m.SetRole(ctx, ws.ID, admin.ID, RoleAdmin, false); err != nil {
		t.Fatal(err)
	}
	if err := m.SetDisabled(ctx, admin.ID, true); err != nil {
		t.Fatal(err)
	}
	if _, err := m.APITokenBySecret(ctx, adminSecret); !errors.Is(err, ErrTokenInvalid) {
		t.Errorf("token of a disabled admin: %v", err)
	}

	// Revoked: refused at once; another workspace cannot revoke it.
	other, err := m.CreateWorkspace(ctx, "Other", owner.ID)
	if err != nil {
		t.Fatal(err)
	}
	if err := m.RevokeAPIToken(ctx, other.ID, tok.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("revoke from another workspace: %v", err)
	}
	if err := m.RevokeAPIToken(ctx, ws.ID, tok.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := m.APITokenBySecret(ctx, secret); !errors.Is(err, ErrTokenInvalid) {
		t.Errorf("revoked token: %v", err)
	}
}

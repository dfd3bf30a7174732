-- Accounts are install-wide; workspaces hold memberships. Super admins manage accounts
-- across the install (reset passwords, disable, name other super admins); a workspace's
-- admins invite people, who join only when they accept.

ALTER TABLE users ADD COLUMN super_admin INTEGER NOT NULL DEFAULT 0;

-- The install's first owner becomes its super admin: the earliest enabled user who owns a
-- workspace, else the earliest user at all.
UPDATE users SET super_admin = 1 WHERE id = (
    SELECT u.id FROM users u
    ORDER BY u.disabled,
        NOT EXISTS (SELECT 1 FROM memberships m WHERE m.user_id = u.id AND m.role = 'owner'),
        u.created_at, u.id
    LIMIT 1
);

-- A pending invitation to join a workspace. The link holds a random token; only its
-- SHA-256 is stored. Accepting, declining or revoking deletes the row; inviting the same
-- address again replaces it (a new token and expiry), so there is one per workspace+email.
CREATE TABLE invitations (
    id           INTEGER PRIMARY KEY,
    workspace_id INTEGER NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    email        TEXT    NOT NULL COLLATE NOCASE,
    role         TEXT    NOT NULL CHECK (role IN ('owner', 'admin', 'agent')),
    agent_editor INTEGER NOT NULL DEFAULT 0,
    invited_by   INTEGER REFERENCES users (id) ON DELETE SET NULL,
    token_hash   BLOB    NOT NULL UNIQUE,
    created_at   INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL,
    UNIQUE (workspace_id, email)
) STRICT;
CREATE INDEX invitations_email ON invitations (email);

-- API tokens: what scripts and other systems call the JSON API with. Each belongs to one
-- workspace and acts as the admin who made it; only a SHA-256 hash of the secret is kept.
CREATE TABLE api_tokens (
    id           INTEGER PRIMARY KEY,
    workspace_id INTEGER NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    created_by   INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name         TEXT    NOT NULL,
    prefix       TEXT    NOT NULL, -- the secret's first characters, shown so people can tell tokens apart
    token_hash   BLOB    NOT NULL UNIQUE,
    scopes       TEXT    NOT NULL, -- space separated, e.g. 'conversations:read knowledge:write'
    created_at   INTEGER NOT NULL,
    last_used_at INTEGER, -- NULL: never used; written at most once a minute
    revoked_at   INTEGER  -- NULL: in force
) STRICT;
CREATE INDEX api_tokens_workspace ON api_tokens (workspace_id, id);

-- The closing agent: one per workspace, configured by super admins only. It answers
-- buyers on a quote's public page from the quote's fields and its chosen knowledge, and
-- hands off to the quote's owner and/or chosen teams through a chat inbox (a channel).
CREATE TABLE closing_agents (
    workspace_id     INTEGER PRIMARY KEY REFERENCES workspaces (id) ON DELETE CASCADE,
    name             TEXT    NOT NULL,
    avatar           BLOB,
    avatar_type      TEXT    NOT NULL DEFAULT '',
    inbox_channel_id INTEGER REFERENCES channels (id) ON DELETE SET NULL, -- where handoffs land
    to_owner         INTEGER NOT NULL DEFAULT 1, -- hand off to the quote's owner first
    unavailable_one  TEXT    NOT NULL DEFAULT '', -- the owner or a team is not available ('' = the default phrase)
    unavailable_all  TEXT    NOT NULL DEFAULT '', -- no representative is available ('' = the default phrase)
    welcome          TEXT    NOT NULL DEFAULT '',
    first_action     TEXT    NOT NULL DEFAULT '',
    quick_replies    TEXT    NOT NULL DEFAULT '[]', -- JSON array
    trust            TEXT    NOT NULL DEFAULT 'balanced' CHECK (trust IN ('cautious', 'balanced', 'eager')),
    active           INTEGER NOT NULL DEFAULT 0,
    created_by       INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL
) STRICT;

-- The knowledge it answers from: a subset of the workspace's sources.
CREATE TABLE closing_agent_sources (
    workspace_id INTEGER NOT NULL REFERENCES closing_agents (workspace_id) ON DELETE CASCADE,
    source_id    INTEGER NOT NULL REFERENCES sources (id) ON DELETE CASCADE,
    PRIMARY KEY (workspace_id, source_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX closing_agent_sources_source ON closing_agent_sources (source_id);

-- The teams it hands off to after (or instead of) the quote's owner.
CREATE TABLE closing_agent_teams (
    workspace_id INTEGER NOT NULL REFERENCES closing_agents (workspace_id) ON DELETE CASCADE,
    team_id      INTEGER NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    PRIMARY KEY (workspace_id, team_id)
) STRICT, WITHOUT ROWID;

-- Channels, visitors, the shared inbox (assignment, presence, handoffs, feedback) and the
-- job queue. Times are unix seconds.

CREATE TABLE channels (
    id                  INTEGER PRIMARY KEY,
    workspace_id        INTEGER NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    kind                TEXT    NOT NULL CHECK (kind IN ('chat', 'email', 'whatsapp', 'messenger')),
    name                TEXT    NOT NULL COLLATE NOCASE,
    agent_id            INTEGER REFERENCES agents (id) ON DELETE SET NULL, -- NULL: humans only
    public_key          TEXT    NOT NULL UNIQUE, -- what the widget snippet names; not a secret
    allowed_origins     TEXT    NOT NULL DEFAULT '[]', -- JSON array of https://host[:port]
    welcome             TEXT    NOT NULL DEFAULT '',
    quick_replies       TEXT    NOT NULL DEFAULT '[]', -- JSON array
    handoff_mode        TEXT    NOT NULL DEFAULT 'assign' CHECK (handoff_mode IN ('assign', 'unassigned', 'stay')),
    handoff_message     TEXT    NOT NULL DEFAULT '',
    unavailable_message TEXT    NOT NULL DEFAULT '',
    show_human          INTEGER NOT NULL DEFAULT 1, -- the widget header shows the assigned human
    close_after         INTEGER NOT NULL DEFAULT 86400, -- seconds without activity
    active              INTEGER NOT NULL DEFAULT 1,
    created_at          INTEGER NOT NULL,
    updated_at          INTEGER NOT NULL,
    UNIQUE (workspace_id, name)
) STRICT;

-- Who a channel's handoffs go to: users and/or teams, round robin among those available.
CREATE TABLE channel_handoff_targets (
    channel_id INTEGER NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
    user_id    INTEGER REFERENCES users (id) ON DELETE CASCADE,
    team_id    INTEGER REFERENCES teams (id) ON DELETE CASCADE,
    CHECK ((user_id IS NULL) <> (team_id IS NULL))
) STRICT;
CREATE UNIQUE INDEX channel_handoff_targets_unique ON channel_handoff_targets (channel_id, COALESCE(user_id, 0), COALESCE(team_id, 0));

-- A visitor of a chat widget, known by an opaque token kept in their browser; only its
-- SHA-256 is stored.
CREATE TABLE visitors (
    id           INTEGER PRIMARY KEY,
    workspace_id INTEGER NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    channel_id   INTEGER NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
    token_hash   BLOB    NOT NULL UNIQUE,
    lang         TEXT    NOT NULL DEFAULT '',
    created_at   INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL
) STRICT;

ALTER TABLE conversations ADD COLUMN channel_id INTEGER REFERENCES channels (id) ON DELETE SET NULL;
ALTER TABLE conversations ADD COLUMN visitor_id INTEGER REFERENCES visitors (id) ON DELETE SET NULL;
ALTER TABLE conversations ADD COLUMN assignee_id INTEGER REFERENCES users (id) ON DELETE SET NULL;
ALTER TABLE conversations ADD COLUMN team_id INTEGER REFERENCES teams (id) ON DELETE SET NULL;
ALTER TABLE conversations ADD COLUMN ai_active INTEGER NOT NULL DEFAULT 0; -- the AI answers this conversation
ALTER TABLE conversations ADD COLUMN unread INTEGER NOT NULL DEFAULT 0;    -- a customer message no human has opened
ALTER TABLE conversations ADD COLUMN awaiting INTEGER NOT NULL DEFAULT 0;  -- the customer wrote last (Unreplied)
ALTER TABLE conversations ADD COLUMN first_ai_at INTEGER;                  -- the first AI assignment
ALTER TABLE conversations ADD COLUMN first_human_reply_at INTEGER;
ALTER TABLE conversations ADD COLUMN last_activity_at INTEGER NOT NULL DEFAULT 0;
ALTER TABLE conversations ADD COLUMN closed_at INTEGER;
CREATE INDEX conversations_inbox ON conversations (workspace_id, preview, status, last_activity_at);
CREATE INDEX conversations_assignee ON conversations (assignee_id, status);
CREATE INDEX conversations_visitor ON conversations (visitor_id, status);

-- Every handoff (transfer) with its cause, when it happened and who received it.
CREATE TABLE handoffs (
    id              INTEGER PRIMARY KEY,
    conversation_id INTEGER NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    cause           TEXT    NOT NULL CHECK (cause IN ('ai_could_not_answer', 'visitor_asked', 'repeated_answer', 'automation', 'manual')),
    outcome         TEXT    NOT NULL CHECK (outcome IN ('assigned', 'unassigned', 'stayed')),
    to_user_id      INTEGER REFERENCES users (id) ON DELETE SET NULL,
    to_team_id      INTEGER REFERENCES teams (id) ON DELETE SET NULL,
    by_user_id      INTEGER REFERENCES users (id) ON DELETE SET NULL, -- a manual reassignment
    created_at      INTEGER NOT NULL
) STRICT;
CREATE INDEX handoffs_conversation ON handoffs (conversation_id);

-- A visitor's thumbs up or down on an AI reply, with a reason for a thumbs down.
CREATE TABLE feedback (
    message_id INTEGER PRIMARY KEY REFERENCES messages (id) ON DELETE CASCADE,
    helpful    INTEGER NOT NULL,
    reason     TEXT    NOT NULL DEFAULT '' CHECK (reason IN ('', 'too_long', 'not_useful', 'off_topic', 'other')),
    comment    TEXT    NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL
) STRICT;

-- Whether a human takes conversations now, and how many open ones at most.
CREATE TABLE presence (
    workspace_id INTEGER NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    status       TEXT    NOT NULL DEFAULT 'away' CHECK (status IN ('online', 'away')),
    capacity     INTEGER NOT NULL DEFAULT 5,
    last_assigned_at INTEGER NOT NULL DEFAULT 0, -- round robin: the longest waiting goes first
    updated_at   INTEGER NOT NULL,
    PRIMARY KEY (workspace_id, user_id)
) STRICT, WITHOUT ROWID;

-- Work to run later, kept in the database so that a restart loses none of it.
CREATE TABLE jobs (
    id           INTEGER PRIMARY KEY,
    kind         TEXT    NOT NULL,
    payload      TEXT    NOT NULL DEFAULT '{}',
    run_at       INTEGER NOT NULL,
    every        INTEGER NOT NULL DEFAULT 0, -- seconds; 0 runs once
    attempts     INTEGER NOT NULL DEFAULT 0,
    last_error   TEXT    NOT NULL DEFAULT '',
    locked_until INTEGER NOT NULL DEFAULT 0,
    done_at      INTEGER
) STRICT;
CREATE INDEX jobs_due ON jobs (done_at, run_at);
CREATE UNIQUE INDEX jobs_recurring ON jobs (kind) WHERE every > 0;

-- AI agents, and the conversations they take part in with what each AI reply rested on.
-- Times are unix seconds.

CREATE TABLE agents (
    id             INTEGER PRIMARY KEY,
    workspace_id   INTEGER NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    name           TEXT    NOT NULL COLLATE NOCASE,
    role           TEXT    NOT NULL CHECK (role IN ('support', 'marketing', 'sales')),
    personality    TEXT    NOT NULL CHECK (personality IN ('friendly', 'professional', 'casual', 'empathetic', 'witty', 'custom')),
    voice          TEXT    NOT NULL DEFAULT '', -- the brand voice when personality is custom
    all_sources    INTEGER NOT NULL DEFAULT 1,  -- 0: only the sources in agent_sources
    rephrase_first INTEGER NOT NULL DEFAULT 0,  -- ask once to rephrase before handing off
    active         INTEGER NOT NULL DEFAULT 1,
    avatar         BLOB,
    avatar_type    TEXT    NOT NULL DEFAULT '',
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL,
    UNIQUE (workspace_id, name)
) STRICT;

CREATE TABLE agent_sources (
    agent_id  INTEGER NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
    source_id INTEGER NOT NULL REFERENCES sources (id) ON DELETE CASCADE,
    PRIMARY KEY (agent_id, source_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX agent_sources_source ON agent_sources (source_id);

-- A conversation between a customer and the business on one channel. Preview
-- conversations (the admin's playground) count in no report and no usage figure.
CREATE TABLE conversations (
    id           INTEGER PRIMARY KEY,
    workspace_id INTEGER NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    agent_id     INTEGER REFERENCES agents (id) ON DELETE SET NULL,
    channel      TEXT    NOT NULL,
    preview      INTEGER NOT NULL DEFAULT 0,
    lang         TEXT    NOT NULL DEFAULT '',
    status       TEXT    NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
    created_by   INTEGER REFERENCES users (id) ON DELETE SET NULL, -- the admin, for previews
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL
) STRICT;
CREATE INDEX conversations_workspace ON conversations (workspace_id, preview, updated_at);

CREATE TABLE messages (
    id              INTEGER PRIMARY KEY,
    conversation_id INTEGER NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    author          TEXT    NOT NULL CHECK (author IN ('visitor', 'bot', 'human', 'note', 'system')),
    user_id         INTEGER REFERENCES users (id) ON DELETE SET NULL,
    body            TEXT    NOT NULL,
    lang            TEXT    NOT NULL DEFAULT '',
    created_at      INTEGER NOT NULL
) STRICT;
CREATE INDEX messages_conversation ON messages (conversation_id, id);

-- What an AI reply rested on, for the preview, the inbox and the reports.
CREATE TABLE ai_replies (
    message_id        INTEGER PRIMARY KEY REFERENCES messages (id) ON DELETE CASCADE,
    agent_id          INTEGER REFERENCES agents (id) ON DELETE SET NULL,
    decision          TEXT    NOT NULL CHECK (decision IN ('answer', 'clarify', 'handoff')),
    reason            TEXT    NOT NULL,
    confidence        REAL    NOT NULL,
    mode              TEXT    NOT NULL CHECK (mode IN ('model', 'extractive', 'rule')),
    model             TEXT    NOT NULL DEFAULT '',
    model_error       TEXT    NOT NULL DEFAULT '',
    query             TEXT    NOT NULL DEFAULT '', -- what was searched (after resolving a follow-up)
    fingerprint       TEXT    NOT NULL DEFAULT '', -- what the answer rests on, to spot a repeat
    quick_replies     TEXT    NOT NULL DEFAULT '[]', -- JSON array
    prompt_tokens     INTEGER NOT NULL DEFAULT 0,
    completion_tokens INTEGER NOT NULL DEFAULT 0,
    retrieval_us      INTEGER NOT NULL DEFAULT 0,
    model_us          INTEGER NOT NULL DEFAULT 0,
    total_us          INTEGER NOT NULL DEFAULT 0
) STRICT;

-- The sources an AI reply cites, numbered as in its text ([1], [2]...).
CREATE TABLE reply_sources (
    message_id INTEGER NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
    n          INTEGER NOT NULL,
    source_id  INTEGER REFERENCES sources (id) ON DELETE SET NULL,
    chunk_id   INTEGER,
    title      TEXT    NOT NULL,
    url        TEXT    NOT NULL DEFAULT '',
    PRIMARY KEY (message_id, n)
) STRICT, WITHOUT ROWID;
CREATE INDEX reply_sources_source ON reply_sources (source_id);

-- The performance report: a frozen resolution record per conversation (the ledger), the
-- customers who came back after it froze, and daily aggregates the report reads. Every
-- row here can be recomputed from the conversations by `agent report rebuild`.

-- The calendar the report's days and weeks follow (an IANA name).
ALTER TABLE workspaces ADD COLUMN time_zone TEXT NOT NULL DEFAULT 'UTC';

-- One conversation's settled figures, written once when it freezes (72 h after its last AI
-- reply; 72 h after the first customer message when the AI took no part) and never updated.
CREATE TABLE resolutions (
    conversation_id   INTEGER PRIMARY KEY REFERENCES conversations (id) ON DELETE CASCADE,
    workspace_id      INTEGER NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    agent_id          INTEGER NOT NULL DEFAULT 0, -- 0: no AI agent
    channel           TEXT    NOT NULL,
    first_customer_at INTEGER NOT NULL, -- the day and week it counts in
    frozen_at         INTEGER NOT NULL, -- nothing after this moment is read
    outcome           TEXT    NOT NULL CHECK (outcome IN ('not_handled', 'resolved', 'handed_off', 'unresolved')),
    reasons           TEXT    NOT NULL DEFAULT '', -- reason codes, space separated
    handoff_causes    TEXT    NOT NULL DEFAULT '', -- one code per transfer, space separated
    resolution_secs   INTEGER, -- resolved only: AI assignment to the last message
    feedback          TEXT    NOT NULL DEFAULT '', -- one code per rating: helpful or a reason
    responded_24h     INTEGER NOT NULL DEFAULT 0,
    first_response_secs INTEGER, -- NULL when no person answered
    assistant_resolved INTEGER NOT NULL DEFAULT 0,
    evaluated_at      INTEGER NOT NULL
) STRICT;
CREATE INDEX resolutions_workspace ON resolutions (workspace_id, first_customer_at);

-- A customer who wrote again after the conversation froze: recorded apart, the resolution
-- stays as it was.
CREATE TABLE reopenings (
    conversation_id INTEGER PRIMARY KEY REFERENCES resolutions (conversation_id) ON DELETE CASCADE,
    reopened_at     INTEGER NOT NULL
) STRICT;

-- The ledger summed by day (in the workspace's time zone), agent and channel.
CREATE TABLE report_days (
    workspace_id        INTEGER NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    day                 TEXT    NOT NULL, -- YYYY-MM-DD
    agent_id            INTEGER NOT NULL,
    channel             TEXT    NOT NULL,
    conversations       INTEGER NOT NULL DEFAULT 0,
    handled             INTEGER NOT NULL DEFAULT 0,
    resolved            INTEGER NOT NULL DEFAULT 0,
    handed_off          INTEGER NOT NULL DEFAULT 0,
    reopened            INTEGER NOT NULL DEFAULT 0,
    resolution_secs     INTEGER NOT NULL DEFAULT 0,
    counts              TEXT    NOT NULL DEFAULT '{}', -- JSON: handoff causes, feedback types, seller counts
    PRIMARY KEY (workspace_id, day, agent_id, channel)
) STRICT, WITHOUT ROWID;

-- When a conversation became billable: its first AI reply (usage counts it once, in that
-- month). Kept by a trigger so that usage reads conversations, not every message; the
-- authors here are those app/report's KindOf makes AI replies.
ALTER TABLE conversations ADD COLUMN first_ai_reply_at INTEGER;
UPDATE conversations SET first_ai_reply_at = (SELECT MIN(m.created_at) FROM messages m
    WHERE m.conversation_id = conversations.id AND m.author = 'bot');
CREATE TRIGGER messages_first_ai_reply AFTER INSERT ON messages WHEN new.author = 'bot' BEGIN
    UPDATE conversations SET first_ai_reply_at = new.created_at
    WHERE id = new.conversation_id AND (first_ai_reply_at IS NULL OR first_ai_reply_at > new.created_at);
END;
CREATE INDEX conversations_billable ON conversations (workspace_id, first_ai_reply_at)
    WHERE first_ai_reply_at IS NOT NULL AND preview = 0;

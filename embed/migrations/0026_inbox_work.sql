-- Working the inbox: tags, snooze, saved replies, each person's notification settings, and
-- what staff have read of a conversation (the visitor's "seen").

-- A snoozed conversation stays open but leaves the open views until this time (or until the
-- customer writes); the wake job reads the second index.
ALTER TABLE conversations ADD COLUMN snoozed_until INTEGER;
CREATE INDEX conversations_snoozed ON conversations (workspace_id, preview, status, last_activity_at)
    WHERE snoozed_until IS NOT NULL;
CREATE INDEX conversations_wake ON conversations (snoozed_until) WHERE snoozed_until IS NOT NULL;

-- The last message a person had in view when they opened the conversation: the visitor's
-- messages up to it show "Seen".
ALTER TABLE conversations ADD COLUMN seen_message_id INTEGER NOT NULL DEFAULT 0;

-- A workspace's tags, and the conversations that carry them.
CREATE TABLE tags (
    id           INTEGER PRIMARY KEY,
    workspace_id INTEGER NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    name         TEXT    NOT NULL COLLATE NOCASE,
    created_at   INTEGER NOT NULL,
    UNIQUE (workspace_id, name)
) STRICT;

CREATE TABLE conversation_tags (
    conversation_id INTEGER NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    tag_id          INTEGER NOT NULL REFERENCES tags (id) ON DELETE CASCADE,
    PRIMARY KEY (conversation_id, tag_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX conversation_tags_tag ON conversation_tags (tag_id, conversation_id);

-- Saved replies ("canned responses"): a workspace's ready answers, found by their shortcut
-- or words when a person types "/" in the reply box.
CREATE TABLE saved_replies (
    id           INTEGER PRIMARY KEY,
    workspace_id INTEGER NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    shortcut     TEXT    NOT NULL COLLATE NOCASE,
    body         TEXT    NOT NULL,
    created_by   INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL,
    UNIQUE (workspace_id, shortcut)
) STRICT;

-- How a person is told of new conversations and messages in the inbox; no row: both on.
CREATE TABLE notification_settings (
    user_id    INTEGER PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    sound      INTEGER NOT NULL DEFAULT 1,
    desktop    INTEGER NOT NULL DEFAULT 1,
    updated_at INTEGER NOT NULL
) STRICT;

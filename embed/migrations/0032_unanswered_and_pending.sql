-- The customer's messages the automatic bot or auto-send did not answer because the
-- engine was not confident: nothing but the fallback or a note to staff was sent for
-- them, so the engine's decision is kept here, for the knowledge gaps (app/gaps).
CREATE TABLE unanswered (
    message_id      INTEGER PRIMARY KEY REFERENCES messages (id) ON DELETE CASCADE, -- the customer's
    conversation_id INTEGER NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    assistant       TEXT    NOT NULL CHECK (assistant IN ('bot', 'auto_send')),
    decision        TEXT    NOT NULL CHECK (decision IN ('answer', 'clarify', 'handoff')),
    reason          TEXT    NOT NULL,
    query           TEXT    NOT NULL DEFAULT '', -- what was searched (after resolving a follow-up)
    created_at      INTEGER NOT NULL
) STRICT;
CREATE INDEX unanswered_conversation ON unanswered (conversation_id);

-- Gaps gain the causes of those messages, and the reason each was a gap: the engine's
-- (no_match, unsure...) or, for an answer rated down, the customer's.
CREATE TABLE gaps_new (
    id              INTEGER PRIMARY KEY,
    workspace_id    INTEGER NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    topic_id        INTEGER NOT NULL REFERENCES gap_topics (id) ON DELETE CASCADE,
    conversation_id INTEGER NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    message_id      INTEGER NOT NULL UNIQUE REFERENCES messages (id) ON DELETE CASCADE,
    question        TEXT    NOT NULL,
    key             TEXT    NOT NULL, -- the question folded, to know it again
    cause           TEXT    NOT NULL CHECK (cause IN ('no_answer', 'clarify_failed', 'not_useful', 'bot_unsure', 'autosend_unsure')),
    reason          TEXT    NOT NULL DEFAULT '',
    lang            TEXT    NOT NULL DEFAULT '',
    status          TEXT    NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'resolved', 'dismissed')),
    asked_at        INTEGER NOT NULL
) STRICT;
INSERT INTO gaps_new (id, workspace_id, topic_id, conversation_id, message_id, question, key, cause, lang, status, asked_at)
    SELECT id, workspace_id, topic_id, conversation_id, message_id, question, key, cause, lang, status, asked_at FROM gaps;
DROP TABLE gaps;
ALTER TABLE gaps_new RENAME TO gaps;
CREATE INDEX gaps_topic ON gaps (topic_id, status, asked_at);
CREATE INDEX gaps_key ON gaps (workspace_id, key);

-- A conversation the chat widget opens before its visitor's first message (so that it
-- follows the conversation's events from the start) is pending until a customer's or a
-- person's message comes: no list, count, report or webhook shows it, and the job that
-- closes idle conversations deletes it.
ALTER TABLE conversations ADD COLUMN pending INTEGER NOT NULL DEFAULT 0;
UPDATE conversations SET pending = 1 WHERE visitor_id IS NOT NULL AND status = 'open'
    AND NOT EXISTS (SELECT 1 FROM messages m WHERE m.conversation_id = conversations.id AND m.author IN ('visitor', 'human'));

DROP TRIGGER webhook_conversation_created;
CREATE TRIGGER webhook_conversation_created AFTER INSERT ON conversations
    WHEN new.preview = 0 AND new.pending = 0 AND EXISTS (SELECT 1 FROM webhook_subscriptions s
        WHERE s.workspace_id = new.workspace_id AND s.active = 1 AND instr(s.events, ' conversation.created ') > 0)
BEGIN
    INSERT INTO webhook_events (workspace_id, type, ref_id, created_at) VALUES (new.workspace_id, 'conversation.created', new.id, new.created_at);
    INSERT INTO jobs (kind, payload, run_at) VALUES ('webhook-dispatch', json_object('event', last_insert_rowid()), new.created_at);
END;

-- A pending conversation is created, for its followers, when its first message comes
-- (the inbox ends pending before it stores that message, so the events come in order).
CREATE TRIGGER webhook_conversation_started AFTER UPDATE OF pending ON conversations
    WHEN old.pending = 1 AND new.pending = 0 AND new.preview = 0 AND EXISTS (SELECT 1 FROM webhook_subscriptions s
        WHERE s.workspace_id = new.workspace_id AND s.active = 1 AND instr(s.events, ' conversation.created ') > 0)
BEGIN
    INSERT INTO webhook_events (workspace_id, type, ref_id, created_at) VALUES (new.workspace_id, 'conversation.created', new.id, new.updated_at);
    INSERT INTO jobs (kind, payload, run_at) VALUES ('webhook-dispatch', json_object('event', last_insert_rowid()), new.updated_at);
END;

-- Outgoing webhooks: a workspace's subscriptions, the events that happened for them, and
-- each delivery with its outcome (the log a person reads in Settings).

CREATE TABLE webhook_subscriptions (
    id           INTEGER PRIMARY KEY,
    workspace_id INTEGER NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    url          TEXT    NOT NULL,
    secret       TEXT    NOT NULL, -- signs every delivery (HMAC-SHA256)
    events       TEXT    NOT NULL, -- the event types, each between spaces (' a b '), for instr()
    active       INTEGER NOT NULL DEFAULT 1,
    created_by   INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_at   INTEGER NOT NULL
) STRICT;
CREATE INDEX webhook_subscriptions_workspace ON webhook_subscriptions (workspace_id);

-- Something that happened in a workspace that a subscription wanted. Its payload is written
-- once, when the event is dispatched, so every subscription and every retry sends the same body.
CREATE TABLE webhook_events (
    id              INTEGER PRIMARY KEY,
    workspace_id    INTEGER NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    type            TEXT    NOT NULL,
    ref_id          INTEGER NOT NULL, -- what it is about: a conversation, message, handoff... by type
    subscription_id INTEGER REFERENCES webhook_subscriptions (id) ON DELETE CASCADE, -- a test event: for it alone
    payload         TEXT,             -- NULL until dispatched
    created_at      INTEGER NOT NULL
) STRICT;
CREATE INDEX webhook_events_created ON webhook_events (created_at);

CREATE TABLE webhook_deliveries (
    id              INTEGER PRIMARY KEY,
    subscription_id INTEGER NOT NULL REFERENCES webhook_subscriptions (id) ON DELETE CASCADE,
    event_id        INTEGER NOT NULL REFERENCES webhook_events (id) ON DELETE CASCADE,
    status          TEXT    NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    response_status INTEGER NOT NULL DEFAULT 0, -- the receiver's last HTTP status; 0 when none came
    response_ms     INTEGER NOT NULL DEFAULT 0,
    last_error      TEXT    NOT NULL DEFAULT '',
    next_attempt_at INTEGER,                    -- NULL once delivered or given up
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL
) STRICT;
CREATE INDEX webhook_deliveries_subscription ON webhook_deliveries (subscription_id, id);
CREATE INDEX webhook_deliveries_event ON webhook_deliveries (event_id);

-- The events of the inbox are recorded by the tables that hold them, so that every path
-- that writes them (the inbox, the API, the channels, the jobs) announces them, in the
-- same transaction. Each records an event only when an active subscription of the
-- workspace wants it (never for the admin's preview), and schedules its dispatch; the job
-- kind is app/webhook's JobDispatch.
CREATE TRIGGER webhook_conversation_created AFTER INSERT ON conversations
    WHEN new.preview = 0 AND EXISTS (SELECT 1 FROM webhook_subscriptions s
        WHERE s.workspace_id = new.workspace_id AND s.active = 1 AND instr(s.events, ' conversation.created ') > 0)
BEGIN
    INSERT INTO webhook_events (workspace_id, type, ref_id, created_at) VALUES (new.workspace_id, 'conversation.created', new.id, new.created_at);
    INSERT INTO jobs (kind, payload, run_at) VALUES ('webhook-dispatch', json_object('event', last_insert_rowid()), new.created_at);
END;

CREATE TRIGGER webhook_conversation_closed AFTER UPDATE OF status ON conversations
    WHEN new.status = 'closed' AND old.status <> 'closed' AND new.preview = 0 AND EXISTS (SELECT 1 FROM webhook_subscriptions s
        WHERE s.workspace_id = new.workspace_id AND s.active = 1 AND instr(s.events, ' conversation.closed ') > 0)
BEGIN
    INSERT INTO webhook_events (workspace_id, type, ref_id, created_at) VALUES (new.workspace_id, 'conversation.closed', new.id, new.updated_at);
    INSERT INTO jobs (kind, payload, run_at) VALUES ('webhook-dispatch', json_object('event', last_insert_rowid()), new.updated_at);
END;

-- A message by the customer, the AI (author 'bot') or a person; notes and automatic
-- notices are not sent.
CREATE TRIGGER webhook_message_created AFTER INSERT ON messages
    WHEN new.author IN ('visitor', 'bot', 'human') AND EXISTS (SELECT 1 FROM conversations c JOIN webhook_subscriptions s ON s.workspace_id = c.workspace_id
        WHERE c.id = new.conversation_id AND c.preview = 0 AND s.active = 1
        AND instr(s.events, CASE new.author WHEN 'visitor' THEN ' message.customer ' WHEN 'bot' THEN ' message.ai ' ELSE ' message.human ' END) > 0)
BEGIN
    INSERT INTO webhook_events (workspace_id, type, ref_id, created_at)
        SELECT c.workspace_id, CASE new.author WHEN 'visitor' THEN 'message.customer' WHEN 'bot' THEN 'message.ai' ELSE 'message.human' END,
            new.id, new.created_at FROM conversations c WHERE c.id = new.conversation_id;
    INSERT INTO jobs (kind, payload, run_at) VALUES ('webhook-dispatch', json_object('event', last_insert_rowid()), new.created_at);
END;

CREATE TRIGGER webhook_handoff AFTER INSERT ON handoffs
    WHEN EXISTS (SELECT 1 FROM conversations c JOIN webhook_subscriptions s ON s.workspace_id = c.workspace_id
        WHERE c.id = new.conversation_id AND c.preview = 0 AND s.active = 1 AND instr(s.events, ' conversation.handoff ') > 0)
BEGIN
    INSERT INTO webhook_events (workspace_id, type, ref_id, created_at)
        SELECT c.workspace_id, 'conversation.handoff', new.id, new.created_at FROM conversations c WHERE c.id = new.conversation_id;
    INSERT INTO jobs (kind, payload, run_at) VALUES ('webhook-dispatch', json_object('event', last_insert_rowid()), new.created_at);
END;

-- A rating given, or changed (a customer may change their mind).
CREATE TRIGGER webhook_feedback_insert AFTER INSERT ON feedback
    WHEN EXISTS (SELECT 1 FROM messages m JOIN conversations c ON c.id = m.conversation_id JOIN webhook_subscriptions s ON s.workspace_id = c.workspace_id
        WHERE m.id = new.message_id AND c.preview = 0 AND s.active = 1 AND instr(s.events, ' feedback.given ') > 0)
BEGIN
    INSERT INTO webhook_events (workspace_id, type, ref_id, created_at)
        SELECT c.workspace_id, 'feedback.given', new.message_id, new.created_at FROM messages m JOIN conversations c ON c.id = m.conversation_id
        WHERE m.id = new.message_id;
    INSERT INTO jobs (kind, payload, run_at) VALUES ('webhook-dispatch', json_object('event', last_insert_rowid()), new.created_at);
END;
CREATE TRIGGER webhook_feedback_update AFTER UPDATE ON feedback
    WHEN EXISTS (SELECT 1 FROM messages m JOIN conversations c ON c.id = m.conversation_id JOIN webhook_subscriptions s ON s.workspace_id = c.workspace_id
        WHERE m.id = new.message_id AND c.preview = 0 AND s.active = 1 AND instr(s.events, ' feedback.given ') > 0)
BEGIN
    INSERT INTO webhook_events (workspace_id, type, ref_id, created_at)
        SELECT c.workspace_id, 'feedback.given', new.message_id, new.created_at FROM messages m JOIN conversations c ON c.id = m.conversation_id
        WHERE m.id = new.message_id;
    INSERT INTO jobs (kind, payload, run_at) VALUES ('webhook-dispatch', json_object('event', last_insert_rowid()), new.created_at);
END;

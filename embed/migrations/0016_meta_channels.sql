-- WhatsApp (Cloud API) and Messenger (Messenger Platform) channels: their settings, the
-- webhook events Meta posts (stored before they are answered, processed by the job
-- runner), and each message's id on Meta's side, unique per channel so that a redelivery
-- changes nothing. The contacts' whatsapp_id and messenger_psid are migration 0012's.

-- A channel's connection to Meta. The access token and app secret are shown to no one
-- once saved (the setup page shows only that one is set).
CREATE TABLE meta_settings (
    channel_id   INTEGER PRIMARY KEY REFERENCES channels (id) ON DELETE CASCADE,
    account_id   TEXT    NOT NULL, -- WhatsApp: the phone number id; Messenger: the page id
    business_id  TEXT    NOT NULL DEFAULT '', -- WhatsApp Business Account id (WhatsApp only)
    access_token TEXT    NOT NULL DEFAULT '',
    app_secret   TEXT    NOT NULL DEFAULT '', -- signs every webhook POST (X-Hub-Signature-256)
    verify_token TEXT    NOT NULL, -- generated; Meta's console sends it back when the webhook is set
    templates    TEXT    NOT NULL DEFAULT '[]', -- WhatsApp: the approved templates a person may send, JSON
    verified_at  INTEGER, -- when Meta last checked the webhook (GET with the verify token)
    updated_at   INTEGER NOT NULL
) STRICT;

-- Webhook POSTs whose signature held, as received: answered 200 at once, processed by
-- the job runner (processed_at), kept a week for the channel page's last events.
CREATE TABLE meta_events (
    id           INTEGER PRIMARY KEY,
    channel_id   INTEGER NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
    body         BLOB    NOT NULL,
    summary      TEXT    NOT NULL DEFAULT '', -- what it held, once processed ("2 messages, 1 status")
    error        TEXT    NOT NULL DEFAULT '',
    received_at  INTEGER NOT NULL,
    processed_at INTEGER
) STRICT;
CREATE INDEX meta_events_channel ON meta_events (channel_id, id);

-- Meta's id of each message, ours and the customer's (wamid.…, m_…): a customer's
-- message delivered again is recognised here, and a status names our message by it. A
-- reply sent in parts has a row per part.
CREATE TABLE meta_messages (
    channel_id  INTEGER NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
    external_id TEXT    NOT NULL,
    message_id  INTEGER NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
    part        INTEGER NOT NULL DEFAULT 0, -- our reply's part (0: the first or only)
    incoming    INTEGER NOT NULL, -- 1: the customer's; 0: ours, or a person's from Meta's inbox (an echo)
    sent_at     INTEGER NOT NULL, -- Meta's time of the message: a customer's opens the reply window
    PRIMARY KEY (channel_id, external_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX meta_messages_message ON meta_messages (message_id, part);

-- A WhatsApp template message a person chose to send outside the 24-hour window.
CREATE TABLE meta_templates_sent (
    message_id INTEGER PRIMARY KEY REFERENCES messages (id) ON DELETE CASCADE,
    name       TEXT    NOT NULL,
    lang       TEXT    NOT NULL,
    params     TEXT    NOT NULL DEFAULT '[]' -- the body's parameters, JSON
) STRICT;

-- Deliveries gain the states Meta reports after sending: delivered and read. A state
-- never goes back (a late "sent" after "read" changes nothing).
CREATE TABLE deliveries_new (
    message_id  INTEGER PRIMARY KEY REFERENCES messages (id) ON DELETE CASCADE,
    status      TEXT    NOT NULL CHECK (status IN ('queued', 'sent', 'delivered', 'read', 'failed')),
    attempts    INTEGER NOT NULL DEFAULT 0,
    error       TEXT    NOT NULL DEFAULT '',
    external_id TEXT    NOT NULL DEFAULT '',
    updated_at  INTEGER NOT NULL
) STRICT;
INSERT INTO deliveries_new SELECT message_id, status, attempts, error, external_id, updated_at FROM deliveries;
DROP TABLE deliveries;
ALTER TABLE deliveries_new RENAME TO deliveries;

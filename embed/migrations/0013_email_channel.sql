-- Sending on channels that send (email, later WhatsApp and Messenger): each message the
-- customer is to receive has one delivery, sent by the job runner with retries; its
-- state shows on the message in the inbox, with the other side's words when it failed.
CREATE TABLE deliveries (
    message_id  INTEGER PRIMARY KEY REFERENCES messages (id) ON DELETE CASCADE,
    status      TEXT    NOT NULL CHECK (status IN ('queued', 'sent', 'failed')),
    attempts    INTEGER NOT NULL DEFAULT 0,
    error       TEXT    NOT NULL DEFAULT '', -- the last failed attempt's reason
    external_id TEXT    NOT NULL DEFAULT '', -- the channel's id of the sent message (an email's Message-ID)
    updated_at  INTEGER NOT NULL
) STRICT;

-- An email channel's mailbox: IMAP to read it, SMTP to send from it. The passwords are
-- shown to no one once saved (the setup page shows only that one is set).
CREATE TABLE email_settings (
    channel_id    INTEGER PRIMARY KEY REFERENCES channels (id) ON DELETE CASCADE,
    address       TEXT    NOT NULL, -- the mailbox's address: From of our mail, and the base of plus addresses
    from_name     TEXT    NOT NULL DEFAULT '',
    imap_host     TEXT    NOT NULL DEFAULT '',
    imap_port     INTEGER NOT NULL DEFAULT 993,
    imap_security TEXT    NOT NULL DEFAULT 'tls' CHECK (imap_security IN ('tls', 'starttls', 'none')),
    imap_user     TEXT    NOT NULL DEFAULT '',
    imap_password TEXT    NOT NULL DEFAULT '',
    imap_folder   TEXT    NOT NULL DEFAULT 'INBOX',
    smtp_host     TEXT    NOT NULL DEFAULT '',
    smtp_port     INTEGER NOT NULL DEFAULT 465,
    smtp_security TEXT    NOT NULL DEFAULT 'tls' CHECK (smtp_security IN ('tls', 'starttls', 'none')),
    smtp_user     TEXT    NOT NULL DEFAULT '',
    smtp_password TEXT    NOT NULL DEFAULT '',
    poll_seconds  INTEGER NOT NULL DEFAULT 60,
    -- The intake's place in the folder: a changed UIDVALIDITY starts it over, and the
    -- Message-ID index below keeps what it fetched again from being stored twice.
    uidvalidity   INTEGER NOT NULL DEFAULT 0,
    last_uid      INTEGER NOT NULL DEFAULT 0,
    updated_at    INTEGER NOT NULL
) STRICT;

-- The mail headers of an email conversation's messages, ours and the customer's, so that
-- threading is an index lookup (app/channel/email's package doc has the rule).
CREATE TABLE email_messages (
    message_id      INTEGER PRIMARY KEY REFERENCES messages (id) ON DELETE CASCADE,
    channel_id      INTEGER NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
    conversation_id INTEGER NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    rfc_id          TEXT    NOT NULL, -- Message-ID, without angle brackets
    in_reply_to     TEXT    NOT NULL DEFAULT '',
    refs            TEXT    NOT NULL DEFAULT '', -- References, space separated
    subject         TEXT    NOT NULL DEFAULT '',
    incoming        INTEGER NOT NULL -- 1: the customer's mail (our reply answers the latest); 0: ours, or a bounce
) STRICT;
CREATE UNIQUE INDEX email_messages_rfc_id ON email_messages (channel_id, rfc_id);
CREATE INDEX email_messages_conversation ON email_messages (conversation_id, incoming, message_id);

-- An email conversation's plus-address token (support+c-TOKEN@), for clients that drop
-- References, and its subject.
CREATE TABLE email_threads (
    conversation_id INTEGER PRIMARY KEY REFERENCES conversations (id) ON DELETE CASCADE,
    token           TEXT    NOT NULL UNIQUE,
    subject         TEXT    NOT NULL DEFAULT ''
) STRICT;

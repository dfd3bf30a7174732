-- Files that came with messages: email attachments and inline images, and later the media
-- of WhatsApp and Messenger and the widget's uploads (app/attach says why they live here).
-- The bytes are kept once per content (SHA-256), as the same logo comes with every mail of
-- a signature; a content is deleted with the last attachment that names it.
CREATE TABLE attachment_blobs (
    id     INTEGER PRIMARY KEY,
    sha256 BLOB    NOT NULL UNIQUE,
    data   BLOB    NOT NULL
) STRICT;

CREATE TABLE attachments (
    id           INTEGER PRIMARY KEY,
    workspace_id INTEGER NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    message_id   INTEGER NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
    name         TEXT    NOT NULL,
    content_type TEXT    NOT NULL, -- what the bytes are, checked on storing; not the sender's word
    size         INTEGER NOT NULL,
    sha256       BLOB    REFERENCES attachment_blobs (sha256), -- NULL: not kept (omitted says why)
    content_id   TEXT    NOT NULL DEFAULT '', -- an inline part's Content-ID (an HTML mail's cid: images)
    inline       INTEGER NOT NULL DEFAULT 0,  -- shown in the message's text rather than below it
    omitted      TEXT    NOT NULL DEFAULT '', -- why the bytes were not kept ("larger than 10 MB")
    created_at   INTEGER NOT NULL,
    CHECK ((sha256 IS NULL) = (omitted <> ''))
) STRICT;
CREATE INDEX attachments_message ON attachments (message_id);
CREATE INDEX attachments_sha256 ON attachments (sha256) WHERE sha256 IS NOT NULL;

-- No content outlives its last attachment, however that goes: a message, a conversation, a
-- channel or a workspace deleted (foreign-key cascades fire this trigger too).
CREATE TRIGGER attachments_release AFTER DELETE ON attachments WHEN old.sha256 IS NOT NULL BEGIN
    DELETE FROM attachment_blobs WHERE sha256 = old.sha256
        AND NOT EXISTS (SELECT 1 FROM attachments WHERE sha256 = old.sha256);
END;

-- An email's HTML as sanitized on intake (app/channel/email.Sanitize), for "view original".
ALTER TABLE email_messages ADD COLUMN html TEXT NOT NULL DEFAULT '';

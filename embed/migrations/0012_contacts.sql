-- Contacts: one record per customer and workspace, whatever channel they write on, so that
-- a person's conversations are one history. Each channel identity names at most one
-- contact of a workspace; an unknown one is NULL (never ''), so it constrains nothing.
CREATE TABLE contacts (
    id               INTEGER PRIMARY KEY,
    workspace_id     INTEGER NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    name             TEXT    NOT NULL DEFAULT '',
    email            TEXT    COLLATE NOCASE,  -- lower-cased by the application too
    phone            TEXT,
    visitor_id       INTEGER REFERENCES visitors (id) ON DELETE SET NULL, -- the chat widget's visitor
    whatsapp_id      TEXT,
    messenger_psid   TEXT,
    email_bounced_at INTEGER, -- mail to the address bounced; cleared when they write again
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL
) STRICT;
CREATE UNIQUE INDEX contacts_email ON contacts (workspace_id, email) WHERE email IS NOT NULL;
CREATE UNIQUE INDEX contacts_phone ON contacts (workspace_id, phone) WHERE phone IS NOT NULL;
CREATE UNIQUE INDEX contacts_visitor ON contacts (visitor_id) WHERE visitor_id IS NOT NULL;
CREATE UNIQUE INDEX contacts_whatsapp ON contacts (workspace_id, whatsapp_id) WHERE whatsapp_id IS NOT NULL;
CREATE UNIQUE INDEX contacts_messenger ON contacts (workspace_id, messenger_psid) WHERE messenger_psid IS NOT NULL;

ALTER TABLE conversations ADD COLUMN contact_id INTEGER REFERENCES contacts (id) ON DELETE SET NULL;
CREATE INDEX conversations_contact ON conversations (contact_id, workspace_id);

-- One contact per existing visitor who wrote outside a preview, and their conversations.
INSERT INTO contacts (workspace_id, visitor_id, created_at, updated_at)
    SELECT v.workspace_id, v.id, v.created_at, v.last_seen_at FROM visitors v
    WHERE EXISTS (SELECT 1 FROM conversations c WHERE c.visitor_id = v.id AND c.preview = 0);
UPDATE conversations SET contact_id = (SELECT k.id FROM contacts k WHERE k.visitor_id = conversations.visitor_id)
    WHERE visitor_id IS NOT NULL AND preview = 0;

-- A widget conversation belongs to its visitor's contact, made with the first one: kept
-- here rather than in each place that starts a conversation, so none can forget it.
CREATE TRIGGER conversations_visitor_contact AFTER INSERT ON conversations
    WHEN new.visitor_id IS NOT NULL AND new.contact_id IS NULL AND new.preview = 0
BEGIN
    INSERT INTO contacts (workspace_id, visitor_id, created_at, updated_at)
        VALUES (new.workspace_id, new.visitor_id, new.created_at, new.created_at)
        ON CONFLICT (visitor_id) WHERE visitor_id IS NOT NULL DO NOTHING;
    UPDATE conversations SET contact_id = (SELECT id FROM contacts WHERE visitor_id = new.visitor_id) WHERE id = new.id;
END;

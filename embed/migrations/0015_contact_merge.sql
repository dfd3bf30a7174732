-- The Contacts section: a list newest first by pages (keyset on id), searched by name,
-- email and phone, and merging two records of one person.

CREATE INDEX contacts_workspace ON contacts (workspace_id, id);

-- The search: a trigram index of each contact's name, email and phone (only of contacts
-- with one: a widget visitor's new contact has none, and costs the index nothing).
-- Contentless, as messages_fts: the index only narrows, LIKE on the columns decides
-- (inbox.Store.Contacts). A contentless index forgets a text by being given it again, so
-- the triggers give exactly the text they indexed. A space ends each text, so that a
-- word of two characters at its end begins a trigram too, found through the vocabulary.
CREATE VIRTUAL TABLE contacts_fts USING fts5 (body, tokenize = 'trigram', content = '', detail = none, columnsize = 0);
CREATE VIRTUAL TABLE contacts_fts_vocab USING fts5vocab (contacts_fts, row);
INSERT INTO contacts_fts (rowid, body)
    SELECT id, name || ' ' || COALESCE(email, '') || ' ' || COALESCE(phone, '') || ' ' FROM contacts
    WHERE name <> '' OR email IS NOT NULL OR phone IS NOT NULL;
CREATE TRIGGER contacts_fts_insert AFTER INSERT ON contacts
    WHEN new.name <> '' OR new.email IS NOT NULL OR new.phone IS NOT NULL
BEGIN
    INSERT INTO contacts_fts (rowid, body) VALUES (new.id, new.name || ' ' || COALESCE(new.email, '') || ' ' || COALESCE(new.phone, '') || ' ');
END;
CREATE TRIGGER contacts_fts_update AFTER UPDATE OF name, email, phone ON contacts BEGIN
    INSERT INTO contacts_fts (contacts_fts, rowid, body)
        SELECT 'delete', old.id, old.name || ' ' || COALESCE(old.email, '') || ' ' || COALESCE(old.phone, '') || ' '
        WHERE old.name <> '' OR old.email IS NOT NULL OR old.phone IS NOT NULL;
    INSERT INTO contacts_fts (rowid, body)
        SELECT new.id, new.name || ' ' || COALESCE(new.email, '') || ' ' || COALESCE(new.phone, '') || ' '
        WHERE new.name <> '' OR new.email IS NOT NULL OR new.phone IS NOT NULL;
END;
CREATE TRIGGER contacts_fts_delete AFTER DELETE ON contacts
    WHEN old.name <> '' OR old.email IS NOT NULL OR old.phone IS NOT NULL
BEGIN
    INSERT INTO contacts_fts (contacts_fts, rowid, body)
        VALUES ('delete', old.id, old.name || ' ' || COALESCE(old.email, '') || ' ' || COALESCE(old.phone, '') || ' ');
END;

-- A contact has one visitor of its own (contacts.visitor_id); a merged contact's visitors
-- (the same person on another browser) are listed here, so that their next chat is the
-- kept contact's too.
CREATE TABLE contact_visitors (
    visitor_id INTEGER PRIMARY KEY REFERENCES visitors (id) ON DELETE CASCADE,
    contact_id INTEGER NOT NULL REFERENCES contacts (id) ON DELETE CASCADE
) STRICT;
CREATE INDEX contact_visitors_contact ON contact_visitors (contact_id);

-- A widget conversation belongs to its visitor's contact (a merged one's included), made
-- with the first one.
DROP TRIGGER conversations_visitor_contact;
CREATE TRIGGER conversations_visitor_contact AFTER INSERT ON conversations
    WHEN new.visitor_id IS NOT NULL AND new.contact_id IS NULL AND new.preview = 0
BEGIN
    INSERT INTO contacts (workspace_id, visitor_id, created_at, updated_at)
        SELECT new.workspace_id, new.visitor_id, new.created_at, new.created_at
        WHERE NOT EXISTS (SELECT 1 FROM contact_visitors WHERE visitor_id = new.visitor_id)
        ON CONFLICT (visitor_id) WHERE visitor_id IS NOT NULL DO NOTHING;
    UPDATE conversations SET contact_id = COALESCE((SELECT contact_id FROM contact_visitors WHERE visitor_id = new.visitor_id),
        (SELECT id FROM contacts WHERE visitor_id = new.visitor_id)) WHERE id = new.id;
END;

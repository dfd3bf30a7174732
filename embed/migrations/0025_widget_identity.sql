-- Who the widget's visitor is, and how the widget looks.

-- A chat channel's look and pre-chat questions, and its welcome and quick replies in other
-- languages (JSON, see channel.Widget); the secret a host site signs its visitors'
-- identity tokens with (HS256). Existing channels get a random secret.
ALTER TABLE channels ADD COLUMN widget TEXT NOT NULL DEFAULT '{}';
ALTER TABLE channels ADD COLUMN identity_secret TEXT NOT NULL DEFAULT '';
UPDATE channels SET identity_secret = 'sk_' || lower(hex(randomblob(24)));

-- The host site's own id for a customer, from a verified identity token: one contact per
-- id and workspace.
ALTER TABLE contacts ADD COLUMN external_id TEXT;
CREATE UNIQUE INDEX contacts_external ON contacts (workspace_id, external_id) WHERE external_id IS NOT NULL;

-- What a visitor said of themself without proof (the pre-chat form, the page's script):
-- shown as not verified, never used to link them to a contact.
ALTER TABLE visitors ADD COLUMN claimed_name TEXT NOT NULL DEFAULT '';
ALTER TABLE visitors ADD COLUMN claimed_email TEXT NOT NULL DEFAULT '';

-- Where a widget conversation's visitor was: the page of their latest message, where they
-- came from, their browser and language. Every text is bounded by the application.
CREATE TABLE conversation_visits (
    conversation_id INTEGER PRIMARY KEY REFERENCES conversations (id) ON DELETE CASCADE,
    page_url        TEXT    NOT NULL DEFAULT '',
    page_title      TEXT    NOT NULL DEFAULT '',
    referrer        TEXT    NOT NULL DEFAULT '',
    browser         TEXT    NOT NULL DEFAULT '',
    lang            TEXT    NOT NULL DEFAULT '',
    updated_at      INTEGER NOT NULL
) STRICT;

-- Public IDs are sqids over an alphabet of each install's own (made at the first start,
-- see ids.Setup). An install that already has data keeps decoding the IDs of the fixed
-- alphabet it used before, so that links already given out go on working.
INSERT INTO settings (key, value) SELECT 'ids_legacy', '1' WHERE EXISTS (SELECT 1 FROM workspaces);

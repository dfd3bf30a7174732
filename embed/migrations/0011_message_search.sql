-- The inbox's message search: a trigram index of every message, so that finding the
-- conversations whose messages contain a word reads the index instead of every message.
-- Trigrams match any part of a word, in any script (Chinese included), as LIKE does; the
-- search still checks each word with LIKE, the index only narrows (app/inbox/search.go).
-- Contentless, without positions (detail) or lengths (columnsize): the text stays in
-- messages alone, and the index is a third of the size and half the work to write; a
-- word is found as all of its trigrams, in any order, which LIKE then sorts out. A space
-- is added after each text so that a two-letter word at its end starts a trigram too,
-- found through the vocabulary.
CREATE VIRTUAL TABLE messages_fts USING fts5 (body, tokenize = 'trigram', content = '', detail = none, columnsize = 0);
CREATE VIRTUAL TABLE messages_fts_vocab USING fts5vocab (messages_fts, row);
INSERT INTO messages_fts (rowid, body) SELECT id, body || ' ' FROM messages;

-- Indexing a message in its own transaction cost twice what storing it does (FTS5 writes
-- its index at every commit): new messages wait here and are indexed in batches
-- (inbox.Store.IndexMessages); a search reads the waiting ones directly.
CREATE TABLE messages_unindexed (id INTEGER PRIMARY KEY) STRICT;

-- A contentless index forgets a text by being given it again ('delete'): only a message
-- already indexed is, with the very text it was indexed with.
CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages BEGIN
    INSERT INTO messages_unindexed (id) VALUES (new.id);
END;
CREATE TRIGGER messages_fts_update AFTER UPDATE OF body ON messages BEGIN
    INSERT INTO messages_fts (messages_fts, rowid, body)
        SELECT 'delete', old.id, old.body || ' ' WHERE old.id NOT IN (SELECT id FROM messages_unindexed);
    INSERT OR IGNORE INTO messages_unindexed (id) VALUES (new.id);
END;
CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN
    INSERT INTO messages_fts (messages_fts, rowid, body)
        SELECT 'delete', old.id, old.body || ' ' WHERE old.id NOT IN (SELECT id FROM messages_unindexed);
    DELETE FROM messages_unindexed WHERE id = old.id;
END;

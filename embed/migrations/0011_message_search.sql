-- The inbox's message search: a trigram index of every message, so that finding the
-- conversations whose messages contain a word reads the index instead of every message.
-- Trigrams match any part of a word, in any script (Chinese included), as LIKE does; the
-- search still checks each word with LIKE, the index only narrows (app/inbox/views.go).
-- Contentless: the text stays in messages alone. A space is added after each text so
-- that a two-letter word at its end starts a trigram too, found through the vocabulary.
CREATE VIRTUAL TABLE messages_fts USING fts5 (body, tokenize = 'trigram', content = '', contentless_delete = 1);
CREATE VIRTUAL TABLE messages_fts_vocab USING fts5vocab (messages_fts, row);
INSERT INTO messages_fts (rowid, body) SELECT id, body || ' ' FROM messages;

CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages BEGIN
    INSERT INTO messages_fts (rowid, body) VALUES (new.id, new.body || ' ');
END;
CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN
    DELETE FROM messages_fts WHERE rowid = old.id;
END;
CREATE TRIGGER messages_fts_update AFTER UPDATE OF body ON messages BEGIN
    DELETE FROM messages_fts WHERE rowid = old.id;
    INSERT INTO messages_fts (rowid, body) VALUES (new.id, new.body || ' ');
END;

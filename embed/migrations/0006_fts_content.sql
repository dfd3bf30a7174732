-- The search index becomes an ordinary FTS5 table, keeping its own copy of the token
-- streams: a contentless_delete table does not take deleted rows out of the figures
-- BM25 ranks by (the number of rows, their average length), so every re-synced page,
-- edit and removal left a ghost that skewed the ranking a little more. The knowledge
-- package fills the new table from chunks, with its prior rows, when it finds it empty
-- (app/knowledge/prior.go).
DROP TABLE chunks_fts_vocab;
DROP TABLE chunks_fts;
CREATE VIRTUAL TABLE chunks_fts USING fts5 (
    scope, title, heading, body, stems,
    tokenize = 'unicode61 remove_diacritics 2 categories ''L* N* Co Mc Mn'''
);
CREATE VIRTUAL TABLE chunks_fts_vocab USING fts5vocab (chunks_fts, row);

-- Knowledge: sources (articles, files, URLs, short answers), their chunks, the FTS5 index
-- and crawl jobs.

CREATE TABLE crawls (
    id           INTEGER PRIMARY KEY,
    workspace_id INTEGER NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    start_url    TEXT    NOT NULL,
    max_pages    INTEGER NOT NULL,
    status       TEXT    NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'running', 'done', 'failed', 'cancelled')),
    discovered   INTEGER NOT NULL DEFAULT 0,
    fetched      INTEGER NOT NULL DEFAULT 0,
    skipped      INTEGER NOT NULL DEFAULT 0,
    failed       INTEGER NOT NULL DEFAULT 0,
    current_url  TEXT    NOT NULL DEFAULT '',
    error        TEXT    NOT NULL DEFAULT '',
    created_at   INTEGER NOT NULL,
    started_at   INTEGER,
    finished_at  INTEGER
) STRICT;
CREATE INDEX crawls_workspace ON crawls (workspace_id, id);

CREATE TABLE sources (
    id            INTEGER PRIMARY KEY,
    workspace_id  INTEGER NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    kind          TEXT    NOT NULL CHECK (kind IN ('article', 'file', 'url', 'short_answer')),
    title         TEXT    NOT NULL,
    lang          TEXT    NOT NULL DEFAULT '',
    status        TEXT    NOT NULL DEFAULT 'ready' CHECK (status IN ('pending', 'ready', 'error')),
    error         TEXT    NOT NULL DEFAULT '',
    -- article: Markdown; short answer: the answer
    body          TEXT    NOT NULL DEFAULT '',
    -- short answer: the question and its alternative phrasings (JSON array)
    question      TEXT    NOT NULL DEFAULT '',
    variants      TEXT    NOT NULL DEFAULT '[]',
    -- url sources: the page; articles and files may name a public URL to cite
    url           TEXT    NOT NULL DEFAULT '',
    filename      TEXT    NOT NULL DEFAULT '',
    content_type  TEXT    NOT NULL DEFAULT '',
    size          INTEGER NOT NULL DEFAULT 0,
    content_hash  TEXT    NOT NULL DEFAULT '',
    etag          TEXT    NOT NULL DEFAULT '',
    last_modified TEXT    NOT NULL DEFAULT '',
    crawl_id      INTEGER REFERENCES crawls (id) ON DELETE SET NULL,
    -- the id a source had where it was imported from (agent import / eval)
    external_id   TEXT    NOT NULL DEFAULT '',
    chunk_count   INTEGER NOT NULL DEFAULT 0,
    synced_at     INTEGER,
    next_sync_at  INTEGER,
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL
) STRICT;
CREATE INDEX sources_workspace ON sources (workspace_id, kind, id);
CREATE INDEX sources_next_sync ON sources (next_sync_at) WHERE kind = 'url';
CREATE UNIQUE INDEX sources_url ON sources (workspace_id, url) WHERE kind = 'url';

-- The original bytes of uploaded files, kept so that extraction can be re-run.
CREATE TABLE source_files (
    source_id INTEGER PRIMARY KEY REFERENCES sources (id) ON DELETE CASCADE,
    data      BLOB    NOT NULL
) STRICT;

CREATE TABLE chunks (
    id           INTEGER PRIMARY KEY,
    source_id    INTEGER NOT NULL REFERENCES sources (id) ON DELETE CASCADE,
    workspace_id INTEGER NOT NULL,
    ord          INTEGER NOT NULL,
    heading      TEXT    NOT NULL DEFAULT '',
    anchor       TEXT    NOT NULL DEFAULT '',
    lang         TEXT    NOT NULL DEFAULT '',
    text         TEXT    NOT NULL,
    -- little-endian float32 vector from llm.embed_model, NULL until embedded
    embedding    BLOB,
    embed_model  TEXT    NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX chunks_source ON chunks (source_id, ord);
CREATE INDEX chunks_workspace_lang ON chunks (workspace_id, lang);
CREATE INDEX chunks_unembedded ON chunks (workspace_id) WHERE embedding IS NULL;

-- Contentless: the text lives in chunks; the index holds the analysed token streams
-- (see app/knowledge/analyze.go). scope holds w<workspace> and l<lang> tokens for filtering.
-- Combining marks count as letters (categories), or Hindi and Thai words would be cut
-- apart at every vowel sign.
CREATE VIRTUAL TABLE chunks_fts USING fts5 (
    scope, title, heading, body, stems,
    content = '', contentless_delete = 1,
    tokenize = 'unicode61 remove_diacritics 2 categories ''L* N* Co Mc Mn'''
);

-- Document frequency per term, to leave very common words out of queries (search.go).
CREATE VIRTUAL TABLE chunks_fts_vocab USING fts5vocab (chunks_fts, row);

-- BM25's idf is log((N - n + 0.5) / (n + 0.5)), clamped to almost zero once a term is in
-- half the rows. In a small knowledge base every word of an article's title is in half
-- the chunks (the title is indexed with each chunk), so "shipping" would count for
-- nothing in a three-chunk shop. A thousand rows of a filler token, never matched and
-- never returned (no chunk has these rowids), act as a prior collection: idf stays
-- positive and ordered, and on a large index they change next to nothing. Their lengths
-- are those of a typical chunk so that BM25's length normalisation is not skewed.
WITH RECURSIVE n (i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000)
INSERT INTO chunks_fts (rowid, scope, title, heading, body, stems)
SELECT -i, 'zzpad', 'zzpad zzpad zzpad zzpad zzpad', 'zzpad zzpad',
       replace(hex(zeroblob(60)), '00', 'zzpad '), replace(hex(zeroblob(60)), '00', 'zzpad ')
FROM n;

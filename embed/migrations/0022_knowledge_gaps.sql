-- Knowledge gaps: customers' questions the agent could not answer, grouped by topic as they
-- come (app/gaps). Each question joins the most similar topic or starts one, so that
-- listing topics reads only this table's counts.

CREATE TABLE gap_topics (
    id           INTEGER PRIMARY KEY,
    workspace_id INTEGER NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    title        TEXT    NOT NULL, -- its first question
    status       TEXT    NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'resolved', 'dismissed')),
    questions    INTEGER NOT NULL DEFAULT 0, -- its questions of the topic's status (the count shown)
    last_seen    INTEGER NOT NULL DEFAULT 0, -- when the newest of those was asked
    size         INTEGER NOT NULL DEFAULT 0, -- every question that ever joined it
    norm2        INTEGER NOT NULL DEFAULT 0, -- the sum of the squares of its terms' counts
    embedding    BLOB,                       -- the sum of its questions' unit vectors
    embed_stamp  TEXT    NOT NULL DEFAULT '', -- how those vectors were made
    source_id    INTEGER REFERENCES sources (id) ON DELETE SET NULL, -- resolved: the short answer
    replayed     INTEGER NOT NULL DEFAULT 0, -- resolved: questions replayed through the decision
    answered     INTEGER NOT NULL DEFAULT 0, -- resolved: of those, how many it would now answer
    changed_by   INTEGER REFERENCES users (id) ON DELETE SET NULL, -- who resolved or dismissed it
    changed_at   INTEGER,
    created_at   INTEGER NOT NULL
) STRICT;
CREATE INDEX gap_topics_list ON gap_topics (workspace_id, status, questions, last_seen);
CREATE INDEX gap_topics_recent ON gap_topics (workspace_id, last_seen) WHERE status != 'resolved';

-- A topic's terms (knowledge.ContentTerms of its questions) with how many of its questions
-- hold each: the index that finds the topics a new question shares words with.
CREATE TABLE gap_topic_terms (
    workspace_id INTEGER NOT NULL,
    term         TEXT    NOT NULL,
    topic_id     INTEGER NOT NULL REFERENCES gap_topics (id) ON DELETE CASCADE,
    n            INTEGER NOT NULL,
    PRIMARY KEY (workspace_id, term, topic_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX gap_topic_terms_topic ON gap_topic_terms (topic_id);

-- One question the agent could not answer: the customer's message it was asked in.
CREATE TABLE gaps (
    id              INTEGER PRIMARY KEY,
    workspace_id    INTEGER NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    topic_id        INTEGER NOT NULL REFERENCES gap_topics (id) ON DELETE CASCADE,
    conversation_id INTEGER NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    message_id      INTEGER NOT NULL UNIQUE REFERENCES messages (id) ON DELETE CASCADE,
    question        TEXT    NOT NULL,
    key             TEXT    NOT NULL, -- the question folded, to know it again
    cause           TEXT    NOT NULL CHECK (cause IN ('no_answer', 'clarify_failed', 'not_useful')),
    lang            TEXT    NOT NULL DEFAULT '',
    status          TEXT    NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'resolved', 'dismissed')),
    asked_at        INTEGER NOT NULL
) STRICT;
CREATE INDEX gaps_topic ON gaps (topic_id, status, asked_at);
CREATE INDEX gaps_key ON gaps (workspace_id, key);

-- Questions dismissed one by one, folded: the same question asked again stays dismissed.
CREATE TABLE gap_dismissed (
    workspace_id INTEGER NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    key          TEXT    NOT NULL,
    PRIMARY KEY (workspace_id, key)
) STRICT, WITHOUT ROWID;

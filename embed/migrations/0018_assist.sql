-- Assistive reply: suggested replies in the inbox and auto-send while a person is busy
-- in another conversation. Times are unix seconds.

-- Owners and admins turn suggestions on per workspace, and allow auto-send or not.
CREATE TABLE assist_settings (
    workspace_id      INTEGER PRIMARY KEY REFERENCES workspaces (id) ON DELETE CASCADE,
    suggestions       INTEGER NOT NULL DEFAULT 0,
    autosend_allowed  INTEGER NOT NULL DEFAULT 0,
    updated_at        INTEGER NOT NULL
) STRICT;

-- Each person's own auto-send switch, and the conversation page they have open: until
-- is when that signal expires (the page renews it while open), active whether the page
-- is in view and focused (busy).
CREATE TABLE assist_people (
    workspace_id    INTEGER NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    user_id         INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    autosend        INTEGER NOT NULL DEFAULT 0,
    conversation_id INTEGER REFERENCES conversations (id) ON DELETE SET NULL,
    active          INTEGER NOT NULL DEFAULT 0,
    until           INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (workspace_id, user_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX assist_people_conversation ON assist_people (conversation_id, until);

-- A reply the assistant sent on a person's behalf (an AI reply, in ai_replies too).
CREATE TABLE auto_sent (
    message_id      INTEGER PRIMARY KEY REFERENCES messages (id) ON DELETE CASCADE,
    conversation_id INTEGER NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    user_id         INTEGER REFERENCES users (id) ON DELETE SET NULL, -- on whose behalf
    created_at      INTEGER NOT NULL
) STRICT;
CREATE INDEX auto_sent_conversation ON auto_sent (conversation_id);

-- Conversations where auto-send stopped for good (it would have repeated itself).
CREATE TABLE assist_stopped (
    conversation_id INTEGER PRIMARY KEY REFERENCES conversations (id) ON DELETE CASCADE,
    reason          TEXT    NOT NULL,
    created_at      INTEGER NOT NULL
) STRICT;

-- A suggested reply shown to a person, and what became of it: offered (on screen now),
-- sent as is, edited before sending, or ignored (the person replied otherwise).
CREATE TABLE suggestions (
    id              INTEGER PRIMARY KEY,
    conversation_id INTEGER NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    user_id         INTEGER REFERENCES users (id) ON DELETE SET NULL,
    source_id       INTEGER REFERENCES sources (id) ON DELETE SET NULL,
    title           TEXT    NOT NULL DEFAULT '',
    body            TEXT    NOT NULL,
    origin          TEXT    NOT NULL CHECK (origin IN ('customer', 'typed')),
    outcome         TEXT    NOT NULL DEFAULT 'offered' CHECK (outcome IN ('offered', 'sent', 'edited', 'ignored')),
    message_id      INTEGER REFERENCES messages (id) ON DELETE SET NULL,
    created_at      INTEGER NOT NULL,
    decided_at      INTEGER
) STRICT;
CREATE INDEX suggestions_open ON suggestions (conversation_id, user_id, outcome);

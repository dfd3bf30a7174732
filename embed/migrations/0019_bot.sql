-- The automatic bot: a workspace's settings (on/off, all day or outside working hours, its
-- schedule, what it says), and which messages were sent automatically, so that staff, the
-- widget and the reports tell them from people's.

CREATE TABLE bot_settings (
    workspace_id    INTEGER PRIMARY KEY REFERENCES workspaces (id) ON DELETE CASCADE,
    enabled         INTEGER NOT NULL DEFAULT 0,
    hours           TEXT    NOT NULL DEFAULT 'all_day' CHECK (hours IN ('all_day', 'off_hours')),
    agent_id        INTEGER REFERENCES agents (id) ON DELETE SET NULL, -- whose knowledge and trust it answers with
    time_zone       TEXT    NOT NULL DEFAULT 'UTC', -- IANA name
    schedule        TEXT    NOT NULL DEFAULT '{}',  -- JSON: weekly opening hours and closed dates
    label           TEXT    NOT NULL DEFAULT '',    -- what the customer sees under its replies ('' = the default phrase)
    fallback        TEXT    NOT NULL DEFAULT '',    -- when it cannot answer ('' = the default phrase in the customer's language)
    off_hours_reply TEXT    NOT NULL DEFAULT '',    -- sent after the fallback outside working hours ('' = none)
    updated_at      INTEGER NOT NULL
) STRICT;

-- A message sent without a person: a bot answer, its reply to a greeting or thanks, the
-- fallback, the off-hours reply, or the note that the bot stopped in the conversation.
-- Only bot answers count as the assistant resolving anything.
CREATE TABLE automatic_messages (
    message_id      INTEGER PRIMARY KEY REFERENCES messages (id) ON DELETE CASCADE,
    conversation_id INTEGER NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    kind            TEXT    NOT NULL CHECK (kind IN ('bot_answer', 'bot_greeting', 'fallback', 'off_hours', 'bot_stopped'))
) STRICT;
CREATE INDEX automatic_messages_conversation ON automatic_messages (conversation_id, kind);

-- A claim on answering one customer message, taken in the transaction that stores the
-- message and ended in the one that stores the answer (an AI reply or a handoff). The
-- holder is the process answering it: only the holder's answer is stored, so a message is
-- never answered twice; a claim left by a process that stopped (a crash, a kill) is taken
-- over at the next start, so a message is never left unanswered for ever.
CREATE TABLE answer_claims (
    message_id INTEGER PRIMARY KEY REFERENCES messages (id) ON DELETE CASCADE,
    holder     TEXT    NOT NULL
) STRICT;

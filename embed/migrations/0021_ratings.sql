-- Ratings of automatic replies on channels that send (email, WhatsApp, Messenger): the
-- question that asks a customer who rated an automatic reply not resolved why (buttons or
-- quick replies), so that their answer is recorded on the reply it rates.
CREATE TABLE rating_prompts (
    message_id INTEGER PRIMARY KEY REFERENCES messages (id) ON DELETE CASCADE,
    rated_id   INTEGER NOT NULL REFERENCES messages (id) ON DELETE CASCADE
) STRICT;

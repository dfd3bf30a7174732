-- How sure an agent must be to answer on its own (agent.Trust): cautious, balanced or
-- eager. Existing agents get the default, balanced.
ALTER TABLE agents ADD COLUMN trust TEXT NOT NULL DEFAULT 'balanced'
    CHECK (trust IN ('cautious', 'balanced', 'eager'));

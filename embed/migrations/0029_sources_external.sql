-- Importing an export again finds each item's source by its id (app/knowledge ImportJSONL),
-- and presets find theirs: one lookup per item, so it needs an index.
CREATE INDEX sources_external ON sources (workspace_id, kind, external_id) WHERE external_id != '';

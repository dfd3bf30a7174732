-- A preset short answer (app/knowledge/presets.go) names its preset here until someone
-- edits it; its external_id (preset/SET/KEY) stays, so that loading presets again does not
-- bring back one the shop changed or removed.
ALTER TABLE sources ADD COLUMN preset TEXT NOT NULL DEFAULT '';

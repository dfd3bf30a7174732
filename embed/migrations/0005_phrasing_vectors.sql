-- A chunk may hold several vectors, all of embed_dims floats: a short answer's chunk has
-- one for its question with its answer and one for each way of asking it, so that a
-- customer's question is compared with each phrasing rather than with their blend.
ALTER TABLE chunks ADD COLUMN embed_dims INTEGER NOT NULL DEFAULT 0;
UPDATE chunks SET embed_dims = length(embedding) / 4 WHERE embedding IS NOT NULL;
-- Short answers are embedded again, a vector per phrasing.
UPDATE chunks SET embedding = NULL, embed_model = '', embed_dims = 0
    WHERE source_id IN (SELECT id FROM sources WHERE kind = 'short_answer');

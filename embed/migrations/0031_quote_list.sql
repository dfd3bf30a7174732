-- The quote list pages by (updated_at, id), newest first: an index in that order serves
-- every page of the unfiltered list without sorting the workspace's quotes (the status
-- index serves the filtered one).
CREATE INDEX quotes_workspace_updated ON quotes (workspace_id, updated_at, id);

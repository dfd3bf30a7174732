-- Indexes that match the inbox's hot queries (app/inbox/plan_test.go checks the plans):
-- each view's list reads its own index in the order it shows, and stops at the page's
-- end; each view's count reads only its index; a visitor's conversation is one lookup.
-- SQLite plans without statistics here, preferring the index that pins the most columns
-- by equality, so each index leads with every column its view pins.

-- conversations_workspace was used by no query, and cost a write on every message.
DROP INDEX conversations_workspace;

-- Finding a visitor's latest conversation (visitor_id, workspace_id, then the rowid).
DROP INDEX conversations_visitor;
CREATE INDEX conversations_visitor ON conversations (visitor_id, workspace_id);

-- Mine, and the routing's count of each person's open conversations.
DROP INDEX conversations_assignee;
CREATE INDEX conversations_assignee ON conversations (assignee_id, workspace_id, preview, status, last_activity_at);

-- A team's view.
CREATE INDEX conversations_team ON conversations (team_id, workspace_id, preview, status, last_activity_at);

-- Unassigned, Unreplied and Unread: small, partial indexes of the conversations in them.
CREATE INDEX conversations_unassigned ON conversations (workspace_id, preview, status, ai_active, assignee_id, last_activity_at)
    WHERE assignee_id IS NULL;
CREATE INDEX conversations_unreplied ON conversations (workspace_id, preview, status, ai_active, last_activity_at)
    WHERE awaiting = 1;
CREATE INDEX conversations_unread ON conversations (workspace_id, preview, status, ai_active, last_activity_at)
    WHERE unread = 1;

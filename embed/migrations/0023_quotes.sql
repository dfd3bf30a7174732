-- Sales quotes: a workspace's quotes with their line items, the views of each quote's
-- public page, and the conversations started on it. Amounts are decimal strings (exact;
-- app/quote computes the totals). Times are unix seconds.

CREATE TABLE quotes (
    id             INTEGER PRIMARY KEY,
    workspace_id   INTEGER NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    number         TEXT    NOT NULL COLLATE NOCASE, -- the seller's own reference; imports update by it
    title          TEXT    NOT NULL,
    buyer_company  TEXT    NOT NULL DEFAULT '',
    buyer_contacts TEXT    NOT NULL DEFAULT '[]', -- JSON [{"name","email","role"}]
    owner_id       INTEGER REFERENCES users (id) ON DELETE SET NULL,
    currency       TEXT    NOT NULL, -- ISO 4217
    payment_terms  TEXT    NOT NULL DEFAULT '',
    delivery_terms TEXT    NOT NULL DEFAULT '',
    notes          TEXT    NOT NULL DEFAULT '',
    expires_on     TEXT    NOT NULL, -- YYYY-MM-DD, the last day the quote holds
    expires_at     INTEGER NOT NULL, -- the end of that day in the workspace's time zone
    status         TEXT    NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'published', 'accepted', 'withdrawn')),
    link_version   INTEGER NOT NULL DEFAULT 1, -- signed into the public link; a withdrawal moves it on
    subtotal       TEXT    NOT NULL DEFAULT '0', -- kept for lists; recomputed on every save
    total          TEXT    NOT NULL DEFAULT '0',
    published_at   INTEGER,
    accepted_at    INTEGER,
    withdrawn_at   INTEGER,
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL,
    UNIQUE (workspace_id, number)
) STRICT;
CREATE INDEX quotes_workspace ON quotes (workspace_id, status, updated_at);

CREATE TABLE quote_lines (
    quote_id         INTEGER NOT NULL REFERENCES quotes (id) ON DELETE CASCADE,
    position         INTEGER NOT NULL,
    name             TEXT    NOT NULL,
    description      TEXT    NOT NULL DEFAULT '',
    quantity         TEXT    NOT NULL,
    unit_price       TEXT    NOT NULL,
    discount_percent TEXT    NOT NULL DEFAULT '0',
    discount_amount  TEXT    NOT NULL DEFAULT '0',
    tax_rate         TEXT    NOT NULL DEFAULT '0', -- percent
    PRIMARY KEY (quote_id, position)
) STRICT, WITHOUT ROWID;

-- Each opening of a quote's public page: when, by which browser (a short id from a
-- cookie of the page, stable across visits) and a summary of it ("Firefox on Linux").
CREATE TABLE quote_views (
    id         INTEGER PRIMARY KEY,
    quote_id   INTEGER NOT NULL REFERENCES quotes (id) ON DELETE CASCADE,
    visitor    TEXT    NOT NULL,
    browser    TEXT    NOT NULL DEFAULT '',
    viewed_at  INTEGER NOT NULL
) STRICT;
CREATE INDEX quote_views_quote ON quote_views (quote_id, viewed_at);

-- The quote a conversation was started on (its channel is 'quote').
ALTER TABLE conversations ADD COLUMN quote_id INTEGER REFERENCES quotes (id) ON DELETE SET NULL;
CREATE INDEX conversations_quote ON conversations (quote_id) WHERE quote_id IS NOT NULL;

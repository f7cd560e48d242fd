-- Who may read a source. A source row is fetched once however many scopes link it; each
-- link says that a scope reads it: '' is global (the operator's: default pack, CLI, operator
-- imports), 'discord:<guild>' or 'matrix:<room>' one chat server. A server reads the
-- articles of global sources it has not muted plus those of its own links, never another
-- server's.

CREATE TABLE source_links (
    source_id INTEGER NOT NULL REFERENCES sources (id) ON DELETE CASCADE,
    scope     TEXT    NOT NULL,
    -- The name the linking admin gave, shown only in that scope (another server's choice of
    -- name must not leak); NULL to show the feed's own title.
    name      TEXT,
    added_by  TEXT,
    added_at  INTEGER NOT NULL,
    PRIMARY KEY (source_id, scope)
);

CREATE INDEX source_links_scope ON source_links (scope, source_id);

-- Every existing source was added by the operator (CLI, default pack) or, before scopes
-- existed, by some server for everyone: all of them become global.
INSERT INTO source_links (source_id, scope, added_by, added_at)
SELECT id, '', added_by, added_at FROM sources;

-- A server's choice not to read one global source; affects no other scope.
CREATE TABLE source_mutes (
    scope     TEXT    NOT NULL,
    source_id INTEGER NOT NULL REFERENCES sources (id) ON DELETE CASCADE,
    muted_by  TEXT,
    muted_at  INTEGER NOT NULL,
    PRIMARY KEY (scope, source_id)
);

-- Chat servers the bot was removed from: their subscriptions are paused and their private
-- sources no longer polled; their data goes after `retention.left_server_days`, unless the
-- bot is invited back first.
CREATE TABLE departed_servers (
    scope   TEXT    PRIMARY KEY,
    left_at INTEGER NOT NULL
);

-- LLM tokens spent on behalf of each server per UTC day, for `llm.max_tokens_per_server_day`;
-- `notified` is set once the server was told it ran out.
CREATE TABLE llm_scope_usage (
    day      TEXT    NOT NULL,
    scope    TEXT    NOT NULL,
    tokens   INTEGER NOT NULL DEFAULT 0,
    notified INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (day, scope)
);

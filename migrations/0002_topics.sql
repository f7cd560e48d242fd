-- Topics (the built-in catalogue, synced from code at start, and custom topics per chat
-- server) and which articles match them.

CREATE TABLE topics (
    id            INTEGER PRIMARY KEY,
    -- '' for the built-in catalogue and CLI-made topics; otherwise the chat server,
    -- e.g. 'discord:1234' or 'matrix:!room:example.org'.
    scope         TEXT    NOT NULL DEFAULT '',
    slug          TEXT    NOT NULL,
    name          TEXT    NOT NULL,
    description   TEXT    NOT NULL DEFAULT '',
    include_terms TEXT    NOT NULL, -- JSON array of strings
    exclude_terms TEXT    NOT NULL DEFAULT '[]',
    builtin       INTEGER NOT NULL DEFAULT 0,
    created_by    TEXT,
    created_at    INTEGER NOT NULL,
    UNIQUE (scope, slug)
);

CREATE TABLE article_topics (
    article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    topic_id   INTEGER NOT NULL REFERENCES topics (id) ON DELETE CASCADE,
    strength   REAL    NOT NULL,
    PRIMARY KEY (article_id, topic_id)
);

CREATE INDEX article_topics_topic ON article_topics (topic_id, article_id);

-- Fingerprint of the topic set an article was last tagged with; 0 = never. When topics
-- change, articles read for a digest are re-tagged lazily.
ALTER TABLE articles ADD COLUMN topics_version INTEGER NOT NULL DEFAULT 0;

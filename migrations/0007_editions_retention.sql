-- Editions: one composed digest shared by every subscription that received it in a slot.
-- Its Markdown and statistics are kept once here; `digests` keeps one small row per
-- subscription that points at it (ten thousand channels, a few hundred editions).
CREATE TABLE editions (
    id           INTEGER PRIMARY KEY,
    topic        TEXT,
    window_start INTEGER NOT NULL,
    window_end   INTEGER NOT NULL,
    items        INTEGER NOT NULL,
    stats        TEXT    NOT NULL, -- JSON DigestStats
    markdown     TEXT    NOT NULL,
    created_at   INTEGER NOT NULL
);
CREATE INDEX editions_created ON editions (created_at);

ALTER TABLE digests ADD COLUMN edition_id INTEGER REFERENCES editions (id) ON DELETE SET NULL;
CREATE INDEX digests_created ON digests (created_at);
CREATE INDEX digests_edition ON digests (edition_id);

-- Retention deletes by age: each table it prunes has an index on the age it reads.
CREATE INDEX deliveries_age ON deliveries (status, created_at);
CREATE INDEX llm_cache_created ON llm_cache (created_at);
CREATE INDEX article_sightings_article ON article_sightings (article_id);

-- Articles deleted by retention, so a feed that still carries one does not bring it back as
-- news (an instant alert for a months-old story). Kept for a second retention horizon.
CREATE TABLE article_tombstones (
    source_id  INTEGER NOT NULL,
    guid       TEXT    NOT NULL,
    url        TEXT,
    deleted_at INTEGER NOT NULL,
    PRIMARY KEY (source_id, guid)
) WITHOUT ROWID;
CREATE INDEX article_tombstones_url ON article_tombstones (url) WHERE url IS NOT NULL;
CREATE INDEX article_tombstones_deleted ON article_tombstones (deleted_at);

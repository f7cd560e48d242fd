-- Sources with their polling state and health, articles, podcast data, and the FTS5
-- search index. Times are unix seconds (UTC).

CREATE TABLE sources (
    id                 INTEGER PRIMARY KEY,
    url                TEXT    NOT NULL UNIQUE,
    kind               TEXT    NOT NULL CHECK (kind IN ('feed', 'podcast')),
    title              TEXT,
    site_url           TEXT,
    weight             REAL    NOT NULL DEFAULT 1.0,
    etag               TEXT,
    last_modified      TEXT,
    poll_interval_secs INTEGER NOT NULL DEFAULT 1800,
    next_poll_at       INTEGER NOT NULL,
    last_polled_at     INTEGER,
    last_success_at    INTEGER,
    failing_since      INTEGER,
    failures           INTEGER NOT NULL DEFAULT 0,
    last_status        INTEGER,
    last_error_class   TEXT,
    last_error         TEXT,
    disabled_at        INTEGER,
    added_by           TEXT,
    added_at           INTEGER NOT NULL
);

CREATE INDEX sources_due ON sources (next_poll_at) WHERE disabled_at IS NULL;

CREATE TABLE articles (
    id           INTEGER PRIMARY KEY,
    source_id    INTEGER NOT NULL REFERENCES sources (id) ON DELETE CASCADE,
    guid         TEXT    NOT NULL,
    url          TEXT,
    title        TEXT    NOT NULL,
    author       TEXT,
    published_at INTEGER NOT NULL,
    date_missing INTEGER NOT NULL DEFAULT 0,
    fetched_at   INTEGER NOT NULL,
    summary      TEXT,
    text         TEXT    NOT NULL,
    excerpt_only INTEGER NOT NULL DEFAULT 0,
    content_hash TEXT    NOT NULL,
    UNIQUE (source_id, guid)
);

-- The same canonical link seen in two feeds is one article.
CREATE UNIQUE INDEX articles_url ON articles (url) WHERE url IS NOT NULL;
CREATE INDEX articles_published ON articles (published_at);

-- Other sources that carried an article first stored from another source.
CREATE TABLE article_sightings (
    article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    source_id  INTEGER NOT NULL REFERENCES sources (id) ON DELETE CASCADE,
    guid       TEXT    NOT NULL,
    seen_at    INTEGER NOT NULL,
    PRIMARY KEY (source_id, guid)
);

CREATE TABLE episodes (
    article_id        INTEGER PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,
    enclosure_url     TEXT,
    duration_secs     INTEGER,
    transcript_url    TEXT,
    transcript_mime   TEXT,
    transcript_status TEXT,
    chapters_url      TEXT,
    chapters_status   TEXT
);

CREATE TABLE transcript_segments (
    article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    seq        INTEGER NOT NULL,
    start_secs REAL,
    end_secs   REAL,
    speaker    TEXT,
    text       TEXT    NOT NULL,
    PRIMARY KEY (article_id, seq)
);

CREATE TABLE chapters (
    article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    seq        INTEGER NOT NULL,
    start_secs REAL    NOT NULL,
    end_secs   REAL,
    title      TEXT    NOT NULL,
    url        TEXT,
    PRIMARY KEY (article_id, seq)
);

CREATE VIRTUAL TABLE articles_fts USING fts5 (
    title,
    text,
    content = 'articles',
    content_rowid = 'id',
    tokenize = 'porter unicode61 remove_diacritics 2'
);

CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles BEGIN
    INSERT INTO articles_fts (rowid, title, text) VALUES (new.id, new.title, new.text);
END;

CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN
    INSERT INTO articles_fts (articles_fts, rowid, title, text) VALUES ('delete', old.id, old.title, old.text);
END;

CREATE TRIGGER articles_fts_update AFTER UPDATE OF title, text ON articles BEGIN
    INSERT INTO articles_fts (articles_fts, rowid, title, text) VALUES ('delete', old.id, old.title, old.text);
    INSERT INTO articles_fts (rowid, title, text) VALUES (new.id, new.title, new.text);
END;

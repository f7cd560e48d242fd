-- Chat delivery: who subscribed to what, what was posted where, per-server settings.

CREATE TABLE subscriptions (
    id            INTEGER PRIMARY KEY,
    -- 'discord', 'matrix' or 'console': part of the key, so the same channel id on two
    -- platforms can never collide.
    platform      TEXT    NOT NULL,
    -- Topic scope of the server the subscription belongs to ('' for console).
    scope         TEXT    NOT NULL DEFAULT '',
    channel       TEXT    NOT NULL,
    topic         TEXT    NOT NULL,
    mode          TEXT    NOT NULL CHECK (mode IN ('digest', 'instant')),
    -- e.g. 'daily 08:30'; NULL for instant subscriptions.
    schedule      TEXT,
    timezone      TEXT    NOT NULL DEFAULT 'UTC',
    min_score     INTEGER NOT NULL,
    max_items     INTEGER NOT NULL,
    -- Unix seconds of the next scheduled digest (digest mode).
    next_run_at   INTEGER,
    -- Unix seconds of the last digest slot delivered: the next digest's window starts here.
    last_run_at   INTEGER,
    -- Instant mode: articles fetched at or before this instant are never posted, so a new
    -- subscription does not post the backlog.
    cursor_at     INTEGER NOT NULL,
    paused_reason TEXT,
    paused_at     INTEGER,
    created_by    TEXT,
    created_at    INTEGER NOT NULL,
    UNIQUE (platform, channel, topic)
);

CREATE INDEX subscriptions_due ON subscriptions (mode, next_run_at) WHERE paused_reason IS NULL;

-- One row per thing posted (or being posted) to a subscription's channel. The UNIQUE key
-- makes a second post of the same item impossible, across restarts: the row is written
-- as 'pending' before the send and marked 'sent' after it.
CREATE TABLE deliveries (
    id              INTEGER PRIMARY KEY,
    subscription_id INTEGER NOT NULL REFERENCES subscriptions (id) ON DELETE CASCADE,
    -- 'digest:<slot unix seconds>' or 'article:<article id>'.
    item            TEXT    NOT NULL,
    -- Sent with the message (Discord nonce + enforce_nonce): a resend after a crash between
    -- send and record is recognised by Discord as the same message.
    nonce           TEXT    NOT NULL,
    status          TEXT    NOT NULL CHECK (status IN ('pending', 'sent', 'failed')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    message_ids     TEXT,
    last_error      TEXT,
    created_at      INTEGER NOT NULL,
    sent_at         INTEGER,
    UNIQUE (subscription_id, item)
);

-- Digests as posted, for /stats and later reference.
CREATE TABLE digests (
    id              INTEGER PRIMARY KEY,
    subscription_id INTEGER REFERENCES subscriptions (id) ON DELETE SET NULL,
    window_start    INTEGER NOT NULL,
    window_end      INTEGER NOT NULL,
    items           INTEGER NOT NULL,
    stats           TEXT    NOT NULL, -- JSON DigestStats
    markdown        TEXT    NOT NULL,
    created_at      INTEGER NOT NULL
);

-- Per chat server: defaults for new subscriptions.
CREATE TABLE server_settings (
    scope      TEXT PRIMARY KEY,
    timezone   TEXT,
    min_score  INTEGER,
    updated_at INTEGER NOT NULL
);

-- Small facts the bot keeps between runs (e.g. the hash of the registered command set).
CREATE TABLE kv (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

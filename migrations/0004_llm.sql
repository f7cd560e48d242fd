-- LLM answers, cached by what was asked (content hash, model, prompt version), and the
-- tokens spent per day and task.

CREATE TABLE llm_cache (
    content_hash      TEXT    NOT NULL,
    task              TEXT    NOT NULL,
    model             TEXT    NOT NULL,
    prompt_version    INTEGER NOT NULL,
    output            TEXT    NOT NULL, -- validated JSON
    prompt_tokens     INTEGER NOT NULL,
    completion_tokens INTEGER NOT NULL,
    created_at        INTEGER NOT NULL,
    PRIMARY KEY (content_hash, task, model, prompt_version)
);

CREATE TABLE llm_usage (
    day               TEXT    NOT NULL, -- YYYY-MM-DD, UTC
    task              TEXT    NOT NULL,
    requests          INTEGER NOT NULL DEFAULT 0,
    failures          INTEGER NOT NULL DEFAULT 0,
    cache_hits        INTEGER NOT NULL DEFAULT 0,
    prompt_tokens     INTEGER NOT NULL DEFAULT 0,
    completion_tokens INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (day, task)
);

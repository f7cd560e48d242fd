-- The instant loop asks, every tick and for every instant subscription, which articles were
-- fetched after its cursor: without an index that is a scan of the whole archive.
CREATE INDEX articles_fetched ON articles (fetched_at);

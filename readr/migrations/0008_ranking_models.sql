-- The relevance model learned from the reader's triage (readr/ranking.py), cached so that listing
-- the inbox by relevance does not retrain. `name` is '' for the reader's model and 'tag:NAME' for
-- the model of one tag (the like: filter); `fingerprint` sums up the triage it was learned from,
-- and a model whose fingerprint or format no longer matches is retrained (the old one is used
-- until the new one is written, in one statement).
CREATE TABLE ranking_models (
    name TEXT PRIMARY KEY,
    fingerprint TEXT NOT NULL,
    format INTEGER NOT NULL,
    trained_at TEXT NOT NULL,
    model BLOB NOT NULL
);

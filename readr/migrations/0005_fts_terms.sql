-- Prefix search as you type: the words of the full-text index, so that "net"* can be written as
-- an OR of the words it covers (see schema.sql). Filled here from the index itself.

-- Every word of papers_fts at the last rebuild (the catalogue import, `readr check --repair`).
CREATE TABLE fts_terms (
    term TEXT PRIMARY KEY,
    docs INTEGER NOT NULL  -- papers holding it at the last rebuild (ranks prefixes by their common words)
) WITHOUT ROWID;

-- The words of catalogue entries (status NULL) added or changed since then: their text goes into
-- this small index (no copy of the text, no positions), whose own word list covers them. Keyed by
-- the paper's id; a paper changed twice is in it twice (it only ever grows, until emptied).
CREATE VIRTUAL TABLE fts_terms_new USING fts5 (
    text, content = '', detail = 'none',
    tokenize = 'unicode61 remove_diacritics 2'
);

CREATE TRIGGER papers_fts_terms_insert AFTER INSERT ON papers WHEN new.status IS NULL BEGIN
    INSERT INTO fts_terms_new (rowid, text) VALUES (new.id, new.title || ' ' || new.authors_text || ' ' ||
        new.abstract || ' ' || new.summary || ' ' || new.tags_text || ' ' || coalesce(new.fulltext, ''));
END;

CREATE TRIGGER papers_fts_terms_update
AFTER UPDATE OF status, title, authors_text, abstract, summary, tags_text, fulltext ON papers
WHEN new.status IS NULL AND (old.status IS NOT NULL OR new.title IS NOT old.title
    OR new.authors_text IS NOT old.authors_text OR new.abstract IS NOT old.abstract
    OR new.summary IS NOT old.summary OR new.tags_text IS NOT old.tags_text OR new.fulltext IS NOT old.fulltext) BEGIN
    INSERT INTO fts_terms_new (rowid, text) VALUES (new.id, new.title || ' ' || new.authors_text || ' ' ||
        new.abstract || ' ' || new.summary || ' ' || new.tags_text || ' ' || coalesce(new.fulltext, ''));
END;

CREATE VIRTUAL TABLE temp.readr_migrate_vocab USING fts5vocab (main, papers_fts, 'row');
INSERT INTO fts_terms (term, docs) SELECT term, doc FROM temp.readr_migrate_vocab;
DROP TABLE temp.readr_migrate_vocab;

-- The reading list gets a full-text index of its own (see schema.sql).

-- The reading list's own full-text index (papers with a status; catalogue entries are left out).
-- Searches limited to the reading list (the TUI's views, `readr search --reading-list`) use it,
-- so with a million catalogue entries they never wade through the catalogue's matches to find
-- the few on the list. It holds its own copy of the text: the reading list is small.
CREATE VIRTUAL TABLE library_fts USING fts5 (
    title, authors_text, abstract, summary, tags_text, fulltext,
    tokenize = 'unicode61 remove_diacritics 2'
);

CREATE TRIGGER library_fts_insert AFTER INSERT ON papers WHEN new.status IS NOT NULL BEGIN
    INSERT INTO library_fts (rowid, title, authors_text, abstract, summary, tags_text, fulltext)
    VALUES (new.id, new.title, new.authors_text, new.abstract, new.summary, new.tags_text, new.fulltext);
END;

CREATE TRIGGER library_fts_delete AFTER DELETE ON papers WHEN old.status IS NOT NULL BEGIN
    DELETE FROM library_fts WHERE rowid = old.id;
END;

CREATE TRIGGER library_fts_update
AFTER UPDATE OF status, title, authors_text, abstract, summary, tags_text, fulltext ON papers
WHEN old.status IS NOT NULL OR new.status IS NOT NULL BEGIN
    DELETE FROM library_fts WHERE rowid = old.id;
    INSERT INTO library_fts (rowid, title, authors_text, abstract, summary, tags_text, fulltext)
    SELECT new.id, new.title, new.authors_text, new.abstract, new.summary, new.tags_text, new.fulltext
    WHERE new.status IS NOT NULL;
END;

INSERT INTO library_fts (rowid, title, authors_text, abstract, summary, tags_text, fulltext)
SELECT id, title, authors_text, abstract, summary, tags_text, fulltext FROM papers WHERE status IS NOT NULL;

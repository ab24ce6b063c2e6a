-- How an imported .bib file wrote each entry, so that `readr export --bibtex` gives the same
-- bibliography back: the entry type (article, inproceedings, ...) and every field in file order
-- (`fields`, JSON [[name, value], ...], @string macros expanded, outer braces or quotes removed),
-- and `imported`, what readr read from the fields it models (title, authors, year, doi, url,
-- arxiv_id, primary_category) at import. While the paper still says that, the field is written
-- back as the file had it; once readr's value differs (readr edit, readr refresh), readr's wins.
-- Keyed by the paper's key rather than its row id: undo re-inserts the papers row.
CREATE TABLE bib_entries (
    paper_key TEXT PRIMARY KEY,
    entry_type TEXT NOT NULL,
    fields TEXT NOT NULL DEFAULT '[]',
    imported TEXT NOT NULL DEFAULT '{}'
);

-- A citation key names one paper (readr edit --key, imports and exports keep them unique).
DELETE FROM cite_keys WHERE rowid NOT IN (SELECT min(rowid) FROM cite_keys GROUP BY cite_key);
CREATE UNIQUE INDEX cite_keys_cite_key ON cite_keys (cite_key);

-- Importing a .bib file merges an entry into the paper with the same DOI.
CREATE INDEX papers_doi ON papers (lower(doi)) WHERE doi IS NOT NULL;

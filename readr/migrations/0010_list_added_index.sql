-- `readr list` shows the reading list newest first (as Store.list_papers and list_paper_ids give
-- it): ORDER BY added_at DESC, id DESC over the papers with a status. This index holds them in
-- that order (read backwards), so a list is read in order instead of sorting every row it
-- selects, abstracts and all; catalogue entries (no status) are not in it, so bulk imports of
-- the catalogue do not maintain it.
CREATE INDEX papers_list_added ON papers (added_at) WHERE status IS NOT NULL;

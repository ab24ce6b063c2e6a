-- `readr sync`: the reading state of teammates, the last state this reader shared, and summaries
-- of the reader's own that were edited on two machines.

-- Teammates' notes from the shared git repository, one per reader per paper; never the reader's
-- own (their own state lives in papers). `tags` is a JSON list.
CREATE TABLE team_notes (
    reader TEXT NOT NULL,
    paper_key TEXT NOT NULL,
    status TEXT,
    tags TEXT NOT NULL DEFAULT '[]',
    summary TEXT NOT NULL DEFAULT '',
    read_at TEXT,
    PRIMARY KEY (reader, paper_key)
) WITHOUT ROWID;
CREATE INDEX team_notes_paper ON team_notes (paper_key);
CREATE INDEX team_notes_read_at ON team_notes (read_at) WHERE read_at IS NOT NULL;

-- The reader's own notes as the last completed sync shared them (JSON): the common ancestor of
-- a three-way merge between this library and the reader's other machines.
CREATE TABLE sync_base (
    paper_key TEXT PRIMARY KEY,
    note TEXT NOT NULL
);

-- A summary the reader edited on two machines before syncing: papers.summary keeps this
-- machine's text, `other_summary` the other machine's, until the reader resolves it.
CREATE TABLE summary_conflicts (
    paper_key TEXT PRIMARY KEY,
    other_summary TEXT NOT NULL,
    found_at TEXT NOT NULL
);

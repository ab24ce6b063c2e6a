-- Tags in one normal form (readr.tags.normalize_tag): older readr stored a tag as typed apart from
-- a leading '#', so '"deep learning"' kept its quotes and '# x' became ' x', and the tag: filter,
-- which now reads `tag:"deep learning"` as `deep learning`, could not find them. Strip surrounding
-- spaces, one pair of surrounding quotes and leading '#'; tags that become the same tag (case
-- aside) are merged into the oldest, and the tag text search sees is rewritten for their papers.

CREATE TEMP TABLE readr_tag_trimmed (id INTEGER PRIMARY KEY, name TEXT NOT NULL);

INSERT INTO readr_tag_trimmed (id, name) SELECT id, trim(name) FROM tags;

CREATE TEMP TABLE readr_tag_normal (id INTEGER PRIMARY KEY, name TEXT NOT NULL COLLATE NOCASE);

INSERT INTO readr_tag_normal (id, name)
SELECT id, trim(ltrim(trim(
    CASE WHEN length(name) >= 2 AND (
            (substr(name, 1, 1) = '"' AND substr(name, -1) = '"')
            OR (substr(name, 1, 1) = '''' AND substr(name, -1) = '''')
            OR (substr(name, 1, 1) = '“' AND substr(name, -1) = '”')
            OR (substr(name, 1, 1) = '‘' AND substr(name, -1) = '’'))
        THEN substr(name, 2, length(name) - 2)
        ELSE name END), '#'))
FROM readr_tag_trimmed;

-- Each tag -> the oldest tag of the same normal form; tags that would have no name stay as they are.
CREATE TEMP TABLE readr_tag_target (id INTEGER PRIMARY KEY, target INTEGER NOT NULL);

INSERT INTO readr_tag_target (id, target)
SELECT n.id, (SELECT min(m.id) FROM readr_tag_normal m WHERE m.name = n.name)
FROM readr_tag_normal n WHERE n.name != '';

CREATE TEMP TABLE readr_tag_papers (paper_id INTEGER PRIMARY KEY);

INSERT OR IGNORE INTO readr_tag_papers (paper_id)
SELECT pt.paper_id FROM paper_tags pt JOIN readr_tag_target t ON t.id = pt.tag_id
JOIN tags ON tags.id = t.target JOIN readr_tag_normal n ON n.id = t.id
WHERE t.target != t.id OR tags.name != n.name COLLATE BINARY;

INSERT OR IGNORE INTO paper_tags (paper_id, tag_id)
SELECT pt.paper_id, t.target FROM paper_tags pt JOIN readr_tag_target t ON t.id = pt.tag_id WHERE t.target != t.id;

DELETE FROM paper_tags WHERE tag_id IN (SELECT id FROM readr_tag_target WHERE target != id);

DELETE FROM tags WHERE id IN (SELECT id FROM readr_tag_target WHERE target != id);

UPDATE tags SET name = (SELECT n.name FROM readr_tag_normal n WHERE n.id = tags.id)
WHERE id IN (SELECT target FROM readr_tag_target)
  AND name != (SELECT n.name FROM readr_tag_normal n WHERE n.id = tags.id) COLLATE BINARY;

UPDATE papers SET tags_text = coalesce((SELECT group_concat(name, ' ') FROM (
    SELECT t.name FROM paper_tags pt JOIN tags t ON t.id = pt.tag_id WHERE pt.paper_id = papers.id
    ORDER BY t.name COLLATE NOCASE)), '')
WHERE id IN (SELECT paper_id FROM readr_tag_papers);

DROP TABLE temp.readr_tag_papers;

DROP TABLE temp.readr_tag_target;

DROP TABLE temp.readr_tag_normal;

DROP TABLE temp.readr_tag_trimmed;

"""One normal form for tags (readr.tags.normalize_tag) for every way a tag comes in: the store,
the `tag:` filter, the CLI, the TUI's tag dialog; and the upgrade that rewrites older forms."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from readr.errors import QueryError, ReadrError
from readr.query import parse_query
from readr.store import Store
from readr.tags import normalize_tag
from tests.conftest import make_record

SCHEMAS = Path(__file__).parent / "fixtures" / "schemas"


@pytest.mark.parametrize("typed, normal", [
    ("ml", "ml"),
    ("#hash", "hash"),
    ("##hash", "hash"),
    ('"deep learning"', "deep learning"),
    ("'deep learning'", "deep learning"),
    ("“deep learning”", "deep learning"),
    ('"#ml"', "ml"),
    ('#"ml"', "ml"),
    ("  deep \t  learning ", "deep learning"),
    ("# spaced", "spaced"),
    ("C++", "C++"),
    ('say "hi"', 'say "hi"'),  # inner quotes are part of the name
    ("Deep Learning", "Deep Learning"),  # case is kept
])
def test_the_normal_form(typed, normal):
    assert normalize_tag(typed) == normal
    assert normalize_tag(normal) == normal  # idempotent


@pytest.mark.parametrize("bad, message", [
    ("red\x1b[31m", "control characters"),
    ("\x1b]0;pwned\x07", "control characters"),
    ("a\x00b", "control characters"),
    ("txet\u202e", "control characters"),
    ("#", "cannot be empty"),
    ('""', "cannot be empty"),
    ("   ", "cannot be empty"),
    ("x" * 65, "at most 64"),
])
def test_bad_tags_are_refused_with_one_line(bad, message):
    with pytest.raises(ReadrError) as error:
        normalize_tag(bad)
    assert message in str(error.value)
    assert "\n" not in str(error.value) and "\x1b" not in str(error.value)


@pytest.fixture
def lib(store):
    store.upsert_arxiv(make_record("2101.00001", "Tagged paper"))
    store.upsert_arxiv(make_record("2101.00002", "Other paper"))
    return store


def test_store_writes_and_search_use_the_normal_form(lib):
    lib.add_tags(["2101.00001"], ["#hash", '"deep learning"'])
    assert lib.get("2101.00001").tags == ["deep learning", "hash"]
    for query in ("tag:#hash", "tag:hash", "tag:HASH", 'tag:"deep learning"', 'tag:"\'deep learning\'"', "tag:'deep"):
        keys = [hit.paper.key for hit in lib.search(query)]
        if query == "tag:'deep":
            assert keys == []  # a word, not the tag "deep learning"
        else:
            assert keys == ["2101.00001"], query
    assert [p.key for p in lib.list_papers(tag="#hash")] == ["2101.00001"]
    lib.remove_tags(["2101.00001"], ["#hash", "'deep learning'"])
    assert lib.get("2101.00001").tags == []
    with pytest.raises(ReadrError, match="control characters"):
        lib.add_tags(["2101.00001"], ["evil\x1b[2J"])
    assert lib.tag_names() == []
    with pytest.raises(QueryError, match="cannot be empty"):
        parse_query("tag:#")


def test_cli_tag_untag_and_list_use_the_normal_form(cli, lib):
    result = cli("tag", "2101.00001", "#hash", '"deep learning"')
    assert result.exit_code == 0
    assert result.stderr.strip() == "2101.00001: deep learning, hash"
    assert "2101.00001" in cli("search", "tag:#hash").stdout
    assert "2101.00001" in cli("list", "--tag", "#hash").stdout
    refused = cli("tag", "2101.00001", "bad\x1b[31m")
    assert refused.exit_code == 1 and "control characters" in refused.output and "\x1b" not in refused.output
    assert cli("untag", "2101.00001", "#hash").stderr.strip() == "2101.00001: deep learning"


def test_tui_tag_dialog_input_uses_the_normal_form():
    pytest.importorskip("textual")
    from readr.tui.dialogs import split_tag_input

    assert split_tag_input('#hash, "deep learning", -#old, -"quoted"') == (["hash", "deep learning"], ["old", "quoted"])
    with pytest.raises(ReadrError, match="control characters"):
        split_tag_input("fine, bad\x1b[31m")


async def test_tui_tag_dialog_keeps_a_bad_tag_open_with_the_reason(tmp_path):
    pytest.importorskip("textual")
    from readr.tui.dialogs import TagDialog
    from tests.tui_support import app_for, settle

    db = tmp_path / "tui.db"
    with Store(db) as lib:
        lib.upsert_arxiv(make_record("2101.00001", "Tagged paper"))
    app = app_for(db)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot, app)
        await pilot.press("plus")
        await settle(pilot, app)
        assert isinstance(app.screen, TagDialog)
        app.screen.query_one("#tag-input").value = "#"
        await pilot.press("enter")
        await settle(pilot, app)
        assert isinstance(app.screen, TagDialog)
        assert "cannot be empty" in str(app.screen.query_one("#tag-matches").render())
        app.screen.query_one("#tag-input").value = "#hash"
        await pilot.press("enter")
        await settle(pilot, app)
        assert app.store.get("2101.00001").tags == ["hash"]


def test_an_upgrade_rewrites_tags_stored_in_older_forms(tmp_path):
    """A version-5 library with tags as older readr stored them: quoted, with a leading space,
    a quoted '#', and a quoted duplicate of an existing tag."""
    library = tmp_path / "library.db"
    shutil.copyfile(SCHEMAS / "library-v5.db", library)
    conn = sqlite3.connect(library)
    conn.execute("""INSERT INTO tags (name) VALUES ('"deep learning"'), (' x'), ('"Vision"'), ('''#ml''')""")
    tag_ids = {name: i for i, name in conn.execute("SELECT id, name FROM tags")}
    paper_ids = {key: i for i, key in conn.execute("SELECT id, key FROM papers")}
    for key, tag in [("2401.00001", '"deep learning"'), ("2401.00001", " x"), ("0704.0001", '"Vision"'),
                     ("2202.06709", '"Vision"'), ("0704.0001", "'#ml'")]:
        conn.execute("INSERT INTO paper_tags (paper_id, tag_id) VALUES (?, ?)", (paper_ids[key], tag_ids[tag]))
    conn.execute(
        "UPDATE papers SET tags_text = coalesce((SELECT group_concat(name, ' ') FROM (SELECT t.name FROM paper_tags pt "
        "JOIN tags t ON t.id = pt.tag_id WHERE pt.paper_id = papers.id ORDER BY t.name COLLATE NOCASE)), '')"
    )
    conn.commit()
    conn.close()
    from readr.maintenance import check

    with Store(library) as lib:
        assert lib.get("2401.00001").tags == ["deep learning", "x"]
        assert lib.get("0704.0001").tags == ["ml", "physics", "vision"]
        assert lib.get("2202.06709").tags == ["Transformers", "vision"]  # one "vision", merged
        assert sorted(lib.tag_names(), key=str.lower) == sorted(
            ["vision", "Transformers", "physics", "old-ids", "[red]tag[/red]", "meh", "blog", "deep learning", "x",
             "ml"], key=str.lower)
        assert [h.paper.key for h in lib.search('tag:"deep learning"')] == ["2401.00001"]
        assert {h.paper.key for h in lib.search("tag:#vision")} == {"2202.06709", "0704.0001", "2401.00003"}
        assert [h.paper.key for h in lib.search("tag:ml")] == ["0704.0001"]
        report = check(lib)
        assert report.ok, report.lines()  # tags_text and the search index follow the rewrite

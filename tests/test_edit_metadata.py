"""Correcting a paper's title, authors and year: Store.edit_metadata and `readr edit`. Search
follows at once (FTS triggers), undo puts it all back, bad input is one clear line."""

from __future__ import annotations

import pytest

from readr.errors import ReadrError
from readr.maintenance import check
from tests.conftest import make_record


@pytest.fixture
def lib(store):
    store.upsert_arxiv(make_record("2101.00001", "Real-World Expository W", authors=["A. Cut"],
                                   published="2020-02-29T10:00:00+00:00"))
    store.upsert_arxiv(make_record("2101.00002", "A catalogue entry"), status=None)
    return store


def keys(store, text, **options):
    return [hit.paper.key for hit in store.search(text, **options)]


def test_edit_metadata_changes_the_fields_and_search_follows(lib):
    paper = lib.edit_metadata(
        "2101.00001", title="Real-World Expository Writing", authors=["Ada Lovelace", " Alan  Turing "], year=2021,
    )
    assert paper.title == "Real-World Expository Writing"
    assert paper.authors == ["Ada Lovelace", "Alan Turing"]
    assert paper.published == "2021-02-28T10:00:00+00:00"  # 29 February is not in 2021
    # Both indexes (the whole library's and the reading list's) know the new text, not the old.
    for options in ({}, {"include_catalogue": False}):
        assert keys(lib, "writing", **options) == ["2101.00001"]
        assert keys(lib, "author:turing", **options) == ["2101.00001"]
        assert keys(lib, "cut", **options) == []
    assert keys(lib, "year:2021", include_catalogue=False) == ["2101.00001"]
    assert keys(lib, "year:2020", include_catalogue=False) == []
    assert keys(lib, "Writi") == ["2101.00001"]  # search as you type too
    # A catalogue entry can be corrected as well.
    lib.edit_metadata("2101.00002", title="Fixed catalogue title")
    assert keys(lib, "fixed") == ["2101.00002"]
    assert check(lib).ok


def test_none_leaves_a_field_alone_and_a_year_without_a_date_starts_the_year(lib):
    lib.add_web("https://example.org/post", "A post")
    paper = lib.edit_metadata("https://example.org/post", year=2019)
    assert paper.published == "2019-01-01" and paper.title == "A post"
    paper = lib.edit_metadata("2101.00001", authors=[])
    assert paper.authors == [] and paper.title == "Real-World Expository W"


@pytest.mark.parametrize("fields, message", [
    ({}, "nothing to change"),
    ({"title": "  "}, "title cannot be empty"),
    ({"title": "evil\x1b]0;pwned\x07"}, "control characters"),
    ({"authors": ["ok", "bad\x9b31m"]}, "control characters"),
    ({"year": 99}, "not a year"),
    ({"year": 20210}, "not a year"),
    ({"title": "x" * 1001}, "at most 1000"),
])
def test_bad_input_is_refused_with_one_line_and_nothing_changes(lib, fields, message):
    before = lib.get("2101.00001")
    with pytest.raises(ReadrError) as error:
        lib.edit_metadata("2101.00001", **fields)
    assert message in str(error.value) and "\n" not in str(error.value)
    assert lib.get("2101.00001") == before


def test_undo_through_snapshot_and_restore_puts_everything_back(lib):
    snapshot = lib.snapshot(["2101.00001"])
    lib.edit_metadata("2101.00001", title="Other words entirely", authors=["Someone Else"], year=1999)
    lib.restore(snapshot)
    paper = lib.get("2101.00001")
    assert (paper.title, paper.authors, paper.published) == (
        "Real-World Expository W", ["A. Cut"], "2020-02-29T10:00:00+00:00")
    assert keys(lib, "expository") == ["2101.00001"] and keys(lib, "entirely") == []
    assert check(lib).ok


def test_the_digest_shows_the_corrected_title_of_an_imported_entry(lib, cli, tmp_path):
    from datetime import datetime

    lib.set_status(["2101.00001"], "read", on=datetime(2021, 1, 5, 9, 0))
    lib.set_summary("2101.00001", "Notes.")
    page = tmp_path / "page.md"
    page.write_text(cli("export", "--week", "2021-01-05").stdout, encoding="utf-8")
    assert cli("import", str(page)).exit_code == 0
    lib.edit_metadata("2101.00001", title="Real-World Expository Writing")
    assert "[**Real-World Expository Writing**]" in cli("export", "--week", "2021-01-05").stdout


def test_cli_edit(cli, lib):
    result = cli("edit", "2101.00001", "--title", "Real-World Expository Writing",
                 "--authors", "Ada Lovelace; Alan Turing", "--year", "2021")
    assert result.exit_code == 0, result.output
    assert result.stderr.strip() == "2101.00001: title, authors and year saved"
    assert "Real-World Expository Writing" in cli("search", "--json", "writing").stdout
    unchanged = cli("edit", "2101.00001", "--year", "2021")
    assert unchanged.stderr.strip() == "2101.00001: nothing changed, it already reads so"
    assert cli("edit", "2101.00001", "--authors", "Ada Lovelace").stderr.strip() == "2101.00001: authors saved"
    for args, message in ((["2101.00001"], "nothing to change"), (["2101.00001", "--title", "a\x1b[2Jb"], "control"),
                          (["9999.99999", "--title", "x"], "")):
        refused = cli("edit", *args)
        assert refused.exit_code == 1 and message in refused.stderr
        assert len(refused.stderr.strip().splitlines()) == 1 and "\x1b" not in refused.stderr
    assert cli("edit", "2101.00001", "--year", "12").exit_code == 2  # Typer's range check

"""Every place a reader types or pastes an arXiv id reads it with the one parser (readr.ids):
readr add, show, search, the TUI's add dialog, digest import and sync's note names."""

from __future__ import annotations

import pytest

from readr.digest.importer import parse_page
from readr.ingest import parse_references, pasted_tokens
from readr.sync.notes import key_of_file
from tests.conftest import make_record

# (as pasted, the paper it names); each is a form arXiv's own parser reads
PASTED = [
    ("arXiv:0706.0001v1 [q-bio.CB]", "0706.0001"),
    ("https://arxiv.org/ps/1912.03529v1", "1912.03529"),
    ("/hep-th/0702050", "hep-th/0702050"),
    ("hep-th//9901001", "hep-th/9901001"),
    ("hep-th/9901001/extra", "hep-th/9901001"),
    ("physics/0303098/", "physics/0303098"),
    ("hep-th/1601.07616", "1601.07616"),
]


@pytest.mark.parametrize("text, base", PASTED)
def test_readr_add_reads_every_pasted_form(text, base):
    (ref,) = parse_references([text], web_pages=False)
    assert ref.arxiv is not None and ref.arxiv.base == base


def test_a_listing_stamp_split_at_its_spaces_is_one_reference():
    # A pasted line in the TUI's add dialog, or an unquoted `readr add` (the shell splits it)
    tokens = pasted_tokens("arXiv:0706.0001v1 [q-bio.CB] 1 Jun 2007, hep-th/1601.07616")
    assert tokens == ["arXiv:0706.0001v1 [q-bio.CB] 1 Jun 2007", "hep-th/1601.07616"]
    assert [ref.arxiv.base for ref in parse_references(tokens)] == ["0706.0001", "1601.07616"]


def test_text_that_is_no_id_keeps_its_one_line_error():
    with pytest.raises(Exception) as info:
        parse_references(["hep-th/1203.12345"], web_pages=False)
    message = str(info.value)
    assert "hep-th/1203.12345" in message and "5-digit numbers start at 1501" in message
    assert "\n" not in message


@pytest.mark.parametrize("text, base", PASTED)
def test_show_and_search_find_the_paper_by_any_form(store, text, base):
    store.upsert_arxiv(make_record(base, "The paper"), status="to-read")
    store.upsert_arxiv(make_record("2101.00001", "Another paper"), status="to-read")
    assert store.get(text).arxiv_id == base
    if " " not in text:  # a search for one word that is an id puts that paper first
        hits = store.search(text)
        assert hits and hits[0].paper.arxiv_id == base


def test_readr_show_on_the_command_line(store, cli):
    store.upsert_arxiv(make_record("1912.03529", "Shown by its ps URL"), status="to-read")
    result = cli("show", "https://arxiv.org/ps/1912.03529v1")
    assert result.exit_code == 0, result.output
    assert "Shown by its ps URL" in result.output


def test_digest_import_reads_links_in_every_form():
    page = parse_page(
        "### 2022-1-9:\n\n"
        "[One](https://arxiv.org/ps/1912.03529v1) a.\n\n"
        "[Two](https://arxiv.org/abs/hep-th//9901001) b.\n\n"
        "[Three](https://arxiv.org/abs/hep-th/1601.07616) c.\n\n"
        "[Four](arXiv:0706.0001v1) d.\n",
        "page.md",
    )
    got = [(e.arxiv_id, e.version) for e in page.weeks[0].entries]
    assert got == [("1912.03529", 1), ("hep-th/9901001", None), ("1601.07616", None), ("0706.0001", 1)]


@pytest.mark.parametrize(
    "name, expected",
    [
        ("hep-th_9901001.md", "hep-th/9901001"),
        ("1601.07616.md", "1601.07616"),
        # a note's file name is the canonical id and nothing else
        ("hepth_9901001.md", None),
        ("1601.07616v2.md", None),
        ("hep-th_1601.07616.md", None),
        ("1912.03529.pdf.md", None),
    ],
)
def test_sync_note_names_are_canonical_ids_only(name, expected):
    assert key_of_file(name) == expected

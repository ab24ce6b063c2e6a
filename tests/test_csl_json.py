"""CSL-JSON export, checked against the official schema (tests/fixtures/csl, see PROVENANCE.md)."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from readr.bibtex import import_files
from readr.csl import csl_name, export_csl_json
from tests.conftest import make_record

FIXTURES = Path(__file__).parent / "fixtures"
SCHEMA = json.loads((FIXTURES / "csl" / "csl-data.json").read_text(encoding="utf-8"))
BIB_FILES = sorted((FIXTURES / "bibtex").glob("*.bib"))


def _validate(text: str) -> list[dict]:
    items = json.loads(text)
    jsonschema.validate(items, SCHEMA)
    return items


def test_the_schema_rejects_what_it_should():
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate([{"id": "x", "type": "article", "unknown-variable": 1}], SCHEMA)


@pytest.mark.parametrize("path", BIB_FILES, ids=[p.name for p in BIB_FILES])
def test_imported_bibliographies_export_valid_csl_json(store, path):
    import_files(store, [path])
    text, count = export_csl_json(store)
    items = _validate(text)
    assert len(items) == count == len(store.list_papers())
    assert len({item["id"] for item in items}) == count


def test_an_article_maps_to_csl_variables(store, tmp_path):
    bib = tmp_path / "refs.bib"
    bib.write_text("""@article{obro2020, author = {{\\O}bro, Jens and van der Berg, Anna},
  title = {Dynamics of {B}ayesian Things}, journal = {Journal of {T}hings}, volume = 12, number = 3,
  pages = {1--10}, year = 2020, doi = {10.1000/xyz}, publisher = {Thing Press}, address = {Oslo}}
""", encoding="utf-8")
    import_files(store, [bib])
    store.upsert_arxiv(make_record("2101.00001", "A preprint", authors=["Ada Lovelace"],
                                   doi="10.1103/a.1 10.1103/b.2"), status="read")
    items = {item["id"]: item for item in _validate(export_csl_json(store)[0])}
    article = items["obro2020"]
    assert article["type"] == "article-journal"
    assert article["author"] == [
        {"family": "Øbro", "given": "Jens"}, {"family": "Berg", "given": "Anna", "non-dropping-particle": "van der"},
    ]
    assert (article["container-title"], article["volume"], article["issue"], article["page"]) == (
        "Journal of Things", "12", "3", "1-10",
    )
    assert article["issued"] == {"date-parts": [[2020]]} and article["DOI"] == "10.1000/xyz"
    assert (article["publisher"], article["publisher-place"]) == ("Thing Press", "Oslo")
    preprint = next(item for key, item in items.items() if key != "obro2020")
    assert preprint["type"] == "article" and preprint["number"] == "arXiv:2101.00001"
    assert preprint["DOI"] == "10.1103/a.1" and "10.1103/b.2" in preprint["note"]


def test_scholar_and_dblp_arxiv_entries_are_preprints(store, tmp_path):
    bib = tmp_path / "refs.bib"
    bib.write_text("@article{a, title = {Scholar Style Entry}, journal = {arXiv preprint arXiv:1907.11692}}\n"
                   "@article{b, title = {DBLP Style Entry}, journal = {CoRR}, volume = {abs/1706.03762}}\n",
                   encoding="utf-8")
    import_files(store, [bib])
    items = _validate(export_csl_json(store)[0])
    assert {(i["id"], i["type"], i["number"]) for i in items} == {
        ("a", "article", "arXiv:1907.11692"), ("b", "article", "arXiv:1706.03762"),
    }
    assert not any("container-title" in i or "volume" in i for i in items)


def test_cli_csl_json(cli, store):
    store.upsert_arxiv(make_record("2101.00001", "A preprint"), status="read")
    result = cli("export", "--csl-json")
    assert result.exit_code == 0, result.output
    assert [item["title"] for item in _validate(result.stdout)] == ["A preprint"]
    assert "1 CSL-JSON item" in result.stderr
    assert cli("export", "--csl-json", "nothing-matches-this").stdout == "[]\n"


def test_names():
    assert csl_name("Plato") == {"literal": "Plato"}
    assert csl_name("Martin Luther King, Jr.") == {"family": "King", "given": "Martin Luther", "suffix": "Jr."}

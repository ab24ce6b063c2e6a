"""Bulk catalogue import: Kaggle JSON lines and OAI-PMH XML (readr.catalogue, readr.store.bulk)."""

from __future__ import annotations

import gzip
import json
import shutil
import tracemalloc
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from readr.catalogue import import_file, import_files, iter_oai, row_from_kaggle, FileReport, unwrap
from readr.errors import ReadrError
from readr.store.bulk import CATALOGUE_COLUMNS, choose_mode

FIXTURES = Path(__file__).parent / "fixtures" / "metadata"
KAGGLE = FIXTURES / "kaggle_snapshot_sample" / "arxiv-metadata-oai-snapshot.head.jsonl"
OAI = FIXTURES / "oai_pmh_hepcrawl"
TRIGGERS = [
    "library_fts_delete", "library_fts_insert", "library_fts_update",
    "papers_fts_delete", "papers_fts_insert", "papers_fts_terms_insert", "papers_fts_terms_update", "papers_fts_update",
]


def kaggle_records() -> list[dict]:
    return [json.loads(line) for line in KAGGLE.read_text(encoding="utf-8").splitlines() if line.strip()]


def write_jsonl(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def fts_ids(store, text: str) -> list[str]:
    return sorted(hit.paper.key for hit in store.search(text, limit=1000))


@pytest.mark.parametrize("mode", ["rebuild", "triggers"])
def test_kaggle_sample_becomes_searchable_catalogue(store, mode):
    lines = import_files(store, [KAGGLE], fts_mode=mode)
    assert lines[0].startswith("arxiv-metadata-oai-snapshot.head.jsonl: 200 catalogue papers (200 new, 0 updated")
    assert store.counts()["catalogue"] == 200
    assert store.counts()["all"] == 0

    paper = store.get("0704.0001")
    assert paper.status is None and paper.added_at is None and paper.read_at is None
    assert paper.title == "Calculation of prompt diphoton production cross sections at Tevatron and LHC energies"
    # authors_parsed has the decoded names (the flat field has LaTeX accents)
    assert paper.authors == ["C. Balázs", "E. L. Berger", "P. M. Nadolsky", "C. -P. Yuan"]
    assert paper.latest_version == 2 and paper.read_version is None
    assert paper.published == "2007-04-02T19:18:42+00:00"
    assert paper.updated == "2007-07-24T20:10:27+00:00"
    assert paper.categories == ["hep-ph"] and paper.primary_category == "hep-ph"
    assert paper.doi == "10.1103/PhysRevD.76.013009"
    assert paper.journal_ref == "Phys.Rev.D76:013009,2007"
    assert paper.comment == "37 pages, 15 figures; published version"
    # hard line breaks are unwrapped into one paragraph
    assert "\n" not in paper.abstract
    assert paper.abstract.startswith(
        "A fully differential calculation in perturbative quantum chromodynamics is presented"
    )

    # search finds catalogue entries; the reading views leave them out unless asked
    assert fts_ids(store, "diphoton") == ["0704.0001"]
    assert [h.paper.key for h in store.search("Nadolsky")][:1] == ["0704.0001"]
    assert store.search("diphoton", include_catalogue=False) == []
    assert store.list_papers() == []
    assert len(store.list_papers(include_catalogue=True, limit=1000)) == 200

    store.fts_integrity_check()
    assert store.fts_triggers() == TRIGGERS


def test_both_index_modes_give_the_same_library(tmp_path):
    from readr.store import Store

    results = []
    for mode in ("rebuild", "triggers"):
        with Store(tmp_path / f"{mode}.db") as lib:
            import_files(lib, [KAGGLE, *sorted(OAI.glob("*.xml"))], fts_mode=mode)
            lib.fts_integrity_check()
            results.append((fts_ids(lib, "quantum"), fts_ids(lib, "graph"), fts_ids(lib, "neutrino"), lib.counts()))
    assert results[0] == results[1]
    assert results[0][0] and results[0][1] and results[0][2]


def test_oai_pmh_list_records(store):
    lines = import_files(store, [OAI / "arxiv-physics-hep-ex.xml"])
    assert lines == [lines[0]] and "3 catalogue papers (3 new" in lines[0]
    paper = store.get("1706.09418")
    assert paper.title == "R-Parity Violation at the LHC"
    assert paper.authors == ["Daniel Dercks", "Herbi Dreiner", "Manuel E. Krauss", "Toby Opferkuch", "Annika Reinert"]
    assert paper.categories == ["hep-ph", "hep-ex"]
    assert paper.published == "2017-06-28" and paper.updated == "2017-11-26"
    assert paper.journal_ref == "Eur. Phys. J. C (2017) 77:856"
    assert paper.doi == "10.1140/epjc/s10052-017-5414-4"
    assert paper.latest_version is None
    assert paper.abstract.startswith("We investigate the phenomenology of the MSSM")
    first = store.get("1706.05371")
    assert first.title == "Evaluation of Silicon Photomultipliers for use as Photosensors in Liquid Xenon Detectors"
    assert len(first.authors) == 13
    assert fts_ids(store, "photomultipliers") == ["1706.05371"]


def test_oai_pmh_record_without_namespace_and_many_dois(store):
    import_files(store, [OAI / "sample_arxiv_record0.xml"])
    paper = store.get("1601.03238")
    assert paper.title == "Irreversible degradation of quantum coherence under relativistic motion"
    assert paper.authors[0] == "Planck Collaboration"
    assert paper.doi == "10.1103/PhysRevD.93.016005"  # the first of three
    assert paper.categories == ["quant-ph", "gr-qc", "hep-th", "chao-dyn", "nlin.CD"]


def test_oai_pmh_packed_records_all_imported(store):
    import_files(store, [OAI / "sample_arxiv_record.xml", OAI / "arxiv-single.xml", OAI / "arxiv-physics-hep-th.xml"])
    assert store.counts()["catalogue"] == 12 + 1 + 3
    store.fts_integrity_check()


OAI_TEMPLATE = """<?xml version="1.0" encoding="UTF-8"?>
<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/"><ListRecords>{records}</ListRecords></OAI-PMH>"""
RECORD = """<record><header><identifier>oai:arXiv.org:{id}</identifier></header><metadata>
<arXiv xmlns="http://arxiv.org/OAI/arXiv/"><id>{id}</id><created>2020-01-02</created>
<authors><author><keyname>Lovelace</keyname><forenames>Ada</forenames><suffix>Jr</suffix></author></authors>
<title>{title}</title><categories>cs.LG stat.ML</categories><abstract>{abstract}</abstract>
</arXiv></metadata></record>"""
DELETED = """<record><header status="deleted"><identifier>oai:arXiv.org:{id}</identifier></header></record>"""


def oai_file(path: Path, records: list[str]) -> Path:
    path.write_text(OAI_TEMPLATE.format(records="\n".join(records)), encoding="utf-8")
    return path


def test_oai_deleted_and_bad_records_are_reported(store, tmp_path):
    path = oai_file(tmp_path / "h.xml", [
        RECORD.format(id="2001.00001", title="Kept", abstract="ok"),
        DELETED.format(id="2001.00002"),
        RECORD.format(id="not-an-id", title="Bad", abstract="x"),
    ])
    lines = import_files(store, [path])
    assert "1 catalogue papers (1 new" in lines[0]
    assert any("1 records marked deleted" in line for line in lines)
    assert any("skipped 1 unusable records" in line and "not-an-id" in line for line in lines)
    assert store.get("2001.00001").authors == ["Ada Lovelace Jr"]
    assert store.find("2001.00002") is None


def test_untrusted_text_is_cleaned(store, tmp_path):
    records = kaggle_records()[:2]
    records[0]["title"] = "Evil \x1b]52;c;aGk=\x07 title\x9b31m [/] [@click=app.quit]x[/]"
    records[0]["abstract"] = "line one\x1b[2J\n  new paragraph\x00"
    path = write_jsonl(tmp_path / "evil.jsonl", records)
    import_files(store, [path])
    paper = store.get(records[0]["id"])
    assert paper.title == "Evil ]52;c;aGk= title31m [/] [@click=app.quit]x[/]"
    assert paper.abstract == "line one[2J\n\nnew paragraph"
    for column in ("title", "abstract", "authors_text"):
        value = store.conn.execute(f"SELECT {column} FROM papers WHERE key = ?", (records[0]["id"],)).fetchone()[0]
        assert not any(ord(ch) < 32 and ch not in "\n\t" or 0x7F <= ord(ch) <= 0x9F for ch in value)


def test_reimport_updates_metadata_and_never_the_readers_state(store, tmp_path):
    import_files(store, [KAGGLE])
    # The reader picks two catalogue papers up, reads one, writes a summary and tags.
    store.set_status(["0704.0001"], "read")
    store.set_summary("0704.0001", "Diphotons. **Resummation matters.**")
    store.add_tags(["0704.0001"], ["qcd"])
    store.set_status(["0704.0002"], "to-read")
    before = store.conn.execute(
        "SELECT key, status, added_at, read_at, read_seq, read_version, summary, summary_updated_at, tags_text "
        "FROM papers WHERE key IN ('0704.0001', '0704.0002') ORDER BY key"
    ).fetchall()

    newer = kaggle_records()
    newer[0]["title"] = "Calculation of prompt diphoton production (zeugmatic revision)"
    newer[0]["versions"].append({"version": "v3", "created": "Wed, 1 Jan 2025 10:00:00 GMT"})
    newer[1]["abstract"] = "A rewritten abstract about pebble games."
    path = write_jsonl(tmp_path / "newer.jsonl", newer)
    for mode in ("rebuild", "triggers"):
        lines = import_files(store, [path], fts_mode=mode)
        if mode == "rebuild":
            assert "(0 new, 2 updated, 198 unchanged)" in lines[0]
        else:
            assert "(0 new, 0 updated, 200 unchanged)" in lines[0]
        store.fts_integrity_check()

    after = store.conn.execute(
        "SELECT key, status, added_at, read_at, read_seq, read_version, summary, summary_updated_at, tags_text "
        "FROM papers WHERE key IN ('0704.0001', '0704.0002') ORDER BY key"
    ).fetchall()
    assert [tuple(r) for r in after] == [tuple(r) for r in before]
    paper = store.get("0704.0001")
    assert paper.title == "Calculation of prompt diphoton production (zeugmatic revision)"
    assert paper.latest_version == 3 and paper.read_version == 2 and paper.newer_version_available
    assert paper.tags == ["qcd"] and paper.takeaways == ["Resummation matters."]
    assert paper.updated == "2025-01-01T10:00:00+00:00"
    assert store.get("0704.0002").abstract == "A rewritten abstract about pebble games."
    assert fts_ids(store, "zeugmatic") == ["0704.0001"]
    assert fts_ids(store, "resummation") == ["0704.0001"]  # the summary stays indexed
    assert fts_ids(store, "rewritten pebble") == ["0704.0002"]
    assert store.list_papers()[0].key in ("0704.0001", "0704.0002")

    # An older snapshot (fewer versions) never overwrites newer metadata.
    lines = import_files(store, [KAGGLE])
    assert "(0 new, 1 updated, 199 unchanged)" in lines[0]  # 0704.0002 has the same versions: refreshed
    assert store.get("0704.0001").title == "Calculation of prompt diphoton production (zeugmatic revision)"
    assert store.get("0704.0001").latest_version == 3


def all_triggers(store) -> list[tuple]:
    rows = store.conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' ORDER BY name")
    return [tuple(r) for r in rows]


@pytest.mark.parametrize("mode", ["rebuild", "triggers"])
def test_every_trigger_is_back_exactly_after_an_import(store, mode):
    before = all_triggers(store)
    assert {"papers_fts_insert", "papers_fts_update", "papers_fts_delete"} <= {name for name, _ in before}
    import_files(store, [KAGGLE], fts_mode=mode)
    assert all_triggers(store) == before


def test_failure_leaves_library_and_triggers_untouched(store, tmp_path):
    import_files(store, [OAI / "arxiv-single.xml"])
    triggers = all_triggers(store)
    broken = tmp_path / "broken.xml"
    text = OAI_TEMPLATE.format(records="\n".join(
        RECORD.format(id=f"2002.{n:05d}", title=f"Paper {n}", abstract="words") for n in range(1, 4000)
    ))
    broken.write_text(text[: len(text) - 200], encoding="utf-8")  # cut off: not well-formed
    with pytest.raises(ReadrError, match="not well-formed XML"):
        import_file(store, broken, fts_mode="rebuild")
    assert store.counts()["catalogue"] == 1
    assert store.fts_triggers() == TRIGGERS
    assert all_triggers(store) == triggers
    store.fts_integrity_check()
    # the library still indexes new rows through its triggers
    store.upsert_arxiv({"arxiv_id": "2101.00001", "title": "Zebrafish", "version": 1})
    assert fts_ids(store, "zebrafish") == ["2101.00001"]


def test_gzip_files_and_progress_bar(store, tmp_path, capsys):
    gz = tmp_path / "snapshot.json.gz"
    with gzip.open(gz, "wb") as handle:
        handle.write(KAGGLE.read_bytes())
    xml_gz = tmp_path / "harvest.xml.gz"
    with gzip.open(xml_gz, "wb") as handle:
        handle.write((OAI / "arxiv-physics-hep-th.xml").read_bytes())
    events = []
    lines = import_files(store, [gz, xml_gz], on_progress=events.append)
    assert "200 catalogue papers" in lines[0] and "3 catalogue papers" in lines[1]
    assert store.counts()["catalogue"] == 203
    finished = [e for e in events if e.stage == "done"]
    assert [(e.name, e.papers) for e in finished] == [("snapshot.json.gz", 200), ("harvest.xml.gz", 3)]
    assert all(e.done_bytes == e.total_bytes == gz.stat().st_size for e in finished[:1])
    bytes_seen = [e.done_bytes for e in events if e.name == "snapshot.json.gz"]
    assert bytes_seen == sorted(bytes_seen)  # the bar only moves forward

    from readr.cli.progress import catalogue_progress

    with catalogue_progress(True) as draw:
        import_files(store, [gz], on_progress=draw)
    assert "snapshot.json.gz" in capsys.readouterr().err  # the CLI's bar goes to stderr


def test_truncated_gzip_is_one_line_error_and_nothing_imported(store, tmp_path):
    gz = tmp_path / "cut.jsonl.gz"
    data = gzip.compress(KAGGLE.read_bytes())
    gz.write_bytes(data[: len(data) // 2])
    with pytest.raises(ReadrError, match="nothing was imported"):
        import_files(store, [gz])
    assert store.counts()["catalogue"] == 0


def test_bad_lines_skipped_and_wrong_formats_rejected(store, tmp_path):
    records = kaggle_records()[:3]
    path = tmp_path / "mixed.jsonl"
    path.write_text(
        json.dumps(records[0]) + "\n{not json\n\n" + json.dumps({"id": "junk"}) + "\n" + json.dumps(records[1]) + "\n",
        encoding="utf-8",
    )
    lines = import_files(store, [path])
    assert "2 catalogue papers" in lines[0]
    assert "skipped 2 unusable records" in lines[1] and "line 2: not JSON" in lines[1] and "'junk'" in lines[1]

    array = tmp_path / "array.json"
    array.write_text(json.dumps(records), encoding="utf-8")
    with pytest.raises(ReadrError, match="JSON array"):
        import_files(store, [array])
    empty = tmp_path / "empty.json"
    empty.write_text("", encoding="utf-8")
    with pytest.raises(ReadrError, match="empty file"):
        import_files(store, [empty])
    text = tmp_path / "notes.xml.gz"
    text.write_bytes(gzip.compress(b"hello"))
    with pytest.raises(ReadrError, match="neither"):
        import_files(store, [text])


def test_cli_import_routes_catalogue_files(cli, db_path, tmp_path):
    xml = tmp_path / "weird [name].xml"
    shutil.copy(OAI / "arxiv-physics-hep-ex.xml", xml)
    result = cli("import", str(KAGGLE), str(xml), "--no-progress")
    assert result.exit_code == 0, result.output
    assert "200 catalogue papers" in result.output and "weird [name].xml: 3 catalogue papers" in result.output
    result = cli("search", "--json", "photomultipliers")
    assert [p["id"] for p in json.loads(result.stdout)] == ["1706.05371"]
    result = cli("search", "--json", "--reading-list", "photomultipliers")
    assert json.loads(result.stdout) == []
    result = cli("list", "--json")
    assert json.loads(result.stdout) == []


def test_oai_parsing_keeps_memory_flat(tmp_path):
    n = 4000
    abstract = " ".join(["quantum spin liquids on the kagome lattice"] * 25)
    path = oai_file(tmp_path / "big.xml", [
        RECORD.format(id=f"2003.{i:05d}", title=f"Paper number {i}", abstract=abstract) for i in range(1, n + 1)
    ])
    size = path.stat().st_size
    assert size > 4_000_000
    report = FileReport(name="big.xml", kind="oai")
    tracemalloc.start()
    try:
        with open(path, "rb") as handle:
            count = sum(1 for _ in iter_oai(handle, report))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert count == n
    # A tree kept in memory would hold every record's text (> size); streaming holds about one.
    assert peak < size / 8, (peak, size)


def test_choose_mode():
    assert choose_mode(100, 0) == "triggers"
    assert choose_mode(2_300_000, 0) == "rebuild"
    assert choose_mode(50_000, 100_000) == "rebuild"
    assert choose_mode(5_000, 1_000_000) == "triggers"


def test_unwrap_paragraphs():
    assert unwrap("  First line\nsecond line.\n  New para\nhere.\n") == "First line second line.\n\nNew para here."
    assert unwrap("one line") == "one line"


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=12,
)
record_fields = st.fixed_dictionaries({}, optional={
    "id": st.sampled_from(["0704.0001", "hep-th/9901001", "2101.00001", "", "bad"]) | st.text(max_size=12),
    "title": st.text(max_size=40) | json_values,
    "authors": st.text(max_size=40) | json_values,
    "authors_parsed": json_values,
    "abstract": st.text(max_size=80) | json_values,
    "categories": st.text(max_size=20) | json_values,
    "versions": json_values | st.lists(st.fixed_dictionaries(
        {"version": st.text(max_size=4), "created": st.text(max_size=40)}), max_size=3),
    "doi": json_values, "comments": json_values, "journal-ref": json_values, "update_date": json_values,
})


@settings(max_examples=300, deadline=None)
@given(record_fields)
def test_kaggle_rows_never_crash_and_are_clean(record):
    try:
        row = row_from_kaggle(record)
    except ValueError:
        return
    assert len(row) == len(CATALOGUE_COLUMNS)
    for value in row:
        if isinstance(value, str):
            assert not any((ord(ch) < 32 and ch not in "\n\t") or 0x7F <= ord(ch) <= 0x9F for ch in value)
    json.loads(row[3])
    json.loads(row[7])


@settings(max_examples=300, deadline=None)
@given(
    st.text(max_size=60), st.lists(st.text(max_size=15), max_size=3), st.text(max_size=120), st.booleans(),
)
def test_fast_path_for_clean_json_lines_matches_full_cleaning(title, names, abstract, ascii_only):
    """iter_kaggle skips control-character stripping for lines that cannot hold any; the rows
    must be exactly what full cleaning gives, whatever the text and the JSON encoder's choices."""
    import io

    from readr.catalogue import iter_kaggle

    record = {"id": "2101.00001", "title": title, "abstract": abstract, "categories": "cs.LG",
              "authors_parsed": [[n, "", ""] for n in names]}
    line = json.dumps(record, ensure_ascii=ascii_only).encode("utf-8") + b"\n"
    rows = list(iter_kaggle(io.BytesIO(line), FileReport(name="x", kind="kaggle")))
    assert rows == [row_from_kaggle(record, clean=True)]


def test_parallel_parsing_gives_the_same_library(tmp_path, monkeypatch):
    """Big JSON-lines files are parsed by worker processes; the result (rows, order, counts,
    problems with their line numbers, errors) is exactly the sequential one."""
    import readr.catalogue as catalogue
    from readr.store import Store

    records = kaggle_records()
    lines = [json.dumps(r) for r in records]
    lines.insert(57, "{broken")
    dup = dict(records[3], title="Duplicate later in the file wins")
    lines.append(json.dumps(dup))
    path = tmp_path / "big.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    outcomes = []
    for parallel in (False, True):
        monkeypatch.setattr(catalogue, "PARALLEL_FROM", 0 if parallel else 10**12)
        monkeypatch.setattr(catalogue, "BATCH_ROWS", 17)  # many chunks, in flight at once
        assert (catalogue.parse_workers(1) > 0) == (parallel and catalogue.sys.platform.startswith("linux"))
        with Store(tmp_path / f"p{parallel}.db") as lib:
            report = catalogue.import_file(lib, path)
            rows = lib.conn.execute(
                "SELECT key, title, authors, abstract, published FROM papers ORDER BY id"
            ).fetchall()
            outcomes.append(([tuple(r) for r in rows], report.lines()[1:], report.inserted, report.updated))
            lib.fts_integrity_check()
    assert outcomes[0] == outcomes[1]
    assert "line 58: not JSON" in outcomes[0][1][0]
    assert outcomes[0][2] == 200 and outcomes[0][3] == 1

    bad = tmp_path / "bad.jsonl"
    bad.write_text("{not json\n" + "\n".join(lines[:40]) + "\n", encoding="utf-8")
    with Store(tmp_path / "bad.db") as lib:
        with pytest.raises(ReadrError, match="not JSON lines"):
            catalogue.import_file(lib, bad)
        assert lib.counts()["catalogue"] == 0

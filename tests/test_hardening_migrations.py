"""Every schema version readr has shipped opens with the current code and loses nothing.

The fixtures are built by tests/fixtures/schemas/make_fixtures.py from the migrations of that
version; DATA below is the same module's description of what they hold.
"""

from __future__ import annotations

import importlib.util
import shutil
import sqlite3
from pathlib import Path

import pytest

from readr.maintenance import check
from readr.store import Store, head_version
from readr.store.connection import split_statements
from readr.takeaways import extract_takeaways

SCHEMAS = Path(__file__).parent / "fixtures" / "schemas"
ROOT = Path(__file__).resolve().parents[1]


def _load_maker():
    spec = importlib.util.spec_from_file_location("make_fixtures", SCHEMAS / "make_fixtures.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


MAKER = _load_maker()
VERSIONS = list(range(1, head_version() + 1))


def schema_of(conn: sqlite3.Connection) -> list[tuple[str, str, str]]:
    rows = conn.execute(
        "SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%' "
        "ORDER BY type, name"
    ).fetchall()
    return [(t, n, " ".join(s.split())) for t, n, s in rows]


def test_there_is_a_fixture_for_every_schema_version():
    missing = [v for v in VERSIONS if not MAKER.fixture_path(v).is_file()]
    assert not missing, (
        f"no fixture library for schema version(s) {missing}: run python tests/fixtures/schemas/make_fixtures.py "
        f"{' '.join(map(str, missing))} and commit the file"
    )


@pytest.mark.parametrize("version", VERSIONS)
def test_fixture_is_what_that_version_wrote(version):
    conn = sqlite3.connect(f"file:{MAKER.fixture_path(version)}?mode=ro", uri=True)
    try:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == version
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
        assert [r[0] for r in conn.execute("SELECT version FROM schema_migrations ORDER BY version")] == list(
            range(1, version + 1)
        )
    finally:
        conn.close()


@pytest.mark.parametrize("version", VERSIONS)
def test_each_shipped_version_opens_with_nothing_lost(tmp_path, version):
    source = MAKER.fixture_path(version)
    original = source.read_bytes()
    library = tmp_path / "library.db"
    shutil.copyfile(source, library)

    with Store(library) as lib:
        assert lib.schema_version() == head_version()

        # Every paper, with every field the reader or arXiv gave it.
        papers = {p.key: p for p in lib.list_papers(include_catalogue=True)}
        assert set(papers) == {p["key"] for p in MAKER.PAPERS}
        for expected in MAKER.PAPERS:
            paper = papers[expected["key"]]
            for name in ("arxiv_id", "latest_version", "read_version", "title", "authors", "abstract",
                         "primary_category", "categories", "published", "updated", "comment", "doi",
                         "status", "added_at", "read_at", "read_seq", "summary"):
                assert getattr(paper, name) == expected[name], (expected["key"], name)
            assert sorted(paper.tags, key=str.lower) == sorted(expected["tags"], key=str.lower)
            assert paper.takeaways == extract_takeaways(expected["summary"])
            if expected.get("url"):
                assert paper.url == expected["url"]
        assert papers["2202.06709"].takeaways == [
            "MSAs are low-pass filters; convs are high-pass.",
            "multi-stage nets behave like ensembles of small models",
        ]
        assert papers["2401.00003"].newer_version_available

        follows = [(r["kind"], r["value"], r["last_fetched_at"]) for r in lib.follows()]
        assert sorted(follows) == sorted(MAKER.FOLLOWS)
        for key, value in MAKER.META:
            assert lib.get_meta(key) == value

        conn = lib.conn
        if version >= 2:
            rows = conn.execute("SELECT paper_key, link, title, style, base_dir FROM digest_entries").fetchall()
            assert sorted(tuple(r) for r in rows) == sorted(MAKER.DIGEST_ENTRIES)
            rows = conn.execute("SELECT paper_key, cite_key FROM cite_keys").fetchall()
            assert sorted(tuple(r) for r in rows) == sorted(MAKER.CITE_KEYS)
        if version >= 3:
            rows = conn.execute(
                "SELECT paper_key, path, version, sha256, size, source, downloaded_at, extract_status, error, "
                "pages, extracted_at FROM pdfs"
            ).fetchall()
            assert sorted(tuple(r) for r in rows) == sorted(MAKER.PDFS)
        if version >= 7:
            rows = conn.execute("SELECT reader, paper_key, status, tags, summary, read_at FROM team_notes").fetchall()
            assert sorted(tuple(r) for r in rows) == sorted(MAKER.TEAM_NOTES)
            assert [(r[0], r[1]) for r in conn.execute("SELECT paper_key, note FROM sync_base")] == MAKER.SYNC_BASE
            rows = conn.execute("SELECT paper_key, other_summary, found_at FROM summary_conflicts").fetchall()
            assert [tuple(r) for r in rows] == MAKER.SUMMARY_CONFLICTS
        if version >= 8:
            rows = conn.execute("SELECT name, fingerprint, format, trained_at, model FROM ranking_models").fetchall()
            assert [tuple(r) for r in rows] == [MAKER.RANKING_MODEL]
        if version >= 9:
            rows = conn.execute("SELECT paper_key, entry_type, fields, imported FROM bib_entries").fetchall()
            assert [tuple(r) for r in rows] == MAKER.BIB_ENTRIES

        # Search still finds things by every field it indexes.
        assert [h.paper.key for h in lib.search("low-pass")] == ["2202.06709"]
        assert [h.paper.key for h in lib.search("tag:physics", limit=10)] != []
        assert {h.paper.key for h in lib.search("Ünicode")} == {"hep-th/9901001"}
        assert {h.paper.key for h in lib.search("quasicrystals")} == {"2401.00003"}
        assert lib.find("hep-th/9901001v1").key == "hep-th/9901001"
        # Search as you type knows every indexed word (the upgrade to 5 lists them), catalogue included.
        assert lib.prefix_words_missing() == (0, [])
        assert {h.paper.key for h in lib.search("Quasicryst")} == {"2401.00003"}
        assert {h.paper.key for h in lib.search("Searcha")} == {"2001.00004"}
        assert {h.paper.key for h in lib.search("Ünic")} == {"hep-th/9901001"}

        report = check(lib)
        assert report.ok, report.lines()

        # Same schema as a blank library made by this readr.
        direct = sqlite3.connect(":memory:")
        for statement in split_statements((ROOT / "schema.sql").read_text(encoding="utf-8")):
            direct.execute(statement)
        assert schema_of(conn) == schema_of(direct)

        # And it keeps working: the reader can write on.
        lib.set_summary("0704.0001", "Now with **a takeaway**.")
        assert lib.get("0704.0001").takeaways == ["a takeaway"]

    # An older library was backed up before it was migrated, and the backup is the old library.
    backups = sorted(tmp_path.glob(f"library.db.v{version}-*.bak"))
    if version < head_version():
        assert len(backups) == 1, list(tmp_path.iterdir())
        old = sqlite3.connect(f"file:{backups[0]}?mode=ro", uri=True)
        try:
            assert old.execute("PRAGMA user_version").fetchone()[0] == version
            assert old.execute("SELECT count(*) FROM papers").fetchone()[0] == len(MAKER.PAPERS)
            assert old.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        finally:
            old.close()
    else:
        assert backups == []
    assert source.read_bytes() == original  # the fixture itself is never touched


def test_a_newer_library_is_refused_without_touching_it(tmp_path):
    library = tmp_path / "future.db"
    shutil.copyfile(MAKER.fixture_path(VERSIONS[-1]), library)
    conn = sqlite3.connect(library)
    conn.execute(f"PRAGMA user_version = {head_version() + 1}")
    conn.commit()
    conn.close()
    from readr.errors import SchemaError

    with pytest.raises(SchemaError, match="newer than this readr"):
        Store(library)
    conn = sqlite3.connect(library)
    assert conn.execute("SELECT count(*) FROM papers").fetchone()[0] == len(MAKER.PAPERS)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == head_version() + 1
    assert not list(tmp_path.glob("*.bak"))
    conn.close()

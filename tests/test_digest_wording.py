"""The digest for a team wiki reads right: one takeaway, one week, one entry (not "1 takeaways",
"1 weeks"), and a week or month with nothing to publish writes nothing instead of a bare heading."""

from __future__ import annotations

from datetime import datetime

from tests.conftest import make_record


def read_one(store, key="2101.00001", when=datetime(2021, 1, 5, 9, 0), summary="Notes. **One point.**"):
    store.upsert_arxiv(make_record(key, f"Paper {key}"))
    store.set_status([key], "read", on=when)
    store.set_summary(key, summary)


def test_counts_of_one_are_singular(cli, store, tmp_path):
    store.upsert_arxiv(make_record("2101.00001", "Paper"))
    noted = cli("note", "2101.00001", "Notes. **One point.**")
    assert noted.exit_code == 0
    assert noted.stderr.strip() == "summary saved for 2101.00001 (1 takeaway)"
    assert "(2 takeaways)" in cli("note", "2101.00001", "**a** and **b**").stderr
    store.set_summary("2101.00001", "Notes. **One point.**")
    store.set_status(["2101.00001"], "read", on=datetime(2021, 1, 5, 9, 0))

    week = cli("export", "--week", "2021-01-05")
    assert week.stderr.strip().splitlines()[-1] == "1 paper in the week of 2021-1-10"
    month = cli("export", "--month", "2021-01")
    assert month.stderr.strip().splitlines()[-1] == "1 paper in 1 week of 2021-1"

    page = tmp_path / "page.md"
    page.write_text(week.stdout, encoding="utf-8")
    other = tmp_path / "other.db"
    from typer.testing import CliRunner

    from readr.cli import app

    imported = CliRunner().invoke(app, ["--db", str(other), "import", str(page)])
    assert imported.exit_code == 0, imported.output
    expected = "imported page.md: 1 entry in 1 week (1 new, 0 summaries updated, 0 moved, 0 links updated)"
    assert expected in imported.stderr
    again = CliRunner().invoke(app, ["--db", str(other), "import", str(page)])
    assert "page.md: 1 entry in 1 week, already up to date" in again.stderr


def test_an_empty_week_or_month_writes_nothing_and_says_why(cli, store, tmp_path):
    read_one(store, summary="")  # read, but without a summary: not in the digest
    week = cli("export", "--week", "2021-01-05")
    assert week.exit_code == 0 and week.stdout == ""
    assert week.stderr.strip() == (
        "no papers in the week of 2021-1-10 (1 read without a summary: --include-unsummarized lists them); "
        "nothing written"
    )
    month = cli("export", "--month", "2021-02")
    assert month.exit_code == 0 and month.stdout == ""
    assert month.stderr.strip() == "no papers in 2021-2; nothing written"
    # With -o an existing page is left as it was, and no empty page is made.
    kept = tmp_path / "kept.md"
    kept.write_text("# my page\n", encoding="utf-8")
    assert cli("export", "--week", "2021-01-05", "-o", str(kept)).exit_code == 0
    assert kept.read_text(encoding="utf-8") == "# my page\n"
    assert cli("export", "--month", "2021-02", "-o", str(tmp_path / "new.md")).exit_code == 0
    assert not (tmp_path / "new.md").exists()
    # The week with the paper listed: a page.
    listed = cli("export", "--week", "2021-01-05", "--include-unsummarized")
    assert listed.stdout.startswith("### 2021-1-10:\n\n[**Paper 2101.00001**]")

"""benchmarks/everyday.py at a tiny size: every row is measured (on real processes, the table in a
pseudo-terminal) and printed beside its floor. Nothing is timed against a threshold here."""

from __future__ import annotations

import sqlite3

from benchmarks import everyday, synth


def test_the_same_papers_as_json_lines_and_bibtex(tmp_path):
    jsonl, bib = synth.write_tex_pair(tmp_path, 50)
    assert jsonl.read_text().count("\n") == 50
    text = bib.read_text()
    assert text.count("@article{") == 50
    assert "\\" in text and "$" in text  # LaTeX laid in, as bibliographies have it


def test_a_tiny_run_measures_every_row(tmp_path, capsys):
    [result] = everyday.main(["--sizes", "200", "--runs", "1", "--workdir", str(tmp_path)])
    for key in everyday.TARGETS:
        assert result[key]["readr"][0] > 0 and result[key]["floor"][0] > 0, key
    assert result["list_lines"] == 200  # every paper listed, one line each
    with sqlite3.connect(tmp_path / "everyday-bib-200.db") as conn:
        assert conn.execute("SELECT count(*) FROM papers WHERE status = 'inbox'").fetchone()[0] == 200
    out = capsys.readouterr().out
    rows = [line for line in out.splitlines() if line.startswith("| `readr") or line.startswith("| peak")]
    assert len(rows) == len(everyday.TARGETS) + 2
    assert all("×" in row for row in rows[: len(everyday.TARGETS)])

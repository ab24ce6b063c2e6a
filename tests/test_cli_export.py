"""`readr export` (every option), `readr takeaways`, and the import of pages through the CLI."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

import pytest

from readr.clock import clock
from readr.weeks import week_label
from tests.conftest import make_record
from tests.test_digest_import import sections

FIXTURES = Path(__file__).parent / "fixtures"
EXAMPLE = FIXTURES / "digest-2007-04.md"
ROOT = Path(__file__).resolve().parents[1]


def example_sections() -> dict[str, str]:
    return sections(EXAMPLE.read_text(encoding="utf-8"))


@pytest.fixture
def imported(cli):
    result = cli("import", str(EXAMPLE))
    assert result.exit_code == 0, result.output
    return cli


def test_export_week_of_a_date_prints_that_week(imported):
    sections = example_sections()
    result = imported("export", "--week", "2007-04-04")
    assert result.exit_code == 0, result.output
    assert result.stdout == sections["### 2007-4-8:"]
    assert "3 papers in the week of 2007-4-8" in result.stderr
    # A bare date works as well, and so does any day of the week.
    assert imported("export", "2007-04-15").stdout == sections["### 2007-4-15:"]
    assert imported("export", "--week", "2007-4-9").stdout == sections["### 2007-4-15:"]


def test_export_month_with_front_matter_gives_the_example_page(imported):
    result = imported("export", "--month", "2007-04", "--front-matter")
    assert result.exit_code == 0, result.output
    assert result.stdout == EXAMPLE.read_text(encoding="utf-8")
    plain = imported("export", "--month", "2007-4").stdout
    assert plain.startswith("# 2007-4\n\n### 2007-4-8:\n")


def test_front_matter_text_comes_from_the_config(imported, isolated_home):
    (isolated_home / "config.toml").write_text('front_matter = "title: Reading group\\nlayout: post"\n')
    out = imported("export", "--week", "2007-04-08", "--front-matter").stdout
    assert out.startswith("---\ntitle: Reading group\nlayout: post\n---\n\n### 2007-4-8:\n")


def test_export_this_week_by_default_and_unsummarized_papers(cli, store):
    today = clock.today()
    store.upsert_arxiv(make_record("2101.00001", "Summarized paper"), status="reading")
    store.upsert_arxiv(make_record("2101.00002", "Unsummarized paper"), status="reading")
    store.set_summary("2101.00001", "Good. **Use it.**")
    store.set_status(["2101.00001"], "read")
    store.set_status(["2101.00002"], "read")
    label = week_label(today)
    heading = f"### {label.year}-{label.month}-{label.day}:"
    for args in (("export",), ("export", "--week")):
        result = cli(*args)
        assert result.exit_code == 0, result.output
        assert result.stdout == (
            f"{heading}\n\n[**Summarized paper**](https://arxiv.org/abs/2101.00001v1) Good. **Use it.**\n"
        )
    result = cli("export", "--week", "--include-unsummarized")
    assert result.stdout.endswith("\n\n[**Unsummarized paper**](https://arxiv.org/abs/2101.00002v1)\n")
    assert cli("export", "--all").stdout == result.stdout


def test_export_is_deterministic_and_orders_by_reading(cli, store):
    for n, title in enumerate(["Third read", "First read", "Second read"], start=1):
        store.upsert_arxiv(make_record(f"2101.0000{n}", title), status="reading")
        store.set_summary(f"2101.0000{n}", f"About {title}.")
    store.set_status(["2101.00002"], "read", on=datetime(2021, 1, 4, 9, 0))
    store.set_status(["2101.00003"], "read", on=datetime(2021, 1, 5, 9, 0))
    store.set_status(["2101.00001"], "read", on=datetime(2021, 1, 10, 23, 0))
    first = cli("export", "--week", "2021-01-06").stdout
    assert first == cli("export", "--week", "2021-01-06").stdout
    assert first.index("First read") < first.index("Second read") < first.index("Third read")


def test_empty_week_writes_nothing_and_says_so(cli):
    result = cli("export", "--week", "2021-01-06")
    assert result.exit_code == 0
    assert result.stdout == ""
    assert "no papers in the week of 2021-1-10; nothing written" in result.stderr


def test_out_writes_atomically_and_replaces(imported, tmp_path):
    target = tmp_path / "site" / "2007-04.md"
    result = imported("export", "--month", "2007-04", "--front-matter", "--out", str(target))
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert target.read_text(encoding="utf-8") == EXAMPLE.read_text(encoding="utf-8")
    target.write_text("old")
    imported("export", "--week", "2007-04-08", "-o", str(target))
    assert target.read_text(encoding="utf-8") == example_sections()["### 2007-4-8:"]
    assert sorted(p.name for p in target.parent.iterdir()) == ["2007-04.md"]  # no temp files left


def test_a_failed_write_leaves_the_old_file_and_no_temp_file(tmp_path, monkeypatch):
    import readr.files
    from readr.digest import export

    target = tmp_path / "page.md"
    target.write_text("published")

    def boom(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(readr.files.os, "replace", boom)
    with pytest.raises(OSError):
        export.write_atomic(target, "new text")
    assert target.read_text() == "published"
    assert [p.name for p in tmp_path.iterdir()] == ["page.md"]


def test_no_terminal_control_characters_in_the_output(cli, store):
    store.upsert_arxiv(make_record("2101.00001", "Title"), status="reading")
    store.set_status(["2101.00001"], "read", on=date(2021, 1, 6))
    # Bypass the store's cleaning, as an old or foreign library might hold anything.
    with store.write() as conn:
        conn.execute(
            "UPDATE papers SET title = ?, summary = ? WHERE key = '2101.00001'",
            ("Ti\x1b]52;c;ZXZpbA==\x07tle", "Sum\x1b[2Jmary\x9b with **bold\x00**"),
        )
        conn.execute(
            "INSERT INTO takeaways (paper_id, position, text) SELECT id, 0, ? FROM papers", ("bold\x1b[5m\x00",)
        )
    for args in (("export", "--week", "2021-01-06"), ("export", "--bibtex"), ("takeaways",)):
        out = cli(*args).stdout
        assert "ZXZpbA==" in out or "bold" in out, args
        assert not any((ord(c) < 32 and c not in "\n\t") or 0x7F <= ord(c) <= 0x9F for c in out), args


def test_images_are_copied_next_to_the_page_and_links_rewritten(cli, store, tmp_path):
    pages = tmp_path / "wiki" / "digest"
    (pages / ".." / ".gitbook" / "assets").mkdir(parents=True)
    png = b"\x89PNG\r\n\x1a\n" + b"0" * 20
    (pages / ".." / ".gitbook" / "assets" / "viterbi-memory.png").write_bytes(png)
    (pages / "secret.txt").write_text("not an image")
    (pages / "fig one.png").write_bytes(png + b"1")
    page = pages / "2007-04.md"
    page.write_text(
        EXAMPLE.read_text(encoding="utf-8").replace(
            "Skeptical.", "Skeptical.\n\n  ![](secret.txt) ![x](<fig one.png>) ![gone](missing.png)"
        ),
        encoding="utf-8",
    )
    assert cli("import", str(page)).exit_code == 0
    out = tmp_path / "site" / "april.md"
    result = cli("export", "--month", "2007-04", "--out", str(out))
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert "![](assets/viterbi-memory.png)" in text
    assert "![x](assets/fig%20one.png)" in text
    assert (out.parent / "assets" / "viterbi-memory.png").read_bytes() == png
    assert "![Untitled](https://example.org/figures/capacity.png)" in text  # remote stays
    assert "![](secret.txt)" in text and not (out.parent / "assets" / "secret.txt").exists()
    assert "![gone](missing.png)" in text
    assert "image not found, link kept as it was: missing.png" in result.stderr
    # Stdout exports keep the summary exactly as written.
    assert "![](../.gitbook/assets/viterbi-memory.png)" in cli("export", "--month", "2007-04").stdout


def test_export_bibtex_all_and_by_query(imported, tmp_path):
    result = imported("export", "--bibtex")
    assert result.exit_code == 0, result.output
    assert result.stdout.count("@misc{") == 7
    assert "eprint = {hep-ex/0406020}" in result.stdout
    only = imported("export", "--bibtex", "week:2007-04-08")
    assert only.stdout.count("@misc{") == 3
    bib = tmp_path / "refs.bib"
    assert imported("export", "--bibtex", "--out", str(bib)).exit_code == 0
    assert bib.read_text() == result.stdout


@pytest.mark.parametrize(
    "args,message",
    [
        (("export", "--week", "--month", "2007-04"), "choose one of"),
        (("export", "--month", "2007-13"), "not a month"),
        (("export", "--week", "someday"), "'someday' is not a week: use this, last, today, yesterday or a date"),
        (("export", "--week", "2007-04-01", "2007-04-08"), "--week takes one week"),
        (("export", "--bibtex", "--front-matter"), "not --bibtex"),
    ],
)
def test_export_usage_errors_are_one_line(cli, args, message):
    result = cli(*args)
    assert result.exit_code != 0
    assert message in result.output
    assert "Traceback" not in result.output


def test_import_of_a_malformed_page_fails_with_its_line(cli, tmp_path):
    page = tmp_path / "bad.md"
    page.write_text("### 2020-1-5:\n\nintro\n\n[**X**](https://arxiv.org/abs/2001.00001) x\n")
    result = cli("import", str(page))
    assert result.exit_code == 1
    assert "bad.md:3:" in result.output


def test_import_of_a_page_without_entries_says_it_skipped_it(cli, tmp_path):
    page = tmp_path / "draft.md"
    page.write_text("---\ndescription: next month\n---\n\n### 2020-1-5:\n\nintro\n")
    result = cli("import", str(page))
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "draft.md: skipped, no entries (text in the week of 2020-1-5 before its first " \
        "entry; an entry starts with [Title](link))"


def test_takeaways_command(imported, store):
    store.add_tags(["0704.0090"], ["planning"])
    result = imported("takeaways")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].startswith("Sparsity-certifying Graph Decompositions  [0704.0002]  read 2007-04-08")
    assert "  • Worth remembering for any streaming decoder we write." in lines
    week = imported("takeaways", "--week", "2007-04-15").stdout
    assert "variance-of-completion-time" in week and "Sparsity" not in week
    tagged = json.loads(imported("takeaways", "--tag", "planning", "--json").stdout)
    assert [t["paper"] for t in tagged] == ["0704.0090"]
    assert tagged[0]["takeaway"].startswith("We could lift the variance")
    md = imported("takeaways", "--week", "2007-04-08", "--markdown").stdout.splitlines()
    assert md[0] == (
        "- **If we ever need to certify sparsity patterns for our kernels, this is the reference to start "
        "from.** ([Sparsity-certifying Graph Decompositions](https://arxiv.org/abs/0704.0002))"
    )
    empty = imported("takeaways", "--tag", "nothing")
    assert empty.exit_code == 0 and "no takeaways" in empty.stderr


def test_search_finds_takeaways(imported):
    result = imported("search", "--json", "streaming decoder")
    assert result.exit_code == 0, result.output
    assert [p["id"] for p in json.loads(result.stdout)] == ["0704.0062"]


def test_export_week_does_not_import_textual_or_heavy_modules(tmp_path):
    db = tmp_path / "lib.db"
    code = (
        "import sys\n"
        "from readr.cli import app\n"
        f"app(['--db', {str(db)!r}, 'import', {str(EXAMPLE)!r}], standalone_mode=False)\n"
        f"app(['--db', {str(db)!r}, 'export', '--week', '2007-04-08'], standalone_mode=False)\n"
        "heavy = [m for m in ('textual', 'bibtexparser', 'pypdf', 'arxiv', 'requests')\n"
        "         if m in sys.modules]\n"
        "print('HEAVY', heavy)\n"
    )
    env = dict(os.environ, READR_CONFIG=str(tmp_path / "none.toml"))
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, env=env, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert "### 2007-4-8:" in result.stdout
    assert "HEAVY []" in result.stdout


def test_week_start_from_config_moves_week_boundaries(cli, store, isolated_home):
    (isolated_home / "config.toml").write_text('week_start = "sunday"\n')
    store.upsert_arxiv(make_record("2101.00001", "Read on Sunday"), status="reading")
    store.set_summary("2101.00001", "Sunday reading.")
    store.set_status(["2101.00001"], "read", on=date(2021, 1, 10))  # a Sunday
    out = cli("export", "--week", "2021-01-10").stdout
    assert out.startswith("### 2021-1-16:\n")  # Sunday..Saturday, labelled by the Saturday
    assert "Read on Sunday" in out


def test_hugo_toml_front_matter_from_the_config_is_written_and_read_back(imported, isolated_home, tmp_path):
    (isolated_home / "config.toml").write_text("front_matter = '''\n+++\ntitle = \"Week\"\n+++'''\n")
    out = imported("export", "--week", "2007-04-08", "--front-matter").stdout
    assert out.startswith('+++\ntitle = "Week"\n+++\n\n### 2007-4-8:\n')
    page = tmp_path / "hugo.md"
    page.write_text(out)
    result = imported("import", str(page))
    assert result.exit_code == 0 and "already up to date" in result.stderr

"""Digest pages in, digest pages out: golden tests on the example page and the irregular
forms real pages have (digest-format.md)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from readr.digest.export import render_month, render_week
from readr.digest.importer import DigestFormatError, import_files, parse_page
from readr.errors import ReadrError

FIXTURES = Path(__file__).parent / "fixtures"
EXAMPLE = FIXTURES / "digest-2007-04.md"
FRONT = "description: Notes on what we read\nlayout: editorial"


def sections(text: str) -> dict[str, str]:
    """The `### date:` sections of a page, each with its heading, as written."""
    out, current = {}, None
    for line in text.split("\n"):
        if line.startswith("### "):
            current = line
            out[current] = []
        elif current is not None:
            out[current].append(line)
    return {k: (k + "\n" + "\n".join(v)).strip() + "\n" for k, v in out.items()}


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_example_page_month_export_gives_the_page_back_byte_for_byte(store):
    import_files(store, [EXAMPLE])
    text, weeks = render_month(store, 2007, 4, front_matter=FRONT)
    assert text == EXAMPLE.read_text(encoding="utf-8")
    assert [w.label for w in weeks] == [date(2007, 4, 8), date(2007, 4, 15)]


@pytest.mark.parametrize("day", [date(2007, 4, 2), date(2007, 4, 8), date(2007, 4, 12), date(2007, 4, 15)])
def test_each_week_of_the_example_exports_as_its_section(store, day):
    import_files(store, [EXAMPLE])
    expected = sections(EXAMPLE.read_text(encoding="utf-8"))
    text, week = render_week(store, day)
    assert text == expected[f"### {week.label.year}-{week.label.month}-{week.label.day}:"]


def test_example_entries_are_read_in_their_week_in_page_order(store):
    lines = import_files(store, [EXAMPLE])
    assert "7 new" in lines[-1]
    first = [p.key for p in store.read_between(date(2007, 4, 2), date(2007, 4, 8))]
    second = [p.key for p in store.read_between(date(2007, 4, 9), date(2007, 4, 15))]
    assert first == ["0704.0002", "0704.0062", "0704.0108"]
    assert second == ["0704.0046", "0704.0090", "1605.08386", "hep-ex/0406020"]
    paper = store.get("0704.0046")
    assert paper.status == "read" and paper.read_version == 1 and paper.read_at.startswith("2007-04-15")
    assert paper.title == "A limit relation for entropy and channel capacity per unit cost"
    assert paper.metadata_fetched_at is None  # `readr refresh` fills it in later
    viterbi = store.get("0704.0062")
    assert viterbi.summary.startswith("Decodes an HMM online")
    assert "\n\n![](../.gitbook/assets/viterbi-memory.png)\n\n" in viterbi.summary
    assert viterbi.takeaways == ["Worth remembering for any streaming decoder we write."]
    assert store.get("0704.0002").takeaways == [
        "If we ever need to certify sparsity patterns for our kernels, this is the reference to start from."
    ]
    assert store.get("hep-ex/0406020").arxiv_id == "hep-ex/0406020"


def test_importing_twice_changes_nothing(store):
    import_files(store, [EXAMPLE])
    before = [tuple(r) for r in store.conn.execute("SELECT * FROM papers ORDER BY id")]
    entries = [tuple(r) for r in store.conn.execute("SELECT * FROM digest_entries ORDER BY paper_key")]
    lines = import_files(store, [EXAMPLE])
    assert "already up to date" in lines[-1]
    assert [tuple(r) for r in store.conn.execute("SELECT * FROM papers ORDER BY id")] == before
    assert [tuple(r) for r in store.conn.execute("SELECT * FROM digest_entries ORDER BY paper_key")] == entries


def test_a_changed_summary_updates_and_its_takeaways_follow(store, tmp_path):
    import_files(store, [EXAMPLE])
    changed = EXAMPLE.read_text(encoding="utf-8").replace(
        "Dense but self-contained.", "Dense but self-contained. **Read section 3 first.**"
    )
    lines = import_files(store, [write(tmp_path, "digest-2007-04.md", changed)])
    assert "1 summary updated" in lines[-1]
    assert store.get("0704.0046").takeaways == ["Read section 3 first."]
    assert render_month(store, 2007, 4, front_matter=FRONT)[0] == changed


def test_reordering_a_week_on_the_page_reorders_the_week(store, tmp_path):
    import_files(store, [EXAMPLE])
    page = """### 2007-4-15:

[**Heat-bath random walks with Markov bases**](https://arxiv.org/abs/1605.08386) Now first.

[**Real Options for Project Schedules (ROPS)**](https://arxiv.org/abs/0704.0090) Now second.
"""
    import_files(store, [write(tmp_path, "p.md", page)])
    keys = [p.key for p in store.read_between(date(2007, 4, 9), date(2007, 4, 15))]
    assert keys.index("1605.08386") < keys.index("0704.0090")


IRREGULAR = """# 2019-3

## 2019-03-03

* [**Attention Is All You Need**](http://arxiv.org/abs/1706.03762v5)**.** Tight bullet entry.
* [Deep Residual Learning](https://export.arxiv.org/abs/1512.03385) Another bullet, with \\*\\*escaped\\*\\* stars.

[A blog post on transformers](https://example.org/blog/transformers_(2019)) Non-arXiv links are entries too.

It has a second paragraph with `inline **code**` and $\\sum_i x_i^2$ LaTeX.

- a list inside the summary
- second item

### 2019-3-10

[**Old style with subject class**](https://arxiv.org/abs/math.GT/0309136) Old ids keep their form.

[**A pdf without suffix**](https://arxiv.org/pdf/2202.06709v2) Versioned pdf link.

```
[Not an entry](https://example.org) inside a code block
### not a heading either
```

Still the same summary.
"""


def test_irregular_page_forms(store, tmp_path):
    page = parse_page(IRREGULAR, "irregular.md")
    assert [w.day for w in page.weeks] == [date(2019, 3, 3), date(2019, 3, 10)]
    first, second = page.weeks
    assert [e.arxiv_id for e in first.entries] == ["1706.03762", "1512.03385", None]
    assert first.entries[0].version == 5 and first.entries[0].marker == "* " and first.entries[0].bold
    assert first.entries[0].summary == "Tight bullet entry."
    assert first.entries[1].summary == "Another bullet, with \\*\\*escaped\\*\\* stars."
    blog = first.entries[2]
    assert blog.target == "https://example.org/blog/transformers_(2019)"
    assert blog.summary.endswith("- a list inside the summary\n- second item")
    assert [e.arxiv_id for e in second.entries] == ["math/0309136", "2202.06709"]
    assert second.entries[1].summary.endswith("### not a heading either\n```\n\nStill the same summary.")

    import_files(store, [write(tmp_path, "irregular.md", IRREGULAR)])
    assert store.get("1512.03385").takeaways == []  # escaped stars are not bold
    assert store.find("https://example.org/blog/transformers_(2019)").source == "web"
    text, _ = render_week(store, date(2019, 3, 3))
    again = parse_page(text, "again.md").weeks[0].entries
    assert [(e.target, e.title, e.summary) for e in again] == [
        (e.target, e.title, e.summary) for e in first.entries
    ]
    text, _ = render_week(store, date(2019, 3, 10))
    assert "(https://arxiv.org/abs/math.GT/0309136)" in text
    assert "(https://arxiv.org/pdf/2202.06709v2)" in text


def test_several_pages_in_one_command_and_no_front_matter(store, tmp_path):
    a = write(tmp_path, "a.md", "### 2021-1-3:\n\n[**One**](https://arxiv.org/abs/2101.00001) First.\n")
    b = write(tmp_path, "b.md", "### 2021-1-10:\n\n[**Two**](https://arxiv.org/abs/2101.00002) Second.\n")
    import_files(store, [a, b])
    assert [p.key for p in store.read_between(date(2020, 12, 28), date(2021, 1, 10))] == ["2101.00001", "2101.00002"]


MALFORMED = [
    ("---\ntitle: x\n\n### 2020-1-5:\n\n[**X**](https://arxiv.org/abs/2001.00001) x\n", 1, "never closed"),
    ("# 2020-1\n\n[**Early**](https://arxiv.org/abs/2001.00001) No week yet.\n", 3, "before the first week"),
    ("### 2020-1-5:\n\nA note before any entry.\n\n[**X**](https://arxiv.org/abs/2001.00001) x\n", 3,
     "before its first entry"),
    ("### 2020-2-30:\n\n[**X**](https://arxiv.org/abs/2001.00001) x\n", 1, "not a valid date"),
    ("### 2020-1-5:\n\n[**X**](https://arxiv.org/abs/2001.00001) x\n\n## Further reading\n", 5, "not a week heading"),
    (
        "### 2020-1-5:\n\n[**X**](https://arxiv.org/abs/2001.00001) x\n\n### 2020-1-12:\n\n"
        "[**X again**](https://arxiv.org/pdf/2001.00001v2.pdf) y\n",
        7, "already an entry at line 3",
    ),
]


@pytest.mark.parametrize("text,line,message", MALFORMED)
def test_malformed_pages_report_their_line_and_import_nothing(store, tmp_path, text, line, message):
    good = write(tmp_path, "good.md", "### 2020-1-5:\n\n[**Good**](https://arxiv.org/abs/2001.00009) Fine.\n")
    bad = write(tmp_path, "bad.md", text)
    with pytest.raises(DigestFormatError) as info:
        import_files(store, [good, bad])
    assert str(info.value).startswith(f"bad.md:{line}: ")
    assert message in str(info.value)
    assert isinstance(info.value, ReadrError)
    assert store.conn.execute("SELECT count(*) FROM papers").fetchone()[0] == 0


def test_the_same_paper_on_two_pages_is_refused(store, tmp_path):
    a = write(tmp_path, "a.md", "### 2021-1-3:\n\n[**One**](https://arxiv.org/abs/2101.00001) First.\n")
    b = write(tmp_path, "b.md", "### 2021-1-10:\n\n[**One**](https://arxiv.org/abs/2101.00001v2) Again.\n")
    with pytest.raises(DigestFormatError, match=r"b.md:3: .*a.md:3"):
        import_files(store, [a, b])
    assert store.conn.execute("SELECT count(*) FROM papers").fetchone()[0] == 0


def test_control_characters_never_reach_the_library_or_the_page(store, tmp_path):
    page = "### 2021-1-3:\n\n[**Evil\x1bc\x07\x85 title**](https://arxiv.org/abs/2101.00001) Sum\x1b[31mmary \x9b.\n"
    import_files(store, [write(tmp_path, "evil.md", page)])
    paper = store.get("2101.00001")
    assert "\x1b" not in paper.title and "\x1b" not in paper.summary
    text, _ = render_week(store, date(2021, 1, 3))
    assert not any(ord(c) < 32 and c != "\n" or 0x7F <= ord(c) <= 0x9F for c in text)


def test_an_existing_paper_keeps_its_metadata_title_but_exports_the_page_title(store, tmp_path):
    from tests.conftest import make_record

    store.upsert_arxiv(make_record("2101.00001", "The Official arXiv Title"), status="to-read")
    store.set_summary("2101.00001", "Local summary.")
    page = "### 2021-1-3:\n\n[**Short title**](https://arxiv.org/pdf/2101.00001.pdf) Page summary.\n"
    import_files(store, [write(tmp_path, "p.md", page)])
    paper = store.get("2101.00001")
    assert paper.title == "The Official arXiv Title" and paper.summary == "Page summary."
    assert paper.status == "read"
    assert render_week(store, date(2021, 1, 3))[0] == page


def test_bare_entries_of_a_published_page_survive_the_round_trip(store, tmp_path):
    page = (
        "### 2021-1-3:\n\n[**Bare**](https://arxiv.org/abs/2101.00001)\n\n"
        "[**Full**](https://arxiv.org/abs/2101.00002) Yes.\n"
    )
    import_files(store, [write(tmp_path, "p.md", page)])
    assert render_week(store, date(2021, 1, 3))[0] == page


def test_a_heading_that_does_not_end_a_week_is_reported_and_kept_on_its_day(store, tmp_path):
    page = "### 2021-1-2:\n\n[**Sat**](https://arxiv.org/abs/2101.00001) Saturday heading.\n"
    lines = import_files(store, [write(tmp_path, "p.md", page)])
    assert "does not end a reading week" in lines[0]
    assert store.get("2101.00001").read_at.startswith("2021-01-02")


def test_week_start_is_configurable(store, tmp_path, monkeypatch):
    config = tmp_path / "config.toml"
    config.write_text('week_start = "sunday"\n')
    monkeypatch.setenv("READR_CONFIG", str(config))
    page = "### 2021-1-2:\n\n[**Sat**](https://arxiv.org/abs/2101.00001) Week ends on Saturday.\n"
    lines = import_files(store, [write(tmp_path, "p.md", page)])
    assert not any("does not end" in line for line in lines)
    text, week = render_week(store, date(2020, 12, 27), week_start=6)
    assert week.label == date(2021, 1, 2) and text == page


def test_whole_link_in_bold_and_free_page_titles(store, tmp_path):
    page = (
        "# Reading notes, April 2007\n\nSome intro text.\n\n### 2007-4-8:\n\n"
        "**[Sparsity-certifying Graph Decompositions](https://arxiv.org/abs/0704.0002)** Bold link.\n\n"
        "# Another title\n\n### 2007-4-15:\n\n[Next](https://arxiv.org/abs/0704.0046) Fine.\n"
    )
    parsed = parse_page(page, "p.md")
    assert [len(w.entries) for w in parsed.weeks] == [1, 1]
    assert parsed.weeks[0].entries[0].title == "Sparsity-certifying Graph Decompositions"
    import_files(store, [write(tmp_path, "p.md", page)])
    assert render_week(store, date(2007, 4, 8))[0] == (
        "### 2007-4-8:\n\n**[Sparsity-certifying Graph Decompositions](https://arxiv.org/abs/0704.0002)** Bold link.\n"
    )


def test_summary_layout_on_the_next_line_and_dash_separators_is_kept(store, tmp_path):
    page = (
        "### 2023-1-8:\n\n"
        "[**Next line**](https://arxiv.org/abs/2301.00001)\nSummary on the next line.\n\n"
        "[**Next paragraph**](https://arxiv.org/abs/2301.00002)\n\n- a list as the summary\n- second\n\n"
        "* [**Bullet**](https://arxiv.org/abs/2301.00003)\n  Indented summary on the next line.\n\n"
        "[Dash](https://arxiv.org/abs/2301.00004) - a dash before the summary stays on the line.\n"
    )
    parsed = parse_page(page, "p.md").weeks[0].entries
    assert [e.summary for e in parsed] == [
        "Summary on the next line.", "- a list as the summary\n- second", "Indented summary on the next line.",
        "a dash before the summary stays on the line.",
    ]
    import_files(store, [write(tmp_path, "p.md", page)])
    assert render_week(store, date(2023, 1, 8))[0] == page


def test_refresh_and_undo_keep_the_published_link_and_title(store):
    from tests.conftest import make_record

    import_files(store, [EXAMPLE])
    expected = render_month(store, 2007, 4, front_matter=FRONT)[0]
    # `readr refresh` writes arXiv's metadata over the paper...
    store.upsert_arxiv(make_record("0704.0062", "On-line Viterbi Algorithm (arXiv title)", version=3), status=None)
    store.upsert_arxiv(make_record("hep-ex/0406020", "Sparticle Reconstruction at LHC", version=1), status=None)
    assert store.get("0704.0062").title == "On-line Viterbi Algorithm (arXiv title)"
    # ... and an undo puts a papers row back: the page still exports as published.
    snap = store.snapshot(["0704.0062"])
    store.set_status(["0704.0062"], "to-read")
    store.restore(snap)
    assert render_month(store, 2007, 4, front_matter=FRONT)[0] == expected


def test_rules_and_comments_before_the_first_entry_are_allowed(store, tmp_path):
    page = (
        "### 2023-1-8:\n\n<!-- imported from the old wiki -->\n\n---\n\n"
        "[**A**](https://arxiv.org/abs/2301.00001) Fine.\n\n* * *\n\n### 2023-1-15:\n\n"
        "[**B**](https://arxiv.org/abs/2301.00002) Also fine.\n"
    )
    weeks = parse_page(page, "p.md").weeks
    assert [[e.arxiv_id for e in w.entries] for w in weeks] == [["2301.00001"], ["2301.00002"]]


def test_windows_line_endings_a_bom_and_tabs(store, tmp_path):
    text = EXAMPLE.read_text(encoding="utf-8")
    page = tmp_path / "windows.md"
    page.write_bytes(("\ufeff" + text.replace("* [**Reducing", "*\t[**Reducing")).replace("\n", "\r\n").encode("utf-8"))
    import_files(store, [page])
    exported = render_month(store, 2007, 4, front_matter=FRONT)[0]
    original = parse_page(text, "a.md")
    again = parse_page(exported, "b.md")
    assert [[(e.target, e.title, e.summary) for e in w.entries] for w in again.weeks] == [
        [(e.target, e.title, e.summary) for e in w.entries] for w in original.weeks
    ]
    assert "\r" not in exported


# Pages that hold no entries: skipped with a line saying so, the other pages imported.
NO_ENTRIES = [
    ("Just some notes.\n", "no week heading"),
    ("---\ntitle: x\n\n### 2020-1-5:\n", "never closed"),
    ("### 2020-1-5:\n\nA note before any entry.\n", "before its first entry"),
    ("---\ndescription: Notes for May\n---\n\n# 2020-5\n", "no week heading"),
    ("# Table of contents\n\n* [Introduction](README.md)\n* [2020-1](2020-1.md)\n", "no week heading"),
    ("---\ndescription: draft\n---\n\n# 2020-6\n\n### \n", "no entries"),
    ("### 2020-1-5:\n\n### 2020-1-12:\n", "no entries under its week headings"),
]


@pytest.mark.parametrize("text, why", NO_ENTRIES)
def test_pages_that_hold_no_entries_are_skipped_with_a_note(store, tmp_path, text, why):
    good = write(tmp_path, "good.md", "### 2020-1-5:\n\n[**Good**](https://arxiv.org/abs/2001.00009) Fine.\n")
    empty = write(tmp_path, "empty.md", text)
    lines = import_files(store, [good, empty])
    (note,) = [line for line in lines if line.startswith("empty.md")]
    assert note.startswith("empty.md: skipped, ") and why in note and "\n" not in note
    assert any(line.startswith("imported good.md: 1 entry") for line in lines)
    assert [p.arxiv_id for p in store.read_between(date(2019, 12, 30), date(2020, 1, 5))] == ["2001.00009"]

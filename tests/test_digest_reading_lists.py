"""`readr import` of a whole GitBook folder, and of reading lists in other Markdown styles:
bullets under month or week headings, tables with a paper column (real pages in
tests/fixtures/reading_lists, see PROVENANCE.md)."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from readr.digest.importer import import_files, read_page
from readr.digest.reading_list import heading_date

FIXTURES = Path(__file__).parent / "fixtures" / "reading_lists"
EXAMPLE = Path(__file__).parent / "fixtures" / "digest-2007-04.md"


@pytest.mark.parametrize(
    "heading, expected",
    [
        ("2024-05-06", date(2024, 5, 6)),
        ("Week of 2024-05-06", date(2024, 5, 6)),
        ("2024-05", date(2024, 5, 31)),
        ("May 2024", date(2024, 5, 31)),
        ("Sept 2023", date(2023, 9, 30)),
        ("Top ML Papers of the Week (March 31 - April 6) - 2025", date(2025, 4, 6)),
        ("Top ML Papers of the Week (Jan 23-29)", None),  # no year, none above it
        ("4th September 2023", date(2023, 9, 4)),
        ("April 6, 2025", date(2025, 4, 6)),
        ("Further reading", None),
        ("2024-02-30", None),
    ],
)
def test_the_date_a_heading_names(heading, expected):
    assert heading_date(heading) == expected


def test_a_year_heading_gives_its_year_to_the_headings_under_it():
    assert heading_date("Top ML Papers of the Week (Jan 23-29)", 2023) == date(2023, 1, 29)


def test_numbered_items_under_bold_month_headings(store):
    lines = import_files(store, [FIXTURES / "reading.md"])
    assert lines[0] == "reading.md: read as a reading list; left out: 2 items without an arXiv link"
    assert lines[1].startswith("imported reading.md: 3 entries in 2 weeks (3 new")
    august = store.read_between(date(2023, 8, 28), date(2023, 9, 3))
    assert [(p.arxiv_id, p.title, p.summary) for p in august] == [
        ("2010.11929", "An Image is Worth 16x16 Words: Transformers for Image Recognition at Scale",
         "CV - 28th August 2023"),
        ("2302.13971", "Llama: Open and Efficient Foundation models", "NLP - 30th August 2023"),
    ]
    assert august[0].read_at.startswith("2023-08-31")  # the heading's month, its last day
    (september,) = store.read_between(date(2023, 9, 25), date(2023, 10, 1))
    assert (september.arxiv_id, september.read_at[:10]) == ("2304.02643", "2023-09-30")


def test_a_table_with_a_paper_column_under_week_headings(store):
    import_files(store, [FIXTURES / "ml-papers-of-the-week.md"])
    papers = store.read_between(date(2025, 3, 31), date(2025, 4, 6))
    assert [(p.arxiv_id, p.title) for p in papers] == [
        ("2504.00810", "Efficient Test-time Scaling with Code"),
        ("2503.24377", "A Survey of Efficient Reasoning for LLMs"),
        ("2503.15299", "Hidden Factual Knowledge in LLMs"),
    ]
    assert papers[1].summary.startswith("This survey focuses on reasoning economy in LLMs,")
    assert papers[1].summary.endswith("at both post-training and inference stages.")
    assert all(p.read_at.startswith("2025-04-06") for p in papers)
    # importing again changes nothing
    assert import_files(store, [FIXTURES / "ml-papers-of-the-week.md"])[-1].endswith("already up to date")


def test_dash_bullets_under_month_and_week_headings(store, tmp_path):
    page = tmp_path / "list.md"
    page.write_text(
        "# What I read\n\n"
        "## January 2024\n\n"
        "- [Attention Is All You Need](https://arxiv.org/abs/1706.03762) - the transformer.\n"
        "  Still worth rereading.\n"
        "- [A blog post](https://example.org/post) - not a paper\n"
        "- **[BERT](https://arxiv.org/pdf/1810.04805v2.pdf)**: pretraining.\n\n"
        "## Week of 2024-02-05\n\n"
        "* [Segment Anything](https://arxiv.org/abs/2304.02643) – masks.\n"
        "* [Attention again](https://arxiv.org/abs/1706.03762v5) - listed twice\n\n"
        "## Someday\n\n"
        "- [Unread](https://arxiv.org/abs/2401.00001)\n"
    )
    lines = import_files(store, [page])
    assert lines[0] == (
        "list.md: read as a reading list; left out: 1 item without an arXiv link, "
        "1 arXiv item under no dated heading, 1 paper listed again (kept where first listed)"
    )
    january = store.read_between(date(2024, 1, 29), date(2024, 2, 4))
    assert [(p.arxiv_id, p.title, p.summary) for p in january] == [
        ("1706.03762", "Attention Is All You Need", "the transformer.\nStill worth rereading."),
        ("1810.04805", "BERT", "pretraining."),
    ]
    (february,) = store.read_between(date(2024, 2, 5), date(2024, 2, 11))
    assert (february.arxiv_id, february.summary, february.read_at[:10]) == ("2304.02643", "masks.", "2024-02-05")
    assert store.find("2401.00001") is None


def test_a_whole_gitbook_folder(store, cli, tmp_path):
    book = tmp_path / "book"
    (book / ".gitbook" / "assets").mkdir(parents=True)
    (book / ".gitbook" / "assets" / "viterbi-memory.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    (book / "README.md").write_text("# Reading notes\n\n[Our lab](https://example.org) reads papers every week.\n")
    (book / "SUMMARY.md").write_text(
        "# Table of contents\n\n* [Reading notes](README.md)\n"
        "* [2007-4](2007/2007-04.md)\n* [2007-5](2007/2007-05.md)\n"
    )
    (book / "2007").mkdir()
    shutil.copy(EXAMPLE, book / "2007" / "2007-04.md")
    (book / "2007" / "2007-05.md").write_text("---\ndescription: Notes on what we read\n---\n\n# 2007-5\n")
    (book / "drafts").mkdir()
    (book / "drafts" / "2007-06.md").write_text("---\ndescription: draft\n---\n\n# 2007-6\n\n### \n")
    result = cli("import", str(book))
    assert result.exit_code == 0, result.output
    lines = result.output.strip().split("\n")
    assert lines == [
        "2007-05.md: skipped, no entries (no week heading (### YYYY-M-D:) and no arXiv link under a dated heading)",
        "README.md: skipped, no entries (no week heading (### YYYY-M-D:) and no arXiv link under a dated heading)",
        "SUMMARY.md: skipped, no entries (no week heading (### YYYY-M-D:) and no arXiv link under a dated heading)",
        "2007-06.md: skipped, no entries (no week heading (### YYYY-M-D:) and no arXiv link under a dated heading)",
        "imported 2007-04.md: 7 entries in 2 weeks (7 new, 0 summaries updated, 0 moved, 0 links updated)",
    ]


def test_a_folder_without_pages_is_one_line_error(cli, tmp_path):
    (tmp_path / "empty").mkdir()
    result = cli("import", str(tmp_path / "empty"))
    assert result.exit_code == 1
    assert "holds no Markdown pages" in result.output


def test_read_page_tells_digest_pages_from_reading_lists():
    digest = read_page(EXAMPLE.read_text(), "digest.md")
    assert digest.reading_list is None and digest.page is not None
    listed = read_page("## May 2024\n\n- [X](https://arxiv.org/abs/2405.00001) - y\n", "l.md")
    assert listed.reading_list is not None and listed.page is not None
    assert listed.page.weeks[0].day == date(2024, 5, 31)

"""Titles taken from PDFs: the largest text on page one, whole lines (a title set on two or three
lines is not cut after the first), margin stamps left out, the metadata title when nothing on
the page stands out; and messages shorten a title at a word, never mid-word."""

from __future__ import annotations

from pathlib import Path

import pytest

from readr.pdfs import local
from readr.pdfs.extract import extract_text
from readr.pdfs.worker import largest_text
from readr.wording import shorten
from tests.pdf_samples import Page, make_pdf

TITLE = "Beyond Summarization: Designing AI Support for Real-World Expository Writing Tasks"
REAL = Path(__file__).resolve().parents[2] / "shared" / "fixtures" / "pdfs" / "arxiv_papers"


def title_page(sizes_by_matrix: bool = False, stamp: str | None = "Preprint. Under review at a big venue") -> Page:
    return Page(
        lines=["Beyond Summarization:", "Designing AI Support for Real-World", "Expository Writing Tasks",
               "Zejiang Shen, Tal August", "Abstract", "We study how writers use summaries of sources.",
               "More body text follows here, in the size of the body.", "And a third line of the body."],
        sizes=[17.2, 17.2, 17.2, 12, 12, 10, 10, 10],
        sizes_by_matrix=sizes_by_matrix,
        margin_stamp=stamp,
    )


@pytest.mark.parametrize("sizes_by_matrix", [False, True], ids=["Tf-size", "matrix-scaled"])
def test_a_title_on_several_lines_is_taken_whole(store, tmp_path, sizes_by_matrix):
    path = tmp_path / "paper.pdf"
    path.write_bytes(make_pdf([title_page(sizes_by_matrix), "Page two"], title="Microsoft Word - draft.docx"))
    pdf = extract_text(path)
    assert pdf.large_text == TITLE
    lines = list(local.import_files(store, [path]))
    paper = store.search("expository")[0].paper
    assert paper.title == TITLE
    # The message shows a shortened title at a word boundary.
    assert "\u201cBeyond Summarization: Designing AI Support for Real-World Expository\u2026\u201d" in lines[0]


def test_the_metadata_title_is_used_when_nothing_stands_out(store, tmp_path):
    path = tmp_path / "plain.pdf"
    path.write_bytes(make_pdf(["first line of plain text here", "second line"], title="Notes on Gardening"))
    assert extract_text(path).large_text == ""
    list(local.import_files(store, [path]))
    assert store.search("gardening")[0].paper.title == "Notes on Gardening"


def test_largest_text_rules():
    body = [(10.0, 700 - 12 * i, False, "body text of the paper goes on and on ") for i in range(20)]
    # Only a margin stamp is larger than the body: no title.
    assert largest_text([(20.0, 200, True, "arXiv:2101.00001v1 [cs.LG] 1 Jan 2021"), *body]) == ""
    # A heading barely larger than the body (a page from the middle of a paper): no title.
    assert largest_text([(10.9, 750, False, "4.2 Computer Science Domain"), *body]) == ""
    # A footnote mark in a smaller size inside the title is skipped; a hyphenated word is joined.
    title = [(17.0, 760, False, "Self-Super-"), (9.0, 765, False, "*"), (17.0, 740, False, "vised Learning of Things")]
    assert largest_text([*title, (12.0, 720, False, "A. Author"), *body]) == "Self-Supervised Learning of Things"
    # A second block in the same size further down is not part of the title.
    far = [(17.0, 760, False, "The Title"), *body[:3], (17.0, 300, False, "Another big line")]
    assert largest_text([*far, *body]) == "The Title"
    # A big single letter (a drop cap) is passed over for the next size.
    assert largest_text([(40.0, 760, False, "W"), (16.0, 740, False, "Whole Title Here"), *body]) == "Whole Title Here"


def test_shorten_cuts_at_a_word():
    assert shorten(TITLE, 70) == "Beyond Summarization: Designing AI Support for Real-World Expository…"
    assert shorten("short", 70) == "short"
    assert len(shorten("x" * 200, 70)) == 70


@pytest.mark.skipif(not REAL.is_dir(), reason="the real arXiv PDFs of ../shared/fixtures are not beside the project")
@pytest.mark.parametrize("name, title", [
    ("2304.02623v1.pdf", TITLE),
    ("2206.10883v3.pdf", "Multi-LexSum: Real-World Summaries of Civil Rights Lawsuits at Multiple Granularities"),
    ("1111.2011v2.pdf", "Quantum Criticality for Extended Nodes on a Bethe Lattice in the Large Connectivity Limit"),
    ("2302.07302v1.pdf",
     "CiteSee: Augmenting Citations in Scientific Papers with Persistent and Personalized Historical Context"),
])
def test_real_arxiv_pdfs(name, title):
    pdf = extract_text(REAL / name)
    assert local.title_from(pdf, REAL / name) == title

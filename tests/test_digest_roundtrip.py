"""Property: exporting an imported, generated digest page gives back the same page.

Pages are generated in the digest format with unicode, LaTeX fragments and Markdown special
characters in titles and summaries, every link form of the spec (abs, pdf, versioned,
old-style, export.arxiv.org, non-arXiv), bullets, `**.**` separators, several paragraphs,
images, lists, code and escaped stars, text glued to the link (`...pdf). Then`, `...)\\*\\*`) and
a bulleted entry's image lines at column 0. The exported weeks must equal the generated text, and
the entries read back must equal the generated model.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from readr.digest import escape_title
from readr.digest.export import render_week
from readr.digest.importer import items_for, parse_page
from readr.store import Store
from readr.takeaways import extract_takeaways

FIRST_SUNDAY = date(1995, 1, 1)
# The shared example page, a verbatim copy of shared/examples/digest-2007-04.md
EXAMPLE_PAGE = (Path(__file__).parent / "fixtures" / "digest-2007-04.md").read_text(encoding="utf-8")
ARCHIVES = ["hep-ex", "hep-th", "math", "cs", "quant-ph", "astro-ph", "cond-mat"]

word = st.text(
    alphabet=st.characters(
        whitelist_categories=("Lu", "Ll", "Nd"), whitelist_characters="éüßøλΩ中文żł-'.,:;!?%&=+/@~|\"{}^",
        max_codepoint=0x9FFF,
    ),
    min_size=1, max_size=8,
)
latex = st.sampled_from(
    [r"$\alpha$", r"$x_i^2$", r"$\mathcal{O}(n \log n)$", r"\cite{foo}", r"$a \leq b$", r"\emph{x}"]
)
special = st.sampled_from(["*", "_", "[x]", "(y)", "#1", "<T>", "`", "\\", "&amp;", "**", "a_b", "[", "]", "!"])
title_token = st.one_of(word, word, word, latex, special)
titles = st.lists(title_token, min_size=1, max_size=8).map(" ".join)

inline = st.one_of(
    word, word, word, word, latex,
    word.map(lambda w: f"**{w} matters**"),
    word.map(lambda w: f"\\*\\*{w}\\*\\*"),
    word.map(lambda w: f"`{w} * _x_`"),
    word.map(lambda w: f"[{w}](https://example.org/{abs(hash(w)) % 997})"),
    word.map(lambda w: f"_{w}_"),
)
paragraph = st.lists(inline, min_size=1, max_size=10).map(" ".join)
# Continuation paragraphs start with a word: a paragraph that starts with a link is an entry.
continuation = st.one_of(
    st.tuples(word, paragraph).map(" ".join),
    st.sampled_from(["![](figures/plot.png)", "![Fig 1](https://example.org/fig.png)", "![a b](<fig one.png>)"]),
    st.lists(word, min_size=1, max_size=3).map(lambda ws: "\n".join(f"- {w} item" for w in ws)),
    word.map(lambda w: f"```\n[{w}](https://x.org) in code\n### {w}\n```"),
    word.map(lambda w: f"> {w} quoted"),
)
plain_word = st.text(alphabet=st.characters(whitelist_categories=("Lu", "Ll")), min_size=1, max_size=8)
# The first paragraph starts with a plain word (one starting a block goes to its own paragraph:
# see render_entry in readr/digest/export.py), then anything.
summaries = st.one_of(
    st.just(""),
    st.tuples(plain_word, paragraph, st.lists(continuation, max_size=3)).map(
        lambda t: "\n\n".join([t[0] + " " + t[1], *t[2]])
    ),
)


@st.composite
def entries(draw, index: int):
    kind = draw(st.sampled_from(["new", "new", "old", "web"]))
    if kind == "new":
        five = draw(st.booleans())
        yymm = draw(st.sampled_from(["1501", "1912", "2202", "2411"] if five else ["0704", "0912", "1206", "1412"]))
        ident = f"{yymm}.{index + 1:05d}" if five else f"{yymm}.{index + 1:04d}"
    elif kind == "old":
        archive = draw(st.sampled_from(ARCHIVES))
        yymm = draw(st.sampled_from(["9108", "9901", "0406", "0703"]))
        ident = f"{archive}/{yymm}{index + 1:03d}"
    if kind == "web":
        link = draw(st.sampled_from([
            "https://example.org/post/{i}", "https://github.com/team/repo-{i}", "https://en.wikipedia.org/wiki/X_({i})",
        ])).format(i=index)
        arxiv = None
    else:
        version = draw(st.sampled_from(["", "", "v1", "v3"]))
        form = draw(st.sampled_from([
            "https://arxiv.org/abs/{}", "http://arxiv.org/abs/{}", "https://arxiv.org/pdf/{}.pdf",
            "https://arxiv.org/pdf/{}", "https://export.arxiv.org/abs/{}",
        ]))
        link = form.format(ident + version)
        arxiv = ident
    summary = draw(summaries)
    # Text written right after the link, without a space: punctuation, or escaped stars.
    glued = draw(st.sampled_from([None, None, None, ". Then", "). Then", "\\*\\*not bold\\*\\*", ", and"]))
    if glued is not None:
        summary = glued + " " + summary if summary else glued
    return {
        "link": link,
        "arxiv": arxiv,
        "title": draw(titles),
        "bold": draw(st.sampled_from([True, False, "outer"])),
        "sep": "" if glued is not None else draw(st.sampled_from(["", "", "**.**"])),
        "glued": glued is not None,
        "marker": draw(st.sampled_from(["", "", "* ", "- "])),
        # A bulleted entry's image paragraphs written at column 0 (outside the list item).
        "flush_images": draw(st.booleans()),
        "summary": summary,
        "break": 0 if glued is not None else draw(st.sampled_from([0, 0, 1, 2])),
    }


@st.composite
def pages(draw):
    sundays = sorted(draw(st.sets(st.integers(0, 1800), min_size=1, max_size=3)))
    weeks, index = [], 0
    for n in sundays:
        count = draw(st.integers(1, 4))
        week = []
        for _ in range(count):
            week.append(draw(entries(index)))
            index += 1
        weeks.append((FIRST_SUNDAY + timedelta(weeks=n), week))
    return weeks


def write_entry(entry: dict) -> str:
    title = escape_title(entry["title"])
    text = f"**{title}**" if entry["bold"] is True else title
    head = f"[{text}]({entry['link']})"
    head = entry["marker"] + (f"**{head}**" if entry["bold"] == "outer" else head)
    summary = entry["summary"]
    if not summary:
        return head
    lines = summary.split("\n")
    after = "" if entry["glued"] else entry["sep"] + " " if entry["sep"] else " "
    if entry["break"]:  # the summary starts on the next line, or the next paragraph
        out = [head + entry["sep"]] + [""] * (entry["break"] - 1) + lines
    else:
        out = [head + after + lines[0], *lines[1:]]
    if entry["marker"]:
        pad = " " * len(entry["marker"])

        def indented(line: str) -> str:
            if not line.strip() or (entry["flush_images"] and line.startswith("![")):
                return line
            return pad + line

        out = out[:1] + [indented(line) for line in out[1:]]
    return "\n".join(out)


def write_week(day: date, week: list[dict]) -> str:
    return "\n\n".join([f"### {day.year}-{day.month}-{day.day}:", *(write_entry(e) for e in week)]) + "\n"


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pages())
def test_export_of_an_imported_generated_page_gives_the_page_back(weeks):
    text = "\n".join(write_week(day, week) for day, week in weeks)
    page = parse_page(text, "generated.md")
    # The parser reads the generated model back.
    assert [w.day for w in page.weeks] == [day for day, _ in weeks]
    for parsed, (_, week) in zip(page.weeks, weeks):
        assert [(e.target, e.title, e.summary, e.arxiv_id) for e in parsed.entries] == [
            (e["link"], " ".join(e["title"].split()), e["summary"], e["arxiv"]) for e in week
        ]
    store = Store(":memory:")
    try:
        store.import_digest(items_for(page, None))
        for day, week in weeks:
            exported, digest = render_week(store, day)
            assert exported == write_week(day, week)
            for paper, entry in zip(digest.papers, week):
                assert paper.takeaways == extract_takeaways(entry["summary"])
        # Importing the export again changes nothing.
        again = parse_page("\n".join(render_week(store, day)[0] for day, _ in weeks), "again.md")
        assert not store.import_digest(items_for(again, None)).changed
    finally:
        store.close()


@settings(max_examples=100, deadline=None)
@given(titles, summaries)
def test_papers_written_in_readr_export_into_pages_that_import_back(title, summary):
    """Not imported: title escaped by the exporter, summary protected where it would start an entry."""
    from tests.conftest import make_record

    store = Store(":memory:")
    try:
        store.upsert_arxiv(make_record("2101.00001", title), status="reading")
        tricky = summary + "\n\n[A link first](https://example.org) then text\n\n## A heading in a summary"
        store.set_summary("2101.00001", tricky)
        store.set_status(["2101.00001"], "read", on=date(2021, 1, 6))
        text, _ = render_week(store, date(2021, 1, 6))
        (entry,) = parse_page(text, "x.md").weeks[0].entries
        assert entry.title == " ".join(title.split())
        assert entry.target == "https://arxiv.org/abs/2101.00001v1"
        assert " ".join(entry.summary.split()) == " ".join(store.get("2101.00001").summary.split())
    finally:
        store.close()


def _entry_lines(text: str) -> list[str]:
    """The page from its first week heading on, blank lines aside (what the round trip keeps)."""
    lines = text.split("\n")
    first = next(i for i, line in enumerate(lines) if line.startswith("###"))
    return [line for line in lines[first:] if line.strip() and not line.startswith("# ")]


PATTERNS = """### 2022-1-9:

[**A paper**](https://arxiv.org/abs/2201.00001) See [the appendix](https://arxiv.org/pdf/2201.00001.pdf). Then more.

[the pdf](https://arxiv.org/pdf/2201.01234.pdf). Then the summary goes on.

* [**Bulleted**](https://arxiv.org/abs/2201.00002) A bulleted summary.

![](../.gitbook/assets/figure.png)

  Back in the item.

[**Escaped**](https://arxiv.org/abs/2201.00003)\\*\\*not bold\\*\\* here, **bold here**.

- [Dashed](https://arxiv.org/abs/2201.00004) - a reading-list style entry under a week heading.
"""


@pytest.mark.parametrize("page", [EXAMPLE_PAGE, PATTERNS], ids=["shared example", "three patterns"])
def test_an_imported_page_exports_byte_for_byte(page):
    parsed = parse_page(page, "page.md")
    store = Store(":memory:")
    try:
        store.import_digest(items_for(parsed, None))
        exported = "\n".join(render_week(store, week.day)[0] for week in parsed.weeks)
    finally:
        store.close()
    assert _entry_lines(exported) == _entry_lines(page)

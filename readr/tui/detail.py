"""The detail pane: title, metadata, the summary rendered as Markdown (bold takeaways stand out),
and the abstract. Every outside string is shown as plain Content, never parsed as markup."""

from __future__ import annotations

from datetime import date

from rich.text import Text
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Markdown, Static

from ..sanitize import clean_line, clean_text
from ..store import Paper
from ..weeks import week_bounds


def meta_content(paper: Paper, draft: bool, week_start: int = 0) -> Content:
    """A few dense lines: who, where it stands, what it is, where to find it. Values literal."""
    version = f" v{paper.version}" if paper.version else ""
    status = paper.status or "catalogue"
    if paper.status == "read" and paper.read_at:
        try:
            last = week_bounds(date.fromisoformat(paper.read_at[:10]), week_start)[1]
            status += f" {paper.read_at[:10]} (digest of {last.year}-{last.month}-{last.day})"
        except ValueError:
            pass
    facts = [f"{paper.key}{version}", ", ".join(paper.categories)]
    if paper.published:
        facts.append(f"published {paper.published[:10]}")
    if paper.added_at:
        facts.append(f"added {paper.added_at[:10]}")
    lines: list[Content] = []
    if paper.authors:
        lines.append(Content(clean_line(", ".join(paper.authors))))
    state = [Content.styled(clean_line(status), "bold")]
    if paper.tags:
        state.append(Content("  "))
        state.append(Content.styled(" ".join("#" + clean_line(t) for t in paper.tags), "$text-accent"))
    lines.append(Content.assemble(*state))
    lines.append(Content.styled(clean_line(" · ".join(f for f in facts if f)), "dim"))
    if paper.link:
        lines.append(Content.styled(clean_line(paper.link), "underline dim"))
    if paper.newer_version_available:
        lines.append(Content.styled(
            f"v{paper.latest_version} is out; you read v{paper.read_version}", "bold $warning"))
    if draft:
        lines.append(Content.styled("unsaved summary draft: press e to continue it", "bold $warning"))
    return Content("\n").join(lines)


def publication_content(paper: Paper) -> Content:
    rows = [("journal", paper.journal_ref or ""), ("doi", paper.doi or ""), ("comment", paper.comment or "")]
    parts = [
        Content.assemble((f"{label:<8}", "dim"), Content(clean_line(value))) for label, value in rows if value
    ]
    return Content("\n").join(parts)


# How the detail pane names the field a search matched in.
FIELD_NAMES = {
    "title": "the title", "authors": "the authors", "abstract": "the abstract", "summary": "your summary",
    "tags": "the tags", "fulltext": "the PDF text", "arxiv_id": "the arXiv id",
}


def match_text(match) -> Text:
    """"matched in the PDF text: …snippet…" with the matched words highlighted by spans
    (a rich Text built from plain strings: the snippet is never parsed as markup)."""
    label = f"matched in {FIELD_NAMES.get(match.field, match.field)}"
    others = [FIELD_NAMES.get(f, f).removeprefix("the ") for f in match.fields if f != match.field]
    if others:
        label += f" (also {', '.join(others)})"
    snippet = clean_line(match.snippet)
    text = Text(label + ": ", style="italic")
    body = Text(snippet)
    if len(snippet) == len(match.snippet):  # spans index the snippet as given
        for start, end in match.highlights:
            body.stylize("bold reverse", start, end)
    text.append_text(body)
    return text


def pdf_content(paper: Paper, record, file_present: bool, activity: str | None, keys: dict[str, str]) -> Content:
    """One line on the paper's PDF: none yet, being fetched, indexed, or what went wrong.

    `record` is the store's PdfRecord (or None), `activity` what the download worker is doing
    for this paper right now (None: nothing), `keys` the keys of the fetch / open bindings.
    """
    fetch = keys.get("fetch", "f")
    if activity:
        return Content.styled(f"PDF: {clean_line(activity)}", "bold $text-accent")
    if record is None:
        if paper.arxiv_id is None:
            return Content("")
        return Content.styled(f"PDF: not downloaded ({fetch} downloads it and indexes its text)", "dim")
    version = f" v{record.version}" if record.version else ""
    pages = f", {record.pages} pages" if record.pages else ""
    if not file_present:
        return Content.styled(f"PDF{version}: the file is missing ({fetch} downloads it again)", "$warning")
    wanted = paper.read_version or paper.latest_version
    stale = (
        f"; you have v{wanted}: {fetch} gets it"
        if record.source == "arxiv" and wanted and record.version and record.version != wanted else ""
    )
    where = f"{keys.get('open', 'o')} opens it"
    if record.extract_status == "ok":
        return Content.styled(f"PDF{version}{pages}, text indexed for search · {where}{stale}", "dim")
    if record.extract_status == "damaged":
        return Content.styled(
            f"PDF{version}{pages}, damaged: text partly indexed · {where}{stale}", "$warning")
    if record.extract_status == "pending":
        return Content.styled(f"PDF{version} downloaded, text not read yet ({fetch} reads it){stale}", "$warning")
    reason = clean_line(record.error or "unknown error")
    return Content.styled(f"PDF{version}: its text could not be read ({reason}) · {fetch} tries again", "$warning")


class DetailPane(VerticalScroll):
    """Shows one paper. `show(None)` shows a hint instead."""

    def compose(self):
        yield Static(Content("Nothing selected."), id="detail-title")
        yield Static(Content(""), id="detail-match")
        yield Static(Content(""), id="detail-meta")
        yield Static(Content(""), id="detail-pdf")
        yield Static(Content.styled("Summary", "bold $text-accent"), id="detail-summary-label", classes="section")
        yield Markdown("", id="detail-summary", open_links=False)
        yield Static(Content.styled("Abstract", "bold $text-accent"), classes="section")
        yield Static(Content(""), id="detail-abstract")
        yield Static(Content(""), id="detail-publication")

    paper_key: str | None = None
    _shown: tuple | None = None
    _match_for: tuple | None = None

    def on_mount(self) -> None:
        self.query_one("#detail-match").display = False
        self.query_one("#detail-pdf").display = False

    def show_pdf(self, line: Content) -> None:
        pdf = self.query_one("#detail-pdf", Static)
        pdf.update(line)
        pdf.display = bool(line.plain)

    def show_match(self, match, for_what: tuple | None = None) -> None:
        """The search match of the paper shown (None hides the line)."""
        self._match_for = for_what if match is not None else None
        line = self.query_one("#detail-match", Static)
        if match is None:
            line.display = False
            line.update(Content(""))
            return
        line.update(match_text(match))
        line.display = True

    def show(self, paper: Paper | None, *, draft: bool = False, week_start: int = 0) -> None:
        shown = (paper, draft, week_start)
        if paper is not None and shown == self._shown:
            return  # the same paper, unchanged: keep the scroll position and skip re-rendering
        moved = paper is None or paper.key != self.paper_key
        self._shown = shown if paper is not None else None
        title = self.query_one("#detail-title", Static)
        meta = self.query_one("#detail-meta", Static)
        summary = self.query_one("#detail-summary", Markdown)
        abstract = self.query_one("#detail-abstract", Static)
        if paper is None:
            title.update(Content("No paper selected."))
            meta.update(Content(""))
            summary.update("")
            abstract.update(Content(""))
            self.query_one("#detail-publication", Static).update(Content(""))
            self.show_pdf(Content(""))
            self.show_match(None)
            self.paper_key = None
            return
        self.paper_key = paper.key
        title.update(Content.styled(clean_line(paper.title) or paper.key, "bold"))
        meta.update(meta_content(paper, draft, week_start))
        text = clean_text(paper.summary)
        summary.update(text if text.strip() else "*No summary yet: press e to write one.*")
        abstract.update(Content(clean_text(paper.abstract) or "(no abstract)"))
        self.query_one("#detail-publication", Static).update(publication_content(paper))
        if moved:
            self.scroll_home(animate=False)

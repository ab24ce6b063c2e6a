"""The detail pane: title, metadata, the summary rendered as Markdown (bold takeaways stand out),
and the abstract. Every outside string is shown as plain Content, never parsed as markup."""

from __future__ import annotations

from datetime import date

from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Markdown, Static

from ..sanitize import clean_line, clean_text
from ..store import Paper
from ..weeks import week_bounds


def meta_content(paper: Paper, draft: bool, week_start: int = 0) -> Content:
    """Metadata lines: label in dim, value literal."""
    version = f" v{paper.version}" if paper.version else ""
    rows: list[tuple[str, str, str]] = [("id", f"{paper.key}{version}", "")]
    if paper.newer_version_available:
        rows.append(("update", f"v{paper.latest_version} is out; you read v{paper.read_version}", "$warning"))
    status = paper.status or "catalogue"
    if paper.status == "read" and paper.read_at:
        try:
            last = week_bounds(date.fromisoformat(paper.read_at[:10]), week_start)[1]
            status += f" on {paper.read_at[:10]} (digest week {last.year}-{last.month}-{last.day})"
        except ValueError:
            pass
    rows += [
        ("authors", ", ".join(paper.authors), ""),
        ("status", status, "bold"),
        ("tags", " ".join("#" + t for t in paper.tags), "$accent"),
        ("category", ", ".join(paper.categories), ""),
        ("published", (paper.published or "")[:10], ""),
        ("added", (paper.added_at or "")[:10], ""),
        ("link", paper.link or "", "underline"),
        ("journal", paper.journal_ref or "", ""),
        ("comment", paper.comment or "", ""),
    ]
    if draft:
        rows.append(("draft", "unsaved summary draft — press e to continue", "$warning"))
    parts: list[Content] = []
    for label, value, style in rows:
        value = clean_line(value)
        if not value:
            continue
        line = Content.assemble((f"{label:<10}", "dim"), Content.styled(value, style) if style else Content(value))
        parts.append(line)
    return Content("\n").join(parts)


class DetailPane(VerticalScroll):
    """Shows one paper. `show(None)` shows a hint instead."""

    def compose(self):
        yield Static(Content("Nothing selected."), id="detail-title")
        yield Static(Content(""), id="detail-meta")
        yield Static(Content.styled("Summary", "bold $text-accent"), id="detail-summary-label", classes="section")
        yield Markdown("", id="detail-summary", open_links=False)
        yield Static(Content.styled("Abstract", "bold $text-accent"), classes="section")
        yield Static(Content(""), id="detail-abstract")

    def show(self, paper: Paper | None, *, draft: bool = False, week_start: int = 0) -> None:
        title = self.query_one("#detail-title", Static)
        meta = self.query_one("#detail-meta", Static)
        summary = self.query_one("#detail-summary", Markdown)
        abstract = self.query_one("#detail-abstract", Static)
        if paper is None:
            title.update(Content("No paper selected."))
            meta.update(Content(""))
            summary.update("")
            abstract.update(Content(""))
            self.paper_key = None
            return
        self.paper_key = paper.key
        title.update(Content.styled(clean_line(paper.title) or paper.key, "bold"))
        meta.update(meta_content(paper, draft, week_start))
        text = clean_text(paper.summary)
        summary.update(text if text.strip() else "*No summary yet — press **e** to write one.*")
        abstract.update(Content(clean_text(paper.abstract) or "(no abstract)"))
        self.scroll_home(animate=False)

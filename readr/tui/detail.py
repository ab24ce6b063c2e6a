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


class DetailPane(VerticalScroll):
    """Shows one paper. `show(None)` shows a hint instead."""

    def compose(self):
        yield Static(Content("Nothing selected."), id="detail-title")
        yield Static(Content(""), id="detail-meta")
        yield Static(Content.styled("Summary", "bold $text-accent"), id="detail-summary-label", classes="section")
        yield Markdown("", id="detail-summary", open_links=False)
        yield Static(Content.styled("Abstract", "bold $text-accent"), classes="section")
        yield Static(Content(""), id="detail-abstract")
        yield Static(Content(""), id="detail-publication")

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
            self.query_one("#detail-publication", Static).update(Content(""))
            self.paper_key = None
            return
        self.paper_key = paper.key
        title.update(Content.styled(clean_line(paper.title) or paper.key, "bold"))
        meta.update(meta_content(paper, draft, week_start))
        text = clean_text(paper.summary)
        summary.update(text if text.strip() else "*No summary yet: press e to write one.*")
        abstract.update(Content(clean_text(paper.abstract) or "(no abstract)"))
        self.query_one("#detail-publication", Static).update(publication_content(paper))
        self.scroll_home(animate=False)

"""The detail pane: title, metadata, the summary rendered as Markdown (bold takeaways stand out),
and the abstract. Every outside string is shown as plain Content, never parsed as markup."""

from __future__ import annotations

import re
from datetime import date

from rich.text import Text
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Markdown, Static

from ..sanitize import clean_line, clean_text
from ..store import Paper
from ..weeks import week_bounds
from .keys import key_of

# What the pane renders of one paper is bounded: Textual wraps a Static's whole text at every
# layout (a 10 MB abstract froze the app for 6-26 s) and the Markdown widget builds a widget per
# block and a span per bold word (a summary of 100k bold spans took a minute). The rest is one
# `readr show KEY` away, and the note under a cut field says so.
MAX_FIELD_CHARS = 20_000  # abstract, summary
MAX_LINE_CHARS = 2_000  # title, authors, journal, comment, a search snippet
# Markdown costs per block far more than per character (measured, Textual 8.2.8 on 2 cores: a
# list item ~11 ms, a paragraph or table row ~4-5 ms): a summary is also cut after this many
# "block lines", a list item counting twice. 100 paragraphs or 50 list items render in < 1 s.
MAX_SUMMARY_BLOCKS = 100

_LIST_ITEM = re.compile(r"[ \t]*(?:[-*+]|\d{1,9}[.)])(?:[ \t]|$)", re.MULTILINE)
_NON_BLANK = re.compile(r"\S")


def _block_cut(text: str, limit: int, budget: int) -> int | None:
    """Where to cut Markdown `text` so it has at most `budget` block lines, or None."""
    cost = 0
    pos = 0
    end_of_scan = min(len(text), limit)
    while pos < end_of_scan:
        end = text.find("\n", pos, end_of_scan)
        if end < 0:
            end = end_of_scan
        if _NON_BLANK.search(text, pos, end):
            cost += 2 if _LIST_ITEM.match(text, pos, end) else 1
            if cost > budget:
                return pos
        pos = end + 1
    return None


def excerpt(text: str | None, limit: int = MAX_FIELD_CHARS, max_blocks: int | None = None) -> tuple[str, int]:
    """The start of `text` the pane shows (control characters stripped) and how many characters
    are left out (0: all of it). `max_blocks` bounds Markdown blocks too (see MAX_SUMMARY_BLOCKS).
    A cut falls at a line end or a space near the limit, so it splits no word; the text is sliced
    before it is cleaned, so a huge field costs no more than a small one."""
    if not text:
        return "", 0
    cut = len(text)
    if max_blocks is not None:
        at = _block_cut(text, limit, max_blocks)
        if at is not None:
            cut = at
    if cut > limit:
        start = max(0, limit - 500)
        window = text[start:limit + 1]
        space = max(window.rfind("\n"), window.rfind(" "))
        cut = start + space if space > 0 else limit
    if cut >= len(text):
        return clean_text(text), 0
    head = text[:cut].rstrip()
    return clean_text(head).rstrip(), len(text) - len(head)


def cut_note(omitted: int, key: str) -> str:
    return f"… ({omitted:,} more characters; `readr show {clean_line(key)}` prints all)"


def markdown_literal(text: str) -> str:
    """`text` with Markdown's punctuation escaped, to show as typed inside Markdown ("*" is a key)."""
    return re.sub(r"([\\`*_{}\[\]()#+\-.!|<>~])", r"\\\1", text)


def one_line(text: str | None, limit: int = MAX_LINE_CHARS) -> str:
    """A one-line field, cleaned and at most `limit` characters (an ellipsis marks a cut)."""
    if not text:
        return ""
    line = clean_line(text[:limit * 2])
    if len(line) > limit or len(text) > limit * 2:
        return line[:limit].rstrip() + " …"
    return line


def meta_content(paper: Paper, draft: bool, week_start: int, edit_key: str) -> Content:
    """A few dense lines: who, where it stands, what it is, where to find it. Values literal.
    `edit_key` is the reader's key of the summary editor (a draft's line names it)."""
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
        lines.append(Content(authors_line(paper.authors)))
    state = [Content.styled(clean_line(status), "bold")]
    if paper.tags:
        state.append(Content("  "))
        state.append(Content.styled(one_line(" ".join("#" + t for t in paper.tags)), "$text-accent"))
    lines.append(Content.assemble(*state))
    lines.append(Content.styled(one_line(" · ".join(f for f in facts if f)), "dim"))
    if paper.link:
        lines.append(Content.styled(one_line(paper.link), "underline dim"))
    if paper.newer_version_available:
        lines.append(Content.styled(
            f"v{paper.latest_version} is out; you read v{paper.read_version}", "bold $warning"))
    if draft:
        lines.append(Content.styled(f"unsaved summary draft: press {edit_key} to continue it", "bold $warning"))
    return Content("\n").join(lines)


def authors_line(authors: list[str], limit: int = MAX_LINE_CHARS) -> str:
    """"A, B, C" up to about `limit` characters, then "… and N more" (collaborations sign papers
    with thousands of names)."""
    shown: list[str] = []
    size = 0
    for name in authors:
        name = one_line(name, limit)
        if shown and size + len(name) > limit:
            break
        shown.append(name)
        size += len(name) + 2
    line = ", ".join(shown)
    if len(shown) < len(authors):
        line += f" … and {len(authors) - len(shown):,} more"
    return line


def publication_content(paper: Paper, cite_key: str | None = None) -> Content:
    rows = [
        ("journal", paper.journal_ref or ""), ("doi", paper.doi or ""), ("comment", paper.comment or ""),
        ("cite as", cite_key or ""),
    ]
    parts = [
        Content.assemble((f"{label:<8}", "dim"), Content(one_line(value))) for label, value in rows if value
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
    snippet = clean_line(match.snippet[:MAX_LINE_CHARS * 2])
    text = Text(label + ": ", style="italic")
    body = Text(snippet[:MAX_LINE_CHARS])
    if len(snippet) == len(match.snippet):  # spans index the snippet as given
        for start, end in match.highlights:
            if start < MAX_LINE_CHARS:
                body.stylize("bold reverse", start, min(end, MAX_LINE_CHARS))
    if len(match.snippet) > MAX_LINE_CHARS:
        body.append(" …")
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


def team_content(notes) -> Content:
    """Teammates' notes on the paper (readr sync), each reader's status, date, tags and summary.
    Their files are strangers' input: plain Content, never markup."""
    parts: list[Content] = []
    for note in notes:
        bits = [note.status or "in their notes"]
        if note.read_at:
            bits.append("read " + note.read_at[:10])
        if note.tags:
            bits.append(" ".join("#" + clean_line(tag) for tag in note.tags))
        head = Content.assemble((one_line(note.reader), "bold"), (" · " + " · ".join(bits), "dim"))
        text, omitted = excerpt(note.summary)
        body = Content(text.strip() or "(no summary)")
        if omitted:
            body = Content.assemble(body, (f"\n… {omitted:,} more characters (readr show)", "dim italic"))
        parts += [head, Content("\n"), body, Content("\n\n")]
    return Content.assemble(*parts).rstrip() if parts else Content("")


def conflict_content(other: str, edit_key: str) -> Content:
    """A summary edited on two machines (readr sync): say so, and show the other machine's text."""
    text, omitted = excerpt(other)
    parts = [
        ("Edited on two machines: the other machine's text is below. ", "bold $warning"),
        (f"{edit_key} opens both to merge them.\n", "$warning"),
        (text.strip() or "(empty)", "italic"),
    ]
    if omitted:
        parts.append((f"\n… {omitted:,} more characters (readr show)", "dim italic"))
    return Content.assemble(*parts)


def why_content(scored: tuple[float | None, list[str]], label: str = "for you") -> Content:
    """"for you 0.82 · graph neural · author: A. Name": the reasons are words, names and categories
    of papers from strangers, shown literally. Without a score (arrival order) only the reasons:
    the reader's mute and boost rules that moved the paper."""
    score, why = scored
    reasons = " · ".join(one_line(reason, 200) for reason in why) or "no word of it stands out"
    if score is None:
        return Content(reasons)
    return Content.assemble((f"{one_line(label, 60)} {score:+.2f}", "bold $text-accent"), ("  ", ""), Content(reasons))


class DetailPane(VerticalScroll):
    """Shows one paper. `show(None)` shows a hint instead."""

    def compose(self):
        yield Static(Content("Nothing selected."), id="detail-title")
        yield Static(Content(""), id="detail-match")
        yield Static(Content(""), id="detail-meta")
        yield Static(Content(""), id="detail-pdf")
        yield Static(Content(""), id="detail-why")
        yield Static(Content.styled("Summary", "bold $text-accent"), id="detail-summary-label", classes="section")
        yield Markdown("", id="detail-summary", open_links=False)
        yield Static(Content(""), id="detail-summary-more", classes="cut-note")
        yield Static(Content(""), id="detail-conflict")
        yield Static(Content.styled("Team", "bold $text-accent"), id="detail-team-label", classes="section")
        yield Static(Content(""), id="detail-team")
        yield Static(Content.styled("Abstract", "bold $text-accent"), classes="section")
        yield Static(Content(""), id="detail-abstract")
        yield Static(Content(""), id="detail-publication")

    paper_key: str | None = None
    _shown: tuple | None = None
    _match_for: tuple | None = None

    def on_mount(self) -> None:
        self.query_one("#detail-match").display = False
        self.query_one("#detail-pdf").display = False
        self.query_one("#detail-why").display = False
        self.query_one("#detail-summary-more").display = False
        self.query_one("#detail-conflict").display = False
        self._show_team(())

    def _show_team(self, notes) -> None:
        self.query_one("#detail-team", Static).update(team_content(notes))
        self.query_one("#detail-team").display = bool(notes)
        self.query_one("#detail-team-label").display = bool(notes)

    def show_pdf(self, line: Content) -> None:
        pdf = self.query_one("#detail-pdf", Static)
        pdf.update(line)
        pdf.display = bool(line.plain)

    def show_why(self, scored: tuple[float | None, list[str]] | None, note: str | None = None,
                 label: str = "for you") -> None:
        """Why a ranked paper is where it is: its relevance score and reasons, or the note on why
        the list is not ranked (neither: hidden); a paper the rules moved in an unranked list shows
        both."""
        line = self.query_one("#detail-why", Static)
        if scored is not None and scored[0] is None and note:
            muted_note = Content.styled(clean_line(note), "italic $text-muted")
            line.update(Content.assemble(why_content(scored), ("\n", ""), muted_note))
        elif scored is not None:
            line.update(why_content(scored, label))
        else:
            line.update(Content.styled(clean_line(note or ""), "italic $text-muted"))
        line.display = scored is not None or bool(note)

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

    def show(
        self, paper: Paper | None, *, draft: bool = False, week_start: int = 0, team: tuple = (),
        cite_key: str | None = None, conflict: str | None = None,
    ) -> None:
        """`team`: teammates' notes on the paper (readr.store.team.TeamNote), shown below the summary;
        `cite_key`: its citation key in exports, shown with the journal and DOI; `conflict`: the
        other machine's text of a summary edited on two machines (readr sync)."""
        shown = (paper, draft, week_start, team, cite_key, conflict)
        if paper is not None and shown == self._shown:
            return  # the same paper, unchanged: keep the scroll position and skip re-rendering
        moved = paper is None or paper.key != self.paper_key
        self._shown = shown if paper is not None else None
        title = self.query_one("#detail-title", Static)
        meta = self.query_one("#detail-meta", Static)
        summary = self.query_one("#detail-summary", Markdown)
        abstract = self.query_one("#detail-abstract", Static)
        more = self.query_one("#detail-summary-more", Static)
        if paper is None:
            title.update(Content("No paper selected."))
            meta.update(Content(""))
            summary.update("")
            more.display = False
            abstract.update(Content(""))
            self.query_one("#detail-publication", Static).update(Content(""))
            self.show_pdf(Content(""))
            self.show_match(None)
            self._show_team(())
            self.query_one("#detail-conflict").display = False
            self.show_why(None)
            self.paper_key = None
            return
        self.paper_key = paper.key
        title.update(Content.styled(one_line(paper.title) or paper.key, "bold"))
        edit_key = key_of(self.app, "edit")
        meta.update(meta_content(paper, draft, week_start, edit_key))
        text, omitted = excerpt(paper.summary, MAX_FIELD_CHARS, MAX_SUMMARY_BLOCKS)
        summary.update(text if text.strip() else f"*No summary yet: press {markdown_literal(edit_key)} to write one.*")
        more.update(Content.styled(cut_note(omitted, paper.key), "dim italic") if omitted else Content(""))
        more.display = bool(omitted)
        conflict_line = self.query_one("#detail-conflict", Static)
        conflict_line.update(conflict_content(conflict, edit_key) if conflict is not None else Content(""))
        conflict_line.display = conflict is not None
        self._show_team(team)
        text, omitted = excerpt(paper.abstract)
        body = Content(text or "(no abstract)")
        if omitted:
            body = Content.assemble(body, ("\n" + cut_note(omitted, paper.key), "dim italic"))
        abstract.update(body)
        self.query_one("#detail-publication", Static).update(publication_content(paper, cite_key))
        if moved:
            self.scroll_home(animate=False)

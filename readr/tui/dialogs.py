"""Dialogs: add papers from arXiv, tag with completion, pick a tag view, copy, help."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.screen import ModalScreen
from textual.suggester import Suggester
from textual.widgets import Button, Input, LoadingIndicator, OptionList, SelectionList, Static
from textual.widgets.option_list import Option
from textual.widgets.selection_list import Selection

from ..record import record
from ..errors import ReadrError
from ..query import search_help_lines
from ..sanitize import clean_line
from ..tags import normalize_tag
from .failures import RelayWorkerStates, write_or_notify
from .keys import (
    ADD_BINDINGS, ALL_GROUPS, COPY_BINDINGS, HELP_BINDINGS, TAG_BINDINGS, display_keys, key_of, keys_for, palette_name,
)

if TYPE_CHECKING:
    from ..arxiv_api import PaperRecord
    from ..ingest import Lookup


# --- add papers ---------------------------------------------------------------------------------


@record
class Candidate:
    """One paper offered in the add dialog: an arXiv record, or a web page to add by URL."""

    label: str
    record: PaperRecord | None = None
    url: str | None = None
    exists: bool = False


class AddDialog(RelayWorkerStates, ModalScreen):
    """Add papers: paste ids or URLs (one or more), or type an arXiv query; pick from the results."""

    CSS_PATH = "dialogs.tcss"  # loaded when the screen first opens, not at start-up

    BINDINGS = [*ADD_BINDINGS]

    class Progress(Message):
        def __init__(self, generation: int, done: int, total: int) -> None:
            super().__init__()
            self.generation, self.done, self.total = generation, done, total

    class Found(Message):
        def __init__(self, generation: int, candidates: list[Candidate], lookup: Lookup, preselect: bool,
                     notes: list[str]) -> None:
            super().__init__()
            self.generation, self.candidates, self.lookup = generation, candidates, lookup
            self.preselect, self.notes = preselect, notes

    class Failed(Message):
        def __init__(self, generation: int, error: str) -> None:
            super().__init__()
            self.generation, self.error = generation, error

    def __init__(self, store, client_factory, status: str = "to-read"):
        super().__init__()
        self.store = store
        self.client_factory = client_factory
        self.status = status
        self.candidates: list[Candidate] = []
        self.lookup: Lookup | None = None  # what the last Enter found
        self.generation = 0

    def compose(self) -> ComposeResult:
        with Vertical(id="add-box", classes="dialog"):
            yield Static(Content.styled("Add papers", "bold"), classes="dialog-title")
            yield Input(placeholder="arXiv ids or URLs (several at once), or an arXiv query", id="add-input")
            yield Static(
                Content(f"Enter fetches. Space picks, {key_of(self.app, 'add-confirm')} adds the picked papers "
                        f"to To read, {key_of(self.app, 'add-cancel', capitalized=True)} closes."),
                id="add-hint", classes="dim",
            )
            loading = LoadingIndicator(id="add-loading")
            loading.display = False
            yield loading
            results = SelectionList[int](id="add-results")
            results.display = False
            yield results
            yield Static(Content(""), id="add-preview", classes="dim")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Add selected", id="add-button", variant="primary", disabled=True)
                yield Button("Cancel", id="add-cancel-button")

    def on_mount(self) -> None:
        self.set_focus(self.query_one("#add-input", Input))

    @on(Input.Submitted, "#add-input")
    def fetch(self, event: Input.Submitted) -> None:
        text = event.value.strip()
        if not text:
            return
        self.generation += 1
        self.query_one("#add-loading").display = True
        self._hint(f"Asking arXiv about {text!r}…")
        self.query_one("#add-button", Button).disabled = True
        self._lookup(self.generation, text)

    def _hint(self, message: str) -> None:
        self.query_one("#add-hint", Static).update(Content(clean_line(message)))

    @work(thread=True, exclusive=True, group="add", exit_on_error=False)
    def _lookup(self, generation: int, text: str) -> None:
        """A line of ids and URLs is looked up token by token (the core's lookup, as `readr add`
        does); a line of words is an arXiv search."""
        from ..ingest import Lookup, is_search_query, look_up_references, pasted_tokens, read_references

        try:
            client = self.client_factory()
            if is_search_query(text):
                records = client.search(text, max_results=25)
                lookup, preselect = Lookup(records=records), False
                notes = [] if records else ["arXiv found nothing for this query"]
            else:
                def progress(done: int, total: int) -> None:
                    self.post_message(self.Progress(generation, done, total))

                lookup = look_up_references(client, pasted_tokens(text), on_progress=progress)
                preselect, notes = True, lookup.problems()
                if lookup.invalid:
                    notes.append("(a line of words alone searches arXiv)")
        except ReadrError as exc:
            # arXiv failed, but what is no id or URL is known without it: say that too.
            invalid = [] if is_search_query(text) else read_references(pasted_tokens(text))[1]
            self.post_message(self.Failed(generation, "; ".join([str(exc), *invalid])))
            return
        except Exception as exc:  # a worker must never take the app down
            self.post_message(self.Failed(generation, f"{exc.__class__.__name__}: {exc}"))
            return
        candidates = [Candidate(self._label(r), record=r) for r in lookup.records]
        candidates += [Candidate(f"web page  {url}", url=url) for url in lookup.urls]
        self.post_message(self.Found(generation, candidates, lookup, preselect, notes))

    @staticmethod
    def _label(record) -> str:
        authors = list(getattr(record, "authors", []) or [])
        who = authors[0] + (" et al." if len(authors) > 1 else "") if authors else ""
        year = (getattr(record, "published", None) or "")[:4]
        return clean_line(f"{record.arxiv_id}  {record.title}  — {who} {year}")

    def on_add_dialog_progress(self, message: Progress) -> None:
        if message.generation == self.generation:
            self._hint(f"Fetching… {message.done}/{message.total}")

    def on_add_dialog_failed(self, message: Failed) -> None:
        if message.generation != self.generation:
            return
        self.query_one("#add-loading").display = False
        self._hint(f"Failed: {message.error}")
        self.app.notify(clean_line(message.error), title="arXiv", severity="error")

    def on_add_dialog_found(self, message: Found) -> None:
        if message.generation != self.generation:
            return
        self.query_one("#add-loading").display = False
        self.candidates = message.candidates
        results = self.query_one("#add-results", SelectionList)
        results.clear_options()
        by_id = {}
        for n, cand in enumerate(self.candidates):
            if cand.record is not None:
                by_id[cand.record.arxiv_id] = n
        existing: set[str] = set()
        if by_id:
            for arxiv_id in by_id:
                found = self.store.find(arxiv_id)
                if found is not None and found.status is not None:
                    existing.add(arxiv_id)
        self.lookup = message.lookup
        for n, cand in enumerate(self.candidates):
            label = cand.label
            if cand.record is not None and cand.record.arxiv_id in existing:
                cand.exists = True
                label += "  (in library)"
            results.add_option(Selection(Content(label), n, initial_state=message.preselect and not cand.exists))
        results.display = bool(self.candidates)
        count = len(self.candidates)
        note = ("; " + "; ".join(message.notes)) if message.notes else ""
        self._hint(f"{count} found{note}. Space picks, {key_of(self.app, 'add-confirm')} adds.")
        if message.notes and not self.candidates:
            self.app.notify("\n".join(message.notes), title="Nothing to add", severity="warning")
        self.query_one("#add-button", Button).disabled = not self.candidates
        if self.candidates:
            results.highlighted = 0
            self.set_focus(results)

    @on(SelectionList.SelectionHighlighted, "#add-results")
    def _preview(self, event: SelectionList.SelectionHighlighted) -> None:
        """The abstract of the highlighted result, to decide without leaving the dialog."""
        index = event.selection.value
        text = ""
        if 0 <= index < len(self.candidates):
            record = self.candidates[index].record
            if record is not None:
                text = clean_line(getattr(record, "abstract", "") or "")
        if len(text) > 400:
            text = text[:399] + "…"
        self.query_one("#add-preview", Static).update(Content(text))

    @on(Button.Pressed, "#add-button")
    def action_add(self) -> None:
        picked = [self.candidates[i] for i in self.query_one("#add-results", SelectionList).selected]
        if not picked:
            self.app.notify("Pick papers with space first.", severity="warning")
            return
        from ..ingest import add_looked_up

        assert self.lookup is not None  # candidates come with the lookup that found them
        picks = self.lookup.only([c.record for c in picked if c.record is not None],
                                 [c.url for c in picked if c.url is not None])
        with write_or_notify(self.app, "Not added", "The picks stay here to try again.") as attempt:
            report = add_looked_up(self.store, picks, status=self.status)
        if not attempt.failed:
            self.dismiss(report)

    @on(Button.Pressed, "#add-cancel-button")
    def action_cancel(self) -> None:
        self.workers.cancel_group(self, "add")
        self.dismiss(None)


# --- tags -----------------------------------------------------------------------------------------


def split_tag_input(text: str) -> tuple[list[str], list[str]]:
    """'a, #b, -c' -> (["a", "b"], ["c"]): tags to add and tags to remove, in the normal form
    of readr.tags (ReadrError for a tag that has none)."""
    add, remove = [], []
    for part in text.split(","):
        name = part.strip()
        if not name:
            continue
        if name.startswith("-") and len(name) > 1:
            remove.append(normalize_tag(name[1:]))
        else:
            add.append(normalize_tag(name))
    return add, remove


class TagSuggester(Suggester):
    """Completes the tag being typed (the text after the last comma) from the library's tags."""

    def __init__(self, tags: list[str]):
        super().__init__(use_cache=False, case_sensitive=True)
        self.tags = tags

    async def get_suggestion(self, value: str) -> str | None:
        return complete_tag(value, self.tags)


def complete_tag(value: str, tags: list[str]) -> str | None:
    head, _, last = value.rpartition(",")
    stem = last.lstrip()
    if stem.startswith("-"):
        stem = stem[1:]
    stem = stem.lstrip("#")
    if not stem:
        return None
    for tag in tags:
        if tag.lower().startswith(stem.lower()) and len(tag) > len(stem):
            return value + tag[len(stem):]
    return None


class TagDialog(ModalScreen):
    """Tag the selected papers: comma-separated tags, `-tag` removes one; tab completes."""

    CSS_PATH = "dialogs.tcss"  # loaded when the screen first opens, not at start-up

    BINDINGS = [*TAG_BINDINGS]

    def __init__(self, tags: list[str], targets: int, current: list[str]):
        super().__init__()
        self.tags = tags
        self.targets = targets
        self.current = current

    def compose(self) -> ComposeResult:
        noun = "paper" if self.targets == 1 else f"{self.targets} papers"
        with Vertical(id="tag-box", classes="dialog"):
            yield Static(Content.styled(f"Tag {noun}", "bold"), classes="dialog-title")
            if self.current:
                yield Static(Content("Now: " + " ".join("#" + t for t in self.current)), classes="dim")
            yield Input(placeholder="tag, another tag, -remove-this", id="tag-input", suggester=TagSuggester(self.tags))
            yield Static(Content(""), id="tag-matches", classes="dim")
            complete = key_of(self.app, "tag-complete", capitalized=True)
            cancel = key_of(self.app, "tag-cancel", capitalized=True)
            yield Static(Content(f"{complete} completes, Enter applies, {cancel} cancels."), classes="dim")

    def on_mount(self) -> None:
        self.set_focus(self.query_one("#tag-input", Input))
        self._show_matches("")

    def _show_matches(self, value: str) -> None:
        stem = value.rpartition(",")[2].strip().lstrip("-#").lower()
        matches = [t for t in self.tags if stem in t.lower()][:12]
        text = ("Existing: " + "  ".join("#" + t for t in matches)) if matches else "New tag."
        if not self.tags:
            text = "No tags yet: type a new one."
        self.query_one("#tag-matches", Static).update(Content(clean_line(text)))

    @on(Input.Changed, "#tag-input")
    def _changed(self, event: Input.Changed) -> None:
        self._show_matches(event.value)

    def action_complete(self) -> None:
        field = self.query_one("#tag-input", Input)
        completed = complete_tag(field.value, self.tags)
        if completed:
            field.value = completed
            field.cursor_position = len(completed)

    @on(Input.Submitted, "#tag-input")
    def _submit(self, event: Input.Submitted) -> None:
        try:
            add, remove = split_tag_input(event.value)
        except ReadrError as exc:
            self.query_one("#tag-matches", Static).update(Content(clean_line(str(exc))))
            return
        if not add and not remove:
            self.dismiss(None)
            return
        self.dismiss((add, remove))

    def action_cancel(self) -> None:
        self.dismiss(None)


class TagViewPicker(ModalScreen):
    """Pick a tag to show its view."""

    CSS_PATH = "dialogs.tcss"  # loaded when the screen first opens, not at start-up

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="tag-view-cancel")]

    def __init__(self, tags: list[tuple[str, int]]):
        super().__init__()
        self.tags = tags

    def compose(self) -> ComposeResult:
        with Vertical(id="tag-view-box", classes="dialog"):
            yield Static(Content.styled("Show the papers with tag…", "bold"), classes="dialog-title")
            if self.tags:
                yield OptionList(
                    *[Option(Content(f"#{name}  ({count})"), id=f"t{n}") for n, (name, count) in enumerate(self.tags)],
                    id="tag-view-list",
                )
            else:
                yield Static(Content(f"No tags yet. Tag a paper with {key_of(self.app, 'tag')} first."))

    @on(OptionList.OptionSelected)
    def _picked(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.tags[event.option_index][0])

    def action_cancel(self) -> None:
        self.dismiss(None)


def copy_kind(binding: Binding) -> str:
    """The thing a copy binding copies: "key" for `pick('key')`."""
    return str(binding.action).split("'")[1]


class CopyChooser(ModalScreen):
    """Choose what of the paper to copy: its citation key, BibTeX entry, link or digest line.
    Dismissed with the kind (readr.bibtex.COPY_KINDS) or None."""

    CSS_PATH = "dialogs.tcss"

    BINDINGS = [*COPY_BINDINGS]

    def __init__(self, previews: dict[str, str]):
        super().__init__()
        self.previews = previews  # kind -> a short preview ("" for none)

    def compose(self) -> ComposeResult:
        options = []
        for binding in COPY_BINDINGS:
            if binding.id == "copy-cancel":
                continue
            kind = copy_kind(binding)
            label = Content.assemble(
                (f"{key_of(self.app, binding.id or ''):<3}", "bold"), f"{binding.description:<14}",
                (clean_line(self.previews.get(kind, ""))[:70], "dim"),
            )
            options.append(Option(label, id=kind))
        with Vertical(id="copy-box", classes="dialog"):
            yield Static(Content.styled("Copy to the clipboard", "bold"), classes="dialog-title")
            yield OptionList(*options, id="copy-list")
            yield Static(
                Content(f"{key_of(self.app, 'copy-cancel', capitalized=True)} closes without copying."), classes="dim"
            )

    @on(OptionList.OptionSelected)
    def _picked(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_pick(self, kind: str) -> None:
        self.dismiss(kind)

    def action_cancel(self) -> None:
        self.dismiss(None)


class RelatedDialog(ModalScreen):
    """More like this: the papers of the whole library (the catalogue too) most like one paper,
    found in a thread worker. Enter goes to the picked paper; the dialog returns its id."""

    CSS_PATH = "dialogs.tcss"

    BINDINGS = [Binding("escape,R", "cancel", "Close", id="related-close")]

    class Found(Message, bubble=False):
        def __init__(self, related: list | None, error: str | None = None) -> None:
            super().__init__()
            self.related = related
            self.error = error

    def __init__(self, store, key: str, title: str, limit: int = 20):
        super().__init__()
        self.store = store
        self.key = key
        self.title = title
        self.limit = limit
        self.related: list = []

    def compose(self) -> ComposeResult:
        with Vertical(id="related-box", classes="dialog"):
            yield Static(
                Content.assemble(("More like ", "bold"), (clean_line(self.title) or self.key, "bold $text-accent")),
                classes="dialog-title",
            )
            yield Static(Content("Looking through the library…"), id="related-note")

    def on_mount(self) -> None:
        self._find()

    @work(thread=True, exclusive=True, group="related", exit_on_error=False)
    def _find(self) -> None:
        from ..ranking import related

        try:
            found = related(self.store, self.key, limit=self.limit)
        except Exception as exc:  # shown in the dialog: a failed search must not take the TUI down
            self.post_message(self.Found(None, f"{type(exc).__name__}: {exc}"))
            return
        finally:
            self.store.release_thread_connection()
        self.post_message(self.Found(found))

    async def on_related_dialog_found(self, message: Found) -> None:
        note = self.query_one("#related-note", Static)
        if message.related is None:
            note.update(Content.styled(f"Could not look: {clean_line(message.error or '')}", "$error"))
            return
        self.related = message.related
        if not self.related:
            note.update(Content("No paper in the library shares enough of its words."))
            return
        note.update(Content.styled("enter goes to the paper · esc closes", "dim"))
        options = OptionList(*[
            Option(Content.assemble(
                (f"{score:6.2f}  ", "$text-accent"), Content(clean_line(paper.title) or paper.key),
                (f"  {clean_line(', '.join(paper.authors[:2]))} · {paper.key} · {paper.status or 'catalogue'}", "dim"),
            ), id=f"r{n}")
            for n, (paper, score) in enumerate(self.related)
        ], id="related-list")
        await self.query_one("#related-box").mount(options)
        options.highlighted = 0
        options.focus()

    @on(OptionList.OptionSelected, "#related-list")
    def _picked(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.related[event.option_index][0].id)

    def action_cancel(self) -> None:
        self.dismiss(None)


# --- help -----------------------------------------------------------------------------------------


def help_sections(keymap: dict[str, str]) -> list:
    """The help page, one part per widget: every binding in three columns (keys, what it does,
    id) as wide as the dialog, so long descriptions wrap in their column instead of being cut
    and long keys never run into them."""
    from rich.table import Table
    from rich.text import Text

    groups = [
        (title, [(display_keys(keys_for(b, keymap)), palette_name(b), b.id or "")
                 for b in bindings])
        for title, bindings in ALL_GROUPS
    ]
    key_width = min(max(len(keys) for _, rows in groups for keys, _, _ in rows), 24)
    id_width = max(len(binding_id) for _, rows in groups for _, _, binding_id in rows)
    parts: list = [
        Content.styled("readr keys", "bold"),
        Content('Every binding has an id; remap it in config.toml under [keymap], e.g. "mark-read" = "x".\n'),
    ]
    for title, rows in groups:
        parts.append(Content.styled(title, "bold $text-accent"))
        table = Table(box=None, show_header=False, expand=True, padding=(0, 1), pad_edge=False)
        table.add_column(width=key_width + 2, style="bold", overflow="fold")  # 2: the indent
        table.add_column(ratio=1, overflow="fold")
        table.add_column(width=id_width, style="dim", no_wrap=True)
        for keys, what, binding_id in rows:
            # Text, not markup: remapped keys come from the user's config file.
            table.add_row(Text("  " + keys), Text(what), Text(binding_id))
        parts.append(table)
    parts.append(Content.styled("Search", "bold $text-accent"))
    parts.append(Content("\n".join(["  " + line for line in search_help_lines()]
                                    + ["  ctrl+p opens the command palette: every action by name."])))
    return parts


class HelpScreen(ModalScreen):
    CSS_PATH = "dialogs.tcss"  # loaded when the screen first opens, not at start-up
    BINDINGS = [*HELP_BINDINGS]

    def __init__(self, keymap: dict[str, str]):
        super().__init__()
        self.keymap = keymap

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-box", classes="dialog"):
            for part in help_sections(self.keymap):
                yield Static(part, classes="help-part" if isinstance(part, Content) else "help-part help-table")

    def action_close(self) -> None:
        self.dismiss(None)

    # immediate: a deferred scroll reads the old offset, and keys faster than a repaint were lost.
    def action_scroll_down(self) -> None:
        self.query_one("#help-box").scroll_down(animate=False, immediate=True)

    def action_scroll_up(self) -> None:
        self.query_one("#help-box").scroll_up(animate=False, immediate=True)

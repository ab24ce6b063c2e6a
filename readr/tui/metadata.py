"""The details dialog (m): fix a paper's title, authors and year (a title cut off in a PDF, say).

The text in the fields is the stored text, shown as text: Input values are never markup.
"""

from __future__ import annotations

from typing import Callable

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from ..sanitize import clean_line
from .keys import METADATA_BINDINGS, key_of

AUTHOR_SEPARATOR = ";"  # not a comma: "Smith, J." is one author


def split_authors(text: str) -> list[str]:
    return [name for name in (clean_line(part) for part in text.split(AUTHOR_SEPARATOR)) if name]


def metadata_changes(paper, title: str, authors: str, year: str) -> dict:
    """The fields the reader changed, as `Store.edit_metadata` takes them; ValueError for a year
    that is not a number (the store checks its range)."""
    changes: dict = {}
    if clean_line(title) != paper.title:
        changes["title"] = title
    names = split_authors(authors)
    if names != list(paper.authors):
        changes["authors"] = names
    year = year.strip()
    if year != (paper.published or "")[:4]:
        if not year.isdigit():
            raise ValueError(f"the year must be a number such as 2021, not {year!r}" if year else
                             "a year cannot be removed, only changed")
        changes["year"] = int(year)
    return changes


class MetadataDialog(ModalScreen):
    """Title, authors and year of one paper. Enter saves (through `save`, which returns whether
    the library took it: a refused write keeps the dialog open), Esc cancels."""

    CSS_PATH = "dialogs.tcss"  # loaded when the screen first opens, not at start-up
    DEFAULT_CSS = """
    MetadataDialog { align: center middle; }
    MetadataDialog Label { margin-top: 1; }
    """
    BINDINGS = [*METADATA_BINDINGS]

    def __init__(self, paper, save: Callable[[dict], bool]):
        super().__init__()
        self.paper = paper
        self.save = save

    def compose(self) -> ComposeResult:
        with Vertical(id="metadata-box", classes="dialog"):
            yield Static(Content.assemble(("Details of ", "bold"), (self.paper.key, "bold")), classes="dialog-title")
            yield Label(Content("Title"))
            yield Input(self.paper.title, id="metadata-title")
            yield Label(Content(f"Authors (separated by {AUTHOR_SEPARATOR})"))
            yield Input(f"{AUTHOR_SEPARATOR} ".join(self.paper.authors), id="metadata-authors")
            yield Label(Content("Year"))
            yield Input((self.paper.published or "")[:4], id="metadata-year", max_length=4)
            cancel = key_of(self.app, "metadata-cancel", capitalized=True)
            undo = key_of(self.app, "undo", capitalized=True)
            yield Static(Content(f"Tab moves, Enter saves, {cancel} cancels. {undo} in the list undoes."),
                         id="metadata-hint", classes="dim")

    def on_mount(self) -> None:
        title = self.query_one("#metadata-title", Input)
        self.set_focus(title)
        title.cursor_position = len(title.value)

    def _value(self, name: str) -> str:
        return self.query_one(f"#metadata-{name}", Input).value

    @on(Input.Submitted)
    def _submit(self, event: Input.Submitted) -> None:
        try:
            changes = metadata_changes(self.paper, self._value("title"), self._value("authors"), self._value("year"))
        except ValueError as exc:
            self.query_one("#metadata-hint", Static).update(Content(clean_line(str(exc))))
            self.set_focus(self.query_one("#metadata-year", Input))
            return
        if not changes:
            self.dismiss(False)
        elif self.save(changes):
            self.dismiss(True)

    def action_cancel(self) -> None:
        self.dismiss(False)

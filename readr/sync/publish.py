"""`readr sync --publish`: the team's monthly digest pages and a GitBook `SUMMARY.md`, kept in
the shared repository beside the notes.

`digest/YYYY-MM.md` is the team digest of a month (the page `readr export --month --team`
renders, digest-format.md), `SUMMARY.md` GitBook's table of contents listing them, newest first.
They are rendered from the notes the round has just merged, the same whoever renders them (weeks
start on Monday, summaries in reading order whoever wrote them, no reader's own link styles), and
written on top of the remote's branch like the reader's notes: pages never conflict, and a round
with nothing new leaves them as they are.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path
from typing import Callable

from ..digest.export import render_month
from ..errors import ReadrError
from ..store import Store
from ..weeks import as_date, week_label
from .notes import READERS_DIR, BadNote, file_name, read_file, title_in, valid_reader_name

DIGEST_DIR = "digest"
SUMMARY_FILE = "SUMMARY.md"
PUBLISHED_WEEK_START = 0  # Monday, as digest-format.md's weeks
MONTH_PAGE = re.compile(r"^\d{4}-\d{2}\.md$")


def _months(store: Store) -> list[tuple[int, int]]:
    months: set[tuple[int, int]] = set()
    for day in store.team_read_days():
        try:
            label = week_label(as_date(day), PUBLISHED_WEEK_START)
        except (ReadrError, ValueError, OverflowError):
            continue  # a teammate's read date that is no date
        months.add((label.year, label.month))
    return sorted(months)


def summary_page(months: list[tuple[int, int]]) -> str:
    lines = ["# Summary", "", "## Reading digest", ""]
    lines += [f"* [{year}-{month}]({DIGEST_DIR}/{year:04d}-{month:02d}.md)" for year, month in reversed(months)]
    return "\n".join(lines) + "\n"


def _note_titles(repo: Path) -> Callable[[str, str], str | None]:
    """title_of(reader, key): the title in that reader's note in the clone (None: no readable
    note), so that every reader's round names a paper alike."""
    def title_of(reader: str, key: str) -> str | None:
        if not valid_reader_name(reader):
            return None
        try:
            return title_in(read_file(repo / READERS_DIR / reader / file_name(key)))
        except BadNote:
            return None

    return title_of


def pages(store: Store, reader: str, repo: Path | None = None) -> dict[str, str]:
    """Every published file's path in the repository and its text; `repo`, the clone whose
    notes name the papers (without it, the library's titles)."""
    out: dict[str, str] = {}
    shown: list[tuple[int, int]] = []
    title_of = _note_titles(repo) if repo is not None else None
    for year, month in _months(store):
        text, _ = render_month(store, year, month, week_start=PUBLISHED_WEEK_START, team=True, published=True,
                               reader=reader, title_of=title_of)
        if text:
            out[f"{DIGEST_DIR}/{year:04d}-{month:02d}.md"] = text
            shown.append((year, month))
    out[SUMMARY_FILE] = summary_page(shown)
    return out


def _make_folder(path: Path) -> None:
    if os.path.lexists(path) and (path.is_symlink() or not path.is_dir()):
        os.unlink(path)
    path.mkdir(exist_ok=True)


def write_pages(store: Store, repo: Path, reader: str) -> None:
    """Write the pages into the clone (only those whose text changed) and remove month pages
    of months that no longer have any; other files in digest/ are left alone."""
    wanted = pages(store, reader, repo)
    folder = repo / DIGEST_DIR
    _make_folder(folder)
    for entry in os.scandir(folder):
        if MONTH_PAGE.match(entry.name) and f"{DIGEST_DIR}/{entry.name}" not in wanted:
            if entry.is_dir(follow_symlinks=False):
                shutil.rmtree(entry.path)
            else:
                os.unlink(entry.path)
    for name, text in wanted.items():
        path = repo / name
        data = text.encode("utf-8")
        if os.path.lexists(path) and (path.is_symlink() or not path.is_file()):
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path)
            else:
                os.unlink(path)
        elif path.exists() and path.read_bytes() == data:
            continue
        path.write_bytes(data)

"""The feeds a reader follows (`readr follow`), shared between their own machines: one file per
reader, `follows/<reader>.md`, a Markdown list of `kind value` lines:

    # Feeds alice follows (readr follow; readr fetch pulls them)

    - category cs.LG
    - author Yann LeCun
    - query ti:diffusion

Only the reader's own file is ever read: a teammate's follows are theirs. Two machines merge
like a set, three-way against the follows the last sync shared (kept in the library): a follow
added on either machine is kept, one removed on either is removed.
"""

from __future__ import annotations

from typing import Iterable

from ..errors import ReadrError
from ..ingest import normalize_follow
from ..sanitize import clean_line
from .notes import MAX_NOTE_BYTES, BadNote

FOLLOWS_DIR = "follows"
Follow = tuple[str, str]


def file_path(reader: str) -> str:
    return f"{FOLLOWS_DIR}/{reader}.md"


def render(reader: str, follows: Iterable[Follow]) -> str:
    lines = [f"# Feeds {reader} follows (readr follow; readr fetch pulls them)", ""]
    lines += [f"- {kind} {value}" for kind, value in sorted(follows)]
    return "\n".join(lines) + "\n"


def parse(data: bytes) -> tuple[set[Follow], list[str]]:
    """The follows in a file, and one line per list item that is not a follow."""
    if len(data) > MAX_NOTE_BYTES:
        raise BadNote(f"larger than {MAX_NOTE_BYTES // 1_000_000} MB")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise BadNote("not UTF-8") from None
    follows: set[Follow] = set()
    bad: list[str] = []
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped.startswith(("- ", "* ")):
            continue  # the heading, blank lines, prose
        kind, _, value = stripped[2:].strip().partition(" ")
        try:
            follows.add(normalize_follow(kind, clean_line(value)))
        except ReadrError as exc:
            bad.append(f"line {number}: {exc}")
    return follows, bad


def merge(base: set[Follow] | None, ours: set[Follow], theirs: set[Follow]) -> set[Follow]:
    """Three-way, as sets: kept when both have it or either added it since `base`."""
    if base is None:
        return ours | theirs
    return (ours & theirs) | (ours - base) | (theirs - base)

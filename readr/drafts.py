"""Summary drafts on disk: what the TUI's editor autosaves every second (so a killed terminal
loses at most the last second of typing) and the file $EDITOR edits (readr.summaries). One file
per paper under `<library>.files/drafts/`, written atomically (readr.files), removed once the
summary is saved to the library.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Protocol
from urllib.parse import quote, unquote

from .files import atomic_write_text

# File names are bounded: most file systems refuse names over 255 bytes, and the atomic write's
# temporary name adds about 25 bytes. A key whose quoted name is longer gets a readable prefix
# plus a hash, and a ".key" file beside the draft remembers the whole key. quote() escapes "=",
# so only such names contain one; every other key keeps the name it always had.
MAX_NAME_BYTES = 200
PREFIX_CHARS = 100
HASHED = "="


class HasDataDir(Protocol):
    @property
    def data_dir(self) -> Path: ...


class Drafts:
    def __init__(self, folder: Path):
        self.folder = Path(folder)

    @classmethod
    def of_library(cls, store: HasDataDir) -> Drafts:
        """The drafts of the library `store` opens (its `data_dir`/drafts)."""
        return cls(Path(store.data_dir) / "drafts")

    def path_for(self, key: str) -> Path:
        return self.folder / draft_name(key)

    def save(self, key: str, text: str) -> Path:
        self.folder.mkdir(parents=True, exist_ok=True)
        target = self.path_for(key)
        if HASHED in target.name:
            side = target.with_suffix(".key")
            if _read(side) != key:
                atomic_write_text(side, key)
        atomic_write_text(target, text)
        return target

    def load(self, key: str) -> str | None:
        return _read(self.path_for(key))

    def discard(self, key: str) -> None:
        path = self.path_for(key)
        for target in (path, path.with_suffix(".key")) if HASHED in path.name else (path,):
            try:
                target.unlink()
            except FileNotFoundError:
                pass

    def keys(self) -> list[str]:
        """Papers that have an unsaved draft."""
        if not self.folder.is_dir():
            return []
        found = []
        for path in self.folder.glob("*.md"):
            if HASHED not in path.name:
                found.append(unquote(path.name[:-3]))
                continue
            key = _read(path.with_suffix(".key"))
            if key is not None and draft_name(key) == path.name:
                found.append(key)
        return sorted(found)


def draft_name(key: str) -> str:
    """The draft's file name: the quoted key (old-style arXiv keys contain "/", hep-ex/0406020),
    or for a long key its first characters and a hash of all of it, at most MAX_NAME_BYTES."""
    quoted = quote(key, safe="")  # ASCII only: one byte per character
    if len(quoted) + 3 <= MAX_NAME_BYTES:
        return quoted + ".md"
    prefix = quoted[:PREFIX_CHARS]
    escape = prefix.find("%", len(prefix) - 2)
    if escape >= 0:  # never end in the middle of a %XX escape
        prefix = prefix[:escape]
    digest = hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()[:32]
    return f"{prefix}{HASHED}{digest}.md"


def _read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None

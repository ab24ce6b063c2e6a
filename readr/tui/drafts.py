"""Summary drafts on disk: what the editor autosaves every second, so a killed terminal loses at
most the last second of typing. One file per paper under `<library>.files/drafts/`, written
atomically (temporary file, fsync, rename), removed once the summary is saved to the library.

Headless: no Textual here.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import quote, unquote


class Drafts:
    def __init__(self, folder: Path):
        self.folder = Path(folder)

    def path_for(self, key: str) -> Path:
        # Old-style arXiv keys contain "/" (hep-ex/0406020): quote everything that is not safe.
        return self.folder / (quote(key, safe="") + ".md")

    def save(self, key: str, text: str) -> Path:
        self.folder.mkdir(parents=True, exist_ok=True)
        target = self.path_for(key)
        tmp = target.with_name(target.name + ".tmp")
        with open(tmp, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
        return target

    def load(self, key: str) -> str | None:
        try:
            return self.path_for(key).read_text(encoding="utf-8")
        except FileNotFoundError:
            return None
        except (OSError, UnicodeDecodeError):
            return None

    def discard(self, key: str) -> None:
        try:
            self.path_for(key).unlink()
        except FileNotFoundError:
            pass

    def keys(self) -> list[str]:
        """Papers that have an unsaved draft."""
        if not self.folder.is_dir():
            return []
        return sorted(unquote(p.name[:-3]) for p in self.folder.glob("*.md"))

"""User settings from a TOML file under the platform's config directory (see readr.paths).

Example ~/.config/readr/config.toml:

    week_start = "monday"          # the day a reading week starts on
    theme = "textual-dark"         # or "textual-light", any Textual theme
    front_matter = "description: Notes on what we read\\nlayout: editorial"

    [keymap]                       # binding id = keys (see `?` in the app)
    "mark-read" = "x"
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from .errors import ReadrError
from .paths import config_path
from .weeks import week_start_index

DEFAULT_FRONT_MATTER = "description: Notes on what we read\nlayout: editorial"


@dataclass(frozen=True)
class Config:
    week_start: int = 0
    """Index of the first day of a reading week: 0 = Monday ... 6 = Sunday."""
    theme: str = "textual-dark"
    """Textual theme name for the TUI."""
    front_matter: str = DEFAULT_FRONT_MATTER
    """Lines between the `---` fences that `readr export --front-matter` writes."""
    keymap: dict[str, str] = field(default_factory=dict)
    """Binding id -> comma-separated keys, to remap the TUI's keys."""
    autosave_seconds: float = 1.0
    """How often the summary editor saves a draft while you type."""


def _parse(data: dict, source: Path) -> Config:
    try:
        keymap = {str(k): str(v) for k, v in dict(data.get("keymap", {})).items()}
        return Config(
            week_start=week_start_index(data.get("week_start", 0)),
            theme=str(data.get("theme", "textual-dark")),
            front_matter=str(data.get("front_matter", DEFAULT_FRONT_MATTER)).strip("\n"),
            keymap=keymap,
            autosave_seconds=float(data.get("autosave_seconds", 1.0)),
        )
    except (TypeError, ValueError) as exc:
        raise ReadrError(f"bad setting in {source}: {exc}") from None


@lru_cache(maxsize=8)
def _load(path: Path, mtime: float) -> Config:
    import tomllib  # only when there is a file: ~5 ms of start-up otherwise

    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ReadrError(f"cannot read {path}: {exc}") from None
    return _parse(data, path)


def load_config(path: Path | None = None) -> Config:
    path = path or config_path()
    try:
        mtime = path.stat().st_mtime
    except OSError:
        return Config()
    return _load(path, mtime)

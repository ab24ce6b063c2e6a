"""User settings from a TOML file under the platform's config directory (see readr.paths).

Example ~/.config/readr/config.toml:

    week_start = "monday"          # the day a reading week starts on
    theme = "textual-dark"         # or "textual-light", any Textual theme
    front_matter = "description: Notes on what we read\\nlayout: editorial"

    [keymap]                       # binding id = keys (see `?` in the app)
    "mark-read" = "x"
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from .errors import ReadrError
from .files import atomic_write_text
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


def _toml_string(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def save_setting(name: str, value: str, path: Path | None = None) -> Path:
    """Set one top-level string setting (e.g. `theme`) in the config file, keeping every other
    line as the user wrote it (comments too): its line is edited in place, or added before the
    first [table] (a key after one would belong to that table), or the file is created. tomllib
    cannot write, so the new text is parsed back before it is written: unless it holds exactly
    the old settings plus this one, the file is left alone."""
    import tomllib

    path = path or config_path()
    line = f"{name} = {_toml_string(value)}"
    try:
        old = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        old = None
    except (OSError, UnicodeDecodeError) as exc:
        raise ReadrError(f"cannot read {path}: {exc}") from None
    if old is None:
        candidates = [line + "\n"]
        before: dict = {}
    else:
        try:
            before = tomllib.loads(old)
        except tomllib.TOMLDecodeError as exc:
            raise ReadrError(f"cannot read {path}: {exc}") from None
        candidates = _with_setting(old, name, value, line)
    wanted = {**before, name: value}
    for new in candidates:
        try:
            if tomllib.loads(new) == wanted:
                break
        except tomllib.TOMLDecodeError:
            pass
    else:
        raise ReadrError(f"cannot update {name} in {path} safely; set {line} there by hand")
    _write_atomic(path, new)
    return path


def _with_setting(old: str, name: str, value: str, line: str) -> list[str]:
    """The file's text with the setting, in the likeliest ways first: its own line edited; the
    line added before the first [table]; or at the very top (always top level, even when a
    multi-line string holds a line that looks like a table)."""
    lines = old.splitlines(keepends=True)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    setting = re.compile(rf"^(\s*{re.escape(name)}\s*=\s*)(\"(?:[^\"\\]|\\.)*\"|'[^']*'|[^\s#]+)(.*)$", re.S)
    first_table = next((n for n, text in enumerate(lines) if re.match(r"^\s*\[", text)), len(lines))
    candidates = []
    for n in range(first_table):
        match = setting.match(lines[n])
        if match:
            edited = list(lines)
            edited[n] = match.group(1) + _toml_string(value) + match.group(3)
            candidates.append("".join(edited))
    # After the last top-level setting, not between a table and its blank line or comment.
    at = first_table
    while at > 0 and (not lines[at - 1].strip() or lines[at - 1].lstrip().startswith("#")):
        at -= 1
    if at == 0:
        at = first_table
    candidates.append("".join(lines[:at] + [line + "\n"] + lines[at:]))
    candidates.append(line + "\n" + "".join(lines))
    return candidates


def _write_atomic(path: Path, text: str) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_text(path, text)
    except OSError as exc:
        raise ReadrError(f"cannot write {path}: {exc.strerror or exc}") from None

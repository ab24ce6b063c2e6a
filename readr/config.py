"""User settings from a TOML file under the platform's config directory (see readr.paths).

Example ~/.config/readr/config.toml:

    week_start = "monday"          # the day a reading week starts on
    theme = "textual-dark"         # or "textual-light", any Textual theme
    front_matter = "description: Notes on what we read\\nlayout: editorial"

    [keymap]                       # binding id = keys (see `?` in the app)
    "mark-read" = "x"

    [rank.mute]                    # rules on top of the relevance model (readr rank --help)
    authors = ["A. Prolific"]
    categories = ["cs.CV"]
    [rank.boost]
    words = ["diffusion"]
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from .record import field, frozen_record
from .errors import ReadrError
from .files import atomic_write_text
from .paths import config_path
from .rank_rules import TOML_KEYS, RankRules, RuleError, normal_value, parse_kind, rules_from_toml
from .weeks import week_start_index

DEFAULT_FRONT_MATTER = "description: Notes on what we read\nlayout: editorial"


@frozen_record
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
    rank_rules: RankRules = field(default_factory=RankRules)
    """Muted and boosted authors, words and categories ([rank.mute], [rank.boost])."""


def _parse(data: dict, source: Path) -> Config:
    try:
        keymap = {str(k): str(v) for k, v in dict(data.get("keymap", {})).items()}
        return Config(
            week_start=week_start_index(data.get("week_start", 0)),
            theme=str(data.get("theme", "textual-dark")),
            front_matter=str(data.get("front_matter", DEFAULT_FRONT_MATTER)).strip("\n"),
            keymap=keymap,
            autosave_seconds=float(data.get("autosave_seconds", 1.0)),
            rank_rules=rules_from_toml(data.get("rank")),
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


def change_rank_rules(action: str, kind: str, values: list[str], present: bool = True,
                      path: Path | None = None) -> RankRules:
    """Add (or, with present=False, remove) `action` rules (mute, boost) of `kind` (author, word,
    category) in config.toml, and return all the rules. Removing one that is not there is an error
    that lists the ones that are."""
    path = path or config_path()
    try:
        kind = parse_kind(kind)
        rules = load_config(path).rank_rules
        for value in values:
            if not present:
                wanted = normal_value(kind, value).casefold()
                if all(v.casefold() != wanted for v in rules.values(action, kind)):
                    have = rules.values(action, kind)
                    listed = ", ".join(have) if have else "none"
                    done = "muted" if action == "mute" else "boosted"
                    raise ReadrError(f"{value!r} is not a {done} {kind} ({done} {TOML_KEYS[kind]}: {listed})")
            rules = rules.with_rule(action, kind, value, present)
    except RuleError as exc:
        raise ReadrError(str(exc)) from None
    save_rank_rules(rules, path)
    return rules


def save_rank_rules(rules: RankRules, path: Path | None = None) -> Path:
    """Write the [rank.mute] and [rank.boost] tables, keeping every other line as the user wrote
    it: the old tables' lines are taken out and the new ones added at the end. The new text is
    parsed back first; unless it holds exactly the old settings with these rules, the file is
    left alone (a [rank] written another way, say as an inline table, is the user's to edit)."""
    import tomllib

    path = path or config_path()
    try:
        old = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        old = ""
    except (OSError, UnicodeDecodeError) as exc:
        raise ReadrError(f"cannot read {path}: {exc}") from None
    try:
        before = tomllib.loads(old)
    except tomllib.TOMLDecodeError as exc:
        raise ReadrError(f"cannot read {path}: {exc}") from None
    kept: list[str] = []
    skipping = False
    for line in old.splitlines(keepends=True):
        header = re.match(r"^\s*\[\s*([^\[\]]+?)\s*\]\s*(#.*)?$", line)
        if header and not line.lstrip().startswith("[["):
            skipping = re.sub(r"\s", "", header.group(1)) in ("rank.mute", "rank.boost")
        if not skipping:
            kept.append(line)
    text = "".join(kept).rstrip("\n")
    data = rules.to_toml_data()
    for action, table in data.items():
        text += f"\n\n[rank.{action}]\n" + "\n".join(
            f"{key} = [{', '.join(_toml_string(v) for v in values)}]" for key, values in table.items()
        )
    text = text.lstrip("\n")
    if text and not text.endswith("\n"):
        text += "\n"
    wanted = dict(before)
    rank = {k: v for k, v in dict(wanted.get("rank", {})).items() if k not in ("mute", "boost")} \
        if isinstance(wanted.get("rank", {}), dict) else wanted.get("rank")
    if isinstance(rank, dict):
        rank.update(data)
    if rank:
        wanted["rank"] = rank
    else:
        wanted.pop("rank", None)
    try:
        ok = tomllib.loads(text) == wanted
    except tomllib.TOMLDecodeError:
        ok = False
    if not ok:
        raise ReadrError(f"cannot update the [rank.mute] and [rank.boost] tables in {path} safely; edit them there "
                         "by hand")
    _write_atomic(path, text)
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

"""Backups and health checks of a library (`readr backup`, `readr check`). Headless.

`backup(store, target)` writes an online copy with `VACUUM INTO` (one consistent snapshot, safe
while the TUI or other readr commands write), then opens the copy and checks it before saying
it is done.

`check(store)` runs every check readr knows and returns a `CheckReport`: SQLite's
`integrity_check` and `foreign_key_check`, the FTS5 index integrity check, the schema version
and its migration records, whether the word list of prefix search holds every indexed word, and
whether the derived data (takeaways, the tag text that search sees) agrees with the summaries and
tags. Each finding is one sentence in plain words.
`repair=True` recomputes the derived data only; the reader's own data is never touched.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime
from glob import escape as glob_escape
from pathlib import Path
from typing import Any

from .record import field, record
from .clock import clock
from .errors import ReadrError
from .store.maintenance import NotChecked
from .store.maintenance import verify_library_file as verify_copy  # noqa: F401 (part of this module's API)

BACKUP_SUFFIX = ".db"


@record
class Finding:
    name: str
    ok: bool
    message: str
    repairable: bool = False

    def to_json(self) -> dict[str, Any]:
        return {"check": self.name, "ok": self.ok, "message": self.message}


@record
class CheckReport:
    path: Path
    findings: list[Finding] = field(default_factory=list)
    repaired: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(f.ok for f in self.findings)

    @property
    def repairable(self) -> bool:
        return any(not f.ok and f.repairable for f in self.findings) and all(
            f.ok or f.repairable for f in self.findings
        )

    def lines(self) -> list[str]:
        out = [f"{'ok' if f.ok else 'PROBLEM'}: {f.message}" for f in self.findings]
        out += [f"repaired: {what}" for what in self.repaired]
        if self.ok:
            out.append(f"{self.path}: the library is healthy")
        else:
            bad = sum(not f.ok for f in self.findings)
            if any(not f.ok and not f.repairable for f in self.findings):
                hint = " " + restore_advice(self.path)
            else:
                hint = " Run `readr check --repair` to rebuild it." if self.repairable else ""
            out.append(f"{self.path}: {bad} problem{'s' if bad != 1 else ''} found.{hint}")
        return out

    def to_json(self) -> dict[str, Any]:
        return {
            "library": str(self.path),
            "ok": self.ok,
            "checks": [f.to_json() for f in self.findings],
            "repaired": self.repaired,
        }


def unreadable_library_report(path: Path, reason: str) -> CheckReport:
    """The report on a library file SQLite cannot read at all (damaged, truncated, or not a
    library); `reason` is SQLite's error on opening it."""
    message = f"the library file is damaged or is not a readr library: SQLite cannot read it ({reason})"
    return CheckReport(path=Path(path), findings=[Finding("integrity", False, message)])


def library_backups(path: Path) -> list[Path]:
    """The backups of the library at `path`, newest first: `readr backup`'s copies in
    <library>.files/backups/ and the <library>.vN-<date>.bak files each upgrade leaves beside it."""
    from .paths import data_dir_for

    path = Path(path)
    found = list((data_dir_for(path) / "backups").glob(f"*{BACKUP_SUFFIX}"))
    found += path.parent.glob(f"{glob_escape(path.name)}.v*.bak")

    def modified(candidate: Path) -> float:
        try:
            return candidate.stat().st_mtime
        except OSError:
            return 0.0

    return sorted((p for p in found if p.is_file()), key=modified, reverse=True)


def restore_advice(path: Path) -> str:
    """What to do about damage `readr check --repair` cannot mend, naming the newest backup."""
    from .paths import data_dir_for

    path = Path(path)
    backups = library_backups(path)
    cannot_repair = "`readr check --repair` cannot mend this (it rebuilds only the search index, takeaways and tags)."
    if backups:
        newest = backups[0]
        stamp = datetime.fromtimestamp(newest.stat().st_mtime).strftime("%Y-%m-%d %H:%M")
        others = f" (and {_plural(len(backups) - 1, 'older one')})" if len(backups) > 1 else ""
        return (
            f"{cannot_repair} Restore the newest backup, {newest} from {stamp}{others}: close readr, move "
            f"{path.name} aside, then copy the backup to {path}."
        )
    return (
        f"{cannot_repair} No backup of it was found (`readr backup` writes them to "
        f"{data_dir_for(path) / 'backups'}). If it holds data you need, SQLite's recovery tool may save "
        f"part of it: sqlite3 {path} .recover > recovered.sql"
    )


def default_backup_path(db_path: Path, now: datetime | None = None) -> Path:
    """`<library>.files/backups/<library>-YYYYMMDD-HHMMSS.db` beside the library."""
    from .paths import data_dir_for

    stamp = (now or clock.now()).strftime("%Y%m%d-%H%M%S")
    return data_dir_for(db_path) / "backups" / f"{Path(db_path).stem}-{stamp}{BACKUP_SUFFIX}"


def backup(store: Any, target: Path | str | None = None, force: bool = False) -> Path:
    """Copy the library to `target` (a file, or a folder to put a dated file in) and verify the copy."""
    source = Path(store.path).resolve()
    if target is None:
        target = default_backup_path(Path(store.path))
    target = Path(target).expanduser()
    if target.is_dir():
        target = target / default_backup_path(Path(store.path)).name
    if target.resolve() == source or target.resolve() in (
        source.with_name(source.name + "-wal"), source.with_name(source.name + "-shm")
    ):
        raise ReadrError(f"{target} is the library itself; choose another backup file")
    if target.exists():
        if not force:
            raise ReadrError(f"{target} already exists; choose another name or use --force")
        if not target.is_file():
            raise ReadrError(f"{target} is not a file")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ReadrError(f"cannot create {target.parent}: {exc.strerror or exc}") from None
    written = target
    try:
        if force and target.exists():
            # Write beside it first: an old backup is only replaced by a complete new one.
            written = target.with_name(target.name + ".new")
            if written.exists():
                written.unlink()
        store.vacuum_into(written)
    except sqlite3.OperationalError as exc:
        raise ReadrError(f"backup to {target} failed: {exc}") from None
    except OSError as exc:
        raise ReadrError(f"backup to {target} failed: {exc.strerror or exc}") from None
    problem = verify_copy(written)
    if problem:
        written.unlink(missing_ok=True)
        raise ReadrError(f"backup to {target} failed its check: {problem}")
    if written != target:
        written.replace(target)
    return target


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _keys(keys: list[str], count: int) -> str:
    from .sanitize import clean_line

    shown = ", ".join(clean_line(k) for k in keys[:5])
    return f" ({shown}{', ...' if count > 5 else ''})" if shown else ""


def check(store: Any, repair: bool = False) -> CheckReport:
    """Every health check, in plain words; with repair=True, rebuild derived data first if needed."""
    from .store.connection import head_version

    report = CheckReport(path=Path(store.path))
    if repair:
        first = _run_checks(store, head_version())
        if not all(f.ok for f in first):
            if not all(f.ok or f.repairable for f in first):
                report.findings = first
                return report
            store.rebuild_derived()
            report.repaired = [f.name for f in first if not f.ok]
    report.findings = _run_checks(store, head_version())
    return report


def _run_checks(store: Any, head: int) -> list[Finding]:
    findings = []
    for name, run in (
        ("integrity", _check_integrity), ("foreign-keys", _check_foreign_keys), ("schema", _check_schema),
        ("search-index", _check_search_index), ("prefix-search", _check_prefix_words),
        ("takeaways", _check_takeaways), ("tags", _check_tags),
    ):
        try:
            findings.append(run(store, head))
        except sqlite3.DatabaseError as exc:
            findings.append(Finding(name, False, f"{_LABELS[name]} could not be checked: the file is damaged ({exc})"))
    return findings


_LABELS = {
    "integrity": "the library file", "foreign-keys": "the links between papers, tags and takeaways",
    "schema": "the schema version", "search-index": "the search index",
    "prefix-search": "the word list of search as you type", "takeaways": "the takeaways",
    "tags": "the tags search sees",
}


def _check_integrity(store: Any, head: int) -> Finding:
    problems = store.integrity_problems()
    if problems:
        return Finding(
            "integrity", False,
            f"the library file is damaged: SQLite reports {_plural(len(problems), 'problem')}, "
            f"first: {problems[0]}",
        )
    return Finding("integrity", True, "the library file is intact (SQLite integrity check)")


def _check_foreign_keys(store: Any, head: int) -> Finding:
    orphans = store.foreign_key_problems()
    if orphans:
        tables = sorted({table for table, _, _ in orphans})
        return Finding(
            "foreign-keys", False,
            f"{_plural(len(orphans), 'row')} in {', '.join(tables)} point at papers or tags that no longer exist",
        )
    return Finding("foreign-keys", True, "every tag and takeaway belongs to a paper that exists")


def _check_schema(store: Any, head: int) -> Finding:
    version = store.schema_version()
    recorded = [v for v, _ in store.migration_records()]
    if version != head:
        return Finding("schema", False, f"the library is at schema version {version}, this readr expects {head}")
    if recorded != list(range(1, head + 1)):
        return Finding(
            "schema", False, f"schema version {version}, but the migration records list {recorded or 'none'}",
        )
    return Finding("schema", True, f"schema version {version} (up to date)")


def _check_search_index(store: Any, head: int) -> Finding:
    missing = store.missing_fts_triggers()
    if missing:
        return Finding(
            "search-index", False,
            f"the search index is not kept up to date: {', '.join(missing)} missing", repairable=True,
        )
    try:
        fts = store.fts_problems()
    except NotChecked as exc:
        return Finding("search-index", True, f"the search index was not checked: {exc}")
    if fts:
        return Finding("search-index", False, f"the search index does not match the papers: {fts}", repairable=True)
    return Finding("search-index", True, "the search index matches the papers")


def _check_prefix_words(store: Any, head: int) -> Finding:
    count, words = store.prefix_words_missing()
    if count:
        return Finding(
            "prefix-search", False,
            f"search as you type does not know {_plural(count, 'word')} of the search index{_keys(words, count)}, "
            f"so a search for the start of {'it' if count == 1 else 'one'} could miss papers",
            repairable=True,
        )
    return Finding("prefix-search", True, "search as you type knows every word of the search index")


def _check_takeaways(store: Any, head: int) -> Finding:
    count, keys = store.takeaway_mismatches()
    if count:
        return Finding(
            "takeaways", False,
            f"{_plural(count, 'paper')} {'has' if count == 1 else 'have'} takeaways that differ from the bold "
            f"text of {'its' if count == 1 else 'their'} summary{_keys(keys, count)}",
            repairable=True,
        )
    return Finding("takeaways", True, "takeaways match the bold text of every summary")


def _check_tags(store: Any, head: int) -> Finding:
    count, keys = store.tags_text_mismatches()
    if count:
        return Finding(
            "tags", False,
            f"{_plural(count, 'paper')} {'is' if count == 1 else 'are'} searched under tags "
            f"{'it' if count == 1 else 'they'} no longer {'has' if count == 1 else 'have'}, or without some"
            f"{_keys(keys, count)}",
            repairable=True,
        )
    return Finding("tags", True, "search sees every paper's current tags")

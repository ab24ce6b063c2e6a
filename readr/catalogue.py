"""Bulk arXiv catalogue import: the Kaggle metadata snapshot (JSON lines) and OAI-PMH XML.

`readr import FILE` routes .json, .jsonl, .xml and .gz files here (readr.cli.imports). The
files are streamed: one JSON line, or one OAI-PMH <record> element, at a time (the XML tree
is cleared as it goes), so memory stays flat whatever the file size. Big JSON-lines files are
parsed by worker processes (a bounded window of chunks, kept in file order) while this
process writes to SQLite. Rows go to SQLite in batches inside one transaction per file (an
error leaves the library as it was), and the full-text index is rebuilt once at the end when
the import is big compared to the library (readr.store.bulk).

Imported papers are catalogue entries (status NULL): search finds them, the reading views
leave them out unless asked. Re-importing updates their metadata and never touches the
reader's own state (status, summary, tags, dates).
"""

from __future__ import annotations

import gzip
import json
import os
import re
import sys
import time
import xml.etree.ElementTree as ET
import zlib
from io import BufferedIOBase
from pathlib import Path
from typing import IO, Any, Callable, Iterable, Iterator

from .record import field, record
from .errors import ReadrError
from .ids import try_parse_arxiv_id
from .sanitize import clean_line, clean_text

BATCH_ROWS = 2000
PARALLEL_FROM = 5_000  # expected records from which JSON lines are parsed in worker processes
MAX_PROBLEMS_SHOWN = 3
# Rough bytes per record, to size the progress bar and choose how to index (only an estimate).
_BYTES_PER_RECORD = {"kaggle": 1400, "oai": 2200}
_GZIP_RATIO = 4

_MONTHS = {m: i for i, m in enumerate(
    ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"), start=1)}


@record
class FileReport:
    name: str
    kind: str
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    deleted: int = 0
    problems: list[str] = field(default_factory=list)
    mode: str = ""
    seconds: float = 0.0

    def problem(self, text: str) -> None:
        self.skipped += 1
        if len(self.problems) < MAX_PROBLEMS_SHOWN:
            self.problems.append(text)

    def lines(self) -> list[str]:
        total = self.inserted + self.updated + self.unchanged
        rate = f", {total / self.seconds:,.0f} papers/s" if self.seconds > 0 and total else ""
        head = (
            f"{self.name}: {total:,} catalogue papers ({self.inserted:,} new, {self.updated:,} updated, "
            f"{self.unchanged:,} unchanged) in {self.seconds:.1f} s{rate}"
        )
        out = [head]
        if self.deleted:
            out.append(f"{self.name}: {self.deleted:,} records marked deleted by arXiv were left out")
        if self.skipped:
            shown = "; ".join(self.problems)
            more = f" (first {len(self.problems)}: {shown})" if shown else ""
            out.append(f"{self.name}: skipped {self.skipped:,} unusable records{more}")
        return out


# --- text helpers --------------------------------------------------------------------------


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


_PARAGRAPH = re.compile(r"\n[ \t]+")
# In a JSON line, the only ways a decoded string can hold a control character (C0 but tab and
# newline, DEL, C1) or a CR: \u escapes below 0x20 or in 0x7f-0x9f, the \b \f \r escapes, a raw DEL
# byte or a raw UTF-8 C1 character. A line with none of these needs no cleaning (a false alarm,
# such as LaTeX's "\\bar", only costs the slow path).
_DIRTY_JSON = re.compile(rb"\\u00[0-1][0-9a-fA-F]|\\u00[7-9][0-9a-fA-F]|\\[bfr]|\x7f|\xc2[\x80-\x9f]")


def _maybe_dirty(line: bytes) -> bool:
    """False only if this JSON line cannot decode to text with control characters or CRs."""
    # memchr-fast substring tests first; the regex only for lines that might be dirty
    if b"\\" in line and (b"\\u00" in line or b"\\b" in line or b"\\f" in line or b"\\r" in line):
        return _DIRTY_JSON.search(line) is not None
    return b"\x7f" in line or (b"\xc2" in line and _DIRTY_JSON.search(line) is not None)


def unwrap(text: str, clean: bool = True) -> str:
    """arXiv's hard-wrapped text as paragraphs: a line that starts indented starts a new one."""
    if clean:
        text = clean_text(text)
    text = text.strip()
    if "\n" not in text:
        return text
    if "\n " not in text and "\n\t" not in text:  # one paragraph (most abstracts)
        joined = text.replace("\n", " ")
        return joined if "  " not in joined and "\t" not in joined else " ".join(joined.split())
    return "\n\n".join(p for p in (" ".join(part.split()) for part in _PARAGRAPH.split(text)) if p)


_json_list = json.JSONEncoder(ensure_ascii=False).encode  # json.dumps(x, ensure_ascii=False)
_json_ascii = json.JSONEncoder().encode  # json.dumps(x)


def _squash(text: str) -> str:
    return " ".join(text.split())


def _first_doi(value: str) -> str | None:
    doi = clean_line(value).replace(";", " ").replace(",", " ").split()
    return doi[0] if doi else None


def _kaggle_date(value: Any) -> str | None:
    """'Mon, 2 Apr 2007 19:18:42 GMT' -> '2007-04-02T19:18:42+00:00'."""
    parts = _text(value).split()
    try:
        day, month, year, clock = int(parts[1]), _MONTHS[parts[2][:3].title()], int(parts[3]), parts[4]
    except (IndexError, KeyError, ValueError):
        return None
    if len(clock) != 8 or clock[2] != ":" or clock[5] != ":":
        return None
    return f"{year:04d}-{month:02d}-{day:02d}T{clock}+00:00"


def _iso_day(value: Any) -> str | None:
    """'2008-11-26' stays; anything that is not a YYYY-MM-DD date becomes None."""
    text = _text(value).strip()
    if len(text) == 10 and text[4] == text[7] == "-" and (text[:4] + text[5:7] + text[8:]).isdigit():
        return text
    return None


def _version_number(value: Any) -> int | None:
    text = _text(value).strip().lower()
    if text.startswith("v") and text[1:].isdigit():
        return int(text[1:])
    return None


def _row(
    arxiv_id: str, latest_version: int | None, title: str, authors: list[str], abstract: str,
    categories: list[str], published: str | None, updated: str | None, comment: str, journal_ref: str,
    doi: str, clean: bool = True,
) -> tuple:
    """A row in readr.store.bulk.CATALOGUE_COLUMNS order. clean=False: the caller knows the text
    holds no control characters (whitespace is still normalised)."""
    line = clean_line if clean else _squash
    authors = [a for a in map(line, authors) if a]
    categories = [c for c in map(line, categories) if c]
    return (
        arxiv_id,
        latest_version,
        line(title),
        _json_list(authors),
        ", ".join(authors),
        unwrap(abstract, clean),
        categories[0] if categories else None,
        _json_ascii(categories),
        published,
        updated,
        unwrap(comment, clean) or None,
        line(journal_ref) or None,
        _first_doi(doi),
        f"https://arxiv.org/abs/{arxiv_id}",
        f"https://arxiv.org/pdf/{arxiv_id}",
    )


# --- Kaggle JSON lines ---------------------------------------------------------------------


def _kaggle_authors(record: dict) -> list[str]:
    parsed = record.get("authors_parsed")
    if isinstance(parsed, list) and parsed:
        names = []
        for entry in parsed:
            if type(entry) is list and 2 <= len(entry) <= 3 and type(entry[0]) is str and type(entry[1]) is str:
                last, first = entry[0], entry[1]  # the usual [last, first, suffix]
                suffix = entry[2] if len(entry) > 2 and type(entry[2]) is str else ""
                names.append(f"{first} {last} {suffix}" if suffix else f"{first} {last}")
                continue
            if not isinstance(entry, list):
                continue
            parts = [p for p in entry if isinstance(p, str)]
            if parts:
                names.append(" ".join([*parts[1:2], parts[0], *parts[2:]]))
        if names:
            return names
    flat = _text(record.get("authors")).replace("\n", " ").replace(" and ", ", ")
    return [name for name in flat.split(",")]


_NEW_ID = re.compile(r"([0-9]{2})(0[1-9]|1[0-2])\.([0-9]{4,5})")


def _base_id(text: str) -> str | None:
    """The base arXiv id of a catalogue record's id (a fast path for the usual new-style id)."""
    match = _NEW_ID.fullmatch(text)
    if match is not None:
        yymm, number = match.group(1) + match.group(2), match.group(3)
        if ("0704" <= yymm <= "1412") if len(number) == 4 else (yymm >= "1501"):
            if number.strip("0"):
                return text
    parsed = try_parse_arxiv_id(text)
    return parsed.base if parsed is not None else None


def row_from_kaggle(record: Any, clean: bool = True) -> tuple:
    """One Kaggle snapshot record -> a catalogue row. Raises ValueError for an unusable record.

    clean=False skips control-character stripping (only for text known to hold none)."""
    if not isinstance(record, dict):
        raise ValueError("not a JSON object")
    base = _base_id(_text(record.get("id")))
    if base is None:
        raise ValueError(f"no valid arXiv id ({_text(record.get('id'))[:40]!r})")
    versions = record.get("versions")
    versions = [v for v in versions if isinstance(v, dict)] if isinstance(versions, list) else []
    latest = _version_number(versions[-1].get("version")) if versions else None
    if versions and latest != len(versions):  # not the usual v1..vN: look at every entry
        latest = max((n for n in (_version_number(v.get("version")) for v in versions) if n), default=None)
    published = next((d for d in (_kaggle_date(v.get("created")) for v in versions) if d), None)
    updated = next((d for d in (_kaggle_date(v.get("created")) for v in reversed(versions)) if d), None)
    updated = updated or _iso_day(record.get("update_date"))
    return _row(
        base,
        latest,
        _text(record.get("title")),
        _kaggle_authors(record),
        _text(record.get("abstract")),
        _text(record.get("categories")).split(),
        published,
        updated,
        _text(record.get("comments")),
        _text(record.get("journal-ref")),
        _text(record.get("doi")),
        clean,
    )


def iter_kaggle(lines: Iterable[bytes], report: FileReport, first_line: int = 1) -> Iterator[tuple]:
    for number, line in enumerate(lines, start=first_line):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except ValueError:
            if number == 1:
                raise ReadrError(f"{report.name}: not JSON lines (the Kaggle arXiv snapshot format)") from None
            report.problem(f"line {number}: not JSON")
            continue
        try:
            yield row_from_kaggle(record, clean=_maybe_dirty(line))
        except ValueError as exc:
            report.problem(f"line {number}: {exc}")


def parse_kaggle_chunk(name: str, first_line: int, lines: list[bytes]) -> tuple[list[tuple], int, list[str]]:
    """Rows from a run of JSON lines (in a worker process): (rows, skipped, first problems)."""
    report = FileReport(name=name, kind="kaggle")
    rows = list(iter_kaggle(lines, report, first_line))
    return rows, report.skipped, report.problems


def _kaggle_batches_parallel(
    stream: BufferedIOBase, report: FileReport, size: int, workers: int
) -> Iterator[list[tuple]]:
    """Batches parsed by `workers` processes while this one writes to SQLite; in file order, with
    at most 2 chunks per worker in flight (flat memory)."""
    import multiprocessing
    from collections import deque
    from concurrent.futures import ProcessPoolExecutor

    # fork: the workers only parse text; they never touch the parent's SQLite connections (and
    # spawn would re-run the caller's __main__). parse_workers() returns 0 where fork is not safe.
    context = multiprocessing.get_context("fork")
    pending: deque = deque()
    with ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_die_with_parent,
                             initargs=(os.getpid(),)) as pool:
        try:
            first_line = 1
            chunk: list[bytes] = []
            for line in stream:
                chunk.append(line)
                if len(chunk) >= size:
                    pending.append(pool.submit(parse_kaggle_chunk, report.name, first_line, chunk))
                    first_line += len(chunk)
                    chunk = []
                    while len(pending) >= 2 * workers:
                        yield _collect(pending.popleft().result(), report)
            if chunk:
                pending.append(pool.submit(parse_kaggle_chunk, report.name, first_line, chunk))
            while pending:
                yield _collect(pending.popleft().result(), report)
        finally:
            for future in pending:
                future.cancel()


def _die_with_parent(parent: int) -> None:
    """In a parser worker: exit as soon as the importing process is gone, even if it was
    SIGKILLed (otherwise the worker would wait on its task queue forever)."""
    import signal
    import threading

    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG: the kernel kills us with our parent
    except (OSError, AttributeError):
        pass

    def watch() -> None:  # belt and braces, and for a parent that died before prctl above
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    if os.getppid() != parent:
        os._exit(1)
    threading.Thread(target=watch, name="readr-parent-watch", daemon=True).start()


def _collect(result: tuple[list[tuple], int, list[str]], report: FileReport) -> list[tuple]:
    rows, skipped, problems = result
    report.skipped += skipped
    room = MAX_PROBLEMS_SHOWN - len(report.problems)
    report.problems += problems[: max(room, 0)]
    return rows


def _batches(rows: Iterator[tuple], size: int) -> Iterator[list[tuple]]:
    batch: list[tuple] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


# --- OAI-PMH XML ---------------------------------------------------------------------------


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _child_text(elem: ET.Element, name: str) -> str:
    for child in elem:
        if _local(child.tag) == name:
            return "".join(child.itertext())
    return ""


def row_from_oai(record: ET.Element) -> tuple | None:
    """An OAI-PMH <record> (metadataPrefix=arXiv) -> a catalogue row; None for a deleted record.

    Raises ValueError for an unusable record.
    """
    header = metadata = None
    for child in record:
        name = _local(child.tag)
        if name == "header":
            header = child
        elif name == "metadata":
            metadata = child
    if header is not None and header.get("status") == "deleted":
        return None
    arxiv = None
    if metadata is not None:
        arxiv = next((c for c in metadata if _local(c.tag) == "arXiv"), None)
    if arxiv is None:
        raise ValueError("no arXiv metadata (harvest with metadataPrefix=arXiv)")
    raw_id = _child_text(arxiv, "id").strip() or (
        _child_text(header, "identifier").strip() if header is not None else ""
    )
    parsed = try_parse_arxiv_id(raw_id)
    if parsed is None:
        raise ValueError(f"no valid arXiv id ({raw_id[:40]!r})")
    authors: list[str] = []
    for group in arxiv:
        if _local(group.tag) != "authors":
            continue
        for author in group:
            if _local(author.tag) != "author":
                continue
            parts = [_child_text(author, "forenames"), _child_text(author, "keyname"), _child_text(author, "suffix")]
            authors.append(" ".join(p.strip() for p in parts if p.strip()))
    created = _iso_day(_child_text(arxiv, "created"))
    updated = _iso_day(_child_text(arxiv, "updated")) or created
    return _row(
        parsed.base,
        None,  # the arXiv OAI format carries no version list
        _child_text(arxiv, "title"),
        authors,
        _child_text(arxiv, "abstract"),
        _child_text(arxiv, "categories").split(),
        created,
        updated,
        _child_text(arxiv, "comments"),
        _child_text(arxiv, "journal-ref"),
        _child_text(arxiv, "doi"),
    )


def iter_oai(stream: BufferedIOBase, report: FileReport) -> Iterator[tuple]:
    """Stream <record> elements; each is dropped from the tree once read (flat memory)."""
    stack: list[ET.Element] = []
    count = 0
    try:
        for event, elem in ET.iterparse(stream, events=("start", "end")):
            if event == "start":
                stack.append(elem)
                continue
            stack.pop()
            if _local(elem.tag) != "record":
                continue
            count += 1
            try:
                row = row_from_oai(elem)
            except ValueError as exc:
                report.problem(f"record {count}: {exc}")
                row = None
            else:
                if row is None:
                    report.deleted += 1
            elem.clear()
            if stack:
                stack[-1].remove(elem)
            if row is not None:
                yield row
    except ET.ParseError as exc:
        raise ReadrError(f"{report.name}: not well-formed XML ({exc})") from None


# --- files -----------------------------------------------------------------------------------


class _Source:
    """An open catalogue file: the decoded byte stream, its kind and a progress position."""

    def __init__(self, path: Path):
        self.path = path
        self.raw = open(path, "rb")
        self.size = path.stat().st_size
        self.compressed = _is_gzip(self.raw)
        self.stream: BufferedIOBase = gzip.GzipFile(fileobj=self.raw, mode="rb") if self.compressed else self.raw
        self.kind = self._sniff()

    def _sniff(self) -> str:
        try:
            head = self.stream.peek(4096)[:4096] if hasattr(self.stream, "peek") else b""
        except (OSError, EOFError, zlib.error) as exc:
            raise ReadrError(f"{self.path.name}: cannot read ({exc})") from None
        text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
        if text[:1] == b"{":
            return "kaggle"
        if text[:1] == b"<":
            return "oai"
        if text[:1] == b"[":
            raise ReadrError(
                f"{self.path.name}: a JSON array; readr imports the Kaggle arXiv snapshot format, "
                "one JSON object per line"
            )
        if not text:
            raise ReadrError(f"{self.path.name}: empty file")
        raise ReadrError(f"{self.path.name}: neither Kaggle arXiv JSON lines nor OAI-PMH XML")

    @property
    def position(self) -> int:
        return self.raw.tell()

    def expected_records(self) -> int:
        size = self.size * (_GZIP_RATIO if self.compressed else 1)
        return max(1, size // _BYTES_PER_RECORD[self.kind])

    def batches(self, report: FileReport, size: int) -> Iterator[list[tuple]]:
        if self.kind == "kaggle":
            workers = parse_workers(self.expected_records())
            if workers:
                return _kaggle_batches_parallel(self.stream, report, size, workers)
            return _batches(iter_kaggle(self.stream, report), size)
        return _batches(iter_oai(self.stream, report), size)

    def close(self) -> None:
        self.stream.close()
        self.raw.close()


def _is_gzip(raw: IO[bytes]) -> bool:
    magic = raw.read(2)
    raw.seek(0)
    return magic == b"\x1f\x8b"


@record
class ImportProgress:
    """Where the import of one catalogue file is, for a progress display."""

    name: str
    done_bytes: int
    total_bytes: int
    papers: int
    stage: str  # "reading", "indexing" or "done"


ProgressCallback = Callable[[ImportProgress], None]


def parse_workers(expected_records: int) -> int:
    """Worker processes for parsing JSON lines: none for small files (start-up costs more than it
    saves), else one per core (at most 4): parsing is the Python-heavy part, while this process
    mostly waits on SQLite, which runs in C."""
    if expected_records < PARALLEL_FROM or not sys.platform.startswith("linux"):
        return 0
    return max(1, min(os.cpu_count() or 1, 4))


def import_file(store: Any, path: Path, on_progress: ProgressCallback | None = None,
                fts_mode: str = "auto") -> FileReport:
    """Import one catalogue file in one transaction; returns what happened."""
    path = Path(path)
    try:
        source = _Source(path)
    except OSError as exc:
        raise ReadrError(f"cannot open {path}: {exc.strerror or exc}") from None
    report = FileReport(name=clean_line(path.name), kind=source.kind)
    started = time.perf_counter()

    def tell(done: int, papers: int, stage: str) -> None:
        if on_progress is not None:
            on_progress(ImportProgress(report.name, done, source.size, papers, stage))

    loader = store.catalogue_loader(source.expected_records(), mode=fts_mode)
    report.mode = loader.mode
    loader.begin()
    seen = 0
    try:
        tell(0, 0, "reading")
        for batch in source.batches(report, BATCH_ROWS):
            loader.add(batch)
            seen += len(batch)
            tell(source.position, seen, "reading")
        tell(source.size, seen, "indexing" if loader.mode == "rebuild" else "reading")
        stats = loader.finish()
    except (OSError, EOFError, zlib.error) as exc:
        loader.abort()
        raise ReadrError(f"{report.name}: read failed ({exc}); nothing was imported from it") from None
    except BaseException:
        loader.abort()
        raise
    finally:
        source.close()
    tell(source.size, seen, "done")
    report.inserted, report.updated, report.unchanged = stats.inserted, stats.updated, stats.unchanged
    report.seconds = time.perf_counter() - started
    if stats.inserted + stats.updated >= 10_000:
        store.after_bulk_load()
    return report


def import_files(store: Any, paths: list[Path], on_progress: ProgressCallback | None = None,
                 fts_mode: str = "auto") -> list[str]:
    """The `readr import` entry point for catalogue files: lines to report."""
    lines: list[str] = []
    for path in paths:
        lines += import_file(store, Path(path), on_progress=on_progress, fts_mode=fts_mode).lines()
    return lines

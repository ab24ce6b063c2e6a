"""Run the PDF worker (readr.pdfs.worker) in a subprocess and record what it found.

Every pypdf call happens in a child process with a wall-clock timeout (the parent kills it), a
memory limit (RLIMIT_AS, set by the child before it imports pypdf), a CPU-time backstop and a
page cap. Whatever the file does, the caller gets a result or an ExtractionError with one
clear line, and the failure is recorded so it is not retried in a loop.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import unicodedata
from pathlib import Path
from typing import Any

from ..record import field, frozen_record, record
from ..errors import ReadrError
from ..sanitize import clean_line, clean_text

PDF_MAGIC = b"%PDF-"


@frozen_record
class Limits:
    """How much a single PDF may cost."""

    timeout: float = 60.0
    """Wall-clock seconds for one worker run (the worker is killed after that)."""
    memory_mb: int = 1024
    """Address-space limit of the worker, in MiB."""
    max_pages: int = 500
    """Pages read at most; later pages are left out of the index."""
    max_chars: int = 5_000_000
    """Characters of text kept at most."""


DEFAULT_LIMITS = Limits()


class ExtractionError(ReadrError):
    """The PDF could not be read; str(e) is one line. ``kind``: empty, html, not-pdf, encrypted,
    invalid, limit, memory, timeout, crash, no-text, missing."""

    def __init__(self, message: str, kind: str = "invalid"):
        super().__init__(clean_line(message))
        self.kind = kind


@record
class PdfText:
    text: str
    pages: int
    pages_read: int
    first_page: str = ""
    metadata: dict[str, str] = field(default_factory=dict)
    large_text: str = ""
    """The largest text on page one, whole lines (its title, as a rule); "" when nothing stands out."""
    truncated: bool = False
    encrypted: bool = False
    damage: list[str] = field(default_factory=list)
    page_errors: int = 0
    first_error: str | None = None


def looks_like_pdf(head: bytes) -> bool:
    """True if the bytes start like a PDF (after at most a UTF-8 BOM and some whitespace)."""
    head = head[:1024]
    if head.startswith(b"\xef\xbb\xbf"):
        head = head[3:]
    return head.lstrip(b" \t\r\n\f\0")[:5] == PDF_MAGIC


def describe_not_pdf(head: bytes) -> tuple[str, str]:
    """(kind, reason) for bytes that are not a PDF."""
    if not head:
        return "empty", "the file is empty (0 bytes)"
    start = head.lstrip()[:64].lower()
    if start.startswith((b"<!doctype html", b"<html", b"<head", b"<body")) or b"<html" in head[:2048].lower():
        return "html", "not a PDF: it is an HTML page"
    return "not-pdf", "not a PDF: it does not start with %PDF"


def check_pdf_file(path: Path) -> None:
    """Raise ExtractionError unless `path` starts like a PDF."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(4096)
    except FileNotFoundError:
        raise ExtractionError(f"{path} does not exist", "missing") from None
    except OSError as exc:
        raise ExtractionError(f"cannot read {path}: {exc.strerror or exc}", "missing") from None
    if not looks_like_pdf(head):
        kind, reason = describe_not_pdf(head)
        raise ExtractionError(reason, kind)


def _worker_env() -> dict[str, str]:
    env = dict(os.environ)
    package_root = str(Path(__file__).resolve().parents[2])
    env["PYTHONPATH"] = package_root + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    env.pop("PYTHONSTARTUP", None)
    return env


def run_worker(request: dict[str, Any], limits: Limits = DEFAULT_LIMITS) -> dict[str, Any]:
    """Run one worker job; the answer dict (ok=True) or ExtractionError."""
    request = dict(request)
    request.setdefault("max_pages", limits.max_pages)
    request.setdefault("max_chars", limits.max_chars)
    request["memory_mb"] = limits.memory_mb
    request["cpu_seconds"] = max(1, int(limits.timeout) + 5)  # backstop if we die and it loops on
    request["file_mb"] = 512
    command = [sys.executable, "-P", "-m", "readr.pdfs.worker"]
    try:
        done = subprocess.run(
            command,
            input=json.dumps(request).encode("utf-8"),
            capture_output=True,
            timeout=limits.timeout,
            env=_worker_env(),
            close_fds=True,
        )
    except subprocess.TimeoutExpired:
        raise ExtractionError(
            f"gave up reading the PDF after {limits.timeout:g} s (it may be hostile or huge)", "timeout"
        ) from None
    except OSError as exc:
        raise ExtractionError(f"cannot start the PDF worker: {exc}", "crash") from None
    answer = _parse_answer(done.stdout)
    if answer is None:
        raise ExtractionError(
            _crash_message(done.returncode, done.stderr, limits), _crash_kind(done.returncode, done.stderr)
        )
    if not answer.get("ok"):
        raise ExtractionError(str(answer.get("error") or "cannot read the PDF"), str(answer.get("kind") or "invalid"))
    return answer


def _parse_answer(stdout: bytes) -> dict[str, Any] | None:
    try:
        answer = json.loads(stdout.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None
    return answer if isinstance(answer, dict) else None


def _crash_kind(code: int, stderr: bytes) -> str:
    if code == -signal.SIGXCPU:
        return "timeout"
    if b"MemoryError" in stderr or code == -signal.SIGKILL:
        return "memory"
    return "crash"


def _crash_message(code: int, stderr: bytes, limits: Limits) -> str:
    if code == -signal.SIGXCPU:
        return "gave up reading the PDF: it used up its CPU time"
    if b"MemoryError" in stderr or code == -signal.SIGKILL:
        return f"reading the PDF needed more than {limits.memory_mb} MB of memory (a decompression bomb?)"
    if code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = f"signal {-code}"
        return f"the PDF reader crashed ({name})"
    lines = [line for line in stderr.decode("utf-8", "replace").splitlines() if line.strip()]
    last = clean_line(lines[-1])[:200] if lines else f"exit status {code}"
    return f"the PDF reader failed ({last})"


def normalize_text(text: str) -> str:
    """Text fit for the index: ligatures folded (NFKC), words split at line ends joined, no control chars."""
    text = unicodedata.normalize("NFKC", text)
    text = text.replace("\u00ad", "")  # soft hyphens
    # "compu-\ntation" -> "computation" (only before a lower-case letter).
    text = re.sub(r"(\w)-[ \t]*\n[ \t]*(?=[a-z])", r"\1", text)
    text = re.sub(r"(\w)-[ \t]*\n[ \t]*(?=[A-Z0-9])", r"\1-", text)  # "Hartree-\nFock" -> "Hartree-Fock"
    text = clean_text(text)
    text = re.sub(r"[ \t]+", " ", text)
    text = re.sub(r"\n\s*\n\s*(\n\s*)+", "\n\n", text)
    return text.strip()


def extract_text(path: Path | str, limits: Limits = DEFAULT_LIMITS) -> PdfText:
    """Text, metadata and first page of a PDF, read in the worker. Raises ExtractionError."""
    path = Path(path)
    check_pdf_file(path)
    answer = run_worker({"op": "text", "path": str(path.resolve())}, limits)
    metadata = {clean_line(k): clean_line(v) for k, v in (answer.get("metadata") or {}).items()}
    return PdfText(
        text=normalize_text(answer.get("text") or ""),
        pages=int(answer.get("pages") or 0),
        pages_read=int(answer.get("pages_read") or 0),
        first_page=normalize_text(answer.get("first_page") or ""),
        large_text=clean_line(unicodedata.normalize("NFKC", str(answer.get("large_text") or ""))),
        metadata={k: v for k, v in metadata.items() if v},
        truncated=bool(answer.get("truncated")),
        encrypted=bool(answer.get("encrypted")),
        damage=[clean_line(d) for d in answer.get("damage") or []],
        page_errors=int(answer.get("page_errors") or 0),
        first_error=clean_line(answer.get("first_error")) or None,
    )


# --- recording in the library -------------------------------------------------------------------


@record
class Indexed:
    """What indexing one paper's PDF gave: status ok | damaged | failed."""

    key: str
    status: str
    message: str
    pages: int | None = None
    chars: int = 0
    cached: bool = False  # the outcome recorded earlier, not a new run

    @property
    def failed(self) -> bool:
        return self.status != "ok"


def index_pdf(store, key: str, limits: Limits = DEFAULT_LIMITS, force: bool = False) -> Indexed:
    """Extract the text of a paper's recorded PDF into papers.fulltext and record the outcome.

    A recorded failure for the same file is returned as is, without running the worker again,
    unless `force`. A damaged file whose text could be recovered is indexed *and* reported as a
    failure ("damaged"), so the reader knows the text may be incomplete.
    """
    record = store.pdf_record(key)
    if record is None:
        raise ReadrError(f"{key} has no PDF yet; run: readr pdf {key}")
    if not force and not record.needs_extraction:
        if record.extract_status == "failed":
            return Indexed(key, "failed", f"{record.error} (recorded earlier; use --force to try again)",
                           record.pages, cached=True)
        message = record.error or f"already indexed ({record.pages} pages)"
        return Indexed(key, record.extract_status, message, record.pages, cached=True)
    path = store.data_dir / record.path
    try:
        result = extract_text(path, limits)
    except ExtractionError as exc:
        return record_failure(store, key, exc)
    return record_text(store, key, result, limits)


def _short(text: str, width: int = 90) -> str:
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def record_failure(store, key: str, error: ExtractionError) -> Indexed:
    store.record_extraction(key, "failed", error=str(error))
    return Indexed(key, "failed", str(error))


def record_text(store, key: str, result: PdfText, limits: Limits = DEFAULT_LIMITS) -> Indexed:
    """Store an extraction result for a paper: ok, damaged (text kept, failure noted) or failed."""
    if not result.text.strip():
        reason = "no text found in the PDF (scanned pages without a text layer?)"
        if result.damage:
            reason = f"the PDF is damaged and no text could be recovered ({_short(result.damage[0])})"
        elif result.first_error:
            reason = f"no text could be extracted ({result.first_error})"
        store.record_extraction(key, "failed", error=reason, pages=result.pages)
        return Indexed(key, "failed", reason, result.pages)
    notes = []
    if result.truncated:
        notes.append(
            f"only the first {min(result.pages, limits.max_pages)} pages or {limits.max_chars:,} characters kept"
        )
    if result.damage or result.page_errors:
        detail = _short(result.damage[0] if result.damage else result.first_error or "unreadable pages")
        message = (
            f"the PDF is damaged ({detail}); indexed the text recovered from "
            f"{result.pages_read} of {result.pages} pages"
        )
        store.record_extraction(key, "damaged", error=message, pages=result.pages, text=result.text)
        return Indexed(key, "damaged", message, result.pages, len(result.text))
    message = f"indexed {len(result.text):,} characters from {result.pages_read} of {result.pages} pages"
    if notes:
        message += " (" + "; ".join(notes) + ")"
    store.record_extraction(key, "ok", error=None, pages=result.pages, text=result.text)
    return Indexed(key, "ok", message, result.pages, len(result.text))

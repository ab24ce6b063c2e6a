"""`readr pdf ID...`: download arXiv PDFs into the library and index their text.

Downloads go through `readr.arxiv_api.ArxivClient.get`, so they share the API's polite rate
(one request every few seconds, one at a time), its timeouts, retries and error messages.
Each file is checked to really be a PDF (arXiv sometimes answers with an HTML page), written
to a temporary file beside its final name and renamed into place, so no half file is ever
left under the library's `pdfs/` folder.
"""

from __future__ import annotations

import hashlib
import os
import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable
from urllib.parse import quote

from ..errors import ReadrError
from ..sanitize import clean_line
from .extract import DEFAULT_LIMITS, Limits, describe_not_pdf, index_pdf, looks_like_pdf

MAX_PDF_BYTES = 300 * 1024 * 1024
CHUNK = 64 * 1024


class DownloadError(ReadrError):
    """A PDF could not be downloaded; str(e) is one line. ``kind``: html, not-pdf, empty,
    missing, http, too-big, dropped, network."""

    def __init__(self, message: str, kind: str = "network"):
        super().__init__(clean_line(message))
        self.kind = kind


@dataclass
class Downloaded:
    path: Path
    size: int
    sha256: str
    url: str


@dataclass
class Outcome:
    """What `readr pdf` did for one paper. status: ok | damaged | failed."""

    ref: str
    status: str
    message: str
    key: str | None = None
    downloaded: bool = False
    path: Path | None = None
    pages: int | None = None

    @property
    def failed(self) -> bool:
        return self.status != "ok"

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.key or self.ref, "status": self.status, "message": self.message,
            "downloaded": self.downloaded, "path": str(self.path) if self.path else None, "pages": self.pages,
        }


_SAFE = re.compile(r"[^A-Za-z0-9._-]+")


def pdf_filename(key: str, version: int | None = None) -> str:
    """A file name for a paper's PDF that is safe whatever the key contains.

    arXiv ids keep their look ("hep-th/9901001" v2 -> "hep-th_9901001v2.pdf"); any other key is
    reduced to [A-Za-z0-9._-] with a short hash added when that changed it, so two keys never
    share a file.
    """
    from ..ids import try_parse_arxiv_id

    parsed = try_parse_arxiv_id(key) if "://" not in key else None
    if parsed is not None and parsed.base == key:
        stem = key.replace("/", "_")
    else:
        stem = _SAFE.sub("_", key).strip("._-")[:80] or "paper"
        if stem != key:
            stem += "-" + hashlib.sha1(key.encode("utf-8", "surrogatepass")).hexdigest()[:8]
    suffix = f"v{version}" if version else ""
    return f"{stem}{suffix}.pdf"


def pdf_url(base_url: str, arxiv_id: str, version: int | None) -> str:
    ident = arxiv_id + (f"v{version}" if version else "")
    return f"{base_url.rstrip('/')}/pdf/{quote(ident, safe='/')}"


def _requests_failure(exc: BaseException) -> bool:
    import requests
    import urllib3

    return isinstance(exc, (requests.exceptions.RequestException, urllib3.exceptions.HTTPError, OSError))


def download_pdf(
    client,
    arxiv_id: str,
    version: int | None,
    target: Path,
    on_bytes: Callable[[int, int | None], None] | None = None,
) -> Downloaded:
    """Download one arXiv PDF to `target` atomically. Raises DownloadError or ArxivError.

    A connection dropped mid-body is retried (through the client's rate limit) up to
    client.retries times; anything that is not a PDF is refused at once.
    """
    url = pdf_url(client.base_url, arxiv_id, version)
    shown = arxiv_id + (f"v{version}" if version else "")
    tries = 0
    while True:
        tries += 1
        try:
            return _download_once(client, url, shown, target, on_bytes)
        except DownloadError as exc:
            if exc.kind != "dropped" or tries > max(0, int(getattr(client, "retries", 2))):
                if exc.kind == "dropped" and tries > 1:
                    raise DownloadError(f"{exc} (tried {tries} times)", "dropped") from None
                raise
            time.sleep(float(getattr(client, "backoff", 1.0)) * (2 ** (tries - 1)))


def _download_once(client, url: str, shown: str, target: Path, on_bytes) -> Downloaded:
    host = getattr(client, "host", "arXiv")
    response = client.get(url, stream=True)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.part")
    try:
        status = response.status_code
        if status == 404:
            raise DownloadError(f"arXiv has no PDF for {shown} (HTTP 404)", "missing")
        if status != 200:
            raise DownloadError(f"{host} answered HTTP {status} for the PDF of {shown}", "http")
        declared = response.headers.get("Content-Length")
        encoded = response.headers.get("Content-Encoding", "identity").strip().lower() not in ("", "identity")
        try:
            # With a Content-Encoding the length counts compressed bytes: nothing to compare against.
            expected = int(declared) if declared is not None and not encoded else None
        except ValueError:
            expected = None
        if expected is not None and expected > MAX_PDF_BYTES:
            raise DownloadError(f"the PDF of {shown} is too big ({expected / 1e6:.0f} MB)", "too-big")
        digest = hashlib.sha256()
        size = 0
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            chunks = response.iter_content(CHUNK)
            with open(tmp, "wb") as handle:
                head = b""
                for chunk in chunks:
                    if not chunk:
                        continue
                    if size < 1024:
                        head += chunk[: 1024 - size]
                        if len(head) >= 1024 or size + len(chunk) >= 1024:
                            _check_head(head, shown, host)
                    size += len(chunk)
                    if size > MAX_PDF_BYTES:
                        raise DownloadError(
                            f"the PDF of {shown} is too big (over {MAX_PDF_BYTES // 10**6} MB)", "too-big"
                        )
                    digest.update(chunk)
                    handle.write(chunk)
                    if on_bytes is not None:
                        on_bytes(size, expected)
                if size < 1024:
                    _check_head(head, shown, host)
                if expected is not None and size != expected:
                    raise DownloadError(f"the connection to {host} was dropped mid-download of {shown}", "dropped")
                handle.flush()
                os.fsync(handle.fileno())
        except DownloadError:
            raise
        except Exception as exc:
            if _requests_failure(exc):
                if isinstance(exc, OSError) and not _is_network_oserror(exc):
                    raise DownloadError(f"cannot write {target}: {exc.strerror or exc}", "disk") from None
                raise DownloadError(
                    f"the connection to {host} was dropped mid-download of {shown}", "dropped"
                ) from None
            raise
        os.replace(tmp, target)
        return Downloaded(target, size, digest.hexdigest(), url)
    finally:
        response.close()
        if tmp.exists():
            tmp.unlink()


def _is_network_oserror(exc: OSError) -> bool:
    import errno

    return exc.errno in (None, errno.ECONNRESET, errno.ECONNABORTED, errno.EPIPE, errno.ETIMEDOUT) or type(
        exc
    ).__module__.startswith(("requests", "urllib3"))


def _check_head(head: bytes, shown: str, host: str) -> None:
    if looks_like_pdf(head):
        return
    kind, _ = describe_not_pdf(head)
    if kind == "html":
        raise DownloadError(
            f"{host} sent a web page instead of the PDF of {shown} (maintenance? try again later)", "html"
        )
    if kind == "empty":
        raise DownloadError(f"{host} sent an empty file for the PDF of {shown}", "empty")
    raise DownloadError(f"{host} sent something that is not a PDF for {shown} (no %PDF header)", "not-pdf")


# --- the command's work --------------------------------------------------------------------------


def fetch_pdfs(
    store,
    refs: Iterable[str],
    *,
    client=None,
    limits: Limits = DEFAULT_LIMITS,
    force: bool = False,
    progress: bool = False,
    on_outcome: Callable[[Outcome], None] | None = None,
) -> list[Outcome]:
    """Download (if needed) and index the PDF of each paper; one Outcome per ref, never raises
    for a single paper's failure. Used by `readr pdf` and the TUI."""
    refs = list(dict.fromkeys(refs))
    outcomes: list[Outcome] = []
    clients: list[Any] = [client] if client is not None else []

    def shared_client():
        if not clients:
            clients.append(_default_client())
        return clients[0]

    bar = _Progress(len(refs)) if progress and len(refs) > 1 else None
    try:
        for ref in refs:
            if bar:
                bar.start_file(ref)
            try:
                outcome = fetch_one(store, ref, client=shared_client, limits=limits, force=force,
                                    on_bytes=bar.bytes if bar else None, on_stage=bar.stage if bar else None)
            except ReadrError as exc:  # unknown paper, arXiv unreachable ...
                outcome = Outcome(ref, "failed", str(exc))
            outcomes.append(outcome)
            if on_outcome is not None:
                on_outcome(outcome)
            if bar:
                bar.done_file()
    finally:
        if bar:
            bar.stop()
    return outcomes


def _default_client():
    from ..arxiv_api import ArxivClient

    return ArxivClient()  # reads READR_ARXIV_URL / READR_ARXIV_DELAY; the rate limit is process-wide


def fetch_one(store, ref: str, *, client=None, limits: Limits = DEFAULT_LIMITS, force: bool = False,
              on_bytes=None, on_stage: Callable[[str], None] | None = None) -> Outcome:
    """Download (unless the right file is there) and index one paper's PDF.

    `client` is an ArxivClient or a function that makes one (only called if a download is needed).
    """
    stage = on_stage or (lambda _: None)
    paper = store.get(ref)
    record = store.pdf_record(paper.key)
    existing = store.data_dir / record.path if record else None
    have_file = existing is not None and existing.is_file()
    downloaded = False
    if paper.arxiv_id is None:
        if not have_file:
            return Outcome(ref, "failed", f"{paper.key} is not an arXiv paper and has no PDF to index", paper.key)
    else:
        version = paper.read_version or paper.latest_version
        stale = record is None or (record.source == "arxiv" and record.version != version)
        if force or not have_file or stale:
            if client is None:
                client = _default_client()
            elif callable(client) and not hasattr(client, "get"):
                client = client()  # created on first need: cached papers make no client at all
            target = store.pdf_dir / pdf_filename(paper.arxiv_id, version)
            if target.resolve().parent != store.pdf_dir.resolve():  # pragma: no cover - pdf_filename is safe
                raise ReadrError(f"refusing to write outside {store.pdf_dir}")
            stage("downloading")
            try:
                got = download_pdf(client, paper.arxiv_id, version, target, on_bytes)
            except ReadrError as exc:
                return Outcome(ref, "failed", str(exc), paper.key)
            relative = got.path.relative_to(store.data_dir).as_posix()
            store.record_pdf(paper.key, relative, got.sha256, got.size, version=version, source="arxiv")
            if existing is not None and existing.resolve() != got.path.resolve() and existing.is_file():
                existing.unlink()  # the PDF of the version read before
            existing, downloaded = got.path, True
    stage("reading text")
    result = index_pdf(store, paper.key, limits=limits, force=force)
    return Outcome(ref, result.status, result.message, paper.key, downloaded, existing, result.pages)


class _Progress:
    """A rich progress bar on stderr: files done, and the bytes of the current file."""

    def __init__(self, total: int):
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        console = Console(stderr=True, markup=False, emoji=False, highlight=False)
        self.enabled = console.is_terminal
        self.progress = Progress(
            TextColumn("{task.description}", markup=False),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[detail]}", markup=False),
            TimeElapsedColumn(),
            console=console,
            transient=False,
            disable=not self.enabled,
        )
        self.current = ""
        self.files = self.progress.add_task("PDFs", total=total, detail="")
        self.progress.start()

    def start_file(self, ref: str) -> None:
        self.current = clean_line(ref)[:40]
        self.progress.update(self.files, detail=self.current)

    def stage(self, what: str) -> None:
        self.progress.update(self.files, detail=f"{self.current}: {what}")

    def bytes(self, done: int, total: int | None) -> None:
        mb = f"{done / 1e6:.1f} MB" + (f" of {total / 1e6:.1f} MB" if total else "")
        self.progress.update(self.files, detail=f"{self.current}: {mb}")

    def done_file(self) -> None:
        self.progress.advance(self.files)

    def stop(self) -> None:
        self.progress.update(self.files, detail="")
        self.progress.stop()

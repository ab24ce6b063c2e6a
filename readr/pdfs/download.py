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
from pathlib import Path
from typing import Any, Callable, Iterable
from urllib.parse import quote

from ..record import frozen_record, record
from ..errors import ReadrError
from ..files import atomic_file
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


@record
class Downloaded:
    path: Path
    size: int
    sha256: str
    url: str


@record
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
            with atomic_file(target) as handle:
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
        return Downloaded(target, size, digest.hexdigest(), url)
    finally:
        response.close()


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


# --- a batch of papers: `readr pdf` and the TUI's f ---------------------------------------------


@frozen_record
class PdfEvent:
    """What `fetch_pdfs` is doing, for a front end to draw. kind: "start" (a paper begins),
    "stage" (`stage` is "downloading" or "reading text"), "bytes" (`done_bytes` of
    `total_bytes`, None when the server does not say) or "done" (`outcome` is set)."""

    kind: str
    ref: str
    stage: str = ""
    done_bytes: int = 0
    total_bytes: int | None = None
    outcome: Outcome | None = None


class _Stopped(Exception):
    """Raised inside a paper's download when `should_stop()` turns true."""


def fetch_pdfs(
    store,
    refs: Iterable[str],
    *,
    client=None,
    limits: Limits = DEFAULT_LIMITS,
    force: bool = False,
    retry_failed: bool = False,
    on_event: Callable[[PdfEvent], None] | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> list[Outcome]:
    """Download (if needed) and index the PDF of each paper, in the order given; one Outcome per
    ref done, never raises for a single paper's failure. `readr pdf` and the TUI both call it.

    `refs` is read lazily, one ref at a time, so a caller may feed it from a queue that grows
    while the batch runs; dropping duplicates is the caller's choice. `client` is an
    ArxivClient or a function that makes one (made once, and only if a download is needed).
    `retry_failed`: a paper whose recorded PDF could not be read is read again (as with force).
    `should_stop`: asked before each paper and during a download; when it is given, each paper
    runs in a daemon thread, so a stop never waits for a stalled network (the abandoned
    download stops at its next chunk and removes its partial file). Partial files left by
    readr processes that are gone are removed first.
    """
    sweep_partial_downloads(store.pdf_dir)
    emit = on_event or (lambda _event: None)
    stop = should_stop or (lambda: False)
    outcomes: list[Outcome] = []
    clients: list[Any] = []

    def shared_client():
        if not clients:
            clients.append(_make_client(client))
        return clients[0]

    pending = iter(refs)
    while not stop():
        ref = next(pending, None)
        if ref is None:
            break
        emit(PdfEvent("start", ref))

        def on_stage(stage: str, ref: str = ref) -> None:
            if stop():
                raise _Stopped()
            emit(PdfEvent("stage", ref, stage=stage))

        def on_bytes(done: int, total: int | None, ref: str = ref) -> None:
            if stop():
                raise _Stopped()
            emit(PdfEvent("bytes", ref, done_bytes=done, total_bytes=total))

        def fetch(ref: str = ref, on_stage=on_stage, on_bytes=on_bytes) -> Outcome:
            try:
                return fetch_one(store, ref, client=shared_client, limits=limits, force=force,
                                 retry_failed=retry_failed, on_bytes=on_bytes, on_stage=on_stage)
            except ReadrError as exc:  # unknown paper, arXiv unreachable ...
                return Outcome(ref, "failed", str(exc))
            except _Stopped:
                raise
            except Exception as exc:  # one paper's surprise must not end the batch
                return Outcome(ref, "failed", f"{exc.__class__.__name__}: {exc}")

        try:
            outcome = fetch() if should_stop is None else _in_daemon_thread(store, fetch, stop)
        except _Stopped:
            break
        if outcome is None:  # stopped while the paper's thread was still working
            break
        outcomes.append(outcome)
        emit(PdfEvent("done", ref, outcome=outcome))
    return outcomes


def _in_daemon_thread(store, fetch: Callable[[], Outcome], stop: Callable[[], bool]) -> Outcome | None:
    """`fetch()` in a daemon thread, waited for until it ends or `stop()` (then None): quitting
    never waits for a download that hangs. Raises _Stopped if the fetch saw the stop itself."""
    import threading

    got: list[Any] = []

    def run() -> None:
        try:
            got.append(fetch())
        except BaseException as exc:  # noqa: BLE001 - handed to the waiting thread
            got.append(exc)
        finally:
            store.release_thread_connection()

    fetcher = threading.Thread(target=run, name="readr-pdf", daemon=True)
    fetcher.start()
    while fetcher.is_alive() and not stop():
        fetcher.join(0.1)
    if not got:
        return None
    if isinstance(got[0], BaseException):
        raise got[0]
    return got[0]


def sweep_partial_downloads(folder: Path) -> None:
    """Remove `.NAME.PID.part` files left by a readr process that is gone (killed, or quit
    mid-download); files of running processes (a `readr pdf` elsewhere) are left alone."""
    try:
        leftovers = list(folder.glob(".*.part"))
    except OSError:
        return
    for path in leftovers:
        try:
            pid = int(path.name.rsplit(".", 2)[-2])
        except (ValueError, IndexError):
            continue
        if pid == os.getpid():
            continue
        try:
            os.kill(pid, 0)
            continue  # still running
        except ProcessLookupError:
            pass
        except OSError:  # PermissionError: another user's live process
            continue
        try:
            path.unlink()
        except OSError:
            pass


def _make_client(client):
    if client is None:
        return _default_client()
    if callable(client) and not hasattr(client, "get"):
        return client()
    return client


def _default_client():
    from ..arxiv_api import ArxivClient

    return ArxivClient()  # reads READR_ARXIV_URL / READR_ARXIV_DELAY; the rate limit is process-wide


def fetch_one(store, ref: str, *, client=None, limits: Limits = DEFAULT_LIMITS, force: bool = False,
              retry_failed: bool = False, on_bytes=None, on_stage: Callable[[str], None] | None = None) -> Outcome:
    """Download (unless the right file is there) and index one paper's PDF.

    `client` is an ArxivClient or a function that makes one (only called if a download is needed).
    `retry_failed`: force, for a paper whose recorded PDF could not be read.
    """
    stage = on_stage or (lambda _: None)
    paper = store.get(ref)
    record = store.pdf_record(paper.key)
    if retry_failed and record is not None and record.extract_status == "failed":
        force = True
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

"""The only module that talks to arXiv.

Built on the ``arxiv`` package (``arxiv.Client`` / ``arxiv.Search``), with what it lacks:

* a timeout on every request and a hard per-request deadline including retries
  (``arxiv`` passes no timeout, so a stalled connection would hang forever);
* one shared rate limit for the whole process: at most one request every ``delay``
  seconds and one request at a time, for API queries and PDF downloads alike
  (:meth:`ArxivClient.wait_turn`, :meth:`ArxivClient.get`);
* our own retry loop with exponential backoff for 429/5xx, timeouts and dropped
  connections, honouring a sane ``Retry-After``;
* checks that an answer really is an Atom feed (not an HTML maintenance page, not cut off);
* error feeds (HTTP 400 "incorrect id format for X") turned into per-id errors while the
  rest of the batch is still fetched;
* every outside string cleaned of terminal control characters.

Nothing here imports Textual; ``arxiv`` and ``requests`` are imported lazily.
"""

from __future__ import annotations

import os
import re
import threading
import time
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING, Any, Callable, Iterable

from readr.errors import ReadrError
from readr.ids import ArxivId, InvalidArxivId, parse_arxiv_id, try_parse_arxiv_id
from readr.sanitize import clean_line, clean_text

from .record import field, record

if TYPE_CHECKING:  # pragma: no cover
    import arxiv
    import requests

__all__ = [
    "DEFAULT_BASE",
    "ArxivClient",
    "ArxivError",
    "FetchResult",
    "PaperRecord",
]

DEFAULT_BASE = "https://export.arxiv.org"
DEFAULT_DELAY = 3.0
#: Hard limit for one logical request including all its retries and backoff sleeps.
DEFAULT_DEADLINE = 50.0
#: Connecting never waits longer than this (no network should fail fast).
CONNECT_TIMEOUT = 5.0
#: Longest Retry-After we are willing to honour.
MAX_RETRY_AFTER = 30.0
#: Largest id_list batch (keeps the GET URL well under common length limits).
MAX_BATCH = 400
#: Largest page the API serves.
MAX_PAGE = 2000

_ATOM_FEED = "{http://www.w3.org/2005/Atom}feed"
_RETRY_STATUSES = {429, 500, 502, 503, 504}


class ArxivError(ReadrError):
    """Talking to arXiv failed; ``str(e)`` is one line for the user.

    ``partial`` holds what :meth:`ArxivClient.fetch_ids` got before giving up, if anything.
    """

    def __init__(self, message: str, partial: "FetchResult | None" = None):
        super().__init__(clean_line(message))
        self.partial = partial


@record
class PaperRecord:
    arxiv_id: str  # base id, no version
    version: int | None  # the version this record describes
    title: str
    authors: list[str]
    abstract: str
    primary_category: str | None
    categories: list[str]
    published: str | None  # ISO 8601, e.g. "2016-05-26T19:03:52+00:00" (v1 date)
    updated: str | None  # ISO 8601, date of this version
    comment: str | None
    journal_ref: str | None
    doi: str | None
    abs_url: str | None
    pdf_url: str | None
    links: list[dict] = field(default_factory=list)  # [{"href":..., "rel":..., "title":...}]

    @property
    def id(self) -> ArxivId:
        return ArxivId(self.arxiv_id, self.version)


@record
class FetchResult:
    records: list[PaperRecord] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # requested, valid, but not in arXiv's answer
    errors: list[str] = field(default_factory=list)  # "<id>: <one-line reason>"


# --------------------------------------------------------------------------
# process-wide politeness: one request at a time, one every `delay` seconds


class _Limiter:
    def __init__(self) -> None:
        self.request_lock = threading.RLock()  # one request at a time
        self._lock = threading.Lock()
        self._last: float | None = None  # monotonic time the last request ended (or started)

    def wait(self, delay: float) -> None:
        with self._lock:
            if self._last is not None and delay > 0:
                pause = self._last + delay - time.monotonic()
                if pause > 0:
                    time.sleep(pause)
            self._last = time.monotonic()

    def done(self) -> None:
        with self._lock:
            self._last = time.monotonic()


_LIMITER = _Limiter()


# --------------------------------------------------------------------------
# internal failure signals (never leave this module)


class _Failure(Exception):
    def __init__(self, message: str, retry: bool, wait: float | None = None):
        super().__init__(message)
        self.message = message
        self.retry = retry
        self.wait = wait


class _BadFeed(Exception):
    def __init__(self, kind: str, content: bytes):
        super().__init__(kind)
        self.kind = kind  # "html" | "malformed" | "empty"
        self.content = content


class _Rejected(Exception):
    """arXiv answered with an error feed (HTTP 400): the request itself is wrong."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class _GaveUp(Exception):
    def __init__(self, message: str, last: BaseException | None):
        super().__init__(message)
        self.message = message
        self.last = last
        self.collected: list[Any] = []  # what arrived before giving up


def _env_float(name: str, default: float) -> float:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ArxivError(f"{name}={raw!r} is not a number of seconds") from None
    if not value >= 0:  # also rejects NaN
        raise ArxivError(f"{name}={raw!r} must be 0 or more")
    return value


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=timezone.utc)
        seconds = (when - datetime.now(timezone.utc)).total_seconds()
    if seconds != seconds or seconds < 0:  # NaN or in the past
        return 0.0 if seconds == seconds else None
    return seconds


def _error_summary(content: bytes) -> str | None:
    """The <summary> of an arXiv error feed, if this is one."""
    try:
        from lxml import etree

        parser = etree.XMLParser(resolve_entities=False, no_network=True, recover=True)
        root = etree.fromstring(content, parser=parser)
    except Exception:
        return None
    if root is None:
        return None
    ns = {"a": "http://www.w3.org/2005/Atom"}
    for entry in root.iterfind("a:entry", ns):
        title = (entry.findtext("a:title", default="", namespaces=ns) or "").strip()
        entry_id = entry.findtext("a:id", default="", namespaces=ns) or ""
        if title == "Error" or "/api/errors" in entry_id:
            summary = entry.findtext("a:summary", default="", namespaces=ns) or ""
            return clean_line(summary) or "arXiv reported an error"
    return None


def _check_feed(content: bytes) -> str | None:
    """None if ``content`` is a complete Atom feed, else "html" / "malformed" / "empty"."""
    head = content[:512].lstrip().lower()
    if head.startswith((b"<!doctype html", b"<html")):
        return "html"
    from lxml import etree

    try:
        parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
        root = etree.fromstring(content, parser=parser)
    except etree.XMLSyntaxError:
        return "malformed"
    if root is None or root.tag != _ATOM_FEED:
        return "html" if root is not None and str(root.tag).lower() == "html" else "malformed"
    ns = {"a": "http://www.w3.org/2005/Atom", "os": "http://a9.com/-/spec/opensearch/1.1/"}
    try:
        total = int((root.findtext("os:totalResults", default="0", namespaces=ns) or "0").strip())
        start = int((root.findtext("os:startIndex", default="0", namespaces=ns) or "0").strip())
    except ValueError:
        return None
    if total > start and root.find("a:entry", ns) is None:
        return "empty"  # arXiv's sporadic empty page: retry
    return None


def _salvage(content: bytes) -> list:
    """The complete entries of a cut-off feed, parsed by the arxiv package."""
    from arxiv import _feed

    cut = content.rfind(b"</entry>")
    if cut < 0:
        return []
    try:
        return list(_feed.parse(content[: cut + len(b"</entry>")] + b"\n</feed>\n").results)
    except Exception:
        return []


def _iso(value: Any) -> str | None:
    if not isinstance(value, datetime) or value == datetime.min:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc).isoformat()


def _opt(text: str | None) -> str | None:
    cleaned = clean_text(text).strip() if text else ""
    return cleaned or None


def _parse_since(since: str) -> datetime:
    text = since.strip()
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            when = datetime.fromisoformat(text)
        else:
            when = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        raise ArxivError(f"since={since!r} is not an ISO date such as 2024-01-31") from None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return when


def record_from_result(result: Any, version: int | None = None) -> PaperRecord:
    """Turn an ``arxiv.Result`` into a clean :class:`PaperRecord`.

    ``version`` overrides the version read from the entry id (used when a version was requested).
    """
    ident = try_parse_arxiv_id(getattr(result, "entry_id", "") or "")
    base = ident.base if ident else clean_line(str(getattr(result, "entry_id", "")))
    links = [
        {"href": clean_line(link.href), "rel": clean_line(link.rel) or None, "title": clean_line(link.title) or None}
        for link in (result.links or [])
        if getattr(link, "href", None)
    ]
    abs_url = next((link["href"] for link in links if link["rel"] == "alternate"), None)
    pdf_url = clean_line(result.pdf_url) if result.pdf_url else None
    shown = ArxivId(base, version if version is not None else (ident.version if ident else None))
    return PaperRecord(
        arxiv_id=base,
        version=shown.version,
        title=clean_line(result.title),
        authors=[a for a in (clean_line(a.name) for a in (result.authors or [])) if a],
        abstract=clean_text(result.summary).strip(),
        primary_category=clean_line(result.primary_category) or None,
        categories=[c for c in (clean_line(c) for c in (result.categories or [])) if c],
        published=_iso(result.published),
        updated=_iso(result.updated),
        comment=_opt(result.comment),
        journal_ref=_opt(result.journal_ref),
        doi=clean_line(result.doi) or None if result.doi else None,
        abs_url=abs_url or (shown.abs_url if ident else None),
        pdf_url=pdf_url or (shown.pdf_url if ident else None),
        links=links,
    )


# --------------------------------------------------------------------------
# the client


class ArxivClient:
    """A polite, bounded arXiv API client. Thread-safe; all instances share one rate limit."""

    def __init__(
        self,
        base_url: str | None = None,
        delay: float | None = None,
        timeout: float = 20.0,
        retries: int = 3,
        backoff: float = 2.0,
        deadline: float = DEFAULT_DEADLINE,
        page_size: int = 100,
        max_retry_after: float = MAX_RETRY_AFTER,
    ):
        base = base_url or os.environ.get("READR_ARXIV_URL", "").strip() or DEFAULT_BASE
        self.base_url = base.rstrip("/")
        self.delay = _env_float("READR_ARXIV_DELAY", DEFAULT_DELAY) if delay is None else float(delay)
        if not self.delay >= 0:
            raise ArxivError("the arXiv request delay must be 0 or more seconds")
        self.timeout = float(timeout)
        self.retries = max(0, int(retries))
        self.backoff = max(0.0, float(backoff))
        self.deadline = float(deadline)
        self.page_size = max(1, min(int(page_size), MAX_PAGE))
        self.max_retry_after = max(0.0, float(max_retry_after))
        from urllib.parse import urlsplit

        self.host = urlsplit(self.base_url).netloc or self.base_url
        self.query_url_format = self.base_url.replace("{", "{{").replace("}", "}}") + "/api/query?{}"
        self._local = threading.local()
        self._feed_session: Any = None
        self._plain_session: Any = None
        self._init_lock = threading.Lock()

    def __repr__(self) -> str:
        return f"ArxivClient(base_url={self.base_url!r}, delay={self.delay}, timeout={self.timeout})"

    @property
    def max_seconds_per_request(self) -> float:
        """Upper bound for one logical request incl. retries: deadline + one rate-limit wait."""
        return self.deadline + self.delay

    # -- shared politeness -------------------------------------------------

    def wait_turn(self) -> None:
        """Block until this process may make its next request to arXiv, and claim that slot."""
        _LIMITER.wait(self.delay)

    def get(self, url: str, *, stream: bool = False, headers: dict | None = None) -> "requests.Response":
        """GET ``url`` (e.g. a PDF) under the shared rate limit, with timeouts and retries.

        Returns the response for any status except 429/5xx (retried); raises ArxivError when the
        server cannot be reached. With ``stream=True`` the caller reads (and closes) the body.
        """
        session = self._get_plain_session()

        def attempt():
            resp = session.get(url, stream=stream, headers=headers or {})
            if resp.status_code in _RETRY_STATUSES:
                failure = self._status_failure(resp.status_code, resp.headers.get("Retry-After"))
                resp.close()
                raise failure
            return resp

        try:
            return self._retrying(attempt, progress=lambda: 0)
        except _GaveUp as gave_up:
            raise ArxivError(gave_up.message) from None
        except _Rejected as rejected:  # pragma: no cover - _classify only rejects API feeds
            raise ArxivError(rejected.message) from None

    # -- sessions ----------------------------------------------------------

    def _send(self, do: Callable, method: str, url: str, check_feed: bool, **kwargs):
        """Every HTTP request of this client goes through here."""
        deadline = getattr(self._local, "deadline", None)
        with _LIMITER.request_lock:
            self.wait_turn()
            remaining = self.timeout if deadline is None else deadline - time.monotonic()
            if remaining <= 0:
                raise _Failure(f"no answer from {self.host} in time", retry=False)
            read = max(0.05, min(self.timeout, remaining))
            kwargs["timeout"] = (max(0.05, min(CONNECT_TIMEOUT, read)), read)
            headers = dict(kwargs.pop("headers", None) or {})
            headers["user-agent"] = "readr/0.1 (via arxiv.py)"
            try:
                resp = do(method, url, headers=headers, **kwargs)
                if not kwargs.get("stream"):
                    resp.content  # noqa: B018 - read the body inside the timeout and the lock
            finally:
                _LIMITER.done()
        self._local.last_response = resp
        if check_feed and resp.status_code == 200:
            problem = _check_feed(resp.content)
            if problem:
                raise _BadFeed(problem, resp.content)
        return resp

    def _make_session(self, check_feed: bool):
        import requests

        client = self

        class _Session(requests.Session):
            def request(self, method, url, *args, **kwargs):
                return client._send(super().request, method, url, check_feed, **kwargs)

        return _Session()

    def _get_plain_session(self):
        with self._init_lock:
            if self._plain_session is None:
                self._plain_session = self._make_session(check_feed=False)
            return self._plain_session

    def _arxiv_client(self, page_size: int) -> "arxiv.Client":
        """A fresh arxiv.Client per operation (page sizes differ), sharing our one session."""
        import logging

        import arxiv

        # Its warnings ("Skipping entry ... missing <published>") would reach stderr as raw lines.
        logging.getLogger("arxiv").setLevel(logging.ERROR)

        with self._init_lock:
            if self._feed_session is None:
                self._feed_session = self._make_session(check_feed=True)
        # num_retries=0 and delay_seconds=0: the retry loop and the rate limit are ours.
        client = arxiv.Client(page_size=max(1, min(page_size, MAX_PAGE)), delay_seconds=0.0, num_retries=0)
        client.query_url_format = self.query_url_format
        client._session.close()
        client._session = self._feed_session
        return client

    # -- failures and retries ------------------------------------------------

    def _status_failure(self, status: int, retry_after: str | None) -> _Failure:
        wait = _retry_after(retry_after)
        if wait is not None:
            wait = min(wait, self.max_retry_after)
        if status == 429:
            return _Failure(f"arXiv is rate-limiting requests (HTTP 429 from {self.host}); try again later",
                            retry=True, wait=wait)
        if status == 503:
            return _Failure(f"arXiv is unavailable (HTTP 503 from {self.host}); try again later",
                            retry=True, wait=wait)
        if status in _RETRY_STATUSES:
            return _Failure(f"arXiv server error (HTTP {status} from {self.host})", retry=True, wait=wait)
        return _Failure(f"{self.host} answered HTTP {status} (is READR_ARXIV_URL right?)", retry=False)

    def _classify(self, exc: BaseException) -> _Failure | _Rejected:
        """Map any exception from a request to _Failure / _Rejected (or re-raise programming errors)."""
        import arxiv
        import requests

        if isinstance(exc, (_Failure, _Rejected)):
            return exc
        if isinstance(exc, _BadFeed):
            if exc.kind == "html":
                return _Failure(f"{self.host} sent a web page instead of an Atom feed "
                                "(maintenance? wrong READR_ARXIV_URL?)", retry=True)
            if exc.kind == "empty":
                return _Failure(f"{self.host} kept sending empty result pages", retry=True)
            return _Failure(f"{self.host} sent a malformed or cut-off feed", retry=True)
        if isinstance(exc, arxiv.HTTPError):
            resp = getattr(self._local, "last_response", None)
            if exc.status == 400:
                summary = _error_summary(resp.content) if resp is not None else None
                return _Rejected(summary or "arXiv rejected the request (HTTP 400)")
            headers = resp.headers if resp is not None else {}
            return self._status_failure(exc.status, headers.get("Retry-After"))
        if isinstance(exc, arxiv.UnexpectedEmptyPageError):
            return _Failure(f"{self.host} kept sending empty result pages", retry=True)
        if isinstance(exc, requests.exceptions.Timeout) and not isinstance(
            exc, requests.exceptions.ConnectTimeout
        ):
            return _Failure(f"no answer from {self.host} within {self.timeout:g} s", retry=True)
        if isinstance(exc, requests.exceptions.ConnectTimeout):
            return _Failure(f"cannot connect to {self.host}: timed out (offline?)", retry=False)
        if isinstance(exc, requests.exceptions.ConnectionError):
            reason = _connect_reason(exc)
            if reason:
                return _Failure(f"cannot connect to {self.host}: {reason}", retry=False)
            return _Failure(f"the connection to {self.host} was dropped mid-answer", retry=True)
        if isinstance(exc, (requests.exceptions.ChunkedEncodingError,
                            requests.exceptions.ContentDecodingError)):
            return _Failure(f"the connection to {self.host} was dropped mid-answer", retry=True)
        if isinstance(exc, requests.exceptions.InvalidURL) or isinstance(
            exc, requests.exceptions.MissingSchema
        ) or isinstance(exc, requests.exceptions.InvalidSchema):
            return _Failure(f"bad arXiv URL {self.base_url!r} (check READR_ARXIV_URL)", retry=False)
        if isinstance(exc, requests.exceptions.RequestException):
            return _Failure(f"request to {self.host} failed: {type(exc).__name__}", retry=False)
        if isinstance(exc, (ValueError, TypeError)) and _raised_in_arxiv_parser(exc):
            return _Failure(f"{self.host} sent a malformed feed", retry=True)
        raise exc

    def _retrying(self, attempt: Callable[[], Any], progress: Callable[[], int]):
        """Run ``attempt`` until it succeeds, retrying transient failures with backoff.

        ``progress()`` reports how much has arrived; any progress restarts the deadline and the
        retry count, so only a *stuck* request is bounded by ``deadline`` (and ``retries``).
        Raises _Rejected (error feed) or _GaveUp.
        """
        deadline = time.monotonic() + self.deadline
        tries = 0
        seen = progress()
        last_exc: BaseException | None = None
        try:
            while True:
                self._local.deadline = deadline
                try:
                    return attempt()
                except Exception as exc:  # noqa: BLE001 - classified below
                    failure = self._classify(exc)
                    last_exc = exc
                if isinstance(failure, _Rejected):
                    raise failure
                now_seen = progress()
                if now_seen > seen:
                    seen, tries, deadline = now_seen, 0, time.monotonic() + self.deadline
                tries += 1
                if not failure.retry or tries > self.retries:
                    suffix = f" (tried {tries} times)" if failure.retry and tries > 1 else ""
                    raise _GaveUp(failure.message + suffix, last_exc)
                wait = failure.wait
                if wait is None:
                    wait = self.backoff * (2 ** (tries - 1))
                if time.monotonic() + wait + 0.05 >= deadline:
                    raise _GaveUp(failure.message + f" (gave up after {tries} tries)", last_exc)
                time.sleep(wait)
        finally:
            self._local.deadline = None

    def _collect(self, search: "arxiv.Search", page_size: int,
                 stop: Callable[[Any], bool] | None = None) -> list:
        """All results of ``search`` (resuming after failures), stopping early when stop(result)."""
        client = self._arxiv_client(page_size)
        out: list = []

        def attempt():
            for result in client.results(search, offset=len(out)):
                if stop is not None and stop(result):
                    return
                out.append(result)

        try:
            self._retrying(attempt, progress=lambda: len(out))
        except _GaveUp as gave_up:
            gave_up.collected = out
            raise
        return out

    # -- public API --------------------------------------------------------

    def fetch_ids(
        self,
        ids: Iterable[ArxivId | str],
        batch_size: int = 100,
        on_progress: Callable[[int, int], None] | None = None,
    ) -> FetchResult:
        """Fetch metadata for ``ids`` in batched ``id_list`` requests.

        Ids arXiv does not know go to ``missing``; ids it rejects, or whose batch failed after
        others had arrived, go to ``errors`` as "<id>: <reason>". Raises ArxivError only when
        arXiv could not be reached before anything arrived (``e.partial`` has the rest).
        ``on_progress(done, total)`` is called after each batch.
        """
        import arxiv

        result = FetchResult()
        wanted: list[ArxivId] = []
        seen: set[str] = set()
        for item in ids:
            if isinstance(item, ArxivId):
                ident = item
            else:
                try:
                    ident = parse_arxiv_id(item)
                except InvalidArxivId as exc:
                    result.errors.append(clean_line(f"{item}: {exc.reason}"))
                    continue
            if str(ident) not in seen:
                seen.add(str(ident))
                wanted.append(ident)

        size = max(1, min(int(batch_size), MAX_BATCH))
        batches = [wanted[i : i + size] for i in range(0, len(wanted), size)]
        done = 0
        for number, batch in enumerate(batches):
            try:
                self._fetch_batch(batch, result, arxiv)
            except _GaveUp as gave_up:
                rest = [str(i) for b in batches[number + 1 :] for i in b]
                result.errors.extend(clean_line(f"{i}: {gave_up.message}") for i in rest)
                if not result.records:
                    raise ArxivError(gave_up.message, partial=result) from None
                done = len(wanted)
                if on_progress:
                    on_progress(done, len(wanted))
                break
            done += len(batch)
            if on_progress:
                on_progress(done, len(wanted))
        return result

    def _fetch_batch(self, batch: list[ArxivId], result: FetchResult, arxiv: Any) -> None:
        """Fetch one batch; a batch with ids arXiv rejects is retried without them."""
        pending = list(batch)
        while pending:
            search = arxiv.Search(id_list=[str(i) for i in pending], max_results=len(pending))
            try:
                found = self._collect(search, page_size=len(pending))
            except _Rejected as rejected:
                bad = _named_ids(rejected.message, pending)
                if not bad and len(pending) > 1:
                    half = len(pending) // 2
                    self._fetch_batch(pending[:half], result, arxiv)
                    self._fetch_batch(pending[half:], result, arxiv)
                    return
                for ident in bad or pending:
                    result.errors.append(clean_line(f"{ident}: {rejected.message}"))
                pending = [i for i in pending if i not in (bad or pending)]
                continue
            except _GaveUp as gave_up:
                # Keep what arrived (earlier pages, complete entries of a cut-off answer).
                arrived = list(gave_up.collected)
                last = gave_up.last
                cut_off = last if isinstance(last, _BadFeed) and last.kind == "malformed" else None
                if cut_off is not None:
                    arrived += _salvage(cut_off.content)
                got = self._match(pending, arrived, result, report_missing=False)
                for ident in pending:
                    if ident not in got:
                        result.errors.append(clean_line(f"{ident}: {gave_up.message}"))
                if cut_off is None or not result.records:
                    raise  # the server is unwell: stop; fetch_ids reports the other batches
                return
            self._match(pending, found, result, report_missing=True)
            return

    @staticmethod
    def _match(pending: list[ArxivId], found: list, result: FetchResult, report_missing: bool) -> set:
        by_base: dict[str, list[tuple[ArxivId, Any]]] = {}
        for entry in found:
            ident = try_parse_arxiv_id(entry.entry_id or "")
            if ident is not None:
                by_base.setdefault(ident.base, []).append((ident, entry))
        got: set[ArxivId] = set()
        for want in pending:
            candidates = by_base.get(want.base, [])
            if not candidates:
                if report_missing:
                    result.missing.append(str(want))
                continue
            if want.version is None:  # "latest": the highest version arXiv sent
                chosen = max(candidates, key=lambda c: c[0].version or 0)[1]
            else:
                chosen = next((e for i, e in candidates if i.version == want.version), candidates[0][1])
            result.records.append(record_from_result(chosen, version=want.version))
            got.add(want)
        return got

    def search(self, query: str, max_results: int = 20, sort: str = "relevance") -> list[PaperRecord]:
        """Run an arXiv search; fielded queries (ti:, au:, cat:, abs:, AND/OR/ANDNOT) pass through."""
        import arxiv

        query = (query or "").strip()
        if not query:
            raise ArxivError("empty search query")
        criteria = {
            "relevance": arxiv.SortCriterion.Relevance,
            "submitteddate": arxiv.SortCriterion.SubmittedDate,
            "submitted": arxiv.SortCriterion.SubmittedDate,
            "lastupdateddate": arxiv.SortCriterion.LastUpdatedDate,
            "updated": arxiv.SortCriterion.LastUpdatedDate,
        }
        criterion = criteria.get(str(sort).replace("_", "").lower())
        if criterion is None:
            raise ArxivError(f"unknown sort {sort!r}: use relevance, submittedDate or lastUpdatedDate")
        if max_results <= 0:
            return []
        search = arxiv.Search(query=query, max_results=min(int(max_results), 30000),
                              sort_by=criterion, sort_order=arxiv.SortOrder.Descending)
        return [record_from_result(r) for r in self._run_search(search)]

    def newest(self, query: str, since: str | None, max_results: int = 200) -> list[PaperRecord]:
        """Newest submissions matching ``query``, newest first, stopping at ones older than ``since``."""
        import arxiv

        query = (query or "").strip()
        if not query:
            raise ArxivError("empty search query")
        if max_results <= 0:
            return []
        cutoff = _parse_since(since) if since else None
        search = arxiv.Search(query=query, max_results=min(int(max_results), 30000),
                              sort_by=arxiv.SortCriterion.SubmittedDate,
                              sort_order=arxiv.SortOrder.Descending)

        def older(result) -> bool:
            return cutoff is not None and result.published < cutoff

        return [record_from_result(r) for r in self._run_search(search, stop=older)]

    def _run_search(self, search: "arxiv.Search", stop: Callable[[Any], bool] | None = None) -> list:
        page_size = min(self.page_size, search.max_results or self.page_size)
        try:
            return self._collect(search, page_size=page_size, stop=stop)
        except _Rejected as rejected:
            raise ArxivError(f"arXiv rejected the query: {rejected.message}") from None
        except _GaveUp as gave_up:
            raise ArxivError(gave_up.message) from None


def _named_ids(message: str, pending: list[ArxivId]) -> list[ArxivId]:
    """The ids in ``pending`` that an error summary such as 'incorrect id format for X' names."""
    m = re.search(r"\bfor\s+(\S+)\s*$", message)
    named = m.group(1) if m else None
    out = []
    for ident in pending:
        if named is not None and named in (str(ident), ident.base):
            out.append(ident)
    if not out:
        tokens = set(re.split(r"[\s,;'\"]+", message))
        out = [i for i in pending if str(i) in tokens]
    return out


def _connect_reason(exc: BaseException) -> str | None:
    """'connection refused' / 'host name not found' if the connection was never made."""
    from urllib3.exceptions import NameResolutionError, NewConnectionError

    seen = set()
    stack: list[BaseException | None] = [exc]
    while stack:
        cur = stack.pop()
        if cur is None or id(cur) in seen:
            continue
        seen.add(id(cur))
        if isinstance(cur, NameResolutionError):
            return "host name not found (offline?)"
        if isinstance(cur, NewConnectionError):
            text = str(cur).lower()
            if "refused" in text:
                return "connection refused"
            if "name or service" in text or "nodename" in text or "resolution" in text:
                return "host name not found (offline?)"
            return "network unreachable (offline?)"
        if isinstance(cur, ConnectionRefusedError):
            return "connection refused"
        stack.extend([getattr(cur, "reason", None), cur.__cause__, cur.__context__])
        stack.extend(a for a in getattr(cur, "args", ()) if isinstance(a, BaseException))
    return None


def _raised_in_arxiv_parser(exc: BaseException) -> bool:
    tb = exc.__traceback__
    while tb is not None:
        if "arxiv" in tb.tb_frame.f_code.co_filename and "_feed" in tb.tb_frame.f_code.co_filename:
            return True
        tb = tb.tb_next
    return False

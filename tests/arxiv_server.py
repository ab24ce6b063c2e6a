"""A local replay of export.arxiv.org for tests (127.0.0.1 only, random port).

``/api/query`` answers from the real recordings in ``tests/fixtures/arxiv_api/``:

* a request that matches a recording (same ``id_list``, or same ``search_query`` + ``start`` +
  ``max_results``) gets that recording byte for byte, with its recorded HTTP status;
* other ``id_list`` requests get an Atom feed assembled from the recorded ``<entry>`` elements
  (indexed by base id, verbatim), or, for ids without a recording, an entry built from the real
  Kaggle metadata sample (``0704.0001``-``0704.0200``, using its versions list for the version
  and dates); an id found nowhere is left out, like real arXiv; a malformed id gets arXiv's
  error-feed shape with HTTP 400 naming it;
* other ``search_query`` requests get a simple word match over the same entries
  (``ti: au: abs: cat: co: jr: all:``, quoted phrases, ``AND``/``OR``/``ANDNOT``, brackets),
  honouring ``start``, ``max_results``, ``sortBy`` and ``sortOrder``.

``/pdf/<id>`` serves ``<id>.pdf`` (``/`` in old ids as ``_``) from ``server.pdf_dir``.

Knobs: ``server.script([...])`` queues one response per request, e.g.
``[(503, None), (200, None)]``; ``(429, None, {"Retry-After": "1"})``; ``("hang", None)``
(accept, read the request, never answer); ``("held", event)`` (answer as usual once the test sets
the ``threading.Event``); ``("drop", None)`` (send headers and half the body,
then close); ``("html", None)``; ``("truncated", None)`` (the real answer cut in the middle of
an entry); ``("malformed", None)``; ``(status, b"body")`` serves that body.
``server.default`` is used when the queue is empty (``None`` = normal replay).
Every request is logged in ``server.requests``.
"""

from __future__ import annotations

import json
import re
import socket
import threading
import time
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from functools import lru_cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit
from xml.etree import ElementTree as ET
from xml.sax.saxutils import escape, quoteattr

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
API_DIR = FIXTURES / "arxiv_api"
KAGGLE = FIXTURES / "metadata" / "kaggle_snapshot_sample" / "arxiv-metadata-oai-snapshot.head.jsonl"

ATOM = "http://www.w3.org/2005/Atom"
ARXIV_NS = "http://arxiv.org/schemas/atom"
NS = {"atom": ATOM, "arxiv": ARXIV_NS}
FEED_OPEN = (
    '<feed xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/" '
    'xmlns:arxiv="http://arxiv.org/schemas/atom" xmlns="http://www.w3.org/2005/Atom">'
)

_NEW_ID = re.compile(r"(\d{4}\.\d{4,5})(?:v(\d+))?", re.ASCII)
_OLD_ID = re.compile(r"([a-z-]+)(?:\.[A-Za-z-]+)?/(\d{7})(?:v(\d+))?", re.ASCII)


def split_id(text: str) -> tuple[str, int | None] | None:
    """Server-side id check (deliberately independent of readr.ids): (base, version) or None."""
    m = _NEW_ID.fullmatch(text)
    if m:
        return m.group(1), int(m.group(2)) if m.group(2) else None
    m = _OLD_ID.fullmatch(text)
    if m:
        return f"{m.group(1)}/{m.group(2)}", int(m.group(3)) if m.group(3) else None
    return None


# --------------------------------------------------------------------------
# the corpus: recordings, their entries, and the Kaggle sample


@dataclass
class Recording:
    name: str
    status: int
    body: bytes
    params: dict[str, str]


@dataclass
class Entry:
    base: str
    version: int
    xml: str  # one <entry> element, verbatim or built from Kaggle metadata
    title: str
    summary: str
    authors: list[str]
    categories: list[str]
    comment: str
    journal_ref: str
    published: str
    updated: str
    source: str


@dataclass
class Corpus:
    recordings: list[Recording] = field(default_factory=list)
    entries: dict[str, dict[int, Entry]] = field(default_factory=dict)  # base -> version -> entry

    def add_entry(self, entry: Entry) -> None:
        self.entries.setdefault(entry.base, {}).setdefault(entry.version, entry)

    def lookup(self, base: str, version: int | None) -> Entry | None:
        versions = self.entries.get(base)
        if not versions:
            return None
        if version is None:
            return versions[max(versions)]
        return versions.get(version)

    def latest_entries(self) -> list[Entry]:
        return [v[max(v)] for v in self.entries.values()]


def _params_from_url(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query, keep_blank_values=True).items()}


def _params_from_title(body: bytes) -> dict[str, str]:
    """Legacy feeds echo the request in <title>: 'ArXiv Query: search_query=..&id_list=..&start=..'."""
    m = re.search(rb"<title[^>]*>ArXiv Query:\s*(.*?)</title>", body, re.S)
    if not m:
        return {}
    text = m.group(1).decode("utf-8").replace("&amp;", "&")
    params = {}
    for part in text.split("&"):
        key, _, value = part.partition("=")
        params[key.strip()] = value
    return params


def _load_recordings() -> list[Recording]:
    recs: list[Recording] = []
    for path in sorted((API_DIR / "arxiv.py_recorded_2026").glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        recs.append(
            Recording(path.name, data["status_code"], data["body"].encode("latin-1"),
                      _params_from_url(data["url"]))
        )
    manifest = json.loads((API_DIR / "pubs_recorded" / "pubs_manifest.json").read_text())["files"]
    for name, meta in sorted(manifest.items()):
        body = (API_DIR / "pubs_recorded" / name).read_bytes()
        recs.append(Recording(f"pubs/{name}", meta["status"], body, _params_from_url(meta["url"])))
    for folder, pattern in (("arxiv.py_legacy_2016", "*.xml"), ("orijtech_arxiv_go", "*.atom")):
        for path in sorted((API_DIR / folder).glob(pattern)):
            body = path.read_bytes()
            recs.append(Recording(f"{folder}/{path.name}", 200, body, _params_from_title(body)))
    return recs


def _text(elem, path: str) -> str:
    found = elem.find(path, NS)
    return (found.text or "") if found is not None else ""


def _entries_of(rec: Recording) -> list[Entry]:
    text = rec.body.decode("utf-8")
    out = []
    for m in re.finditer(r"<entry>.*?</entry>", text, re.S):
        raw = m.group(0)
        root = ET.fromstring(FEED_OPEN + raw + "</feed>")
        elem = root.find("atom:entry", NS)
        entry_url = _text(elem, "atom:id")
        if "/abs/" not in entry_url:
            continue  # error entries
        parsed = split_id(entry_url.split("/abs/", 1)[1])
        if parsed is None or parsed[1] is None:
            continue
        out.append(
            Entry(
                base=parsed[0], version=parsed[1], xml=raw,
                title=_text(elem, "atom:title"), summary=_text(elem, "atom:summary"),
                authors=[_text(a, "atom:name") for a in elem.findall("atom:author", NS)],
                categories=[c.get("term", "") for c in elem.findall("atom:category", NS)],
                comment=_text(elem, "arxiv:comment"), journal_ref=_text(elem, "arxiv:journal_ref"),
                published=_iso_z(_text(elem, "atom:published")),
                updated=_iso_z(_text(elem, "atom:updated")), source=rec.name,
            )
        )
    return out


def _iso_z(stamp: str) -> str:
    """Normalise an Atom timestamp to UTC 'YYYY-MM-DDTHH:MM:SSZ' (for sorting)."""
    from datetime import datetime, timezone

    dt = datetime.fromisoformat(stamp.strip().replace("Z", "+00:00"))
    return dt.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _kaggle_entries(record: dict) -> list[Entry]:
    """One Atom entry per version of a Kaggle metadata record (2026 API shape)."""
    base = record["id"]
    created = [
        parsedate_to_datetime(v["created"]).strftime("%Y-%m-%dT%H:%M:%SZ") for v in record["versions"]
    ]
    authors = [
        " ".join(p for p in (first, last, suffix) if p)
        for last, first, suffix, *_ in record["authors_parsed"]
    ]
    categories = record["categories"].split()
    title = " ".join(record["title"].split())
    out = []
    for number, updated in enumerate(created, start=1):
        vid = f"{base}v{number}"
        lines = [
            "<entry>",
            f"    <id>http://arxiv.org/abs/{vid}</id>",
            f"    <title>{escape(title)}</title>",
            f"    <updated>{updated}</updated>",
            f'    <link href="https://arxiv.org/abs/{vid}" rel="alternate" type="text/html"/>',
            f'    <link href="https://arxiv.org/pdf/{vid}" rel="related" type="application/pdf" title="pdf"/>',
        ]
        if record.get("doi"):
            lines.append(
                f'    <link href={quoteattr("https://doi.org/" + record["doi"])} rel="related" title="doi"/>'
            )
        lines.append(f"    <summary>{escape(record['abstract'])}</summary>")
        lines += [f'    <category term={quoteattr(c)} scheme="http://arxiv.org/schemas/atom"/>' for c in categories]
        lines.append(f"    <published>{created[0]}</published>")
        if record.get("comments"):
            lines.append(f"    <arxiv:comment>{escape(record['comments'])}</arxiv:comment>")
        if record.get("journal-ref"):
            lines.append(f"    <arxiv:journal_ref>{escape(record['journal-ref'])}</arxiv:journal_ref>")
        if record.get("doi"):
            lines.append(f"    <arxiv:doi>{escape(record['doi'])}</arxiv:doi>")
        lines.append(f"    <arxiv:primary_category term={quoteattr(categories[0])}/>")
        lines += [f"    <author>\n      <name>{escape(a)}</name>\n    </author>" for a in authors]
        lines.append("  </entry>")
        out.append(
            Entry(
                base=base, version=number, xml="\n".join(lines), title=title,
                summary=record["abstract"], authors=authors, categories=categories,
                comment=record.get("comments") or "", journal_ref=record.get("journal-ref") or "",
                published=created[0], updated=updated, source="kaggle",
            )
        )
    return out


@lru_cache(maxsize=1)
def corpus() -> Corpus:
    c = Corpus(recordings=_load_recordings())
    # 2026 recordings first so their (newer-format) copy of an entry wins.
    for rec in c.recordings:
        if rec.status == 200:
            for entry in _entries_of(rec):
                c.add_entry(entry)
    with KAGGLE.open(encoding="utf-8") as fh:
        for line in fh:
            for entry in _kaggle_entries(json.loads(line)):
                c.add_entry(entry)
    return c


# --------------------------------------------------------------------------
# feeds


def _feed(query_title: str, entries: list[Entry], total: int, start: int) -> bytes:
    now = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    parts = [
        "<?xml version='1.0' encoding='UTF-8'?>",
        FEED_OPEN,
        "  <id>https://arxiv.org/api/replay</id>",
        f"  <title>arXiv Query: {escape(query_title)}</title>",
        f"  <updated>{now}</updated>",
        f"  <opensearch:itemsPerPage>{len(entries)}</opensearch:itemsPerPage>",
        f"  <opensearch:totalResults>{total}</opensearch:totalResults>",
        f"  <opensearch:startIndex>{start}</opensearch:startIndex>",
    ]
    parts += ["  " + e.xml for e in entries]
    parts.append("</feed>\n")
    return "\n".join(parts).encode("utf-8")


def error_feed(message: str, slug: str) -> bytes:
    """arXiv's error-feed shape (as recorded for id_list=abc), for another message."""
    now = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    url = escape(f"https://arxiv.org/api/errors#{slug}")
    return (
        "<?xml version='1.0' encoding='UTF-8'?>\n" + FEED_OPEN + "\n"
        "  <id>https://arxiv.org/</id>\n  <title>arXiv Search Results</title>\n"
        f"  <updated>{now}</updated>\n"
        "  <opensearch:itemsPerPage>1</opensearch:itemsPerPage>\n"
        "  <opensearch:totalResults>1</opensearch:totalResults>\n"
        "  <opensearch:startIndex>0</opensearch:startIndex>\n"
        f"  <entry>\n    <id>{url}</id>\n    <title>Error</title>\n    <updated>{now}</updated>\n"
        f'    <link href="{url}" rel="alternate" type="text/html"/>\n'
        f"    <summary>{escape(message)}</summary>\n"
        "    <author>\n      <name>arXiv api core</name>\n    </author>\n  </entry>\n</feed>\n"
    ).encode("utf-8")


# --------------------------------------------------------------------------
# a tiny search_query evaluator

_TOKEN = re.compile(r'\s*(\(|\)|"[^"]*"|[A-Za-z]+:"[^"]*"|[^\s()]+)')
_FIELDS = {
    "ti": lambda e: e.title,
    "abs": lambda e: e.summary,
    "au": lambda e: " ; ".join(e.authors),
    "cat": lambda e: " ".join(e.categories),
    "co": lambda e: e.comment,
    "jr": lambda e: e.journal_ref,
    "id": lambda e: e.base,
}


def _all_text(e: Entry) -> str:
    return " ".join([e.title, e.summary, " ; ".join(e.authors), " ".join(e.categories)])


def _term_matcher(token: str):
    fieldname, sep, value = token.partition(":")
    if not sep or fieldname.lower() not in _FIELDS and fieldname.lower() != "all":
        getter, value = _all_text, token
    else:
        fieldname = fieldname.lower()
        getter = _all_text if fieldname == "all" else _FIELDS[fieldname]
    phrase = value.strip('"').replace("_", " ").lower()
    words = phrase.split()

    def match(e: Entry) -> bool:
        hay = " ".join(getter(e).lower().split())
        if fieldname == "au":
            hay = hay.replace("-", " ")
        return bool(words) and (phrase in hay if value.startswith('"') else all(w in hay for w in words))

    return match


def compile_query(query: str):
    tokens = [t for t in _TOKEN.findall(query) if t]
    pos = 0

    def term():
        nonlocal pos
        if pos >= len(tokens):
            return lambda e: False
        tok = tokens[pos]
        pos += 1
        if tok == "(":
            inner = expr()
            if pos < len(tokens) and tokens[pos] == ")":
                pos += 1
            return inner
        return _term_matcher(tok)

    def expr():
        nonlocal pos
        left = term()
        while pos < len(tokens) and tokens[pos] != ")":
            op = tokens[pos]
            if op in ("AND", "OR", "ANDNOT"):
                pos += 1
            else:
                op = "AND"  # juxtaposition
            right = term()
            left = {
                "AND": lambda e, a=left, b=right: a(e) and b(e),
                "OR": lambda e, a=left, b=right: a(e) or b(e),
                "ANDNOT": lambda e, a=left, b=right: a(e) and not b(e),
            }[op]
        return left

    return expr()


# --------------------------------------------------------------------------
# the HTTP server


@dataclass
class LoggedRequest:
    path: str
    params: dict[str, str]
    raw_query: str
    headers: dict[str, str]
    at: float  # time.monotonic()
    answered_with: str = ""


class ArxivReplayServer:
    def __init__(self, pdf_dir: Path | str | None = None):
        self.corpus = corpus()
        self.pdf_dir = Path(pdf_dir) if pdf_dir else None
        self.requests: list[LoggedRequest] = []
        self.default: tuple | None = None
        self._script: list[tuple] = []
        self._lock = threading.Lock()
        self._release = threading.Event()
        self._httpd: ThreadingHTTPServer | None = None
        self.url = ""

    # knobs -------------------------------------------------------------
    def script(self, steps) -> None:
        """Queue responses, one per request: (status|mode, body|None[, headers])."""
        with self._lock:
            self._script.extend(tuple(s) for s in steps)

    def serve_pdfs_from(self, directory: Path | str) -> None:
        self.pdf_dir = Path(directory)

    @property
    def api_requests(self) -> list[LoggedRequest]:
        return [r for r in self.requests if r.path == "/api/query"]

    def end_hangs(self) -> None:
        """Close the connections of the requests that hang (and of later ones) unanswered."""
        self._release.set()

    def _next_step(self) -> tuple | None:
        with self._lock:
            if self._script:
                return self._script.pop(0)
            return self.default

    # lifecycle ---------------------------------------------------------
    def start(self) -> "ArxivReplayServer":
        server = self

        class Handler(_Handler):
            replay = server

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self._httpd.block_on_close = False
        host, port = self._httpd.server_address[:2]
        self.url = f"http://{host}:{port}"
        threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05},
                         daemon=True).start()
        return self

    def stop(self) -> None:
        self._release.set()
        if self._httpd:
            self._httpd.shutdown()
            self._httpd.server_close()

    # answers -----------------------------------------------------------
    def answer_query(self, params: dict[str, str]) -> tuple[int, bytes, str]:
        """(status, body, how) for /api/query with these parameters."""
        c = self.corpus
        id_list = params.get("id_list", "")
        query = params.get("search_query", "")
        try:
            start = int(params.get("start", "0"))
            max_results = int(params.get("max_results", "10"))
        except ValueError:
            return 400, error_feed("start and max_results must be integers", "bad_paging"), "error"
        if start < 0 or max_results < 0 or max_results > 30000:
            return 400, error_feed("start must be >= 0 and max_results in 0..30000", "bad_paging"), "error"
        sort_by = params.get("sortBy", "relevance")
        sort_order = params.get("sortOrder", "descending")

        for rec in c.recordings:
            rp = rec.params
            if id_list and not query:
                if rp.get("id_list") == id_list and not rp.get("search_query") and start == 0:
                    return rec.status, rec.body, f"recording {rec.name}"
            elif query and not id_list:
                if (
                    rp.get("search_query") == query
                    and not rp.get("id_list")
                    and int(rp.get("start", "0")) == start
                    and int(rp.get("max_results", "10")) == max_results
                    and rp.get("sortBy", "relevance") == sort_by
                    and rp.get("sortOrder", "descending") == sort_order
                ):
                    return rec.status, rec.body, f"recording {rec.name}"

        title = f"search_query={query}&id_list={id_list}&start={start}&max_results={max_results}"
        if id_list:
            found = []
            for raw in id_list.split(","):
                raw = raw.strip()
                parsed = split_id(raw)
                if parsed is None:
                    return (400, error_feed(f"incorrect id format for {raw}", f"incorrect_id_format_for_{raw}"),
                            "error")
                entry = c.lookup(*parsed)
                if entry is not None:
                    found.append(entry)
            if query:
                matcher = compile_query(query)
                found = [e for e in found if matcher(e)]
            return 200, _feed(title, found[start:start + max_results], len(found), start), "assembled"

        if not query:
            return 200, _feed(title, [], 0, start), "empty"
        matcher = compile_query(query)
        hits = [e for e in c.latest_entries() if matcher(e)]
        if sort_by in ("submittedDate", "lastUpdatedDate"):
            key = (lambda e: e.published) if sort_by == "submittedDate" else (lambda e: e.updated)
            hits.sort(key=lambda e: (key(e), e.base), reverse=(sort_order == "descending"))
        elif sort_order == "ascending":
            hits.reverse()
        return 200, _feed(title, hits[start:start + max_results], len(hits), start), "matched"

    def find_pdf(self, ident: str) -> Path | None:
        if self.pdf_dir is None:
            return None
        ident = ident[:-4] if ident.endswith(".pdf") else ident
        name = ident.replace("/", "_")
        exact = self.pdf_dir / f"{name}.pdf"
        if exact.is_file():
            return exact
        parsed = split_id(ident)
        if parsed and parsed[1] is None:
            candidates = sorted(
                self.pdf_dir.glob(f"{name}v*.pdf"),
                key=lambda p: int(re.sub(r"\D", "", p.stem.rsplit("v", 1)[1]) or 0),
            )
            if candidates:
                return candidates[-1]
        return None


HTML_PAGE = (
    b"<!DOCTYPE html>\n<html><head><title>arXiv is down for maintenance</title></head>"
    b"<body><h1>We are upgrading arXiv</h1><p>Please try again later.</p></body></html>\n"
)


class _Handler(BaseHTTPRequestHandler):
    replay: ArxivReplayServer
    server_version = "arxiv-replay/1.0"

    def log_message(self, format, *args):  # noqa: A002 - silence stderr
        pass

    def do_GET(self):  # noqa: N802
        replay = self.replay
        parts = urlsplit(self.path)
        params = {k: v[0] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
        logged = LoggedRequest(parts.path, params, parts.query, dict(self.headers.items()), time.monotonic())
        with replay._lock:
            replay.requests.append(logged)

        step = replay._next_step()
        mode = step[0] if step else 200
        body = step[1] if step and len(step) > 1 else None
        headers = dict(step[2]) if step and len(step) > 2 and step[2] else {}
        logged.answered_with = str(mode)

        if mode == "held":
            body.wait(600)
            mode, body = 200, None
        if mode == "hang":
            replay._release.wait(600)
            self.close_connection = True
            return
        if isinstance(mode, int) and mode != 200:
            self._send(mode, body if body is not None else f"HTTP {mode}\n".encode(), "text/plain", headers)
            return
        if mode == "html":
            self._send(200, body or HTML_PAGE, "text/html; charset=utf-8", headers)
            return
        if mode == "malformed":
            self._send(200, body or b"<?xml version='1.0'?>\n<feed><entry><id>oops</feed>&&&\n",
                       "application/atom+xml; charset=utf-8", headers)
            return

        if body is not None:
            status, payload, ctype = 200, body, "application/atom+xml; charset=utf-8"
        elif parts.path == "/api/query":
            status, payload, how = replay.answer_query(params)
            logged.answered_with += f" {how}"
            ctype = "application/atom+xml; charset=utf-8"
        elif parts.path.startswith("/pdf/"):
            pdf = replay.find_pdf(unquote(parts.path[len("/pdf/"):]))
            if pdf is None:
                status, payload, ctype = 404, b"not found\n", "text/plain"
            else:
                status, payload, ctype = 200, pdf.read_bytes(), "application/pdf"
        else:
            status, payload, ctype = 404, b"not found\n", "text/plain"

        if mode == "truncated":
            cut = payload.rfind(b"</entry>")
            cut = payload.rfind(b"<summary>", 0, cut) + 20 if cut > 0 else len(payload) // 2
            self._send(status, payload[:cut], ctype, headers)
            return
        if mode == "drop":
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload[: len(payload) // 2])
            self.wfile.flush()
            self.close_connection = True
            try:
                self.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            return
        self._send(status, payload, ctype, headers)

    def _send(self, status: int, payload: bytes, ctype: str, headers: dict[str, str]) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(payload)))
        for k, v in headers.items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(payload)


# --------------------------------------------------------------------------
# pytest fixtures


@pytest.fixture
def arxiv_server():
    """A fresh replay server per test (the parsed corpus is cached per process)."""
    server = ArxivReplayServer().start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def closed_port() -> int:
    """A 127.0.0.1 port with nothing listening (connection refused)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


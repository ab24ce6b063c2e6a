"""One Markdown file per reader per paper: `readers/<reader>/<arxiv-id>.md`, or for a paper
without an arXiv id (a web page, a local PDF, a BibTeX entry) `readers/<reader>/<key>.md`, its
library key: `web-` and a hash of its URL, `pdf-` and the start of the PDF's SHA-256, `bib-`
and a hash of its citation, the same on every machine.

    ---
    arxiv: "2202.06709"
    version: 2
    title: "How Do Vision Transformers Work?"
    authors: ["Namuk Park", "Songkuk Kim"]
    status: "read"
    tags: ["vision"]
    added: "2024-04-29T09:00:00"
    read: "2024-05-01T12:00:00"
    summary_updated: "2024-05-01T12:30:00"
    ---

    The summary, exactly as written (bold takeaways included).

Each front-matter value is JSON, which YAML reads as well, so a value never needs quoting rules
of its own and GitHub shows the header as a table. An old-style id's slash becomes `_` in the
file name (hep-th/9901001 -> hep-th_9901001.md). `summary_conflict`, when present, is the
reader's other machine's text of a summary edited on both. A paper without an arXiv id has
`key`, `source` and (a web page) `url` in place of `arxiv` and `version`.
"""

from __future__ import annotations

import json
import os
import re
import stat
from pathlib import Path
from typing import Any

from ..errors import ReadrError
from ..ids import try_parse_arxiv_id
from ..sanitize import clean_line, clean_text
from ..store.team import LOCAL_KEY, NOTE_STATUSES, Note
from ..tags import normalize_tag

READERS_DIR = "readers"
MAX_NOTE_BYTES = 1_000_000
READER_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
LOCAL_SOURCES = {"web": ("web", "digest", "bibtex"), "pdf": ("local",), "bib": ("bibtex",)}


class BadNote(ValueError):
    """A file that is not a note readr can read; the message says why, in a few words."""


def read_file(path: Path) -> bytes:
    """A regular file's bytes, never through a symbolic link; BadNote otherwise."""
    try:
        handle = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
    except OSError as exc:
        raise BadNote("a symbolic link" if os.path.islink(path) else (exc.strerror or str(exc))) from None
    try:
        info = os.fstat(handle)
        if not stat.S_ISREG(info.st_mode):
            raise BadNote("not a regular file")
        if info.st_size > MAX_NOTE_BYTES:
            raise BadNote(f"larger than {MAX_NOTE_BYTES // 1_000_000} MB")
        with os.fdopen(handle, "rb", closefd=False) as stream:
            return stream.read(MAX_NOTE_BYTES + 1)
    finally:
        os.close(handle)


def valid_reader_name(name: str) -> bool:
    return bool(READER_NAME.match(name)) and ".." not in name


def shareable(key: str) -> bool:
    """Whether a paper's key can name a note: an arXiv id (a paper's key is its base id) or a
    local key such as web-1a2b3c4d5e."""
    return bool(LOCAL_KEY.match(key)) or key_of_file(file_name(key)) == key


def file_name(key: str) -> str:
    return key.replace("/", "_") + ".md"


def key_of_file(name: str) -> str | None:
    """The paper key a note's file name stands for (an arXiv id or a local key), or None."""
    if not name.endswith(".md"):
        return None
    stem = name[:-3]
    if LOCAL_KEY.match(stem):
        return stem
    candidate = stem.replace("_", "/", 1) if "_" in stem else stem
    parsed = try_parse_arxiv_id(candidate)
    if parsed is None or parsed.base != candidate or parsed.version is not None:
        return None
    return parsed.base


def render(note: Note) -> str:
    if LOCAL_KEY.match(note.arxiv_id):
        ident: list[tuple[str, Any]] = [("key", note.arxiv_id), ("source", note.source)]
        if note.url:
            ident.append(("url", note.url))
    else:
        ident = [("arxiv", note.arxiv_id), ("version", note.version)]
    fields: list[tuple[str, Any]] = [
        *ident, ("title", note.title), ("authors", list(note.authors)), ("status", note.status),
        ("tags", list(note.tags)),
        ("added", note.added_at), ("read", note.read_at), ("summary_updated", note.summary_updated_at),
    ]
    if note.other_summary is not None:
        fields.append(("summary_conflict", note.other_summary))
    head = "\n".join(f"{name}: {json.dumps(value, ensure_ascii=False)}" for name, value in fields)
    body = f"\n{note.summary}\n" if note.summary else ""
    return f"---\n{head}\n---\n{body}"


def _optional_text(data: dict[str, Any], name: str) -> str | None:
    value = data.get(name)
    if value is None:
        return None
    if not isinstance(value, str):
        raise BadNote(f"{name} is not text")
    return clean_line(value) or None


def _text_list(data: dict[str, Any], name: str) -> tuple[str, ...]:
    value = data.get(name, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise BadNote(f"{name} is not a list of text")
    return tuple(item for item in (clean_line(v) for v in value) if item)


def title_in(data: bytes) -> str | None:
    """Only the `title` of a note's front matter (None when it has none readable): what the
    published pages need of every note, without parsing the whole file."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if not text.startswith("---\n"):
        return None
    for line in text[4:].split("\n"):
        if line.rstrip() == "---":
            return None
        if line.startswith("title:"):
            try:
                value = json.loads(line[6:].strip())
            except ValueError:
                value = line[6:].strip()
            return (clean_line(value) or None) if isinstance(value, str) else None
    return None


def parse(data: bytes, expected_id: str) -> Note:
    """The note in a file's bytes; BadNote when it is not UTF-8, has no front matter, a value
    is not JSON of the right kind, or its arXiv id (or key) is not the one its file name says."""
    if len(data) > MAX_NOTE_BYTES:
        raise BadNote(f"larger than {MAX_NOTE_BYTES // 1_000_000} MB")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise BadNote("not UTF-8") from None
    text = text.replace("\r\n", "\n")
    if not text.startswith("---\n"):
        raise BadNote("no front matter (the file must start with a --- line)")
    end = text.find("\n---\n", 3)
    if end < 0:
        if text.endswith("\n---"):
            end, body = len(text) - 4, ""
        else:
            raise BadNote("front matter is not closed by a --- line")
    else:
        body = text[end + 5:]
    fields: dict[str, Any] = {}
    for number, line in enumerate(text[4:end].split("\n"), start=2):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        name, sep, raw = line.partition(":")
        if not sep or not name.strip():
            raise BadNote(f"line {number} of the front matter is not `name: value`")
        try:
            fields[name.strip()] = json.loads(raw.strip())
        except ValueError:
            fields[name.strip()] = raw.strip()  # a bare YAML word, such as `status: read`
    source: Any = "arxiv"
    url: str | None = None
    if LOCAL_KEY.match(expected_id):
        key = fields.get("key")
        if str(key) != expected_id:
            raise BadNote(f"its key {clean_line(str(key))[:40]!r} is not {expected_id!r}")
        source = fields.get("source")
        allowed = LOCAL_SOURCES[expected_id.split("-", 1)[0]]
        if source not in allowed:
            raise BadNote(f"source {clean_line(str(source))[:20]!r} is not one of {', '.join(allowed)}")
        url = _optional_text(fields, "url")
    else:
        arxiv = fields.get("arxiv")
        if str(arxiv) != expected_id:
            raise BadNote(f"its arxiv id {clean_line(str(arxiv))[:40]!r} is not {expected_id!r}")
    status = fields.get("status")
    if status not in NOTE_STATUSES:
        raise BadNote(f"status {str(status)[:20]!r} is not one of {', '.join(NOTE_STATUSES)}")
    version = fields.get("version")
    if version is not None and (not isinstance(version, int) or isinstance(version, bool) or version < 1):
        raise BadNote("version is not a positive number")
    if body.startswith("\n"):
        body = body[1:]
    if body.endswith("\n"):
        body = body[:-1]
    other = fields.get("summary_conflict")
    if other is not None and not isinstance(other, str):
        raise BadNote("summary_conflict is not text")
    try:
        tags = tuple(dict.fromkeys(normalize_tag(tag) for tag in _text_list(fields, "tags")))
    except ReadrError as exc:
        raise BadNote(str(exc)) from None
    return Note(
        arxiv_id=expected_id, version=version, title=_optional_text(fields, "title") or "",
        authors=_text_list(fields, "authors"), status=status, tags=tags,
        added_at=_optional_text(fields, "added"), read_at=_optional_text(fields, "read"),
        summary_updated_at=_optional_text(fields, "summary_updated"), summary=clean_text(body),
        other_summary=None if other is None else clean_text(other), source=source, url=url,
    )

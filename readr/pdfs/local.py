"""`readr import paper.pdf`: add PDFs from disk.

For each file: check it is a PDF, read it in the worker (text, metadata, first page), look for
an arXiv id in the file name, then the PDF metadata, then the first page ("arXiv:2302.07302v1",
an arxiv.org link or an arXiv DOI), and fetch that paper's metadata from arXiv. Without an id
(or one arXiv does not know) the PDF becomes a local entry titled from its metadata or first
page. The file is copied into the library (so moving the original loses nothing) and its text
goes into the full-text index.
"""

from __future__ import annotations

import hashlib
import re
import shutil
from pathlib import Path
from typing import Any, Iterator

from ..errors import ReadrError
from ..files import atomic_file
from ..ids import ArxivId, try_parse_arxiv_id
from ..sanitize import clean_line
from ..wording import shorten
from .extract import DEFAULT_LIMITS, ExtractionError, Limits, PdfText, check_pdf_file, extract_text

_NEW_ID = r"\d{4}\.\d{4,5}(?:v\d+)?"
_OLD_ID = r"[a-z][a-z-]*(?:\.[A-Za-z]{2})?[/_]\d{7}(?:v\d+)?"
# In a file name a bare id is enough ("2302.07302v1.pdf", "Smith et al - 2302.07302.pdf").
_NAME_ID = re.compile(rf"(?<![\d.])({_NEW_ID})(?![\d])|(?<![A-Za-z-])({_OLD_ID})(?!\d)")
# In text, only an id announced as one: "arXiv:2302.07302v1", arxiv.org/abs/..., 10.48550/arXiv....
_TEXT_ID = re.compile(
    rf"(?:arXiv\s*:\s*|arxiv\.org/(?:abs|pdf)/|10\.48550/arXiv\.)({_NEW_ID}|{_OLD_ID.replace('[/_]', '/')})",
    re.IGNORECASE,
)
_BAD_TITLES = re.compile(r"^(untitled|title|document\d*|microsoft word.*|.*\.(docx?|tex|dvi|pdf|ps))$", re.IGNORECASE)


def id_from_name(name: str) -> ArxivId | None:
    for match in _NAME_ID.finditer(name):
        text = match.group(1) or match.group(2).replace("_", "/")
        parsed = try_parse_arxiv_id(text)
        if parsed is not None:
            return parsed
    return None


def id_from_text(text: str) -> ArxivId | None:
    for match in _TEXT_ID.finditer(text or ""):
        parsed = try_parse_arxiv_id(match.group(1))
        if parsed is not None:
            return parsed
    return None


def find_arxiv_id(path: Path, pdf: PdfText | None) -> tuple[ArxivId | None, str]:
    """(id, where it was found) from the file name, the PDF metadata, then the first page."""
    found = id_from_name(path.stem)
    if found:
        return found, "file name"
    if pdf is not None:
        for key in ("subject", "title", "keywords"):
            found = id_from_text(pdf.metadata.get(key, ""))
            if found:
                return found, "PDF metadata"
        found = id_from_text(pdf.first_page[:5000])
        if found:
            return found, "first page"
    return None, ""


MAX_TITLE = 300


def title_from(pdf: PdfText | None, path: Path) -> str:
    """The largest text of page 1 (whole lines), else the metadata title if it looks like one, else
    the first substantial line of page 1, else the file name."""
    if pdf is not None:
        if _looks_like_title(pdf.large_text):
            return shorten(pdf.large_text, MAX_TITLE)
        title = clean_line(pdf.metadata.get("title"))
        if len(title) >= 4 and not _BAD_TITLES.match(title):
            return shorten(title, MAX_TITLE)
        for line in pdf.first_page.splitlines()[:15]:
            line = clean_line(line)
            if len(line) >= 8 and sum(ch.isalpha() for ch in line) >= len(line) / 2 and not id_from_text(line):
                return shorten(line, MAX_TITLE)
    return clean_line(path.stem.replace("_", " ")) or path.name


def _looks_like_title(text: str) -> bool:
    return len(text) >= 6 and sum(ch.isalpha() for ch in text) >= len(text) / 2 and not id_from_text(text)


def authors_from(pdf: PdfText | None) -> list[str]:
    if pdf is None:
        return []
    raw = clean_line(pdf.metadata.get("author"))
    if not raw:
        return []
    parts = re.split(r"\s*(?:;|,|\band\b|&)\s*", raw)
    return [p for p in parts if p][:50]


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _copy_into(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.exists() and target.resolve() == source.resolve():
        return
    with open(source, "rb") as src, atomic_file(target) as dst:
        shutil.copyfileobj(src, dst, 1 << 20)


def _metadata_record(ident: ArxivId, client) -> tuple[Any | None, str | None]:
    """(record, None) from arXiv, or (None, reason) when arXiv does not know it or cannot be reached."""
    from ..arxiv_api import ArxivError

    try:
        result = client.fetch_ids([ident])
    except ArxivError as exc:
        return None, f"arXiv could not be reached ({exc})"
    if result.records:
        return result.records[0], None
    if result.errors:
        return None, result.errors[0]
    return None, f"arXiv does not know {ident}"


def import_file(store, path: Path, client=None, limits: Limits = DEFAULT_LIMITS) -> tuple[str, bool]:
    """Import one PDF. Returns (line to report, ok); raises ReadrError if nothing was imported."""
    from .download import pdf_filename
    from .extract import record_failure, record_text

    path = Path(path)
    try:
        check_pdf_file(path)
    except ExtractionError as exc:
        raise ReadrError(f"{path.name}: {exc}") from None
    digest = _sha256(path)
    pdf: PdfText | None = None
    failure: ExtractionError | None = None
    try:
        pdf = extract_text(path, limits)
    except ExtractionError as exc:
        failure = exc
    ident, where = find_arxiv_id(path, pdf)
    notes: list[str] = []
    key = None
    version = None
    if ident is not None:
        if client is None:
            from ..arxiv_api import ArxivClient

            client = ArxivClient()
        record, problem = _metadata_record(ident, client)
        if record is not None:
            paper, created = store.upsert_arxiv(record, status="to-read", have_version=ident.version)
            key, version = paper.key, ident.version or record.version
            what = f"{'added' if created else 'attached to'} {paper.key} (arXiv id from the {where})"
        elif problem and "could not be reached" in problem:
            # Offline: keep the paper under its arXiv id, titled from the PDF; `readr refresh` fills in the rest.
            if failure is not None:
                raise ReadrError(f"{path.name}: {failure}; and {problem}")
            fallback = {"arxiv_id": ident.base, "version": ident.version, "title": title_from(pdf, path),
                        "authors": authors_from(pdf)}
            paper, created = store.upsert_arxiv(fallback, status="to-read", have_version=ident.version)
            key, version = paper.key, ident.version
            what = f"{'added' if created else 'attached to'} {paper.key} (arXiv id from the {where})"
            notes.append(f"{problem}: title taken from the PDF; run readr refresh later")
        else:
            notes.append(f"{problem}; imported as a local entry")
    if key is None:
        if failure is not None:
            raise ReadrError(f"{path.name}: {failure}")
        key = f"pdf-{digest[:12]}"
        created = store.add_local(key, title_from(pdf, path), authors=authors_from(pdf))
        what = (
            f"{'added' if created else 'already had'} {key} \u201c{shorten(title_from(pdf, path), 70)}\u201d"
            " (no arXiv id found)"
        )
        if ident is not None:
            what = what.replace(" (no arXiv id found)", "")
    target = store.pdf_dir / pdf_filename(key, version)
    _copy_into(path, target)
    store.record_pdf(key, target.relative_to(store.data_dir).as_posix(), digest, target.stat().st_size,
                     version=version, source="local")
    if failure is not None:
        outcome = record_failure(store, key, failure)
    else:
        assert pdf is not None  # extract_text returned it
        outcome = record_text(store, key, pdf, limits)
    line = f"{clean_line(path.name)}: {what}; {outcome.message}"
    if notes:
        line += " (" + "; ".join(notes) + ")"
    return line, not outcome.failed


def import_files(store, paths: list[Path], client=None,
                 limits: Limits = DEFAULT_LIMITS) -> Iterator[str]:
    """Import PDFs, yielding one line per file as it is done (the `readr import` contract).

    A file that cannot be imported leaves the library unchanged and does not stop the others;
    after the last file a ReadrError names the failures (so the command exits non-zero).
    """
    failures: list[str] = []
    for path in paths:
        try:
            line, ok = import_file(store, Path(path), client=client, limits=limits)
        except ReadrError as exc:
            if len(paths) == 1:
                raise
            failures.append(str(exc))
            yield f"error: {exc}"
            continue
        if not ok:
            if len(paths) == 1:
                raise ReadrError(line)
            failures.append(line)
        yield line
    if failures:
        raise ReadrError(f"{len(failures)} of {len(paths)} PDFs had problems (see above)")

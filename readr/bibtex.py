"""BibTeX in and out, through bibtexparser 2 (parsing, writing) and pylatexenc (LaTeX text).

Export (`readr export --bibtex [QUERY]`): one `@misc` entry per paper, arXiv's own style:
`eprint`, `archivePrefix`, `primaryClass`, `doi` (the journal's, else arXiv's
10.48550/arXiv.<id>), `url`; LaTeX special characters escaped outside `$math$`. Citation keys
(`lastname` + `year` + first title word) are stable: once a paper has a key it is kept in the
library (imported .bib files keep theirs), and a colliding paper gets a letter suffix.

Import (`readr import FILE.bib`): every entry is added to the inbox (an existing paper keeps
its metadata); arXiv eprints are recognised in their usual forms: `eprint` with
`archivePrefix`/`eprinttype = arxiv`, `journal = {arXiv preprint arXiv:...}`, DBLP's
`journal = {CoRR}, volume = {abs/...}`, arXiv DOIs and URLs, and old-style ids split over
`primaryClass` + `eprint`. No network: `readr refresh` completes the metadata.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

from .errors import ReadrError
from .ids import ArxivId, try_parse_arxiv_id
from .sanitize import clean_line, clean_text
from .wording import plural

STOP_WORDS = frozenset(
    "a an the on of in for and to with from towards toward via by at as is are be using what how why when".split()
)
_ARXIV_IN_TEXT = re.compile(
    r"(?:arxiv[:\s]*(?:preprint\s*)?(?:arxiv)?[:\s/]*|abs/)"
    r"((?:[a-z][a-z-]*(?:\.[A-Z]{2})?/\d{7})|(?:\d{4}\.\d{4,5}))(v\d+)?",
    re.IGNORECASE,
)
_MATH = re.compile(r"(\$\$.+?\$\$|\$[^$]+\$)", re.DOTALL)


# --- export ---------------------------------------------------------------------------------------


def _encoder():
    from pylatexenc.latexencode import UnicodeToLatexEncoder

    return UnicodeToLatexEncoder(
        non_ascii_only=True, replacement_latex_protection="braces-all", unknown_char_policy="keep",
        unknown_char_warning=False,
    )


_SPECIALS = {
    "\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_",
    "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}",
}
_SPECIAL_RE = re.compile(r"[\\&%$#_{}~^]")


def _encode(text: str, encoder) -> str:
    """LaTeX's ten special characters escaped, accented letters as `{\\"U}` (pylatexenc)."""
    return encoder.unicode_to_latex(_SPECIAL_RE.sub(lambda m: _SPECIALS[m.group(0)], text))


def latex_escape(text: str, encoder=None) -> str:
    """Escape LaTeX specials and accents; `$...$` math is kept as written."""
    encoder = encoder or _encoder()
    parts = _MATH.split(clean_line(text))
    out = []
    for i, part in enumerate(parts):
        if i % 2 == 1 and part.count("{") == part.count("}"):
            out.append(part)
        else:
            out.append(_encode(part, encoder))
    return "".join(out)


def _ascii_word(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]", "", folded.lower())


def paper_year(paper) -> str | None:
    """The publication year, else the year in a new- or old-style arXiv id."""
    year = (paper.published or "")[:4]
    if year.isdigit():
        return year
    if paper.arxiv_id:
        match = re.match(r"(\d{2})(\d{2})", paper.arxiv_id.split("/")[-1])
        if match:
            yy = int(match.group(1))
            return str(1900 + yy if yy >= 91 else 2000 + yy)
    return None


def base_cite_key(paper) -> str:
    """`lastname` + `year` + first significant title word, ASCII: `balazs2007calculation`."""
    author = paper.authors[0] if paper.authors else ""
    if "," in author:
        last = author.split(",")[0]
    else:
        words = author.split()
        last = words[-1] if words else ""
        if last.rstrip(".").lower() in ("jr", "sr", "ii", "iii", "iv") and len(words) > 1:
            last = words[-2]
    last = _ascii_word(last) or "anon"
    year = paper_year(paper) or ""
    title_words = [_ascii_word(w) for w in re.split(r"[\s\-/:]+", paper.title or "")]
    word = next((w for w in title_words if w and w not in STOP_WORDS and not w.isdigit()), "")
    return f"{last}{year}{word}"


def assign_cite_keys(store, papers: Sequence) -> dict[str, str]:
    """Citation key per paper key; new keys are kept in the library so they never change."""
    kept = store.cite_keys()
    used = set(kept.values())
    result, new = {}, []
    for paper in sorted(papers, key=lambda p: (p.added_at or "", p.id)):
        if paper.key in kept:
            result[paper.key] = kept[paper.key]
            continue
        base = base_cite_key(paper)
        key, n = base, 0
        while key in used:
            n += 1
            key = base + _suffix(n)
        used.add(key)
        result[paper.key] = key
        new.append((paper.key, key))
    if new:
        store.set_cite_keys(new)
    return result


def _suffix(n: int) -> str:
    letters = ""
    while n > 0:
        n, rem = divmod(n - 1, 26)
        letters = chr(ord("a") + rem) + letters
    return letters


def bib_entry_fields(paper, encoder=None) -> list[tuple[str, str]]:
    encoder = encoder or _encoder()
    fields: list[tuple[str, str]] = []
    if paper.authors:
        fields.append(("author", " and ".join(latex_escape(a, encoder) for a in paper.authors)))
    fields.append(("title", latex_escape(paper.title or paper.key, encoder)))
    year = paper_year(paper)
    if year:
        fields.append(("year", year))
    if paper.arxiv_id:
        fields.append(("eprint", paper.arxiv_id))
        fields.append(("archivePrefix", "arXiv"))
        if paper.primary_category:
            fields.append(("primaryClass", clean_line(paper.primary_category)))
        fields.append(("doi", clean_line(paper.doi) or f"10.48550/arXiv.{paper.arxiv_id}"))
        fields.append(("url", f"https://arxiv.org/abs/{paper.arxiv_id}"))
    else:
        if paper.doi:
            fields.append(("doi", clean_line(paper.doi)))
        if paper.url:
            fields.append(("url", clean_line(paper.url)))
    if paper.journal_ref:
        fields.append(("note", latex_escape(paper.journal_ref, encoder)))
    return fields


def render_bibtex(papers: Sequence, keys: dict[str, str]) -> str:
    import bibtexparser
    from bibtexparser.model import Entry, Field

    encoder = _encoder()
    library = bibtexparser.Library()
    for paper in sorted(papers, key=lambda p: keys[p.key]):
        fields = [Field(name, value) for name, value in bib_entry_fields(paper, encoder)]
        library.add(Entry("misc", keys[paper.key], fields))
    if not library.entries:
        return ""
    layout = bibtexparser.BibtexFormat()
    layout.indent = "  "
    layout.block_separator = "\n"
    return clean_text(bibtexparser.write_string(library, bibtex_format=layout)).strip() + "\n"


def export_bibtex(store, query: str = "") -> tuple[str, int]:
    """BibTeX for the papers a search selects (default: the whole reading list)."""
    if query.strip():
        from .config import load_config

        hits = store.search(query, limit=100_000, include_catalogue=False, week_start=load_config().week_start)
        papers = [hit.paper for hit in hits]
    else:
        papers = store.list_papers()
    keys = assign_cite_keys(store, papers)
    return render_bibtex(papers, keys), len(papers)


# --- import ---------------------------------------------------------------------------------------


@dataclass
class BibRecord:
    cite_key: str
    line: int | None
    title: str
    authors: list[str]
    year: str | None
    arxiv: ArxivId | None
    doi: str | None
    url: str | None
    abstract: str
    categories: list[str] = field(default_factory=list)
    journal_ref: str | None = None


def _decoder():
    from pylatexenc.latex2text import LatexNodes2Text

    return LatexNodes2Text(math_mode="verbatim", strict_latex_spaces=True)


# pylatexenc is superlinear in the size of a field (a 1 MB abstract takes over a minute):
# longer fields get a plain clean-up instead.
MAX_LATEX_DECODE = 8_000
_LATEX_ACCENT = re.compile(r"\\[`'^\"~=.uvHcdbrk]\s*\{?\\?([A-Za-z])\}?")
_LATEX_COMMAND = re.compile(r"\\(?:([A-Za-z]+)\s*|(.))")


def _plain(value: str) -> str:
    text = _LATEX_ACCENT.sub(r"\1", value)
    text = _LATEX_COMMAND.sub(lambda m: {"i": "ı", "ss": "ß"}.get(m.group(1) or "", m.group(2) or ""), text)
    return text.replace("{", "").replace("}", "")


def _text(decoder, value: str) -> str:
    if len(value) > MAX_LATEX_DECODE:
        return clean_line(_plain(value))
    if "\\" not in value and "~" not in value and "--" not in value and "`" not in value and "''" not in value:
        return clean_line(value.replace("{", "").replace("}", ""))  # nothing for LaTeX to decode
    try:
        return clean_line(decoder.latex_to_text(value))
    except Exception:  # pylatexenc gives up on some broken LaTeX: keep the raw text
        return clean_line(_plain(value))


def find_arxiv_id(fields: dict[str, str]) -> ArxivId | None:
    """The arXiv id of an entry, from the places bibliographies put it."""
    def get(name: str) -> str:
        return (fields.get(name) or "").strip()

    prefix = (get("archiveprefix") or get("eprinttype")).lower()
    eprint = get("eprint")
    if eprint:
        parsed = try_parse_arxiv_id(eprint)
        if parsed is None and re.fullmatch(r"\d{7}(v\d+)?", eprint):
            # Very old style: the archive in primaryClass, the number in eprint.
            archive = (get("primaryclass") or get("eprintclass")).split(".")[0]
            parsed = try_parse_arxiv_id(f"{archive}/{eprint}") if archive else None
        if parsed is not None and (prefix in ("arxiv", "") or "arxiv" in eprint.lower()):
            return parsed
    for name in ("arxiv", "arxivid", "arxiv_id"):
        if get(name):
            parsed = try_parse_arxiv_id(get(name))
            if parsed:
                return parsed
    doi = get("doi")
    if doi.lower().startswith("10.48550/arxiv."):
        parsed = try_parse_arxiv_id(doi)
        if parsed:
            return parsed
    for name in ("url", "link", "pdf"):
        if "arxiv.org" in get(name).lower():
            parsed = try_parse_arxiv_id(get(name).split()[0])
            if parsed:
                return parsed
    journal = get("journal") or get("journaltitle")
    volume = get("volume")
    dblp_journals = ("corr", "arxiv", "arxiv.org", "computing research repository")
    if journal.lower() in dblp_journals and volume.lower().startswith("abs/"):
        parsed = try_parse_arxiv_id(volume[4:])
        if parsed:
            return parsed
    for name in ("journal", "journaltitle", "note", "howpublished", "booktitle", "publisher", "eprint"):
        value = get(name)
        if "arxiv" in value.lower() or name == "eprint":
            for match in _ARXIV_IN_TEXT.finditer(value):
                parsed = try_parse_arxiv_id(match.group(1) + (match.group(2) or ""))
                if parsed:
                    return parsed
    return None


def _authors(decoder, value: str) -> list[str]:
    names = []
    for raw in re.split(r"\s+and\s+", value.strip()):
        name = _text(decoder, raw)
        if not name or name.lower() == "others":
            continue
        if "," in name:
            parts = [p.strip() for p in name.split(",")]
            if len(parts) == 2:
                name = f"{parts[1]} {parts[0]}"
            elif len(parts) == 3:  # von Last, Jr, First
                name = f"{parts[2]} {parts[0]}, {parts[1]}"
        names.append(clean_line(name))
    return names


def parse_bibtex(text: str, name: str = "<bib>") -> tuple[list[BibRecord], list[str]]:
    """Records of a .bib file and notices (duplicate keys). Raises ReadrError on a broken block."""
    import bibtexparser
    from bibtexparser.model import DuplicateBlockKeyBlock

    # bibtexparser logs each broken block as a warning; readr reports it as one line instead.
    log = logging.getLogger("bibtexparser")
    level = log.level
    log.setLevel(logging.CRITICAL)
    try:
        library = bibtexparser.parse_string(clean_text(text))
    finally:
        log.setLevel(level)
    notices = []
    for block in library.failed_blocks:
        line = (block.start_line or 0) + 1
        if isinstance(block, DuplicateBlockKeyBlock):
            notices.append(f"{name}:{line}: duplicate key {block.key!r} skipped")
            continue
        failure = getattr(block, "error", None)
        error = clean_line(getattr(failure, "abort_reason", None) or str(failure or "")) or "cannot be parsed"
        raise ReadrError(f"{name}:{line}: {error}")
    decoder = _decoder()
    records = []
    for entry in library.entries:
        fields: dict[str, str] = {}
        for f in entry.fields:
            fields.setdefault(f.key.lower(), str(f.value) if f.value is not None else "")
        arxiv = find_arxiv_id(fields)
        year = (fields.get("year") or fields.get("date") or "")[:4]
        primary = (fields.get("primaryclass") or fields.get("eprintclass") or "").strip()
        doi = (fields.get("doi") or "").strip() or None
        records.append(
            BibRecord(
                cite_key=clean_line(entry.key),
                line=(entry.start_line or 0) + 1,
                title=_text(decoder, fields.get("title", "")),
                authors=_authors(decoder, fields.get("author", "") or fields.get("editor", "")),
                year=year if year.isdigit() else None,
                arxiv=arxiv,
                doi=doi,
                url=clean_line(fields.get("url", "")) or None,
                abstract=clean_text(_text(decoder, fields.get("abstract", ""))) if fields.get("abstract") else "",
                categories=[primary] if re.fullmatch(r"[a-z-]+(\.[A-Za-z-]+)?", primary) else [],
                journal_ref=_journal_ref(decoder, fields),
            )
        )
    return records, notices


def _journal_ref(decoder, fields: dict[str, str]) -> str | None:
    journal = fields.get("journal") or fields.get("journaltitle") or fields.get("booktitle") or ""
    if not journal or "arxiv" in journal.lower() or journal.strip().lower() == "corr":
        return None
    parts = [_text(decoder, journal)]
    for name in ("volume", "pages", "year"):
        if fields.get(name):
            parts.append(clean_line(fields[name]))
    return " ".join(parts)


def import_files(store, paths: Sequence[Path]) -> list[str]:
    """Add the entries of .bib files to the inbox: all files, or none on an error."""
    records: list[BibRecord] = []
    report: list[str] = []
    for path in paths:
        path = Path(path)
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            text = path.read_text(encoding="latin-1")
        except OSError as exc:
            raise ReadrError(f"cannot read {path}: {exc.strerror}") from None
        found, notices = parse_bibtex(text, path.name)
        records += found
        report += notices
    created, existing, arxiv = store.import_bib_records(records)
    names = ", ".join(Path(p).name for p in paths)
    report.append(
        f"imported {names}: {plural(len(records), 'entry', 'entries')} ({arxiv} arXiv), {created} new, "
        f"{existing} already in the library"
    )
    return report


__all__ = [
    "BibRecord", "assign_cite_keys", "base_cite_key", "export_bibtex", "find_arxiv_id", "import_files",
    "latex_escape", "parse_bibtex", "render_bibtex",
]



"""BibTeX in and out, through bibtexparser 2 (parsing, writing) and pylatexenc (LaTeX text;
readr.latex_text decodes the common LaTeX of fields itself, as pylatexenc does).

Import (`readr import FILE.bib`): every entry is added to the inbox, or merged into the paper
already in the library with the same arXiv id, DOI, or normalised title and year. Its type and
every field are kept as the file wrote them (@string macros expanded), so that export gives the
same bibliography back. arXiv eprints are recognised in their usual forms: `eprint` with
`archivePrefix`/`eprinttype = arxiv`, `journal = {arXiv preprint arXiv:...}`, DBLP's
`journal = {CoRR}, volume = {abs/...}`, arXiv DOIs and URLs, and old-style ids split over
`primaryClass` + `eprint`. No network: `readr refresh` completes the metadata.

Export (`readr export --bibtex [QUERY]`): an imported entry comes back with its type and fields;
for the fields readr models (title, author, year, doi, url) readr's value wins once it differs
from what was imported (`readr edit`, `readr refresh`). Other papers become `@misc` entries in
arXiv's own style: `eprint`, `archivePrefix`, `primaryClass`, `doi` (the journal's, else arXiv's
10.48550/arXiv.<id>), `url`; LaTeX special characters escaped outside `$math$`. One DOI per `doi`
field (further DOIs go to `note`). Citation keys (`lastname` + `year` + first title word,
transliterated to ASCII) are kept in the library once given, imported or set by the reader, and
a colliding paper gets a letter suffix.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Callable, Iterable, Iterator, Sequence

from .record import field, record
from .errors import ReadrError
from .folding import ascii_fold, normalized_title
from .ids import ArxivId, try_parse_arxiv_id
from .sanitize import clean_line, clean_text
from .statuses import STATUSES
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
    return re.sub(r"[^a-z0-9]", "", ascii_fold(text).lower())


_DOI = re.compile(r"10\.\d{4,9}/[^\s,;]+")


def split_dois(value: str | None) -> list[str]:
    """The DOIs in a field that may hold several ("10.1/a 10.2/b"), in order."""
    value = (value or "").strip()
    found = _DOI.findall(value)
    return found or ([value] if value else [])


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


def _free_key(base: str, used: set[str]) -> str:
    key, n = base, 0
    while key in used:
        n += 1
        key = base + _suffix(n)
    return key


def assign_cite_keys(store, papers: Sequence) -> dict[str, str]:
    """Citation key per paper key; new keys are kept in the library so they never change."""
    kept = store.cite_keys()
    used = set(kept.values())
    result, new = {}, []
    for paper in sorted(papers, key=lambda p: (p.added_at or "", p.id)):
        if paper.key in kept:
            result[paper.key] = kept[paper.key]
            continue
        key = _free_key(base_cite_key(paper), used)
        used.add(key)
        result[paper.key] = key
        new.append((paper.key, key))
    if new:
        store.set_cite_keys(new)
    return result


def cite_key_of(store, paper) -> str:
    """The paper's citation key: the kept one, else the one its first export will give it."""
    kept = store.cite_key_of(paper.key)
    if kept:
        return kept
    base, n = base_cite_key(paper), 0
    key = base
    while store.cite_key_taken(key):
        n += 1
        key = base + _suffix(n)
    return key


# What a citation key may hold: BibTeX and biblatex refuse spaces, commas, braces, quotes, `#`, `%`.
_CITE_KEY = re.compile(r"[^\s,{}()\"'#%=\\~]{1,100}")


def set_cite_key(store, ref: str, key: str):
    """Give a paper the citation key the reader chose; ReadrError if it is malformed or taken."""
    key = (key or "").strip()
    if not _CITE_KEY.fullmatch(key):
        raise ReadrError(
            f"{key!r} cannot be a citation key: use up to 100 characters without spaces, commas, braces, "
            "quotes or any of #%=\\~"
        )
    return store.set_cite_key(ref, key)


def _suffix(n: int) -> str:
    letters = ""
    while n > 0:
        n, rem = divmod(n - 1, 26)
        letters = chr(ord("a") + rem) + letters
    return letters


def _braced(text: str) -> str:
    return "{" + text + "}"


def _doi_fields(value: str | None) -> tuple[str | None, list[str]]:
    dois = split_dois(value)
    return (clean_line(dois[0]) if dois else None), [clean_line(d) for d in dois[1:]]


def _other_dois_note(others: list[str]) -> str:
    return ("Other DOI: " if len(others) == 1 else "Other DOIs: ") + ", ".join(others)


def bib_entry_fields(paper, encoder=None) -> list[tuple[str, str]]:
    """readr's own fields for a paper, values as written in the .bib file (braced unless a number)."""
    encoder = encoder or _encoder()
    fields: list[tuple[str, str]] = []
    if paper.authors:
        fields.append(("author", _braced(" and ".join(latex_escape(a, encoder) for a in paper.authors))))
    fields.append(("title", _braced(latex_escape(paper.title or paper.key, encoder))))
    year = paper_year(paper)
    if year:
        fields.append(("year", year))
    doi, others = _doi_fields(paper.doi)
    if paper.arxiv_id:
        fields.append(("eprint", _braced(paper.arxiv_id)))
        fields.append(("archivePrefix", "{arXiv}"))
        if paper.primary_category:
            fields.append(("primaryClass", _braced(clean_line(paper.primary_category))))
        fields.append(("doi", _braced(doi or f"10.48550/arXiv.{paper.arxiv_id}")))
        fields.append(("url", _braced(f"https://arxiv.org/abs/{paper.arxiv_id}")))
    else:
        if doi:
            fields.append(("doi", _braced(doi)))
        if paper.url:
            fields.append(("url", _braced(clean_line(paper.url))))
    notes = [latex_escape(paper.journal_ref, encoder)] if paper.journal_ref else []
    if others:
        notes.append(latex_escape(_other_dois_note(others), encoder))
    if notes:
        fields.append(("note", _braced(". ".join(notes))))
    return fields


def _field_index(fields: list[tuple[str, str]], *names: str) -> int | None:
    wanted = {n.lower() for n in names}
    return next((i for i, (name, _) in enumerate(fields) if name.lower() in wanted), None)


def _put(fields: list[tuple[str, str]], name: str, value: str | None) -> None:
    """Set a field in place (or at the end); None removes it."""
    index = _field_index(fields, name)
    if value is None:
        if index is not None:
            del fields[index]
    elif index is None:
        fields.append((name, value))
    else:
        fields[index] = (fields[index][0], value)


def imported_fields(paper, entry, encoder=None) -> list[tuple[str, str]]:
    """An imported entry's fields, with readr's value for each modelled field that changed since."""
    encoder = encoder or _encoder()
    then = entry.imported
    fields = list(entry.fields)
    if paper.title != then.get("title"):
        _put(fields, "title", _braced(latex_escape(paper.title or paper.key, encoder)))
    if paper.authors != then.get("authors"):
        names = " and ".join(latex_escape(a, encoder) for a in paper.authors)
        _put(fields, "author", _braced(names) if names else None)
    if (paper.published or "")[:4] != (then.get("published") or "")[:4]:
        year = paper_year(paper)
        _put(fields, "year", year)
    if paper.doi != then.get("doi"):
        _put(fields, "doi", _braced(clean_line(paper.doi)) if paper.doi else None)
    if paper.url != then.get("url") and not paper.arxiv_id:
        _put(fields, "url", _braced(clean_line(paper.url)) if paper.url else None)
    if paper.arxiv_id:
        if _field_index(fields, "eprint") is None:
            fields.append(("eprint", _braced(paper.arxiv_id)))
        if _field_index(fields, "archiveprefix", "eprinttype") is None:
            fields.append(("archivePrefix", "{arXiv}"))
        if paper.primary_category and _field_index(fields, "primaryclass", "eprintclass") is None:
            fields.append(("primaryClass", _braced(clean_line(paper.primary_category))))
    notes = []
    if paper.journal_ref and paper.journal_ref != then.get("journal_ref") and _field_index(
        fields, "journal", "journaltitle", "booktitle"
    ) is None:
        notes.append(latex_escape(paper.journal_ref, encoder))
    doi_index = _field_index(fields, "doi")
    if doi_index is not None:
        name, value = fields[doi_index]
        dois = split_dois(bib_value_text(value))
        if len(dois) > 1:
            fields[doi_index] = (name, _braced(dois[0]))
            notes.append(latex_escape(_other_dois_note(dois[1:]), encoder))
    if notes:
        note_index = _field_index(fields, "note")
        text = ". ".join(notes)
        if note_index is None:
            fields.append(("note", _braced(text)))
        else:
            name, value = fields[note_index]
            fields[note_index] = (name, value + ' # ". ' + text.replace('"', "'") + '"')
    return fields


def render_bibtex(papers: Sequence, keys: dict[str, str], entries: dict | None = None) -> str:
    """BibTeX for the papers, in citation-key order; `entries` (paper key -> store BibEntry) are
    the entries as imported."""
    import bibtexparser
    from bibtexparser.model import Entry, Field

    encoder = _encoder()
    entries = entries or {}
    library = bibtexparser.Library()
    for paper in sorted(papers, key=lambda p: keys[p.key]):
        entry = entries.get(paper.key)
        if entry is not None:
            kind, fields = entry.entry_type, imported_fields(paper, entry, encoder)
        else:
            kind, fields = "misc", bib_entry_fields(paper, encoder)
        library.add(Entry(kind, keys[paper.key], [Field(name, value) for name, value in fields]))
    if not library.entries:
        return ""
    layout = bibtexparser.BibtexFormat()
    layout.indent = "  "
    layout.block_separator = "\n"
    text = bibtexparser.write_string(library, unparse_stack=[], bibtex_format=layout)
    return clean_text(text).strip() + "\n"


def select_papers(store, query: str = "", everything: bool = False) -> list:
    """The papers an export covers: those a search selects (catalogue entries too with
    `everything`), else the reading list without dismissed papers (`everything`: every paper)."""
    if query.strip():
        from .config import load_config

        hits = store.search(
            query, limit=10_000_000, include_catalogue=everything, week_start=load_config().week_start
        )
        return [hit.paper for hit in hits]
    if everything:
        return store.list_papers(include_catalogue=True)
    return store.list_papers(statuses=[s for s in STATUSES if s != "dismissed"])


def export_bibtex(store, query: str = "", everything: bool = False) -> tuple[str, int]:
    """BibTeX for the papers `select_papers` chooses."""
    papers = select_papers(store, query, everything)
    keys = assign_cite_keys(store, papers)
    return render_bibtex(papers, keys, store.bib_entries([p.key for p in papers])), len(papers)


def bibtex_of(store, paper) -> str:
    """One paper's BibTeX entry (the clipboard's), with its kept citation key."""
    keys = assign_cite_keys(store, [paper])
    return render_bibtex([paper], keys, store.bib_entries([paper.key]))


# What the TUI copies of a paper: its citation key, BibTeX entry, link, or digest entry.
COPY_KINDS = {"key": "citation key", "bibtex": "BibTeX entry", "link": "link", "digest": "digest line"}


def clipboard_text(store, paper, what: str) -> str:
    """The text copied for `what` (one of COPY_KINDS); "" when the paper has none (no link).
    A citation key given here is kept, as by an export."""
    if what == "key":
        return assign_cite_keys(store, [paper])[paper.key]
    if what == "bibtex":
        return bibtex_of(store, paper)
    if what == "link":
        return paper.link or ""
    if what == "digest":
        from .digest.export import render_entry

        return render_entry(paper, store.digest_entries([paper.key]).get(paper.key)) + "\n"
    raise ValueError(f"nothing to copy called {what!r}")


# --- BibTeX values --------------------------------------------------------------------------------


def _top_level_parts(raw: str) -> list[str]:
    """The parts of a `"a" # macro # {b}` value, split at the `#` outside braces and quotes."""
    parts, depth, quoted, start = [], 0, False, 0
    for i, char in enumerate(raw):
        if char == "{":
            depth += 1
        elif char == "}":
            depth = max(0, depth - 1)
        elif char == '"' and depth == 0:
            quoted = not quoted
        elif char == "#" and depth == 0 and not quoted:
            parts.append(raw[start:i].strip())
            start = i + 1
    parts.append(raw[start:].strip())
    return parts


def expand_strings(raw: str, strings: dict[str, str], depth: int = 0) -> str:
    """A raw value with the file's @string macros replaced by their values (month names and
    undefined macros stay), so that the value means the same without the @string blocks."""
    parts = _top_level_parts(raw)
    changed = False
    for i, part in enumerate(parts):
        name = part.lower()
        if part and part[0] not in '{"' and not part.isdigit() and name in strings and depth < 10:
            parts[i] = expand_strings(strings[name], strings, depth + 1)
            changed = True
    return " # ".join(parts) if changed else raw


def bib_value_text(raw: str, strings: dict[str, str] | None = None) -> str:
    """The text a BibTeX value stands for: parts joined, outer braces or quotes removed, @string
    macros expanded; a bare macro that is not defined (`jan`) stays as its name."""
    strings = strings or {}
    out = []
    for part in _top_level_parts(raw):
        if len(part) >= 2 and ((part[0], part[-1]) in (("{", "}"), ('"', '"'))):
            out.append(part[1:-1])
        elif part.lower() in strings:
            out.append(bib_value_text(strings[part.lower()]))
        else:
            out.append(part)
    return "".join(out)


# --- import ---------------------------------------------------------------------------------------


@record
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
    entry_type: str = "misc"
    fields: list[tuple[str, str]] = field(default_factory=list)  # as written, @string macros expanded
    source: str = ""  # the file's name


def _decoder():
    from .latex_text import Decoder

    return Decoder()


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
        return clean_line(decoder.to_text(value))
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
    return _parse_text(clean_text(text), name)


def _parse_text(text: str, name: str, first_line: int = 1) -> tuple[list[BibRecord], list[str]]:
    """Records and notices of .bib text that starts at line `first_line` of the file `name`."""
    import bibtexparser
    from bibtexparser.middlewares.parsestack import default_parse_stack
    from bibtexparser.model import DuplicateBlockKeyBlock

    def line_of(block) -> int:
        return first_line + (block.start_line or 0)

    # bibtexparser logs each broken block as a warning; readr reports it as one line instead.
    log = logging.getLogger("bibtexparser")
    level = log.level
    log.setLevel(logging.CRITICAL)
    try:
        library = bibtexparser.parse_string(text, parse_stack=[])
    finally:
        log.setLevel(level)
    # Each field as the file wrote it, kept for export; then the values readr reads.
    strings = {block.key.lower(): str(block.value) for block in library.strings}
    raw_fields = [
        [(f.key, expand_strings(str(f.value), strings)) for f in entry.fields if f.value is not None]
        for entry in library.entries
    ]
    for middleware in default_parse_stack(allow_inplace_modification=True):
        library = middleware.transform(library)
    notices = []
    for block in library.failed_blocks:
        if isinstance(block, DuplicateBlockKeyBlock):
            notices.append(f"{name}:{line_of(block)}: duplicate key {block.key!r} skipped")
            continue
        failure = getattr(block, "error", None)
        error = clean_line(getattr(failure, "abort_reason", None) or str(failure or "")) or "cannot be parsed"
        raise ReadrError(f"{name}:{line_of(block)}: {error}")
    decoder = _decoder()
    records = [_record(decoder, entry, line_of(entry), raw, name) for entry, raw in zip(library.entries, raw_fields)]
    return records, notices


def _record(decoder, entry, line: int, raw: list[tuple[str, str]], name: str) -> BibRecord:
    fields: dict[str, str] = {}
    for f in entry.fields:
        fields.setdefault(f.key.lower(), str(f.value) if f.value is not None else "")
    year = (fields.get("year") or fields.get("date") or "")[:4]
    primary = (fields.get("primaryclass") or fields.get("eprintclass") or "").strip()
    doi = (fields.get("doi") or "").strip() or None
    if doi and doi.lower().startswith(("https://doi.org/", "http://dx.doi.org/", "https://dx.doi.org/")):
        doi = doi.split("/", 3)[3]
    return BibRecord(
        cite_key=clean_line(entry.key),
        line=line,
        title=_text(decoder, fields.get("title", "")),
        authors=_authors(decoder, fields.get("author", "") or fields.get("editor", "")),
        year=year if year.isdigit() else None,
        arxiv=find_arxiv_id(fields),
        doi=doi,
        url=clean_line(fields.get("url", "")) or None,
        abstract=clean_text(_text(decoder, fields.get("abstract", ""))) if fields.get("abstract") else "",
        categories=[primary] if re.fullmatch(r"[a-z-]+(\.[A-Za-z-]+)?", primary) else [],
        journal_ref=_journal_ref(decoder, fields),
        entry_type=entry.entry_type.lower(),
        fields=raw,
        source=name,
    )


# --- streaming: big files in runs of entries, parsed by worker processes ---------------------------

CHUNK_ENTRIES = 400  # entries a worker parses at a time
PARALLEL_FROM_BYTES = 2_000_000  # smaller files are parsed here (workers cost more than they save)
_STRING_BLOCK = re.compile(rb"^\s*@\s*string\s*[{(]", re.IGNORECASE)


@record
class _Chunk:
    first_line: int
    text: str

    def parse(self, name: str) -> tuple[list[BibRecord], list[str]]:
        return _parse_text(self.text, name, self.first_line)


def _parse_chunk(chunk: _Chunk, name: str) -> tuple[list[BibRecord], list[str]]:
    return chunk.parse(name)


def _chunks(lines: Iterable[str], size: int = CHUNK_ENTRIES) -> Iterator[_Chunk]:
    """Runs of about `size` entries, cut where a line starts a block (`@`) outside braces."""
    block: list[str] = []
    first, number, depth, entries = 1, 0, 0, 0
    for line in lines:
        number += 1
        if not line.rstrip("\n").isprintable():
            line = clean_text(line)
        if depth == 0 and line.lstrip().startswith("@"):
            if entries >= size:
                yield _Chunk(first, "".join(block))
                block, first, entries = [], number, 0
            entries += 1
        block.append(line)
        depth = max(0, depth + line.count("{") - line.count("\\{") - line.count("}") + line.count("\\}"))
    if block:
        yield _Chunk(first, "".join(block))


def _survey(path: Path) -> tuple[str, bool]:
    """(the encoding to read the file in: UTF-8, else Latin-1; whether it defines @string macros,
    which entries anywhere in it may use), from one pass over its bytes."""
    import codecs

    decoder = codecs.getincrementaldecoder("utf-8")()
    utf8, strings = True, False
    try:
        with open(path, "rb") as handle:
            for line in handle:
                if utf8:
                    try:
                        decoder.decode(line)
                    except UnicodeDecodeError:
                        utf8 = False
                strings = strings or _STRING_BLOCK.match(line) is not None
            if utf8:
                try:
                    decoder.decode(b"", final=True)
                except UnicodeDecodeError:
                    utf8 = False
    except OSError as exc:
        raise ReadrError(f"cannot read {path}: {exc.strerror}") from None
    return ("utf-8" if utf8 else "latin-1"), strings


def _bib_workers(size: int) -> int:
    if size < PARALLEL_FROM_BYTES:
        return 0
    from .catalogue import parse_workers

    return parse_workers(10**9)  # one per core (at most 4), where worker processes are safe


def iter_bib_records(path: Path, notices: list[str], seen: Callable[[str], bool] | None = None) -> Iterator[BibRecord]:
    """The records of a .bib file in file order, read and parsed a run of entries at a time
    (by worker processes for a big file), so memory holds a few runs whatever the file's size;
    a file with @string macros is parsed whole (an entry may use a macro from anywhere in it).
    Notices (duplicate keys) are appended to `notices`; a broken block raises ReadrError.
    seen(key) tells whether a citation key came earlier in the file and records it (a store's
    bib_key_seen keeps them out of memory); by default a set."""
    path = Path(path)
    encoding, strings = _survey(path)
    seen = seen or _key_set()
    try:
        handle = open(path, encoding=encoding)
    except OSError as exc:
        raise ReadrError(f"cannot read {path}: {exc.strerror}") from None
    with handle:
        chunks = _chunks(handle, size=10**12 if strings else CHUNK_ENTRIES)
        workers = 0 if strings else _bib_workers(path.stat().st_size)
        for records, found in _parsed_chunks(chunks, path.name, workers):
            notices += found
            for record in records:
                if seen(record.cite_key):  # the same key in an earlier run of entries
                    notices.append(f"{path.name}:{record.line}: duplicate key {record.cite_key!r} skipped")
                    continue
                yield record


def _key_set() -> Callable[[str], bool]:
    keys: set[str] = set()

    def seen(key: str) -> bool:
        if key in keys:
            return True
        keys.add(key)
        return False

    return seen


def _parsed_chunks(chunks: Iterator[_Chunk], name: str, workers: int) -> Iterator[tuple[list[BibRecord], list[str]]]:
    if not workers:
        for chunk in chunks:
            yield chunk.parse(name)
        return
    import multiprocessing
    import os
    from collections import deque
    from concurrent.futures import ProcessPoolExecutor

    from .catalogue import _die_with_parent

    # fork, as readr.catalogue: the workers only parse text, never touch SQLite.
    context = multiprocessing.get_context("fork")
    pending: deque = deque()
    with ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_die_with_parent,
                             initargs=(os.getpid(),)) as pool:
        try:
            for chunk in chunks:
                pending.append(pool.submit(_parse_chunk, chunk, name))
                while len(pending) >= 2 * workers:
                    yield pending.popleft().result()
            while pending:
                yield pending.popleft().result()
        finally:
            for future in pending:
                future.cancel()


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
    """Add the entries of .bib files to the inbox: all files, or none on an error. The files are
    streamed (iter_bib_records) into one transaction."""
    report: list[str] = []
    total = 0

    def records() -> Iterator[BibRecord]:
        nonlocal total
        for path in paths:
            for entry in iter_bib_records(Path(path), report, store.bib_key_seen()):
                total += 1
                yield entry

    stats = store.import_bib_records(records())
    names = ", ".join(Path(p).name for p in paths)
    merged = f"merged {stats.merged} into existing papers" if stats.merged else "none already in the library"
    report.append(
        f"imported {names}: {plural(total, 'entry', 'entries')} ({stats.arxiv} arXiv), {stats.created} new, "
        f"{merged}"
    )
    if stats.keys_taken:
        report.append(
            f"{plural(stats.keys_taken, 'citation key')} already used by another paper: "
            "that entry gets a new key when exported (readr edit ID --key KEY sets one)"
        )
    return report


__all__ = [
    "BibRecord", "COPY_KINDS", "ascii_fold", "assign_cite_keys", "base_cite_key", "bib_value_text", "bibtex_of",
    "cite_key_of", "clipboard_text", "expand_strings", "export_bibtex", "find_arxiv_id", "import_files",
    "iter_bib_records",
    "latex_escape", "normalized_title", "parse_bibtex", "render_bibtex", "select_papers", "set_cite_key",
    "split_dois",
]

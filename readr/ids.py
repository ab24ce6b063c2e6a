"""The one arXiv identifier parser.

Accepts every form a user is likely to paste -- bare ids from every era,
``arXiv:`` prefixes, ``oai:arXiv.org:`` identifiers, arXiv's listing stamp
(``arXiv:0706.0001v1 [q-bio.CB]``), abs/pdf/ps/html/format/src URLs and
arXiv DOIs -- and rejects everything else with a one-line reason.

What counts as an id follows arXiv's own parser (``arxiv.identifier.Identifier``
in arxiv-base, which arxiv.org's abstract and PDF pages run):

* new style ``YYMM.NNNNN`` from 0704 on; the number is written with 4 digits
  up to 1412 and 5 from 1501, and arXiv rewrites the other width to that one
  (``1501.0001`` is ``1501.00001``, ``1412.00001`` is ``1412.0001``);
* old style ``archive[.SC]/YYMMNNN`` from 1991 to 0703; the external form
  drops the subject class (``math.GT/0309136`` is ``math/0309136``), and a
  missing hyphen in the archive is put back (``hepth/9901001``);
* an optional ``vN`` suffix (N >= 1, no leading zero); without it the id means
  the latest version;
* what arXiv ignores around an id: one leading ``/``, doubled slashes, a file
  suffix (``.pdf``, ``.ps``, ``.gz``) and anything after a ``/`` or ``#`` that
  follows the id (``hep-th/9901001/extra``).

Where readr differs from arXiv, on purpose: the archive of an old-style id
must be one arXiv had (arXiv's syntax check takes any word, then finds no
paper), what follows an id may not climb a path (``2101.00001/../x``),
surrounding whitespace is ignored, and a new-style id behind an archive name
(``hep-th/1601.07616``) is that new-style id, as arXiv's search box reads it.

This module has no third-party imports and never raises anything but
:class:`InvalidArxivId` from :func:`parse_arxiv_id`.
"""

from __future__ import annotations

import re
from urllib.parse import unquote

from .record import frozen_record

__all__ = [
    "ArxivId",
    "InvalidArxivId",
    "OLD_STYLE_ARCHIVES",
    "parse_arxiv_id",
    "try_parse_arxiv_id",
]

#: Archives that were used in old-style (pre-April-2007) identifiers.
OLD_STYLE_ARCHIVES = frozenset(
    {
        "acc-phys", "adap-org", "alg-geom", "ao-sci", "astro-ph", "atom-ph",
        "bayes-an", "chao-dyn", "chem-ph", "cmp-lg", "comp-gas", "cond-mat",
        "cs", "dg-ga", "funct-an", "gr-qc", "hep-ex", "hep-lat", "hep-ph",
        "hep-th", "math", "math-ph", "mtrl-th", "nlin", "nucl-ex", "nucl-th",
        "patt-sol", "physics", "plasm-ph", "q-alg", "q-bio", "quant-ph",
        "solv-int", "supr-con",
    }
)

#: xxx.lanl.gov is arXiv's first home; any host under arxiv.org is arXiv's (export., browse., mirrors).
_ARXIV_HOSTS = frozenset({"arxiv.org", "xxx.lanl.gov"})
_DOI_HOSTS = frozenset({"doi.org", "dx.doi.org", "www.doi.org"})
#: The paths under which arxiv.org serves one paper (abstract, PDF, PostScript, HTML, formats, source).
_URL_KINDS = frozenset({"abs", "pdf", "ps", "html", "format", "src", "e-print", "dvi"})
_MAX_VERSION_DIGITS = 4

# After the id, arXiv ignores a "/" or "#" and whatever follows it.
_REST = r"(?:[#/].*)?"
_NEW_RE = re.compile(r"([0-9]{4})\.([0-9]+)(?:[vV]([0-9]*))?" + _REST, re.ASCII | re.DOTALL)
_OLD_RE = re.compile(
    r"([A-Za-z][A-Za-z-]*)(?:\.([A-Za-z][A-Za-z-]*))?/([0-9]+)(?:[vV]([0-9]*))?" + _REST,
    re.ASCII | re.DOTALL,
)
# A new-style id behind an archive name: hep-th/1601.07616
_ARCHIVE_THEN_NEW_RE = re.compile(r"([A-Za-z][A-Za-z-]*)(?:\.[A-Za-z][A-Za-z-]*)?/([0-9]{4}\..*)", re.ASCII | re.DOTALL)
# The category (and date) arXiv prints after an id in listings and on a PDF's margin:
# "arXiv:0706.0001v1 [q-bio.CB]", "arXiv:0706.0001v1 [q-bio.CB] 1 Jun 2007".
_STAMP_RE = re.compile(
    r"\s*\[[A-Za-z][A-Za-z-]*(?:\.[A-Za-z][A-Za-z-]*)?\](?:\s+[0-9]{1,2}\s+[A-Za-z]{3}\s+[0-9]{4})?\s*$", re.ASCII
)
_FILE_SUFFIX_RE = re.compile(r"\.(?:pdf|ps|gz|ps\.gz)$")
# arXiv puts back the hyphen of an archive written without it (hepth -> hep-th, condmat -> cond-mat).
_MISSING_HYPHEN_RE = re.compile(r"([^a-])(ph|ex|th|qc|mat|lat|sci)$")
_DOI_RE = re.compile(r"10\.48550/arxiv\.(.+)", re.ASCII | re.IGNORECASE | re.DOTALL)
_SCHEME_RE = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*)://(.*)", re.ASCII | re.DOTALL)


class InvalidArxivId(ValueError):
    """Raised for text that is not an arXiv identifier.

    ``str(e)`` is one line saying why; ``e.reason`` is the bare reason and
    ``e.text`` the rejected input.
    """

    def __init__(self, text: object, reason: str):
        self.text = text
        self.reason = reason
        shown = repr(text) if isinstance(text, str) else type(text).__name__
        if len(shown) > 80:
            shown = shown[:77] + "..."
        super().__init__(f"{shown} is not an arXiv id: {reason}")


@frozen_record
class ArxivId:
    """A parsed arXiv identifier.

    ``base`` is the canonical id without version (``"2202.06709"``,
    ``"hep-th/9901001"``); ``version`` is the requested version or ``None``
    for "the latest".
    """

    base: str
    version: int | None = None

    def __str__(self) -> str:
        if self.version is not None:
            return f"{self.base}v{self.version}"
        return self.base

    @property
    def is_old_style(self) -> bool:
        return "/" in self.base

    @property
    def abs_url(self) -> str:
        return f"https://arxiv.org/abs/{self}"

    @property
    def pdf_url(self) -> str:
        return f"https://arxiv.org/pdf/{self}"


def try_parse_arxiv_id(text: str) -> ArxivId | None:
    """Like :func:`parse_arxiv_id` but returns ``None`` instead of raising."""
    try:
        return parse_arxiv_id(text)
    except InvalidArxivId:
        return None


def parse_arxiv_id(text: str) -> ArxivId:
    """Parse any supported form of an arXiv identifier.

    Raises :class:`InvalidArxivId` (and nothing else) with a one-line reason.
    """
    if not isinstance(text, str):
        raise InvalidArxivId(text, f"expected text, got {type(text).__name__}")
    try:
        return _parse(text)
    except InvalidArxivId:
        raise
    except Exception as exc:  # pragma: no cover - safety net, must stay unreachable
        raise InvalidArxivId(text, f"could not be parsed ({type(exc).__name__})") from None


# --------------------------------------------------------------------------
# implementation


def _fail(text: str, reason: str) -> InvalidArxivId:
    return InvalidArxivId(text, reason)


def _is_arxiv_host(host: str) -> bool:
    return host in _ARXIV_HOSTS or host.endswith(".arxiv.org")


def _parse(original: str) -> ArxivId:
    text = original.strip()
    if not text:
        raise _fail(original, "empty")
    lower = text.lower()

    if lower.startswith("oai:arxiv.org:"):
        return _parse_bare(original, text[len("oai:arxiv.org:"):])
    if lower.startswith("arxiv:"):
        return _parse_bare(original, text[len("arxiv:"):])
    if lower.startswith("doi:"):
        return _parse_doi(original, text[len("doi:"):])
    if lower.startswith("10."):
        return _parse_doi(original, text)

    m = _SCHEME_RE.fullmatch(text)
    if m:
        scheme, rest = m.group(1).lower(), m.group(2)
        if scheme not in ("http", "https"):
            raise _fail(original, f"not an arXiv URL (scheme {scheme!r})")
        return _parse_url(original, rest)
    # scheme-less URLs such as "arxiv.org/abs/2202.06709"
    host = lower.split("/", 1)[0]
    if _is_arxiv_host(host) or host in _DOI_HOSTS:
        return _parse_url(original, text)
    return _parse_bare(original, text)


def _parse_url(original: str, rest: str) -> ArxivId:
    """``rest`` is the URL after ``scheme://``."""
    for sep in ("#", "?"):
        rest = rest.split(sep, 1)[0]
    if "/" in rest:
        host, path = rest.split("/", 1)
    else:
        host, path = rest, ""
    host = host.lower()
    if host.endswith("."):
        host = host[:-1]
    if "@" in host:
        raise _fail(original, "not an arXiv URL (credentials in host)")
    if host in _DOI_HOSTS:
        return _parse_doi(original, unquote(path))
    if not _is_arxiv_host(host):
        shown = host if len(host) <= 40 else host[:37] + "..."
        raise _fail(original, f"not an arXiv URL (host {shown!r})")
    path = unquote(path).strip("/")
    if not path:
        raise _fail(original, "arXiv URL without a paper id")
    kind, _, ident = path.partition("/")
    kind = kind.lower()
    if kind not in _URL_KINDS:
        raise _fail(original, "not an arXiv URL of a paper (abs, pdf, ps, html, format or src)")
    if not ident:
        raise _fail(original, f"arXiv /{kind}/ URL without a paper id")
    return _parse_bare(original, ident)


def _parse_doi(original: str, doi: str) -> ArxivId:
    doi = doi.strip()
    m = _DOI_RE.fullmatch(doi)
    if not m:
        if doi.startswith("10."):
            raise _fail(original, "not an arXiv DOI (arXiv DOIs start with 10.48550/arXiv.)")
        raise _fail(original, "not a DOI")
    ident = _parse_bare(original, m.group(1))
    if ident.version is not None:
        raise _fail(original, "arXiv DOIs carry no version")
    return ident


def _parse_version(original: str, digits: str | None) -> int | None:
    if digits is None:
        return None
    if not digits:
        raise _fail(original, "version suffix without a number")
    if len(digits) > _MAX_VERSION_DIGITS:
        raise _fail(original, "version number is too long")
    if digits.startswith("0"):
        raise _fail(original, "versions start at v1" if int(digits) == 0 else "version number with a leading 0")
    return int(digits)


def _tidy(ident: str) -> str:
    """What arXiv's parser ignores: a listing stamp, one leading '/', a file suffix, an
    ``arXiv:`` prefix left inside a URL, doubled slashes and hyphens."""
    ident = _STAMP_RE.sub("", ident).strip()
    ident = _FILE_SUFFIX_RE.sub("", ident)
    if ident.startswith("/"):
        ident = ident[1:]
    if ident[:6].lower() == "arxiv:":
        ident = ident[6:]
    return re.sub(r"--+", "-", re.sub(r"//+", "/", ident))


def _parse_bare(original: str, ident: str) -> ArxivId:
    ident = ident.strip()
    if not ident:
        raise _fail(original, "empty")
    ident = _tidy(ident)
    if not ident:
        raise _fail(original, "empty")
    if any(ch.isspace() for ch in ident):
        raise _fail(original, "contains whitespace")
    if ".." in re.split(r"[/#\\]", ident):
        raise _fail(original, "a path with '..' in it")
    m = _NEW_RE.fullmatch(ident)
    if m:
        return _new_style(original, m.group(1), m.group(2), m.group(3))
    m = _ARCHIVE_THEN_NEW_RE.fullmatch(ident)
    if m:
        _archive(original, m.group(1))
        return _parse_bare(original, m.group(2))
    m = _OLD_RE.fullmatch(ident)
    if m:
        return _old_style(original, m.group(1), m.group(2), m.group(3), m.group(4))
    if "/" in ident:
        raise _fail(original, "not of the form archive/YYMMNNN")
    if re.fullmatch(r"[0-9]+", ident, re.ASCII):
        raise _fail(original, "missing the '.' of YYMM.NNNNN")
    raise _fail(original, "not of the form YYMM.NNNNN or archive/YYMMNNN")


def _check_month(original: str, mm: int) -> None:
    if not 1 <= mm <= 12:
        raise _fail(original, f"month {mm:02d} is not a month")


def _new_style(original: str, yymm: str, number: str, vdigits: str | None) -> ArxivId:
    _check_month(original, int(yymm[2:]))
    if yymm < "0704":
        raise _fail(original, f"YYMM.NNNN ids start at 0704 ({yymm} is earlier; use archive/YYMMNNN)")
    if len(number) not in (4, 5):
        raise _fail(original, f"the number after YYMM. has {len(number)} digits, not 4 or 5")
    value = int(number)
    if value == 0:
        raise _fail(original, "paper numbers start at 1")
    five_digits = yymm >= "1501"
    if not five_digits and value > 9999:
        raise _fail(original, "5-digit numbers start at 1501")
    version = _parse_version(original, vdigits)
    return ArxivId(f"{yymm}.{value:05d}" if five_digits else f"{yymm}.{value:04d}", version)


def _archive(original: str, written: str) -> str:
    archive = re.sub(r"--+", "-", written.lower())
    if archive not in OLD_STYLE_ARCHIVES:
        hyphenated = _MISSING_HYPHEN_RE.sub(r"\1-\2", archive)
        if hyphenated not in OLD_STYLE_ARCHIVES:
            shown = archive if len(archive) <= 30 else archive[:27] + "..."
            raise _fail(original, f"unknown archive {shown!r}")
        archive = hyphenated
    return archive


def _old_style(
    original: str, written_archive: str, subject: str | None, digits: str, vdigits: str | None
) -> ArxivId:
    archive = _archive(original, written_archive)
    if len(digits) != 7:
        raise _fail(original, f"old-style ids have 7 digits after the '/', not {len(digits)}")
    yymm, number = digits[:4], digits[4:]
    _check_month(original, int(yymm[2:]))
    # Two-digit years: 91..99 are the 1990s, 00..90 the 2000s (so 9012 is 2090, after the end).
    sortable = ("19" if yymm[:2] >= "91" else "20") + yymm
    if sortable > "200703":
        raise _fail(original, "old-style ids end at 0703 (later papers use YYMM.NNNNN)")
    if int(number) == 0:
        raise _fail(original, "paper numbers start at 001")
    del subject  # the external form drops the subject class
    version = _parse_version(original, vdigits)
    return ArxivId(f"{archive}/{digits}", version)

"""LaTeX in bibliography fields as plain text: a fast path for what fields hold, pylatexenc for the rest.

A .bib file's titles, names and abstracts mostly hold a few kinds of LaTeX: accented letters
(`{\\"u}`, `\\'e`, `\\c{c}`, `{\\o}`, `\\ss`), braces that protect capitals, escaped specials
(`\\&`, `\\%`), dashes and quotes (`--`, ``` `` ```), `\\emph{...}`, and inline math. `to_text`
decodes exactly these with one regular expression, as pylatexenc's
`LatexNodes2Text(math_mode="verbatim", strict_latex_spaces=True)` does (math is kept as written,
as arXiv shows it, and the argument of `\\texttt` is dropped, as pylatexenc drops it); a field
holding anything else -- another macro, a comment (`%`), `\\(`,
unbalanced braces -- goes to pylatexenc whole, so the result is pylatexenc's either way.
tests/test_latex_text.py compares the two on the fields of real .bib files.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

# Combining marks of the accent macros.
_ACCENTS = {
    "'": "\u0301", "`": "\u0300", "^": "\u0302", '"': "\u0308", "~": "\u0303", "=": "\u0304", ".": "\u0307",
    "u": "\u0306", "v": "\u030c", "H": "\u030b", "c": "\u0327", "d": "\u0323", "b": "\u0331", "k": "\u0328",
    "r": "\u030a",
}
_LETTERS = {
    "o": "ø", "O": "Ø", "ss": "ß", "ae": "æ", "AE": "Æ", "oe": "œ", "OE": "Œ", "aa": "å", "AA": "Å", "l": "ł",
    "L": "Ł", "i": "ı", "j": "ȷ",
}
_ESCAPES = {"&": "&", "%": "%", "$": "$", "#": "#", "_": "_", "{": "{", "}": "}", " ": " "}
_PUNCTUATION = {"---": "—", "--": "–", "``": "“", "''": "”", "~": "\xa0", "{": "", "}": "", "\\\\": "\n"}
# The text-style macros pylatexenc keeps the argument of, and those it drops the argument of.
_STYLES = "emph|textit|textbf|textrm|textsc|textsl|textnormal"
_DROPPED = "texttt|textsf|textup|textmd"

# The white space after a macro named by letters, which pylatexenc eats; before a paragraph
# break it does something else, left to it (the group is atomic: no backtracking to fewer spaces).
_SPACE = r"(?>[^\S\n]*(?:\n[^\S\n]*)?)(?!\n)"

_TOKEN = re.compile(
    r"\$\$(?P<display>[^$%]*?)\$\$"
    r"|\$(?P<math>[^$%]+)\$"
    r"|\\(?P<accent>['\"^~=.`])(?:\{(?P<braced>[A-Za-z]|\\[ij])\}|(?P<bare>[A-Za-z]|\\[ij](?![^\W\d_])" + _SPACE + "))"
    r"|\\(?P<letter_accent>[uvHcdbkr])(?:\{(?P<lbraced>[A-Za-z]|\\[ij])\}|[ ]+(?P<lbare>[A-Za-z]))"
    r"|\\(?P<letter>ss|ae|AE|oe|OE|aa|AA|[oOlLij])(?![^\W\d_])" + _SPACE +
    r"|\\(?P<escape>[&%$#_{} ])"
    rf"|\\(?:{_STYLES})(?=\{{)"
    rf"|\\(?:{_DROPPED})\{{[^{{}}\\]*\}}"
    r"|---|--|``|''|~|\{|\}|\\\\(?![\[*])"
    # Anything else special: a macro, a comment, a $ that opens no math, Spanish ?` and !`.
    r"|\\|%|\$|\?`|!`"
)


_ESCAPED_END = re.compile(r"\\[^A-Za-z]?$")


class _NotSimple(Exception):
    """The field holds LaTeX the fast path does not decode."""


def _replace(match: re.Match[str]) -> str:
    kind = match.lastgroup
    if kind is None:
        text = match.group(0)
        replacement = _PUNCTUATION.get(text)  # dashes, quotes, braces, \\
        if replacement is not None:
            return replacement
        if len(text) > 2:
            return ""  # \emph before its argument, or \texttt{...} whole
        raise _NotSimple
    if kind in ("braced", "bare", "lbraced", "lbare"):
        mark = _ACCENTS[match.group("accent") or match.group("letter_accent")]
        base = match.group(kind).rstrip()
        if base.startswith("\\"):
            base = base[1]  # \'\i is í: the accent goes on a plain i
        return unicodedata.normalize("NFC", base + mark)
    if kind == "letter":
        return _LETTERS[match.group("letter")]
    if kind == "escape":
        return _ESCAPES[match.group("escape")]
    if kind in ("math", "display"):
        inner = match.group(kind)
        if inner.count("{") != inner.count("}") or _ESCAPED_END.search(inner):
            raise _NotSimple  # a brace or a \$ that may reach past the closing $
        return match.group(0) if kind == "math" else "\n" + match.group(0) + "\n"
    raise AssertionError(kind)


def fast_text(value: str) -> str | None:
    """`value` decoded as pylatexenc decodes it, or None when it holds LaTeX this path leaves to it."""
    bare = value.replace("\\{", "").replace("\\}", "")
    if bare.count("{") != bare.count("}"):
        return None
    try:
        return _TOKEN.sub(_replace, value)
    except _NotSimple:
        return None


class Decoder:
    """LaTeX to text: the fast path, else pylatexenc (loaded the first time a field needs it)."""

    def __init__(self) -> None:
        self._full: Any = None
        self.fast = self.full = 0  # fields decoded by each path

    def to_text(self, value: str) -> str:
        """`value` as text; pylatexenc's errors propagate (the caller decides what to keep)."""
        text = fast_text(value)
        if text is not None:
            self.fast += 1
            return text
        self.full += 1
        return self.pylatexenc(value)

    def pylatexenc(self, value: str) -> str:
        if self._full is None:
            from pylatexenc.latex2text import LatexNodes2Text

            self._full = LatexNodes2Text(math_mode="verbatim", strict_latex_spaces=True)
        text: str = self._full.latex_to_text(value)
        return text

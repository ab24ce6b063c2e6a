"""The fast LaTeX decoder (readr.latex_text) against pylatexenc, the decoder it stands in for.

Every field of the real .bib files in tests/fixtures (and ../shared/fixtures/bibtex when it is
there), and every name of their author lists, is decoded both ways: wherever the fast path
answers, its text is pylatexenc's, character for character. Hypothesis then mixes the pieces
LaTeX fields are made of and asks the same.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from readr.latex_text import Decoder, fast_text

ROOT = Path(__file__).resolve().parent.parent
BIB_FILES = sorted({p.resolve(): p for p in [*(ROOT / "tests" / "fixtures").rglob("*.bib"),
                                           *(ROOT.parent / "shared" / "fixtures" / "bibtex").glob("*.bib")]}.values())


def real_fields() -> list[str]:
    import bibtexparser

    values = []
    for path in BIB_FILES:
        library = bibtexparser.parse_string(path.read_text(encoding="utf-8", errors="replace"))
        for entry in library.entries:
            for field in entry.fields:
                value = str(field.value)
                values.append(value)
                if field.key.lower() in ("author", "editor"):
                    values += re.split(r"\s+and\s+", value.strip())
    return values


@pytest.fixture(scope="module")
def reference():
    decoder = Decoder()

    def decode(value: str) -> str | None:
        try:
            return decoder.pylatexenc(value)
        except Exception:
            return None

    return decode


def test_real_fields_decode_as_pylatexenc_does(reference):
    fields = [value for value in real_fields() if "\\" in value or "{" in value]
    assert len(fields) > 300, BIB_FILES
    answered = 0
    for value in fields:
        fast = fast_text(value)
        if fast is None:
            continue
        answered += 1
        assert fast == reference(value), value
    # The fast path is worth having only if it answers for most fields.
    assert answered > 0.8 * len(fields)


@pytest.mark.parametrize("value, text", [
    (r"M{\"u}ller", "Müller"),
    (r"Jos\'e", "José"),
    (r"Fran\c{c}ois", "François"),
    (r"Fran\c cois", "François"),
    (r"{\O}stergaard", "Østergaard"),
    (r"Stra\ss e", "Straße"),
    (r"Dvo\v{r}\'ak", "Dvořák"),
    (r"Erd\H{o}s", "Erdős"),
    (r"{\AA}ngstr{\"o}m", "Ångström"),
    (r"\'\i a", "ía"),
    (r"\L{}\'od\'z", "Łódź"),
    (r"{B}ayesian \emph{ab initio} 2--3 ``so''", "Bayesian ab initio 2–3 “so”"),
    (r"cost \$5 \& 10\% more", "cost $5 & 10% more"),
    (r"the \texttt{code} field", "the  field"),  # pylatexenc drops the argument of \texttt
    (r"we find $\alpha \le O(n \log n)$ and $\mathcal{N}=4$", r"we find $\alpha \le O(n \log n)$ and $\mathcal{N}=4$"),
])
def test_common_macros_take_the_fast_path(reference, value, text):
    assert fast_text(value) == text
    assert reference(value) == text


@pytest.mark.parametrize("value", [
    r"50% of the cases",  # a comment to pylatexenc
    r"\cite{knuth}",
    r"\texttt{a {nested} group}",
    r"\(x\)",
    r"{unbalanced",
    r"a $ b",
    r"\\[2pt] next",
    r"\'{}",
    r"\t{oo}",
])
def test_anything_else_is_left_to_pylatexenc(value):
    assert fast_text(value) is None
    decoder = Decoder()
    try:
        expected = decoder.pylatexenc(value)
    except Exception:
        return
    assert decoder.to_text(value) == expected
    assert decoder.full == 1 and decoder.fast == 0


PIECES = [
    "a", "B", "word", "1", "x2", " ", "  ", "\n", "\t", "{", "}", "{B}", "-", "--", "---", "`", "``", "'", "''", "~",
    ".", ",",
    "$", "$x$", r"$\alpha$", "$$y$$", r"$a_{1}$", "%", r"\%", r"\&", r"\$", r"\{", r"\}", r"\_", r"\#", "\\ ",
    r"\\", r"\'", r"\'e", r"\'{e}", r"\"o", r"\"{\i}", r"\'\i", r"\^", r"\~n", r"\c", r"\c{c}", r"\c c", r"\v{r}",
    r"\H{o}", r"\o", r"\O", r"\ss", r"\ae", r"\aa", r"\AA", r"\l", r"\L", r"\i", r"\j", r"\emph", r"\emph{x}",
    r"\textbf{y}", r"\texttt{z}", r"\foo", "?`", "!`", "é", "ß", "\u00a0",
]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=12).map("".join))
@example(r"\ss\ss")
@example(r"\o\'e")
def test_mixtures_decode_as_pylatexenc_does(reference, value):
    fast = fast_text(value)
    if fast is not None:
        assert fast == reference(value)

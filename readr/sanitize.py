"""Untrusted text stays text: strip terminal control characters.

Titles, abstracts, summaries and tags come from strangers. Rich and Textual strip only a
few control characters, so ESC sequences (window titles, OSC 52 clipboard writes) would
reach the terminal. We strip C0 (except tab and newline), DEL and C1 when storing text and
again when printing it.
"""

from __future__ import annotations

import re

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def clean_text(text: str | None) -> str:
    """Return text without terminal control characters; CR/LF and lone CR become LF."""
    if not text:
        return ""
    if text.isprintable():  # no control character, CR or LF (the common case, checked in C)
        return text
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL.sub("", text)


def clean_line(text: str | None) -> str:
    """Like clean_text, for one-line fields (titles, tags): whitespace runs become one space."""
    if text and text.isprintable() and "  " not in text and text[0] != " " and text[-1] != " ":
        return text  # printable: no whitespace but plain spaces, and no run or edge of them
    return " ".join(clean_text(text).split())

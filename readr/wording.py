"""Words in messages: counted nouns ("1 takeaway", "2 takeaways") and text shortened at a word."""

from __future__ import annotations


def plural(count: int, noun: str, nouns: str | None = None) -> str:
    """`count` and the noun in the right number; `nouns` for an irregular plural (summaries)."""
    return f"{count} {noun if count == 1 else (nouns or noun + 's')}"


def shorten(text: str, width: int) -> str:
    """`text` cut to at most `width` characters at a word boundary, with "…" when cut (never in
    the middle of a word unless the word is longer than half the width)."""
    if len(text) <= width:
        return text
    cut = text[: width - 1]
    if " " in cut[width // 2 :]:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,;:-") + "…"

"""Counted nouns in messages: "1 takeaway", "2 takeaways", "1 summary", "3 summaries"."""

from __future__ import annotations


def plural(count: int, noun: str, nouns: str | None = None) -> str:
    """`count` and the noun in the right number; `nouns` for an irregular plural (summaries)."""
    return f"{count} {noun if count == 1 else (nouns or noun + 's')}"

"""Takeaways: the bold spans of a Markdown summary, the points a reader wants the team to act on."""

from __future__ import annotations

import re

# **bold** or __bold__, not escaped (\*\*), not empty, not starting or ending with a space.
_BOLD = re.compile(
    r"(?<![\\*])\*\*(?=\S)(?P<a>.+?)(?<=[^\s\\])\*\*(?!\*)"
    r"|(?<![\\_\w])__(?=\S)(?P<u>.+?)(?<=[^\s\\])__(?![_\w])",
    re.DOTALL,
)
_CODE = re.compile(r"```.*?```|`[^`\n]*`", re.DOTALL)
_WORD = re.compile(r"\w")


def extract_takeaways(summary: str) -> list[str]:
    """Bold spans in order, whitespace collapsed; separators such as `**.**` are not takeaways."""
    if not summary:
        return []
    text = _CODE.sub(lambda m: " " * len(m.group(0)), summary)
    spans = []
    for match in _BOLD.finditer(text):
        span = " ".join((match.group("a") or match.group("u")).split())
        if _WORD.search(span):
            spans.append(span)
    return spans

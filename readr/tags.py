"""Tags: the one normal form of a tag name, for every way a tag comes in (the store's writes,
the `tag:` filter of search, the CLI's tag commands and list --tag, the TUI's tag dialog).

People write a tag as `ml`, `#ml`, `"deep learning"` or `' ml '`; all of them are the tag
`ml` / `deep learning`: surrounding quotes and spaces and leading `#` go, inner runs of
whitespace become one space. Case is kept as first written (tags are unique regardless of case).
A control character (a terminal escape, say) or a bidirectional override is refused: a tag is
shown on terminals and in web pages, where those would act rather than show.
"""

from __future__ import annotations

import re
import unicodedata

from .errors import ReadrError

MAX_TAG_LENGTH = 64

_QUOTE_PAIRS = {'"': '"', "'": "'", "“": "”", "‘": "’", "«": "»", "`": "`"}
# Bidirectional embeddings, overrides and isolates: they reorder the text shown after them.
_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")


def normalize_tag(name: str) -> str:
    """The normal form of a tag name; ReadrError (one line) for an empty, over-long or unsafe one."""
    text = str(name)
    bad = next((c for c in text if (unicodedata.category(c) == "Cc" and c not in "\t\n\r") or _BIDI.match(c)), None)
    if bad is not None:
        raise ReadrError(
            f"a tag cannot hold control characters such as terminal escapes (found U+{ord(bad):04X} in "
            f"{ascii(text)[1:-1]!r})"
        )
    tag = " ".join(text.split())
    while True:
        before = tag
        if len(tag) >= 2 and _QUOTE_PAIRS.get(tag[0]) == tag[-1]:
            tag = tag[1:-1].strip()
        tag = tag.lstrip("#").strip()
        if tag == before:
            break
    if not tag:
        raise ReadrError("a tag cannot be empty" + (f" ({text.strip()!r} has no name)" if text.strip() else ""))
    if len(tag) > MAX_TAG_LENGTH:
        raise ReadrError(f"a tag can be at most {MAX_TAG_LENGTH} characters")
    return tag

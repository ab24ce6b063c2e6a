"""The weekly digest: the Markdown page of what was read each week (docs: digest-format.md).

* `export`   renders a week or a month from the library;
* `importer` reads existing digest pages back in (`readr import PAGE.md`);
* `assets`   copies local images next to an exported page and rewrites their links.

This module holds the small Markdown grammar both directions share, so that what the
exporter writes is exactly what the importer reads. No third-party imports here.
"""

from __future__ import annotations

import re

from ..record import frozen_record

# CommonMark: a backslash before ASCII punctuation is an escape.
_PUNCT = r"""!"#$%&'()*+,-./:;<=>?@[\]^_`{|}~"""
_UNESCAPE = re.compile(r"\\([" + re.escape(_PUNCT) + r"])")
_ENTITY = re.compile(r"&(#\d+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);")

# A week heading: `### 2007-4-8:`; also `##`, `#`, `####`, zero padding, no colon.
WEEK_HEADING = re.compile(r"^(#{1,4})[ \t]+(\d{4})-(\d{1,2})-(\d{1,2})[ \t]*:?[ \t]*#*[ \t]*$")
# A page title: `# 2007-4` (several weeks on a page).
MONTH_HEADING = re.compile(r"^#{1,2}[ \t]+(\d{4})-(\d{1,2})[ \t]*:?[ \t]*$")
HEADING = re.compile(r"^(#{1,6})(?:[ \t]|$)")
LIST_MARKER = re.compile(r"^([*+-]|\d{1,9}[.)])([ \t]+)")
FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
# What may sit between an entry's link and its summary: whitespace and a `**.**` separator, or
# the ` - `, ` – ` or `: ` of a bulleted reading list (`- [Title](url) - summary`).
SEPARATOR = re.compile(r"^[ \t]*(?:\*\*[.:;—–-]\*\*|__[.:]__|[-–—:](?=[ \t]))?[ \t]*")


def code_fence(line: str, fence: str | None) -> tuple[bool, str | None]:
    """Whether `line` is part of a fenced code block (its opening and closing fences included),
    given the fence open before it, and the fence open after it."""
    if fence is not None:
        stripped = line.strip()
        closes = stripped.startswith(fence) and not stripped.strip(fence[0])
        return True, None if closes else fence
    opening = FENCE.match(line)
    return (True, opening.group(1)) if opening else (False, None)


def unescape_markdown(text: str) -> str:
    """Remove CommonMark backslash escapes (`\\*` -> `*`); other backslashes (LaTeX) stay."""
    return _UNESCAPE.sub(r"\1", text)


def escape_title(text: str) -> str:
    """Escape a plain title for the text of a Markdown link, so it reads back unchanged."""
    out = []
    for i, ch in enumerate(text):
        nxt = text[i + 1] if i + 1 < len(text) else ""
        prev = text[i - 1] if i else ""
        if ch == "\\":
            # A backslash is literal unless it precedes punctuation (LaTeX such as \alpha stays).
            out.append("\\\\" if not nxt or nxt in _PUNCT else ch)
        elif ch == "_":
            out.append("_" if prev.isalnum() and nxt.isalnum() else "\\_")
        elif ch in "`*[]<>":
            out.append("\\" + ch)
        else:
            out.append(ch)
    escaped = "".join(out)
    # `&amp;` in a title would render as `&`: escape the ampersand of anything entity-like.
    return _ENTITY.sub(lambda m: "\\" + m.group(0), escaped)


def format_destination(url: str) -> str:
    """A link destination as written between the parentheses."""
    url = url.strip()
    depth, balanced = 0, True
    for ch in url:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth < 0:
                balanced = False
    if depth != 0:
        balanced = False
    if not url or not balanced or any(ch.isspace() or ch in "<>" for ch in url):
        return "<" + url.replace("\\", "\\\\").replace("<", "\\<").replace(">", "\\>") + ">"
    return url


# Link text longer than this is not a title (and scanning it on every line would be quadratic).
MAX_LINK_TEXT = 2000


@frozen_record
class Link:
    text: str  # the link text as written (between the brackets)
    target: str  # the destination, unescaped, without angle brackets
    title: str | None  # an optional link title ("...")
    end: int  # index just after the closing parenthesis


def _skip_code_span(s: str, i: int) -> int:
    """If s[i] starts a code span, the index after it; else i + 1."""
    run = 0
    while i + run < len(s) and s[i + run] == "`":
        run += 1
    close = s.find("`" * run, i + run)
    while close != -1 and close + run < len(s) and s[close + run] == "`":
        close = s.find("`" * run, close + run + 1)
    return i + run if close == -1 else close + run


def parse_link(s: str, i: int = 0) -> Link | None:
    """Parse an inline link `[text](dest "title")` starting at s[i] == '['; None if there is none."""
    if i >= len(s) or s[i] != "[":
        return None
    depth, j = 0, i
    limit = min(len(s), i + MAX_LINK_TEXT)
    while j < limit:
        ch = s[j]
        if ch == "\\":
            j += 2
            continue
        if ch == "`":
            j = _skip_code_span(s, j)
            continue
        if ch == "[":
            depth += 1
        elif ch == "]":
            depth -= 1
            if depth == 0:
                break
        j += 1
    else:
        return None
    if j >= limit:
        return None
    text = s[i + 1 : j]
    k = j + 1
    if k >= len(s) or s[k] != "(":
        return None
    k += 1
    while k < len(s) and s[k] in " \t":
        k += 1
    if k < len(s) and s[k] == "<":
        end = k + 1
        buf = []
        while end < len(s) and s[end] != ">":
            if s[end] == "\\" and end + 1 < len(s) and s[end + 1] in _PUNCT:
                buf.append(s[end + 1])
                end += 2
                continue
            if s[end] in "<\n":
                return None
            buf.append(s[end])
            end += 1
        if end >= len(s):
            return None
        target = "".join(buf)
        k = end + 1
    else:
        start, paren = k, 0
        while k < len(s):
            ch = s[k]
            if ch == "\\" and k + 1 < len(s) and s[k + 1] in _PUNCT:
                k += 2
                continue
            if ch.isspace() or ord(ch) < 0x20:
                break
            if ch == "(":
                paren += 1
            elif ch == ")":
                if paren == 0:
                    break
                paren -= 1
            k += 1
        if paren != 0:
            return None
        target = unescape_markdown(s[start:k])
    while k < len(s) and s[k] in " \t":
        k += 1
    title = None
    if k < len(s) and s[k] in "\"'(" and target:
        close = {"\"": "\"", "'": "'", "(": ")"}[s[k]]
        end = k + 1
        while end < len(s) and s[end] != close:
            end += 2 if s[end] == "\\" else 1
        if end >= len(s):
            return None
        title = unescape_markdown(s[k + 1 : end])
        k = end + 1
        while k < len(s) and s[k] in " \t":
            k += 1
    if k >= len(s) or s[k] != ")":
        return None
    return Link(text=text, target=target, title=title, end=k + 1)


def split_bold(text: str) -> tuple[str, bool]:
    """`**Title**` -> ("Title", True); anything else -> (text, False)."""
    for mark in ("**", "__"):
        if len(text) > 2 * len(mark) and text.startswith(mark) and text.endswith(mark):
            inner = text[len(mark) : -len(mark)]
            i, clean = 0, True
            while i < len(inner):
                if inner[i] == "\\":
                    i += 2
                    continue
                if inner.startswith(mark, i):
                    clean = False
                    break
                i += 1
            if clean and i == len(inner):  # i > len: the closing mark was escaped
                return inner, True
    return text, False


def entry_start(line: str) -> tuple[str, Link, bool, int] | None:
    """If the line (at column 0) starts a digest entry: its list marker ('' or '* '), its link,
    whether the whole link is bold (`**[Title](url)**`) and the index where the entry's text goes on."""
    marker = ""
    match = LIST_MARKER.match(line)
    if match:
        marker = match.group(0)
    start = len(marker)
    if line.startswith("**[", start):
        link = parse_link(line, start + 2)
        if link is not None and line.startswith("**", link.end):
            return marker, link, True, link.end + 2
    link = parse_link(line, start)
    if link is None:
        return None
    return marker, link, False, link.end

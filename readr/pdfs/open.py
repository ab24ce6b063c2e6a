"""`readr open ID`: the paper's PDF in the system viewer, or else its web page in the browser.

Never through a shell: the viewer gets the file as one argument of an argument list, and only
http(s) links are handed to the browser. READR_PDF_VIEWER (e.g. "zathura" or "evince --fullscreen")
picks the PDF viewer; it is split like a shell command line but run without a shell.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

from ..record import record
from ..errors import ReadrError


@record
class Opened:
    what: str  # "pdf" | "url"
    target: str
    command: list[str] | None = None  # None: handed to the webbrowser module


def viewer_command(path: Path) -> list[str] | None:
    """The argument list that opens `path` in the PDF viewer, or None to use the browser."""
    configured = os.environ.get("READR_PDF_VIEWER", "").strip()
    if configured:
        try:
            parts = shlex.split(configured)
        except ValueError as exc:
            raise ReadrError(f"READR_PDF_VIEWER is not a valid command line: {exc}") from None
        if not parts:
            raise ReadrError("READR_PDF_VIEWER is empty")
        return [*parts, str(path)]
    if sys.platform == "darwin":
        return ["open", str(path)]
    for opener in ("xdg-open", "gio"):
        found = shutil.which(opener)
        if found:
            return [found, "open", str(path)] if opener == "gio" else [found, str(path)]
    return None


def _launch(command: list[str]) -> None:
    try:
        subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,  # the viewer outlives readr and never gets its Ctrl-C
            close_fds=True,
        )
    except FileNotFoundError:
        raise ReadrError(f"cannot start {command[0]!r}: not found (set READR_PDF_VIEWER)") from None
    except OSError as exc:
        raise ReadrError(f"cannot start {command[0]!r}: {exc.strerror or exc}") from None


def safe_url(url: str | None) -> str | None:
    """The URL if it is an http(s) link without surprises, else None."""
    if not url:
        return None
    url = url.strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    if any(ord(ch) < 33 or ord(ch) == 127 for ch in url):
        return None
    return url


def open_paper(store, ref: str, prefer: str = "pdf") -> Opened:
    """Open the paper's PDF if readr has one (prefer='pdf'), else its abs page / URL."""
    paper = store.get(ref)
    path = store.pdf_path(paper.key) if prefer == "pdf" else None
    if path is not None:
        command = viewer_command(path.resolve())
        if command is not None:
            _launch(command)
            return Opened("pdf", str(path), command)
        url = path.resolve().as_uri()
        _browser(url)
        return Opened("pdf", str(path))
    url = safe_url(paper.link)
    if url is None:
        raise ReadrError(f"{paper.key} has no PDF and no web link to open")
    _browser(url)
    return Opened("url", url)


def _browser(url: str) -> None:
    import webbrowser

    try:
        ok = webbrowser.open(url, new=2)
    except webbrowser.Error as exc:
        raise ReadrError(f"cannot open a browser: {exc}") from None
    if not ok:
        raise ReadrError(f"no browser found to open {url}")

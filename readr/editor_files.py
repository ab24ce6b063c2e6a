"""The text of the file handed to $EDITOR (`readr note --edit`, `E` in the TUI).

Text files end with a newline: without one, an editor or a script that appends a line
(`echo ... >> FILE`) glues it onto the summary's last line. The newline is added on the way
out and the single trailing newline taken off on the way back in, so a summary does not grow
by a line on every round trip.
"""

from __future__ import annotations


def for_editor(text: str) -> str:
    return text if not text or text.endswith("\n") else text + "\n"


def from_editor(text: str) -> str:
    return text[:-1] if text.endswith("\n") else text

"""The reading statuses, in the order a paper moves through them, and the words readers use.

One definition for the store (what it accepts), the search language (`status:`), the CLI
(`readr status`, `readr list --status`) and the TUI (the views bar, the status keys).
"""

from __future__ import annotations

from .errors import ReadrError

STATUSES = ("inbox", "to-read", "reading", "read", "dismissed")
STATUS_LABELS = {"inbox": "Inbox", "to-read": "To read", "reading": "Reading", "read": "Read", "dismissed": "Dismissed"}
STATUS_ALIASES = {"toread": "to-read", "to_read": "to-read", "to read": "to-read", "todo": "to-read", "new": "inbox"}
STATUS_CHOICES = ", ".join(STATUSES[:-1]) + " or " + STATUSES[-1]  # for help texts


class UnknownStatus(ReadrError):
    def __init__(self, value: str):
        super().__init__(f"{value!r} is not a status; use one of {', '.join(STATUSES)}")
        self.value = value


def parse_status(value: str) -> str:
    """The status a reader means ("To-Read", "toread", "todo" -> "to-read"); UnknownStatus if none."""
    key = " ".join(value.split()).lower()
    key = STATUS_ALIASES.get(key, key)
    if key not in STATUSES:
        raise UnknownStatus(value)
    return key

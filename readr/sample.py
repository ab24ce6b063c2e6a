"""The built-in sample library behind `readr demo`: real arXiv metadata, reading dates relative
to today so the current week always has a digest."""

from __future__ import annotations

import json
from datetime import datetime, time, timedelta
from importlib import resources
from pathlib import Path

from .clock import clock
from .store import Store


def sample_records() -> list[dict]:
    text = resources.files("readr.data").joinpath("sample_library.json").read_text(encoding="utf-8")
    return json.loads(text)["papers"]


def build_sample_library(target: Path, now: datetime | None = None) -> Path:
    """Create a library at `target` (which must not exist yet) filled with the sample papers."""
    target = Path(target)
    if target.exists():
        raise FileExistsError(target)
    now = (now or clock.now()).replace(microsecond=0)
    records = sample_records()
    with Store(target) as lib:
        # Read papers are marked in reading order so the digest order is the intended one.
        ordered = sorted(records, key=lambda r: (r.get("read_order") or 0, r["arxiv_id"]))
        for record in ordered:
            status = record.get("status", "to-read")
            lib.upsert_arxiv(record, status=status if status != "read" else "reading")
            key = record["arxiv_id"]
            lib.set_added_at(key, now - timedelta(days=record.get("added_days_ago", 0), hours=1))
            if record.get("summary"):
                lib.set_summary(key, record["summary"])
            if record.get("tags"):
                lib.add_tags([key], record["tags"])
            if status == "read":
                # Early on the reading day, in reading order: day 0 stays today even just after midnight.
                day = (now - timedelta(days=record.get("read_days_ago") or 0)).date()
                when = datetime.combine(day, time(0, 0)) + timedelta(minutes=record.get("read_order") or 0)
                lib.set_status([key], "read", on=when)
    return target

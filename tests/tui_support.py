"""Shared pieces of the TUI tests: a fixed clock, the demo library, the app factory, settling."""

from __future__ import annotations

from datetime import datetime

import pytest

from readr.config import Config
from readr.sample import build_sample_library
from readr.tui import make_app

NOW = datetime(2026, 11, 25, 10, 0, 0)  # a Wednesday: snapshots and week views never drift
TODAY = NOW.date()


@pytest.fixture
def demo_db(tmp_path):
    return build_sample_library(tmp_path / "demo.db", now=NOW)


def app_for(db, **config):
    config.setdefault("autosave_seconds", 0.2)
    return make_app(db, config=Config(**config), today=TODAY)


async def settle(pilot, app) -> None:
    """Let debounces fire and workers finish."""
    for _ in range(3):
        await pilot.pause(0.05)
        await app.workers.wait_for_complete()
    await pilot.pause(0.05)

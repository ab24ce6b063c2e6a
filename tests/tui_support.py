"""Shared pieces of the TUI tests: the demo library, the app factory, settling. The time is the
program clock that tests/conftest.py fixes for every test."""

from __future__ import annotations

import time

import pytest

from readr.clock import clock
from readr.config import Config
from readr.sample import build_sample_library
from readr.tui import make_app


@pytest.fixture
def demo_db(tmp_path):
    return build_sample_library(tmp_path / "demo.db", now=clock.now())


def app_for(db, **config):
    config.setdefault("autosave_seconds", 0.2)
    return make_app(db, config=Config(**config))


async def settle(pilot, app) -> None:
    """Let debounces fire and workers finish."""
    for _ in range(3):
        await pilot.pause(0.05)
        await app.workers.wait_for_complete()
    await pilot.pause(0.05)


def notifications(app) -> list:
    """Every notification the app raised, in order, also those whose toast has timed out."""
    return list(getattr(app._notifications, "raised", []))


def screen_lines(app, selector: str) -> list[str]:
    """The text of the widgets `selector` finds, line by line, as drawn at their current size."""
    from textual.geometry import Region

    lines: list[str] = []
    for widget in app.screen.query(selector):
        width, height = widget.size
        lines += [strip.text.rstrip() for strip in widget.render_lines(Region(0, 0, width, height))]
    return lines


async def wait_until(pilot, condition, timeout: float = 15.0) -> float:
    """Wait for `condition()` to hold, checking after each short pause; the seconds it took.
    The timeout only bounds a test that would otherwise hang: a loaded machine may be slow."""
    started = time.monotonic()
    while True:
        if condition():
            return time.monotonic() - started
        if time.monotonic() - started > timeout:
            raise AssertionError("condition not met in time")
        await pilot.pause(0.02)


def first_palette_hit(app) -> str:
    """The name of the command palette's first hit ("" while it is still searching)."""
    from textual.command import CommandList

    hits = app.screen.query(CommandList)
    if not hits or not hits.first().option_count:
        return ""
    return str(hits.first().get_option_at_index(0).prompt).split("\n")[0]

"""Shared fixtures. Every test runs with READR_DB, READR_CONFIG and the XDG folders pointed at a
temporary home, so no test ever touches a real library."""

from __future__ import annotations

import asyncio
import inspect
import os
from datetime import datetime
from pathlib import Path

import pytest

pytest_plugins = ["tests.arxiv_server"]


@pytest.fixture(autouse=True)
def isolated_home(tmp_path_factory, monkeypatch):
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.setenv("READR_DB", str(home / "library.db"))
    monkeypatch.setenv("READR_CONFIG", str(home / "config.toml"))
    monkeypatch.setenv("READR_ARXIV_DELAY", "0")
    monkeypatch.setenv("READR_ARXIV_URL", "http://127.0.0.1:9")  # discard port: nothing real is reachable
    monkeypatch.delenv("EDITOR", raising=False)
    monkeypatch.delenv("VISUAL", raising=False)
    return home


def _test_now() -> datetime:
    """The time the whole suite runs at: READR_TEST_NOW (an ISO date or date-time) moves it to
    another day, e.g. a Sunday just before midnight or another year; else the real time at start."""
    from readr.clock import parse_fixed

    text = os.environ.get("READR_TEST_NOW")
    return parse_fixed(text) if text else datetime.now().replace(microsecond=0)


SUITE_NOW = _test_now()


def pytest_configure(config):
    # Fixed before any fixture of any scope runs (module-scoped libraries are built then too);
    # readr started as a subprocess gets the same time through READR_NOW.
    from readr.clock import clock as program_clock

    program_clock.fix(SUITE_NOW)
    os.environ["READR_NOW"] = SUITE_NOW.isoformat()


@pytest.fixture(autouse=True)
def clock():
    """The program's one clock, back at the suite's time for each test. A test moves it with
    `clock.fix(...)` or `clock.advance(...)`."""
    from readr.clock import clock as program_clock

    program_clock.fix(SUITE_NOW)
    yield program_clock
    program_clock.fix(SUITE_NOW)


@pytest.fixture(autouse=True)
def notifications_kept(monkeypatch):
    """Textual forgets a notification once its timeout has passed on the wall clock, which on a
    loaded machine can be before a test looks. Every notification an app raised stays in
    `app._notifications.raised` (read it with tests.tui_support.notifications)."""
    import sys

    module = sys.modules.get("textual.notifications")  # imported by the TUI tests only
    if module is None:
        return
    add = module.Notifications.add

    def add_and_keep(self, notification):
        self.__dict__.setdefault("raised", []).append(notification)
        return add(self, notification)

    monkeypatch.setattr(module.Notifications, "add", add_and_keep)


def popen_with_ctrl_c(*args, **kwargs):
    """subprocess.Popen with SIGINT as a terminal's foreground job has it, for a test that sends
    Ctrl-C. A shell starts a background job (`pytest &`) with SIGINT ignored and children inherit
    that, so the signal would never arrive. (A preexec_fn is not safe beside the replay server's
    threads.)"""
    import signal
    import subprocess

    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        return subprocess.Popen(*args, **kwargs)
    finally:
        signal.signal(signal.SIGINT, previous)


@pytest.fixture
def db_path(tmp_path) -> Path:
    return tmp_path / "lib.db"


@pytest.fixture
def store(db_path):
    from readr.store import Store

    lib = Store(db_path)
    yield lib
    lib.close()


KAGGLE_SAMPLE = (Path(__file__).resolve().parent / "fixtures" / "metadata" / "kaggle_snapshot_sample"
                 / "arxiv-metadata-oai-snapshot.head.jsonl")


def kaggle_library_read_this_week(lib, tags: list[str]) -> None:
    """Fill `lib`: the Kaggle sample as catalogue, three of its papers read this week with
    summaries (so `readr export --week` has a page), `tags` on the first."""
    from datetime import timedelta

    from readr.catalogue import import_files
    from readr.clock import clock

    import_files(lib, [KAGGLE_SAMPLE])
    now = clock.now()
    for offset, key in enumerate(("0704.0001", "0704.0002", "0704.0003")):
        lib.set_status([key], "read", on=now - timedelta(minutes=offset))
        lib.set_summary(key, f"Summary {offset}. **Takeaway {offset}.**")
    lib.add_tags(["0704.0001"], tags)


def make_record(arxiv_id: str, title: str = "A title", version: int = 1, **fields) -> dict:
    """A paper record as the arXiv client returns it (only the fields a test cares about)."""
    record = {
        "arxiv_id": arxiv_id,
        "version": version,
        "title": title,
        "authors": fields.pop("authors", ["Ada Lovelace", "Charles Babbage"]),
        "abstract": fields.pop("abstract", "We study things."),
        "categories": fields.pop("categories", ["cs.LG"]),
        "published": fields.pop("published", "2021-03-04T00:00:00+00:00"),
        "updated": fields.pop("updated", "2021-03-04T00:00:00+00:00"),
    }
    record.update(fields)
    return record


@pytest.fixture
def cli(db_path):
    """Run the CLI in-process with Typer's CliRunner against the test library."""
    from typer.testing import CliRunner

    from readr.cli import app

    runner = CliRunner()

    def run(*args: str, input: str | None = None):
        return runner.invoke(app, ["--db", str(db_path), *args], input=input)

    return run


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem):
    """`async def` tests (the Pilot tests of the TUI) run in an event loop of their own; no
    asyncio plugin is needed."""
    if not inspect.iscoroutinefunction(pyfuncitem.obj):
        return None
    names = pyfuncitem._fixtureinfo.argnames
    asyncio.run(pyfuncitem.obj(**{name: pyfuncitem.funcargs[name] for name in names}))
    return True

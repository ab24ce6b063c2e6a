"""The benchmarks' pty harness (benchmarks/tui_pty.py) on a small generated library: the real
`readr` in a pseudo-terminal reaches its first frame and answers three keys of a search, and the
harness sees the screens it expects. Nothing here is timed against a threshold: the benchmark
shows speed, the tests only that the measuring works and fails loudly."""

from __future__ import annotations

import sys

import pytest

pytest.importorskip("pyte")

from benchmarks import synth, tui_pty  # noqa: E402
from benchmarks.run import apply_reader_state, child_env  # noqa: E402
from readr.catalogue import import_files  # noqa: E402
from readr.store import Store  # noqa: E402

N = 2000


@pytest.fixture(scope="module")
def library(tmp_path_factory):
    folder = tmp_path_factory.mktemp("bench")
    source = synth.write_kaggle(folder / "synthetic.jsonl", N)
    db = folder / "readr.db"
    with Store(db) as lib:
        import_files(lib, [source])
    apply_reader_state(db, N)
    return db


@pytest.fixture
def env(library, tmp_path, isolated_home):
    return child_env(library, tmp_path)


def test_first_frame_of_readr_and_of_a_bare_app(library, env):
    with Store(library) as lib:
        newest = tui_pty.first_rows(lib, "all")[0]
    frames = tui_pty.first_frames(library, env, runs=1)
    assert len(frames.readr) == len(frames.bare) == 1
    assert frames.readr[0] > 0 and frames.bare[0] > 0
    assert frames.readr_rss_kib and frames.readr_rss_kib[0] > 0
    assert frames.bare_rss_kib and frames.bare_rss_kib[0] > 0
    # The screens the times end at: readr's list starts with the newest paper, the bare app shows its text.
    assert frames.screens["readr"].splitlines()[tui_pty.LIST_TOP][3:].startswith(newest)
    assert tui_pty.BARE_MARKER in frames.screens["bare"]


def test_three_keys_of_a_search(library, env):
    with Store(library) as lib:
        expected = tui_pty.first_rows(lib, "all", "neu")
    keys = tui_pty.keystrokes(library, env, view="all", text="neural network", keys=3, sessions=1)
    assert keys.text == "neu"
    assert len(keys.samples) == 3 and not keys.untimed  # no space among the keys: each one is timed
    assert all(sample > 0 for sample in keys.samples)
    assert all(0 < echo <= sample for echo, sample in zip(keys.echo, keys.samples))
    steps = [step for step, _ in keys.screens]
    assert steps[:2] == ["first frame, settled", "after /, settled"]
    assert [s.split(":")[0] for s in steps[2:]] == ["typed 'n'", "typed 'ne'", "typed 'neu'"]
    last = keys.screens[-1][1].splitlines()
    assert last[tui_pty.SEARCH_ROW].strip() == "neu"
    assert "search: neu (esc" in last[-2]
    if expected:
        assert [row[3:3 + len(p)] for row, p in zip(last[tui_pty.LIST_TOP:], expected)] == expected
    else:
        assert tui_pty.EMPTY_SEARCH in last[tui_pty.LIST_TOP + 1]
    assert keys.rss_kib and keys.rss_kib[0] > 0


def test_a_trailing_space_that_changes_nothing_is_not_timed(library, env):
    keys = tui_pty.bare_echo(env, text="ab ", sessions=1)
    assert keys.untimed == ["ab "]  # the Input reads "ab" before and after the space
    assert len(keys.samples) == 2 and all(sample > 0 for sample in keys.samples)


def test_a_screen_that_never_comes_fails_with_the_last_screen_instead_of_hanging(env):
    program = [sys.executable, "-c", "import time; print('still here'); time.sleep(60)"]
    term = tui_pty.Terminal(program, env, label="sleeper")
    try:
        with pytest.raises(tui_pty.HarnessError, match="still here"):
            term.wait_for(tui_pty.marker_shown("never shown"), "a marker", timeout=1.0)
        assert term.proc.poll() is not None  # the program was ended, not left behind
    finally:
        term.kill()


def test_two_keys_in_the_catalogue_view(library, env):
    keys = tui_pty.keystrokes(library, env, view="catalogue", text="neural network", keys=2, sessions=1)
    assert len(keys.samples) == 2 and all(sample > 0 for sample in keys.samples)
    steps = dict(keys.screens)
    switched = steps["view Catalogue, settled"].splitlines()
    assert f"Catalogue · {N:,} papers" in switched[-2]  # every paper, loaded
    assert "search: ne (esc" in keys.screens[-1][1].splitlines()[-2]

"""End to end: the real `readr` in a real terminal (tmux), driven with send-keys and read back
with capture-pane, as a new user would. Skipped only when tmux is missing (CI installs it)."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from readr.clock import clock
from readr.paths import data_dir_for
from readr.sample import build_sample_library
from readr.store import Store

TMUX = shutil.which("tmux")
pytestmark = pytest.mark.skipif(TMUX is None, reason="tmux is not installed")


class Terminal:
    """One tmux server of our own (its own socket), one session, one program."""

    def __init__(self, command: list[str], env: dict[str, str], width: int = 100, height: int = 30):
        self.socket = f"readr-test-{uuid.uuid4().hex[:8]}"
        self.env = env
        inner = " ".join(_quote(part) for part in command)
        self._tmux("new-session", "-d", "-s", "t", "-x", str(width), "-y", str(height),
                   f"{inner}; echo READR-EXITED-$?; sleep 60")

    def _tmux(self, *args: str) -> str:
        return subprocess.run([TMUX, "-L", self.socket, *args], env=self.env, check=True,
                              capture_output=True, text=True, timeout=20).stdout

    def screen(self) -> str:
        return self._tmux("capture-pane", "-p", "-t", "t")

    def keys(self, *keys: str, pause: float = 0.15) -> None:
        for key in keys:
            self._tmux("send-keys", "-t", "t", key)
            time.sleep(pause)

    def type(self, text: str) -> None:
        self._tmux("send-keys", "-t", "t", "-l", text)
        time.sleep(0.3)

    def ready(self) -> str:
        """Wait for the library, then a moment for the terminal's answers to Textual's start-up
        queries, which a key typed in the same instant could be mistaken for."""
        screen = self.wait_for("All · ")
        time.sleep(1.0)
        return screen

    def wait_for(self, text: str, timeout: float = 20.0) -> str:
        deadline = time.monotonic() + timeout
        screen = ""
        while time.monotonic() < deadline:
            screen = self.screen()
            if text in screen:
                return screen
            if "READR-EXITED-" in screen and "READR-EXITED-" not in text:
                break
            time.sleep(0.1)
        raise AssertionError(f"{text!r} did not appear; the screen was:\n{screen}")

    def wait_gone(self, text: str, timeout: float = 10.0) -> str:
        deadline = time.monotonic() + timeout
        screen = self.screen()
        while text in screen and time.monotonic() < deadline:
            time.sleep(0.1)
            screen = self.screen()
        assert text not in screen, screen
        return screen

    def program_pid(self) -> int:
        shell = int(self._tmux("display-message", "-p", "-t", "t", "#{pane_pid}").strip())
        # The pane runs `sh -c "readr ...; echo ...; sleep"`: readr is the shell's child.
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == shell:
                return int(stat.parent.name)
        return shell

    def close(self) -> None:
        subprocess.run([TMUX, "-L", self.socket, "kill-server"], env=self.env, capture_output=True, timeout=20)


def flat(screen: str) -> str:
    """The screen's words on one line (wrapped text joined)."""
    return " ".join(screen.split())


def _quote(part: str) -> str:
    import shlex

    return shlex.quote(part)


@pytest.fixture
def term_env(tmp_path, isolated_home):
    env = dict(os.environ)
    env.update(TERM="xterm-256color", TMPDIR=str(tmp_path), LANG="C.UTF-8", LC_ALL="C.UTF-8")
    env.pop("TMUX", None)
    return env


@pytest.fixture
def terminals():
    opened: list[Terminal] = []
    yield opened
    for term in opened:
        term.close()


def test_demo_search_write_tag_read_and_preview(term_env, terminals):
    term = Terminal([sys.executable, "-m", "readr", "demo"], term_env)
    terminals.append(term)
    term.wait_for("1 All")
    first = term.ready()
    assert "Robust [bold]markup[/bold] handling" in first  # the hostile title, literally

    # `/` plus a word narrows the list; Esc goes back to the list and keeps the filter.
    term.keys("/")
    term.type("knots")
    term.wait_for("All · 1 paper")
    screen = term.wait_gone("Monoid generalizations")  # neither in the list nor in the details
    assert "Intricate Knots in Proteins" in screen
    term.keys("Escape", "Escape")
    term.wait_gone("search: knots")

    # Write a summary for the first paper to read, tag it and mark it read.
    term.keys("3")
    term.wait_for("To read ·")
    term.keys("e")
    term.wait_for("Summary of")
    term.type("Tmux wrote this. **A tmux takeaway.**")
    time.sleep(0.3)
    term.keys("Escape")
    term.wait_for("To read ·")
    term.keys("+")
    term.wait_for("Tag paper")
    term.type("e2e")
    term.keys("Enter")
    term.wait_for("#e2e")
    term.keys("r")
    term.wait_for("Marked read")

    # The week's digest preview shows it.
    term.keys("p")
    term.wait_for("Digest for the week")
    for _ in range(20):  # read today: the last entry of the week (the page renders in steps)
        term.keys("End", pause=0.3)
        if "Tmux wrote this. A tmux takeaway." in flat(term.screen()):
            break
    assert "Tmux wrote this. A tmux takeaway." in flat(term.screen()), term.screen()
    term.keys("m")
    term.wait_for("](https://arxiv.org/abs/")  # the Markdown source
    term.keys("Escape")
    term.wait_for("To read ·")
    term.keys("q")
    term.wait_for("READR-EXITED-0")


def test_kill_9_while_editing_loses_at_most_the_last_second(tmp_path, term_env, terminals):
    db = build_sample_library(tmp_path / "lib.db", now=clock.now())
    with Store(db) as lib:
        first = lib.list_papers(statuses=["inbox", "to-read", "reading", "read"])[0]
    command = [sys.executable, "-m", "readr", "--db", str(db)]
    term = Terminal(command, term_env)
    terminals.append(term)
    term.ready()
    term.keys("e")
    term.wait_for("Summary of")
    text = " Typed just before the crash: **never lose this**."
    term.type(text)
    time.sleep(1.6)  # autosave runs every second
    os.kill(term.program_pid(), signal.SIGKILL)
    term.wait_for("READR-EXITED-137")

    drafts = data_dir_for(db) / "drafts"
    saved = [p.read_text(encoding="utf-8") for p in drafts.glob("*.md")]
    assert len(saved) == 1 and saved[0].endswith(text)
    with Store(db) as lib:
        assert lib.get(first.key).summary == first.summary  # only the draft holds it so far

    term2 = Terminal(command, term_env)
    terminals.append(term2)
    term2.wait_for("Recovered drafts")
    term2.ready()
    term2.keys("e")
    term2.wait_for("Recovered an unsaved draft")
    term2.keys("Escape")
    term2.wait_for("Summary saved")
    with Store(db) as lib:
        paper = lib.get(first.key)
        assert paper.summary.endswith(text.strip())
        assert "never lose this" in paper.takeaways
    assert not list(drafts.glob("*.md"))


def test_keys_in_the_same_burst_as_quit_open_nothing(tmp_path, term_env, terminals):
    # q quits; e (the editor), s, t ... arrive while the app closes. A screen pushed then failed to
    # mount and the app ended with a traceback.
    db = build_sample_library(tmp_path / "lib.db", now=clock.now())
    term = Terminal([sys.executable, "-m", "readr", "--db", str(db)], term_env)
    terminals.append(term)
    term.ready()
    term.type("question_mark")
    screen = term.wait_for("READR-EXITED-")
    assert "READR-EXITED-0" in screen and "Traceback" not in screen, screen

"""The TUI as a user sees it: the real `readr` in a pseudo-terminal, read back through a terminal
emulator (pyte), timed to what the emulated screen shows.

* `first_frames()`: spawn to the first screen that shows the newest reading-list paper in the
  list's first row, against a bare Textual app (Header, Static, Footer) spawned the same way and
  timed to its marker text; runs interleaved after a warm-up. Each process is then left to
  settle and quit with ctrl+q, and its peak RSS is read from GNU time.
* `keystrokes()`: in a fresh session, wait for the first frame, the whole list loaded (the status
  line stops saying "loading") and the screen to settle, optionally switch view (the same
  waits), press "/", then type a text one character at a time. Each sample runs
  from the write() of a key to the first moment the screen shows the search bar holding the text
  typed so far AND the list holding that text's result (its first 1-3 titles, or readr's
  empty-list message) AND the status line naming that search -- readr rewrites the status line in
  the same frame as the list when it applies a search result, so a key whose result starts with
  the same rows as the previous key's still ends at the frame that applied its own result, not
  at the echo in the search bar. The screen is then left to settle (no output for SETTLE
  seconds) before the next key: the numbers are per-key latencies of a reader who looks at the
  list between keys, not of a burst of fast typing (readr defers searches typed during a slow
  one: see readr/tui/screen.py `_search_changed`).

The harness keeps off the CPU while the program works (2 cores, shared): the expected screens are
computed before the process starts, with the core calls the TUI makes (`Store.view_ids(view,
parse_query(text, ...))` then `Store.list_rows`), and while waiting it only reads the pty,
stamping each chunk with the time it was read; the emulator (pure Python, ~10 ms a frame) parses
the chunks once the program has been quiet for SETTLE seconds, and a sample ends at the read time
of the chunk after which the screen first showed the expected state. Every wait has a timeout
(STEP_TIMEOUT); a screen that never shows the expected state raises HarnessError with the last
screen (also written to stderr), and nothing is reported for that run.

The harness answers none of the terminal queries Textual sends at start-up (as a terminal without
those features would not), so nothing typed can be mistaken for an answer.
"""

from __future__ import annotations

import errno
import fcntl
import os
import select
import signal
import struct
import subprocess
import sys
import tempfile
import termios
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

COLS, ROWS = 120, 40
STEP_TIMEOUT = 10.0  # seconds for any one expected screen
SETTLE = 0.3  # no output for this long: the screen has settled
PREFIX_CELLS = 20  # how much of a title must be on screen (the title column is ~30 cells at 120 wide)
ROWS_CHECKED = 3  # first rows of the list compared with the expected result
LIST_TOP = 3  # screen row of the list's first line: views bar (0), search bar (1), column header (2)
SEARCH_ROW = 1
EMPTY_SEARCH = "No papers match this search."
TIME = "/usr/bin/time"
CTRL_Q = b"\x11"

# The Catalogue view (all papers, catalogue entries too): its key and its label in the views bar.
VIEW_KEYS = {"all": ("1", "All"), "catalogue": ("7", "Catalogue")}


class HarnessError(RuntimeError):
    """The screen never showed what was expected (the message ends with the last screen)."""


def missing_pyte() -> str | None:
    import importlib.util

    if importlib.util.find_spec("pyte") is None:
        return "the TUI rows need pyte: pip install -e '.[bench]' (or pip install 'pyte>=0.8,<1')"
    return None


# --- what the screen should show ---------------------------------------------------------------


def _cells(text: str, cells: int) -> str:
    """The longest start of `text` that fits in `cells` terminal cells."""
    from wcwidth import wcwidth

    out, used = [], 0
    for ch in text:
        w = max(wcwidth(ch), 0)
        if used + w > cells:
            break
        out.append(ch)
        used += w
    return "".join(out)


def row_prefix(row) -> str:
    """How a list row's title starts on screen (readr/tui/paper_list.py `_render_row`)."""
    from readr.sanitize import clean_line

    title = clean_line(row.title) or row.key
    if row.newer_version:
        title += " ↑"
    if row.has_summary:
        title = "✎ " + title
    return _cells(title, PREFIX_CELLS).rstrip()


def first_rows(store, view: str, text: str = "", today: date | None = None) -> list[str]:
    """Title prefixes of the first rows of `view` searched for `text`, as the list shows them."""
    from readr.query import parse_query

    query = parse_query(text, week_start=0, today=today or date.today()) if text.strip() else None
    result = store.view_ids(view, query, week_start=0, limit=ROWS_CHECKED)
    ids = list(result.ids[:ROWS_CHECKED])
    rows = store.list_rows(ids)
    return [row_prefix(rows[i]) for i in ids if i in rows]


def view_exists(db: Path | str, view: str) -> bool:
    from readr.store import Store

    with Store(db) as store:
        try:
            store.view_ids(view, None, limit=1)
        except ValueError:
            return False
    return True


# --- the terminal ------------------------------------------------------------------------------


def _line(screen, y: int) -> str:
    row = screen.buffer[y]
    return "".join(row[x].data for x in range(screen.columns))  # a wide char's second cell is ""


def screen_text(screen) -> str:
    return "\n".join(_line(screen, y).rstrip() for y in range(screen.lines))


class Terminal:
    """One program in a pty of COLS x ROWS, its output fed to a pyte screen as it arrives."""

    def __init__(self, argv: list[str], env: dict, cols: int = COLS, rows: int = ROWS, label: str = ""):
        import pyte

        self.label = label or " ".join(argv[:4])
        self.screen = pyte.Screen(cols, rows)
        self.stream = pyte.ByteStream(self.screen)
        self.rss_file = tempfile.NamedTemporaryFile(suffix=".rss", delete=False)
        self.rss_file.close()
        self.timed = os.path.exists(TIME)
        if self.timed:
            # GNU time forks the program from a small process: its %M is the program's own peak
            # (ru_maxrss of a child forked from this big process would start at our size).
            argv = [TIME, "-f", "%M", "-o", self.rss_file.name, *argv]
        master, slave = os.openpty()
        # The size is on the pty before the program exists, so its first read of it is right.
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        env = {k: v for k, v in env.items() if k not in ("COLUMNS", "LINES")}
        env["TERM"] = "xterm-256color"
        self.start = time.perf_counter()
        self.proc = subprocess.Popen(
            argv, stdin=slave, stdout=slave, stderr=slave, env=env, close_fds=True,
            start_new_session=True, preexec_fn=_take_terminal,
        )
        os.close(slave)
        self.fd = master
        os.set_blocking(master, False)
        self.eof = False
        self.last_output = self.start
        self.bytes_read = 0
        self.pending: list[tuple[float, bytes]] = []  # read, not yet emulated
        self.marked: dict[str, float] = {}
        self.matched_screen = ""
        self.feed_seconds: list[float] = []  # the emulator's time per chunk (never inside a sample)

    # reading

    def _read_ready(self, timeout: float) -> list[tuple[float, bytes]]:
        """Everything the program has written, each chunk with the time it was read."""
        if self.eof:
            time.sleep(max(timeout, 0))
            return []
        ready, _, _ = select.select([self.fd], [], [], max(timeout, 0))
        if not ready:
            return []
        chunks = []
        while True:
            try:
                data = os.read(self.fd, 1 << 16)
            except BlockingIOError:
                break
            except OSError as exc:  # EIO: every process holding the pty is gone
                if exc.errno != errno.EIO:
                    raise
                self.eof = True
                break
            if not data:
                self.eof = True
                break
            chunks.append((time.perf_counter(), data))
        return chunks

    def capture(self, quiet: float, deadline: float) -> None:
        """Read (without emulating) until the program has been quiet for `quiet` seconds, or the
        deadline. Reading only keeps the harness off the CPU while the program works; the
        chunks wait in `pending`, each with the time it was read."""
        began = time.perf_counter()
        while not self.eof:
            now = time.perf_counter()
            quiet_since = max(self.last_output, began)
            if now - quiet_since >= quiet or now >= deadline:
                return
            chunks = self._read_ready(min(quiet_since + quiet, deadline) - now)
            if chunks:
                self.pending += chunks
                self.last_output = chunks[-1][0]
                self.bytes_read += sum(len(data) for _, data in chunks)

    def replay(self, predicate=None, marks: dict | None = None) -> float | None:
        """Emulate the pending output; the read time of the first chunk after which the screen
        satisfies `predicate`, if any (and that screen in `matched_screen`). `marks` (name ->
        predicate) get the same treatment, in `marked`."""
        found = None
        for stamp, data in self.pending:
            began = time.perf_counter()
            self.stream.feed(data)
            self.feed_seconds.append(time.perf_counter() - began)
            for name, check in (marks or {}).items():
                if name not in self.marked and check(self.screen):
                    self.marked[name] = stamp
            if found is None and predicate is not None and predicate(self.screen):
                found = stamp
                self.matched_screen = screen_text(self.screen)
        self.pending = []
        return found

    def wait_for(self, predicate, what: str, timeout: float = STEP_TIMEOUT, marks: dict | None = None) -> float:
        """The read time of the output that made the screen satisfy `predicate`; the output is
        then read on until the screen has settled (SETTLE seconds without output)."""
        deadline = time.perf_counter() + timeout
        self.marked = {}
        while True:
            self.capture(SETTLE, deadline)
            stamp = self.replay(predicate, marks)
            if stamp is not None:
                return stamp
            if self.eof or time.perf_counter() >= deadline:
                gone = " (the program exited)" if self.eof else ""
                self.fail(f"{what}: not on screen after {timeout:.0f} s{gone}")

    def settle(self, quiet: float = SETTLE, timeout: float = STEP_TIMEOUT) -> None:
        """Wait until the program has written nothing for `quiet` seconds."""
        deadline = time.perf_counter() + timeout
        self.capture(quiet, deadline)
        self.replay()
        if not self.eof and time.perf_counter() - self.last_output < quiet:
            self.fail(f"the screen did not settle (no {quiet:.1f} s without output) in {timeout:.0f} s")

    def write(self, data: bytes) -> float:
        stamp = time.perf_counter()
        os.write(self.fd, data)
        return stamp

    def fail(self, message: str):
        text = screen_text(self.screen)
        sys.stderr.write(f"[bench] {self.label}: {message}; the last screen:\n{text}\n")
        self.kill()
        raise HarnessError(f"{self.label}: {message}; the last screen:\n{text}")

    # ending

    def _program_pid(self) -> int:
        """The program itself (GNU time's child when wrapped)."""
        if not self.timed:
            return self.proc.pid
        try:
            children = Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children").read_text().split()
        except OSError:
            children = []
        return int(children[0]) if children else self.proc.pid

    def quit(self, keys: bytes = CTRL_Q, timeout: float = STEP_TIMEOUT) -> int | None:
        """Quit as a user would, then the peak RSS (KiB) of the program; fails if it does not exit."""
        fallback = _vm_hwm(self._program_pid())  # only used without GNU time
        self.write(keys)
        deadline = time.perf_counter() + timeout
        while not self.eof and time.perf_counter() < deadline:
            self.capture(0.1, deadline)
        self.replay()
        try:
            self.proc.wait(max(deadline - time.perf_counter(), 0.1))
        except subprocess.TimeoutExpired:
            self.fail(f"did not exit within {timeout:.0f} s of {keys!r}")
        return self._rss(fallback)

    def _rss(self, fallback: int | None) -> int | None:
        try:
            text = Path(self.rss_file.name).read_text()
            return int(text.split()[-1]) if self.timed else fallback
        except (OSError, ValueError, IndexError):
            return fallback
        finally:
            self.close()

    def kill(self) -> None:
        if self.proc.poll() is None:
            for sig in (signal.SIGTERM, signal.SIGKILL):
                try:
                    os.killpg(self.proc.pid, sig)
                except ProcessLookupError:
                    break
                try:
                    self.proc.wait(2)
                    break
                except subprocess.TimeoutExpired:
                    continue
        self.close()

    def close(self) -> None:
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1
        Path(self.rss_file.name).unlink(missing_ok=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.kill()


def _take_terminal() -> None:
    # In the child, after setsid: the pty becomes the session's controlling terminal, as in a
    # terminal window.
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)


def _vm_hwm(pid: int) -> int | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return None


# --- screen predicates --------------------------------------------------------------------------


def list_shows(prefixes: list[str], empty: str = EMPTY_SEARCH):
    """The list's first rows start with these titles (in order), or it shows `empty`."""
    if not prefixes:
        return lambda screen: empty in _line(screen, LIST_TOP + 1)

    def check(screen) -> bool:
        for n, prefix in enumerate(prefixes):
            if not _line(screen, LIST_TOP + n)[3:].startswith(prefix):  # mark, status glyph, space
                return False
        return True

    return check


def bar_shows(text: str, row: int = SEARCH_ROW):
    """A one-line input (one cell of padding) at `row` holds exactly `text`."""

    def check(screen) -> bool:
        line = _line(screen, row)
        return line[1:1 + len(text)] == text and not line[1 + len(text):].strip()

    return check


def status_names(words: str):
    """The status line (second to last row) contains `words`."""
    return lambda screen: words in _line(screen, screen.lines - 2)


def view_loaded(label: str):
    """The status line names the view and no longer says its list is still loading (a view's
    first page comes first, the rest from a worker)."""

    def check(screen) -> bool:
        line = _line(screen, screen.lines - 2)
        return f"{label} · " in line and "loading" not in line

    return check


def all_of(*checks):
    return lambda screen: all(check(screen) for check in checks)


def marker_shown(text: str):
    return lambda screen: any(text in _line(screen, y) for y in range(screen.lines))


# --- programs ------------------------------------------------------------------------------------


def readr_argv(db: Path | str) -> list[str]:
    return [sys.executable, "-m", "readr", "--db", str(db)]  # what the `readr` console script runs


BARE_MARKER = "readr bench bare marker"
BARE_APP = f"""
from textual.app import App
from textual.widgets import Footer, Header, Static


class Bare(App):
    def compose(self):
        yield Header()
        yield Static({BARE_MARKER!r})
        yield Footer()


Bare().run()
"""
# The floor of a keystroke: a bare Textual app echoing a key in a one-line Input styled like
# readr's search bar (first row here).
BARE_INPUT_APP = f"""
from textual.app import App
from textual.widgets import Input, Static


class Bare(App):
    CSS = "Input {{ height: 1; border: none; padding: 0 1; }}"

    def compose(self):
        yield Input()
        yield Static({BARE_MARKER!r})


Bare().run()
"""


# --- sessions ------------------------------------------------------------------------------------


@dataclass
class FirstFrames:
    readr: list[float] = field(default_factory=list)
    bare: list[float] = field(default_factory=list)
    readr_rss_kib: list[int] = field(default_factory=list)
    bare_rss_kib: list[int] = field(default_factory=list)
    screens: dict[str, str] = field(default_factory=dict)  # the first frames of the last runs


def one_first_frame(argv: list[str], env: dict, predicate, what: str, label: str) -> tuple[float, int | None, str]:
    """Seconds from spawn to the first screen satisfying `predicate`; the program's peak RSS
    (after it settled and quit with ctrl+q); that first screen."""
    with Terminal(argv, env, label=label) as term:
        frame = term.wait_for(predicate, what) - term.start
        shown = term.matched_screen
        term.settle()
        rss = term.quit()
    return frame, rss, shown


def first_frames(db: Path | str, env: dict, runs: int = 9, log=None) -> FirstFrames:
    """Interleaved bare / readr first frames after one warm-up run of each."""
    from readr.store import Store

    with Store(db) as store:
        newest = first_rows(store, "all")[:1]
    if not newest:
        raise HarnessError(f"{db}: the reading list is empty; the first frame needs a row to look for")
    out = FirstFrames()
    for n in range(runs + 1):
        b, b_rss, b_screen = one_first_frame([sys.executable, "-c", BARE_APP], env, marker_shown(BARE_MARKER),
                                             f"bare marker {BARE_MARKER!r}", "bare Textual app")
        r, r_rss, r_screen = one_first_frame(readr_argv(db), env, list_shows(newest),
                                             f"first row {newest[0]!r}", "readr")
        out.screens = {"bare": b_screen, "readr": r_screen}
        if n == 0:
            continue  # warm-up: bytecode and the OS page cache
        out.bare.append(b)
        out.readr.append(r)
        if b_rss:
            out.bare_rss_kib.append(b_rss)
        if r_rss:
            out.readr_rss_kib.append(r_rss)
        if log:
            log(f"first frame {n}/{runs}: readr {r * 1000:.0f} ms, bare {b * 1000:.0f} ms")
    return out


@dataclass
class Keystrokes:
    view: str
    text: str
    samples: list[float] = field(default_factory=list)  # key to list updated, seconds, all sessions
    timed: list[str] = field(default_factory=list)  # the text typed so far, for each sample
    echo: list[float] = field(default_factory=list)  # key to the text in the bar, same keys
    untimed: list[str] = field(default_factory=list)  # texts whose result was on screen before the key
    same_rows: int = 0  # keys (of one session) whose first rows are those of the previous key
    rss_kib: list[int] = field(default_factory=list)
    screens: list[tuple[str, str]] = field(default_factory=list)  # (step, screen) of the last session


def _type(term: Terminal, out: Keystrokes, typed: str, wanted: list, what: list[str], bar: list,
          screens: list) -> list[float]:
    """Type `typed` key by key; time each key to the screen `wanted[n]` (and to `bar[n]`)."""
    timed = []
    for n in range(len(typed)):
        sofar = typed[: n + 1]
        if wanted[n](term.screen):
            # The screen already shows this key's result (a space after a word, when the word
            # and the word-and-space find the same first rows): nothing tells when it was handled.
            term.write(typed[n].encode())
            term.settle()
            term.wait_for(wanted[n], what[n])
            out.untimed.append(sofar)
            screens.append((f"typed {sofar!r}: not timed (its result was already on screen)", term.matched_screen))
            continue
        sent = term.write(typed[n].encode())
        shown = term.wait_for(wanted[n], what[n], marks={"bar": bar[n]})
        timed.append(shown - sent)
        out.timed.append(sofar)
        echo = term.marked["bar"] - sent
        out.echo.append(echo)
        step = f"typed {sofar!r}: {(shown - sent) * 1000:.0f} ms (echo {echo * 1000:.0f} ms)"
        screens.append((step, term.matched_screen))
        term.settle()
    return timed


def keystrokes(db: Path | str, env: dict, view: str = "all", text: str = "neural network", sessions: int = 3,
               keys: int | None = None, log=None) -> Keystrokes:
    """Per-key latency of search as you type in `view`, one fresh process per session.

    A sample ends when the search bar holds the text typed so far, the list's first rows are
    that text's result and the status line names that search. A key whose expected screen is
    already there before it is typed (a space after a word, when the word and the word-and-space
    find the same first rows: the status line shows the search with whitespace collapsed) cannot
    be timed from the screen: it is typed, left to settle, checked, and listed in `untimed`."""
    from readr.sanitize import clean_line
    from readr.store import Store

    typed = text[:keys] if keys else text
    today = date.today()
    with Store(db) as store:
        newest = first_rows(store, "all")[:1]
        start_rows = first_rows(store, view)
        expected = [first_rows(store, view, typed[:n], today) for n in range(1, len(typed) + 1)]
    if not newest:
        raise HarnessError(f"{db}: the reading list is empty; the first frame needs a row to look for")
    out = Keystrokes(view, typed)
    out.same_rows = sum(1 for n in range(1, len(expected)) if expected[n] == expected[n - 1])
    status = [f"search: {clean_line(typed[:n])} (esc" for n in range(1, len(typed) + 1)]
    bar = [bar_shows(typed[: n + 1]) for n in range(len(typed))]
    wanted = [all_of(bar[n], list_shows(expected[n]), status_names(status[n])) for n in range(len(typed))]
    what = [f"search {typed[:n + 1]!r}: that text in the bar, first rows {expected[n]!r}, {status[n]!r} in the "
            f"status line" for n in range(len(typed))]
    key, label = VIEW_KEYS.get(view, (None, None))
    if view != "all" and key is None:
        raise HarnessError(f"no key known for view {view!r}")
    for session in range(sessions):
        screens: list[tuple[str, str]] = []
        with Terminal(readr_argv(db), env, label=f"readr ({view})") as term:
            term.wait_for(all_of(list_shows(newest), view_loaded("All")), f"first row {newest[0]!r}, list loaded")
            term.settle()
            screens.append(("first frame, settled", screen_text(term.screen)))
            if view != "all":
                term.write(key.encode())
                term.wait_for(all_of(list_shows(start_rows, empty=""), view_loaded(label)),
                              f"view {label} with first rows {start_rows!r}, loaded")
                term.settle()
                screens.append((f"view {label}, settled", screen_text(term.screen)))
            before = term.bytes_read
            term.write(b"/")
            term.wait_for(lambda s, before=before: term.bytes_read > before, "a repaint after '/'")
            term.settle()
            screens.append(("after /, settled", screen_text(term.screen)))
            timed = _type(term, out, typed, wanted, what, bar, screens)
            rss = term.quit()
            if rss:
                out.rss_kib.append(rss)
        out.screens = screens
        out.samples += timed
        if log:
            log(f"keystrokes ({view}) session {session + 1}/{sessions}: p50 {pct(timed, 0.5) * 1000:.0f} ms, "
                f"max {max(timed) * 1000:.0f} ms, {len(timed)} keys timed")
    return out


def bare_echo(env: dict, text: str = "neural network", sessions: int = 3, keys: int | None = None,
              log=None) -> Keystrokes:
    """The floor: key to echo in a bare Textual Input, typed and timed like `keystrokes`."""
    typed = text[:keys] if keys else text
    out = Keystrokes("bare", typed)
    bar = [bar_shows(typed[: n + 1], row=0) for n in range(len(typed))]
    what = [f"{typed[:n + 1]!r} in the bare Input" for n in range(len(typed))]
    for session in range(sessions):
        screens: list[tuple[str, str]] = []
        with Terminal([sys.executable, "-c", BARE_INPUT_APP], env, label="bare Textual Input") as term:
            term.wait_for(marker_shown(BARE_MARKER), f"bare marker {BARE_MARKER!r}")
            term.settle()
            timed = _type(term, out, typed, bar, what, bar, screens)
            term.quit()
        out.screens = screens
        out.samples += timed
        if log:
            log(f"bare echo session {session + 1}/{sessions}: p50 {pct(timed, 0.5) * 1000:.0f} ms")
    return out


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]


def main(argv: list[str] | None = None) -> None:
    """One session, every screen it waited for on stdout: to check the harness by eye."""
    import argparse

    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--view", default="all", choices=sorted(VIEW_KEYS))
    parser.add_argument("--text", default="neural network")
    parser.add_argument("--keys", type=int, help="type only the first KEYS characters")
    parser.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "readr-bench")
    args = parser.parse_args(argv)
    missing = missing_pyte()
    if missing:
        sys.exit(missing)
    from benchmarks.run import child_env

    args.workdir.mkdir(parents=True, exist_ok=True)
    env = child_env(args.db, args.workdir)
    frames = first_frames(args.db, env, runs=1)
    for name, text in frames.screens.items():
        print(f"===== first frame of {name}: {(frames.readr if name == 'readr' else frames.bare)[0] * 1000:.0f} ms")
        print(text)
    keys = keystrokes(args.db, env, view=args.view, text=args.text, sessions=1, keys=args.keys)
    for step, text in keys.screens:
        print(f"===== {step}")
        print(text)


if __name__ == "__main__":
    ROOT = Path(__file__).resolve().parent.parent
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    main()

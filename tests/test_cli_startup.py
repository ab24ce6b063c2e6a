"""CLI start-up: the everyday commands import only what they need.

`readr search`, `readr list` and `readr export --week` must never import Textual (nor the other
heavy optional modules); `readr search` and `readr` (the TUI, up to the moment Textual loads) run on
the fast dispatcher (readr.cli.fast) without Typer; and simple parameters of the other commands
are coerced without pydantic (readr.cli.fastparams) with exactly Typer's results and error
messages. Nothing here is timed: benchmarks/run.py measures the wall time.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import kaggle_library_read_this_week

HEAVY = ("textual", "pypdf", "bibtexparser", "arxiv", "requests", "pydantic")

PROBE = r"""
import json, runpy, sys
out, argv = sys.argv[1], sys.argv[2:]
sys.argv = ["readr", *argv]
code = 0
try:
    runpy.run_module("readr", run_name="__main__", alter_sys=True)
except SystemExit as exc:
    code = exc.code or 0
with open(out, "w") as handle:
    json.dump({"code": code, "modules": sorted(sys.modules)}, handle)
"""


@pytest.fixture(scope="module")
def library(tmp_path_factory):
    """A small real library: the Kaggle sample as catalogue, three papers read this week."""
    from readr.store import Store

    path = tmp_path_factory.mktemp("startup") / "lib.db"
    with Store(path) as lib:
        kaggle_library_read_this_week(lib, ["qcd"])
    return path


def run_probe(tmp_path: Path, library: Path, *argv: str) -> dict:
    out = tmp_path / "probe.json"
    env = dict(os.environ, READR_DB=str(library))
    result = subprocess.run(
        [sys.executable, "-c", PROBE, str(out), *argv], env=env, capture_output=True, text=True, timeout=120
    )
    assert out.exists(), result.stderr
    data = json.loads(out.read_text())
    data["stdout"], data["stderr"] = result.stdout, result.stderr
    return data


@pytest.mark.parametrize(
    "argv, expect",
    [
        (["search", "diphoton"], "0704.0001"),
        (["search", "--json", "tag:qcd"], "0704.0001"),
        (["search", "-n", "5", "quantum", "year:2007"], "quantum"),
        (["list"], "0704.0002"),
        (["list", "--json", "--status", "read"], "0704.0003"),
        (["export", "--week"], "Takeaway 0"),
    ],
)
def test_cli_paths_import_no_heavy_modules(tmp_path, library, argv, expect):
    data = run_probe(tmp_path, library, *argv)
    assert data["code"] == 0, data["stderr"]
    assert expect.lower() in data["stdout"].lower()  # the command really did its work
    loaded = {name.split(".")[0] for name in data["modules"]}
    assert "readr" in loaded
    # `readr search` and `readr list` run on the fast path (readr.cli.fast) without Typer; the others go through it.
    assert ("typer" in loaded) == (argv[0] not in ("search", "list")), argv
    for heavy in HEAVY:
        assert heavy not in loaded, f"`readr {' '.join(argv)}` imported {heavy}"
    assert not any(name.startswith("readr.tui") for name in data["modules"])


# What `readr search` and `readr list` may not import: they print papers with readr's own table
# and lines (readr.cli.output), open the library without importlib.resources or the parts of the
# store they do not use, define their classes as readr.record records (dataclasses imports
# inspect), name types only for mypy, find the default folders without platformdirs on Linux, and
# never load the modules of other commands.
NOT_IN_THE_EVERYDAY_BUDGET = (
    "typer", "click", "rich", "pydantic", "textual", "pylatexenc", "bibtexparser", "importlib.resources",
    "tempfile", "calendar", "hashlib", "readr.ranking", "readr.bibtex", "readr.catalogue", "readr.latex_text",
    "dataclasses", "inspect", "typing", *(["platformdirs"] if sys.platform.startswith("linux") else []),
    # the store's parts other than opening, searching and listing (readr.store.search.SearchStore)
    "readr.store.library", "readr.store.bib", "readr.store.bulk", "readr.store.digest", "readr.store.maintenance",
    "readr.store.pdfs", "readr.store.ranking", "readr.store.team", "readr.store.views",
)


@pytest.mark.parametrize("argv", [
    ["search", "diphoton"], ["search", "--json", "quantum"], ["search", "-r", "qcd"], ["list"], ["list", "--json"],
    ["list", "--catalogue", "--sort", "title"],
])
def test_everyday_commands_stay_within_their_module_budget(tmp_path, library, argv):
    data = run_probe(tmp_path, library, *argv)
    assert data["code"] == 0, data["stderr"]
    assert data["stdout"].strip()
    loaded = set(data["modules"])
    over = [name for name in NOT_IN_THE_EVERYDAY_BUDGET
            if name in loaded or any(module.startswith(name + ".") for module in loaded)]
    assert not over, f"`readr {' '.join(argv)}` imported {over}"


TUI_PROBE = r"""
import json, runpy, sys
out, argv = sys.argv[1], sys.argv[2:]
sys.argv = ["readr", *argv]


class TextualLoads(BaseException):
    pass


def hook(event, args):
    # The first import of Textual: what is loaded by then is what the TUI's start paid for.
    if event == "import" and args[0].split(".")[0] == "textual" and "textual" not in sys.modules:
        with open(out, "w") as handle:
            json.dump({"modules": sorted(sys.modules)}, handle)
        raise TextualLoads()


sys.addaudithook(hook)
try:
    runpy.run_module("readr", run_name="__main__", alter_sys=True)
except TextualLoads:
    pass
"""


@pytest.mark.parametrize("argv", [[], ["--db", "{library}"], ["--db={library}"]], ids=["READR_DB", "--db", "--db="])
def test_tui_start_imports_no_typer_before_textual(tmp_path, library, argv):
    """`readr` goes from the command line to Textual without Typer or pydantic."""
    out = tmp_path / "probe.json"
    argv = [arg.format(library=library) for arg in argv]
    result = subprocess.run(
        [sys.executable, "-c", TUI_PROBE, str(out), *argv], env=dict(os.environ, READR_DB=str(library)),
        capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL,
    )
    assert out.exists(), result.stderr  # the TUI did start loading Textual
    modules = json.loads(out.read_text())["modules"]
    assert "readr.cli.fast" in modules and "readr.tui" in modules
    loaded = {name.split(".")[0] for name in modules}
    for heavy in ("typer", "pydantic", "click"):
        assert heavy not in loaded, f"`readr {' '.join(argv)}` imported {heavy} before Textual"


def test_importtime_of_readr_search_shows_no_textual(tmp_path, library):
    """The same, the way the brief measures start-up: python -X importtime -m readr search foo."""
    env = dict(os.environ, READR_DB=str(library))
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "readr", "search", "foo"],
        env=env, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr
    imported = [
        line.rsplit("|", 1)[-1].strip() for line in result.stderr.splitlines() if line.startswith("import time:")
    ]
    assert "readr.store" in imported and "readr.cli.fast" in imported
    assert not [name for name in imported if name.split(".")[0] in ("typer", "textual", "pydantic")]


# --- the pydantic-free coercion gives exactly Typer's results and errors --------------------------


def _command_params():
    import typer.main

    from readr.cli import app

    group = typer.main.get_command(app)
    params = {f"root.{p.name}": (group, p) for p in group.params}
    for name in ("search", "import", "list"):
        command = group.commands[name]
        params.update({f"{name}.{p.name}": (command, p) for p in command.params})
    return params


def _outcome(runtime, value, param, ctx):
    from typer._click.exceptions import BadParameter

    try:
        result = runtime.coerce(value, param=param, ctx=ctx)
    except BadParameter as exc:
        return ("error", exc.format_message())
    return ("ok", type(result).__name__, result if not isinstance(result, list) else list(result))


def _compare(key: str, value):
    import typer.core
    from typer._click import Context

    from readr.cli import fastparams

    assert fastparams.install()
    original = typer.core.build_runtime_param._readr_original
    command, param = _command_params()[key]
    ctx = Context(command)
    fast = typer.core.build_runtime_param(param.type_descriptor)
    assert type(fast).__name__ == "FastRuntimeParam", key
    slow = original(param.type_descriptor)
    assert _outcome(fast, value, param, ctx) == _outcome(slow, value, param, ctx), (key, value)


numbers = st.one_of(
    st.integers(min_value=-20_000, max_value=20_000).map(str),
    st.sampled_from(["", " 5", "5 ", "+5", "1_000", "0x10", "1e3", "5.0", "-0", "007", "10000", "10001", "٣"]),
    st.text(max_size=6),
    st.integers(min_value=-5, max_value=20_000),
)


@settings(max_examples=200, deadline=None)
@given(numbers)
def test_int_option_with_bounds_matches_typer(value):
    _compare("search.limit", value)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.text(max_size=12), max_size=4).map(tuple))
def test_list_of_str_argument_matches_typer(value):
    _compare("search.words", value)


def test_path_arguments_match_typer(tmp_path, library):
    existing = tmp_path / "a.json"
    existing.write_text("{}")
    for value in (str(library), str(tmp_path / "missing.db"), str(tmp_path), "", "rel/path.db", Path(library)):
        _compare("root.db", value)
    for value in ((str(existing),), (str(existing), str(tmp_path / "nope.json")), (str(tmp_path),), ("",)):
        _compare("import.files", value)

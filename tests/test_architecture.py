"""The layering the build relies on: the core runs without any front end, and the import
contracts in pyproject.toml cover every core module (a new module cannot slip past them)."""

from __future__ import annotations

import json
import pkgutil
import subprocess
import sys
import tomllib
from pathlib import Path

import readr

ROOT = Path(__file__).resolve().parents[1]
FRONT_ENDS = {"cli", "tui", "__main__"}
UI_LIBRARIES = ("textual", "typer", "rich", "readr.cli", "readr.tui")


def core_modules() -> list[str]:
    """Every module of readr outside the front ends, packages expanded."""
    found = []
    for info in pkgutil.walk_packages(readr.__path__, "readr."):
        top = info.name.split(".")[1]
        if top not in FRONT_ENDS:
            found.append(info.name)
    return sorted(found)


def contracts() -> list[dict]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return config["tool"]["importlinter"]["contracts"]


def test_the_core_contract_lists_every_core_package_and_module():
    [core] = [c for c in contracts() if c["name"].startswith("The core never imports")]
    listed = set(core["source_modules"])
    tops = {name.split(".")[1] for name in core_modules()}
    assert {f"readr.{top}" for top in tops} == listed
    assert set(core["forbidden_modules"]) == set(UI_LIBRARIES)


def test_importing_every_core_module_loads_no_front_end_or_terminal_ui_library():
    # import-linter sees static imports; this also catches importlib and imports inside functions
    # that run at import time.
    script = (
        "import importlib, json, sys\n"
        f"for name in {core_modules()!r}:\n"
        "    importlib.import_module(name)\n"
        f"print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'typer', 'rich')"
        " or m.startswith(('readr.cli', 'readr.tui')))))\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, check=True)
    assert json.loads(result.stdout) == []

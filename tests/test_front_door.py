"""The README's commands and CI stay true to each other."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def readme_commands() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return [block.strip() for block in re.findall(r"```sh\n(.*?)```", text, re.DOTALL)]


def test_ci_runs_exactly_the_readme_test_command():
    ci_lines = [line for line in (ROOT / ".ci" / "run").read_text().splitlines() if line and not line.startswith("#")]
    test_command = ci_lines[-1]
    assert test_command in readme_commands()
    assert "pytest" in test_command and "pip install" in test_command
    for check in ("lint-imports", "ruff check", "mypy"):  # the contracts, style and types gate CI too
        assert check in test_command


def test_readme_demo_command_installs_and_opens_the_demo():
    assert any(cmd.endswith("readr demo") and "pip install" in cmd for cmd in readme_commands())


def test_python_dash_m_readr_works():
    result = subprocess.run([sys.executable, "-m", "readr", "--help"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0
    assert "search" in result.stdout

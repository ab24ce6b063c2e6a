"""readr's default library and config folders are platformdirs' own, worked out without it on Linux."""

from __future__ import annotations

import sys
from pathlib import Path

import platformdirs
import pytest

from readr.paths import APP_NAME, config_path, default_db_path

linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the XDG rule is applied on Linux")

ENVIRONMENTS = [
    {},
    {"XDG_DATA_HOME": "/srv/data", "XDG_CONFIG_HOME": "/srv/config"},
    {"XDG_DATA_HOME": "/srv/data/", "XDG_CONFIG_HOME": "/srv/config/"},
    {"XDG_DATA_HOME": "", "XDG_CONFIG_HOME": ""},
    {"XDG_DATA_HOME": "relative/data", "XDG_CONFIG_HOME": "~/config"},
    {"XDG_DATA_HOME": " /srv/data", "XDG_CONFIG_HOME": "  "},
    {"HOME": "/"},
    {"HOME": "/home/ünïcode user/"},
    {"HOME": "relative/home"},
]


@linux_only
@pytest.mark.parametrize("env", ENVIRONMENTS, ids=lambda env: ",".join(f"{k}={v!r}" for k, v in env.items()) or "none")
def test_the_default_folders_are_platformdirs(monkeypatch, tmp_path, env):
    monkeypatch.delenv("READR_DB", raising=False)
    monkeypatch.delenv("READR_CONFIG", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    for name in ("XDG_DATA_HOME", "XDG_CONFIG_HOME"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert default_db_path() == Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)) / "library.db"
    assert config_path() == Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)) / "config.toml"


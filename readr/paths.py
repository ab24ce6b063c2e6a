"""Where readr keeps things: the library file, its data directory and the user config."""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "readr"


def default_db_path() -> Path:
    """READR_DB, else a file in the platform's user data directory."""
    env = os.environ.get("READR_DB")
    if env:
        return Path(env).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir(APP_NAME, appauthor=False)) / "library.db"


def data_dir_for(db_path: Path) -> Path:
    """The folder beside a library for its PDFs, figures and drafts ("library.db" -> "library.files")."""
    db_path = Path(db_path)
    return db_path.with_name(db_path.stem + ".files")


def config_path() -> Path:
    """READR_CONFIG, else config.toml in the platform's user config directory."""
    env = os.environ.get("READR_CONFIG")
    if env:
        return Path(env).expanduser()
    from platformdirs import user_config_dir

    return Path(user_config_dir(APP_NAME, appauthor=False)) / "config.toml"

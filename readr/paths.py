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


def library_file(named: str | None) -> Path:
    """The library file: `named` (--db), else $READR_DB, else the default one in the user data
    folder, which is created as needed so that `readr` works out of the box. A named library is
    only created where its folder exists: a mistyped path must not quietly start a new, empty
    library (and its folders) somewhere else."""
    from .errors import ReadrError

    source = "--db"
    if named is None:
        named, source = os.environ.get("READR_DB") or None, "$READR_DB"
    if named is None:
        path = default_db_path()
        path.parent.mkdir(parents=True, exist_ok=True)
        return path
    if not named.strip():
        raise ReadrError(f"{source} is empty: name the library file, such as {source} ~/papers/library.db")
    path = Path(named).expanduser()
    if path.is_dir():
        raise ReadrError(f"{source} {path} is a folder: name the library file in it, such as {path / 'library.db'}")
    if not path.exists() and not path.parent.is_dir():
        raise ReadrError(
            f"no library at {path} ({source}): the folder {path.parent} does not exist; "
            "create it first to start a new library there"
        )
    return path


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

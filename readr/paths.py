"""Where readr keeps things: the library file, its data directory and the user config."""

from __future__ import annotations

import os
import sys
from pathlib import Path

APP_NAME = "readr"


def default_db_path() -> Path:
    """READR_DB, else a file in the platform's user data directory."""
    env = os.environ.get("READR_DB")
    if env:
        return Path(env).expanduser()
    return _user_dir("data") / "library.db"


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
    return _user_dir("config") / "config.toml"


_XDG = {"data": ("XDG_DATA_HOME", "~/.local/share"), "config": ("XDG_CONFIG_HOME", "~/.config")}


def _user_dir(kind: str) -> Path:
    """platformdirs' user data or config directory for readr. On Linux with an absolute $HOME it is
    the XDG rule, applied here: importing platformdirs costs ~12 ms of every start-up, a quarter of
    the interpreter's (tests/test_paths.py checks that both give the same folder)."""
    if sys.platform.startswith("linux") and os.path.isabs(os.environ.get("HOME", "")):
        variable, fallback = _XDG[kind]
        base = os.environ.get(variable, "")
        return Path(base if os.path.isabs(base) else os.path.expanduser(fallback), APP_NAME)
    import platformdirs

    folder = platformdirs.user_data_dir if kind == "data" else platformdirs.user_config_dir
    return Path(folder(APP_NAME, appauthor=False))

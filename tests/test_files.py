"""readr.files: the one atomic write behind drafts, the config, digests, PDFs and figures."""

from __future__ import annotations

import os
import stat

import pytest

from readr.files import atomic_file, atomic_write_bytes, atomic_write_text


def test_replaces_the_whole_file_and_keeps_its_mode(tmp_path):
    target = tmp_path / "config.toml"
    target.write_text("old")
    target.chmod(0o600)
    atomic_write_text(target, "new\r\nline ü")
    assert target.read_bytes() == "new\r\nline ü".encode()  # newlines as given
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["config.toml"]


def test_a_new_file_gets_the_umask_default_mode(tmp_path):
    atomic_write_bytes(tmp_path / "fig.png", b"\x89PNG")
    mask = os.umask(0)
    os.umask(mask)
    assert stat.S_IMODE((tmp_path / "fig.png").stat().st_mode) == 0o666 & ~mask


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path):
    target = tmp_path / "paper.pdf"
    target.write_bytes(b"old")
    seen = []
    with pytest.raises(RuntimeError):
        with atomic_file(target) as handle:
            handle.write(b"half")
            seen = [p.name for p in tmp_path.iterdir() if p != target]
            raise RuntimeError("connection dropped")
    assert target.read_bytes() == b"old"
    assert list(tmp_path.iterdir()) == [target]
    # While writing, the temporary name says which process writes it (the TUI's start-up
    # sweep removes those of processes that are gone).
    (name,) = seen
    assert name.startswith(".paper.pdf.") and name.endswith(f".{os.getpid()}.part")
    assert int(name.rsplit(".", 2)[-2]) == os.getpid()

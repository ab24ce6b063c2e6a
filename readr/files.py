"""Writing a file so that it is either the old version or the whole new one, never half of each.

Every file readr writes beside the library (drafts, PDFs, figures, the config, an exported
digest) goes through `atomic_file`: the bytes go to a temporary file in the same folder, are
fsync'd, and the temporary file is renamed over the target, so a crash or a full disk leaves the
previous file intact. The temporary name `.NAME.RANDOM.PID.part` carries the writer's process id,
so a leftover from a killed readr can be told from a file a running readr is still writing.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path

TYPE_CHECKING = False  # typing costs ~5 ms of start-up
if TYPE_CHECKING:
    from typing import BinaryIO

PARTIAL_SUFFIX = ".part"


@contextlib.contextmanager
def atomic_file(path: Path | str) -> Iterator[BinaryIO]:
    """A binary handle whose bytes replace `path` when the block ends without an exception.

    The new file keeps the mode of the one it replaces (a config made private stays private),
    or gets the umask's default mode. An exception leaves `path` untouched and no temporary file.
    """
    path = Path(path)
    folder = path.parent
    import tempfile  # here, not at the top: the commands that only read never pay for it

    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=f".{os.getpid()}{PARTIAL_SUFFIX}", dir=folder)
    tmp = Path(name)
    try:
        with os.fdopen(fd, "wb") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        try:
            mode = path.stat().st_mode & 0o777
        except OSError:
            mode = 0o666 & ~UMASK
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


def atomic_write_bytes(path: Path | str, data: bytes) -> Path:
    with atomic_file(path) as handle:
        handle.write(data)
    return Path(path)


def atomic_write_text(path: Path | str, text: str) -> Path:
    """UTF-8, newlines written as given (no translation to the platform's)."""
    return atomic_write_bytes(path, text.encode("utf-8"))


def _read_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


# Read once, at import: os.umask can only be read by setting it, and setting it while another
# thread creates a file would give that file the wrong mode.
UMASK = _read_umask()

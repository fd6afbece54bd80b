"""Write a file atomically, so a reader (or the HTTP server) never sees half a file.

The file is written to a hidden temporary file in the same directory, flushed and fsync'd, then
moved over the old one with ``os.replace`` (atomic on POSIX and Windows). A file whose bytes did not
change is left alone, so its mtime, and with it ``Last-Modified``, stays put across rebuilds.
"""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
import time
from pathlib import Path

# ``atomic_write``'s temporary files: ``.NAME.XXXXXXXX.tmp`` (mkstemp's random part)
_TEMP = re.compile(r"^\..+\.[A-Za-z0-9_]{6,}\.tmp$")


def atomic_write(path: Path, data: bytes, *, mode: int = 0o644) -> bool:
    """Replace ``path`` with ``data`` atomically; return False (and touch nothing) if it already holds it."""
    path = Path(path)
    with contextlib.suppress(OSError):
        if path.stat().st_size == len(data) and path.read_bytes() == data:
            return False
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp_name, mode)  # mkstemp makes 0600; feeds are public
        os.replace(temp_name, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp_name)
        raise
    _fsync_directory(path.parent)
    return True


def _fsync_directory(directory: Path) -> None:
    """Make the rename itself durable (POSIX); not possible on every platform, so best effort."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def sweep_temp_files(directory: Path, *, older_than: float = 60.0) -> int:
    """Remove the temporary files a killed ``atomic_write`` left in ``directory``; how many.

    Only files older than ``older_than`` seconds: a rebuild running beside us (the daemon's) is
    writing its own right now, and a write takes far less than that.
    """
    removed = 0
    cutoff = time.time() - older_than
    try:
        entries = list(Path(directory).iterdir())
    except OSError:
        return 0
    for entry in entries:
        if not _TEMP.match(entry.name):
            continue
        with contextlib.suppress(OSError):
            if entry.is_file() and entry.stat().st_mtime < cutoff:
                entry.unlink()
                removed += 1
    return removed

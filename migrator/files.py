"""File helpers shared by every reader and writer: UTF-8 reads that fail as bad input, and
atomic writes, so no reader ever sees half a file."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from migrator.errors import BadInput, CannotWrite


def read_text(path: str | os.PathLike[str], shown: str | None = None) -> str:
    """The UTF-8 text of `path`; a file that cannot be read is a BadInput naming it (as `shown`)."""
    try:
        return Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise BadInput(f"{shown or path}: cannot read: {exc}") from None


def atomic_write(path: str | os.PathLike[str], text: str) -> None:
    """Write `text` to `path` via a temporary file in the same folder and a rename.

    The file keeps its permission bits when it exists (a rewritten executable script stays
    executable); a new file gets the usual 0666 less the umask, not mkstemp's 0600.
    A failure is a CannotWrite naming `path` (bad input, and an OSError), and leaves
    neither a temporary file nor part of the text behind.
    """
    target = Path(path)
    try:
        _atomic_write(target, text)
    except OSError as exc:
        raise CannotWrite(f"{target}: cannot write: {_why(exc, target)}") from None


def _atomic_write(target: Path, text: str) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        mode = target.stat().st_mode & 0o7777
    except FileNotFoundError:
        mode = 0o666 & ~_umask()
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        os.chmod(tmp, mode)
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def _why(exc: OSError, target: Path) -> str:
    """The reason in words; a file where a folder should be is named ("File exists" says too little)."""
    if isinstance(exc, (FileExistsError, NotADirectoryError)):
        for parent in target.parents:
            if parent.exists() and not parent.is_dir():
                return f"{parent} is not a folder"
    return exc.strerror or str(exc)


def _umask() -> int:
    current = os.umask(0)  # the only portable way to read it is to set it
    os.umask(current)
    return current

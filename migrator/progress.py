"""Progress bars for the commands: on stderr, only when stderr is a terminal, only for slow work.

    with progress() as report:          # report(label, done, total) is a ProgressCallback
        scan(root, ScanOptions(progress=report))

The callback is what the library takes (ScanOptions.progress, InspectOptions.progress,
rewrite_paths(progress=...), history(progress=...)). A bar appears only when the work is still
going after DELAY_SECONDS, so fast commands never draw one (nor import rich.progress); it is
transient: gone when the work ends, leaving stdout and stderr as they would be without it.
With stderr not a terminal (CI logs, pipes, files) the callback does nothing at all.
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

DELAY_SECONDS = 0.4  # MIGRATOR_PROGRESS_DELAY (seconds) overrides it, e.g. 0 to see a bar at once


def wanted() -> bool:
    """A bar is for a person watching: stderr must be a terminal."""
    try:
        return sys.stderr.isatty()
    except (AttributeError, ValueError):
        return False


def _delay() -> float:
    import os

    try:
        return max(0.0, float(os.environ.get("MIGRATOR_PROGRESS_DELAY", DELAY_SECONDS)))
    except ValueError:
        return DELAY_SECONDS


class Progress:
    """A ProgressCallback drawing one rich bar on stderr; call close() when the work is done.

    Safe to call from several threads (drift loads its three sources at once).
    """

    def __init__(self, delay: float | None = None) -> None:
        self._progress = None
        self._task = None
        self._delay = _delay() if delay is None else delay
        self._started = time.monotonic()
        self._wanted = wanted()
        self._lock = threading.Lock()
        self._closed = False

    def __call__(self, label: str, done: int, total: int) -> None:
        if not self._wanted:
            return
        with self._lock:
            if self._closed:
                return
            if self._progress is None and (time.monotonic() - self._started < self._delay or done >= total):
                return
            if self._progress is None:
                from rich.console import Console
                from rich.progress import BarColumn, MofNCompleteColumn, Progress as RichProgress, TextColumn

                self._progress = RichProgress(
                    TextColumn("{task.description}"),
                    BarColumn(),
                    MofNCompleteColumn(),
                    console=Console(stderr=True),
                    transient=True,
                )
                self._progress.start()
                self._task = self._progress.add_task(label, total=total)
            self._progress.update(self._task, description=label, completed=done, total=total)

    def close(self) -> None:
        with self._lock:
            self._closed = True
            if self._progress is not None:
                self._progress.stop()
                self._progress = None

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


@contextmanager
def progress(delay: float | None = None) -> Iterator[Progress]:
    """A progress callback for the block; the bar (if one was drawn) is removed when it ends."""
    bar = Progress(delay)
    try:
        yield bar
    finally:
        bar.close()

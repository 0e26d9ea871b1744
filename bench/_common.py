"""Shared pieces of the benchmarks: timing a command, its peak memory, printing a result line."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Callable

REPO = Path(__file__).resolve().parent.parent
MIGRATOR = str(Path(sys.executable).parent / "migrator")


def user_environment() -> dict[str, str]:
    """The environment a user's shell has: byte-code caching on (some sandboxes turn it off)."""
    env = os.environ.copy()
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(REPO / "migrator")], check=True, env=env, stdout=subprocess.DEVNULL)
    return env


def run_timed(
    argv: list[str], repeat: int = 3, env: dict[str, str] | None = None, allowed_exit_codes: tuple[int, ...] = (),
    setup: Callable[[], object] | None = None,
) -> tuple[float, float]:
    """Best wall time over `repeat` runs of a command and its peak resident memory in MB.

    Each run is a fresh process, so Python start-up is part of migrator's time, as a user sees it.
    `setup` runs before each run, outside the clock (e.g. removing the previous run's output).
    """
    best = float("inf")
    peak_mb = 0.0
    env = env or user_environment()  # before the clock starts: it runs compileall (about 25 ms)
    for _ in range(repeat):
        if setup is not None:
            setup()
        start = time.perf_counter()
        proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode != 0 and proc.returncode not in allowed_exit_codes:
            err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
            raise SystemExit(f"{argv[0]} failed with exit code {proc.returncode}: {err.strip()[:500]}")
        best = min(best, elapsed)
        peak_mb = max(peak_mb, usage.ru_maxrss / 1024)  # ru_maxrss is in KiB on Linux
    return best, peak_mb


def report(name: str, ours: float, peer_name: str | None = None, peer: float | None = None, extra: str = "") -> None:
    line = f"{name}: migrator {ours:.3f} s"
    if peer is not None:
        line += f", {peer_name} {peer:.3f} s, ratio {ours / peer:.2f}"
    if extra:
        line += f", {extra}"
    print(line, flush=True)


__all__ = ["REPO", "MIGRATOR", "run_timed", "report", "resource"]

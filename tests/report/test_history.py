"""history() on a scratch git repository built here: a file moves from the legacy layer to the target.

The scanner is a test double of the engine's in-memory scan: it counts `legacy(` and
`target(` in each file, which is all the history mechanics need to be checked.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from migrator.errors import BadInput
from migrator.report.history import CACHE_DIR, history
from migrator.scan.facts import Site
from migrator.scan.result import FileScan, ScanResult, status_of

# (message, date, files written); a None content deletes the file.
COMMITS = [
    ("start", "2024-01-01T10:00:00Z", {"a.ts": "legacy(1)\nlegacy(2)\n", "b.ts": "legacy(3)\n", "README.md": "legacy(x)\n"}),
    ("add target", "2024-01-01T15:00:00Z", {"c.ts": "target(1)\n"}),
    ("move a", "2024-01-09T10:00:00Z", {"a.ts": "target(1)\ntarget(2)\n"}),
    ("b grows", "2024-01-10T10:00:00Z", {"b.ts": "legacy(3)\nlegacy(4)\n", "node_modules/x.js": "legacy(9)\n"}),
]


class CountingScanner:
    def __init__(self) -> None:
        self.calls: list[str] = []

    def __call__(self, files: dict[str, bytes], commit: str) -> ScanResult:
        self.calls.append(commit)
        scans = []
        for path, data in files.items():
            sites = tuple(Site(path, n, 1, layer, "unknown", "call")
                          for n, line in enumerate(data.decode().splitlines(), start=1)
                          for layer in ("legacy", "target") if line.startswith(layer + "("))
            layers = tuple(sorted({s.layer for s in sites}))
            if layers:
                scans.append(FileScan(path, "typescript", status_of(set(layers), ("legacy",), ("target",)), layers, sites))
        return ScanResult("/", ("legacy",), ("target",), tuple(scans), total_files=len(files), commit=commit)


def _git(repo: Path, *args: str, date: str | None = None) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.test", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@example.test"}
    if date:
        env.update(GIT_AUTHOR_DATE=date, GIT_COMMITTER_DATE=date)
    return subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, text=True, env=env).stdout


@pytest.fixture()
def repo(tmp_path: Path) -> tuple[Path, list[str]]:
    root = tmp_path / "repo"
    root.mkdir()
    _git(root, "init", "-q", "-b", "main")
    shas = []
    for message, date, files in COMMITS:
        for path, text in files.items():
            (root / path).parent.mkdir(parents=True, exist_ok=True)
            (root / path).write_text(text)
        _git(root, "add", "-A")
        _git(root, "commit", "-q", "-m", message, date=date)
        shas.append(_git(root, "rev-parse", "HEAD").strip())
    (root / "a.ts").write_text("legacy(uncommitted)\n")  # the working tree is never read
    return root, shas


def test_points_and_cache(repo: tuple[Path, list[str]]) -> None:
    root, shas = repo
    scanner = CountingScanner()
    points = history(root, scan_fn=scanner)
    assert [p.commit for p in points] == shas
    assert [(p.legacy_files, p.legacy_sites, p.target_files) for p in points] == [(2, 3, 0), (2, 3, 1), (1, 1, 2), (1, 2, 2)]
    assert points[0].date == "2024-01-01T10:00:00Z"
    assert points[0].total_files == 2  # README.md and node_modules are not given to the scanner
    assert scanner.calls == shas
    assert sorted(p.name for p in (root / CACHE_DIR).iterdir()) == sorted(f"{s}.json" for s in shas)

    again = CountingScanner()
    assert history(root, scan_fn=again) == points
    assert again.calls == []  # every point from the cache

    rescanned = CountingScanner()
    assert history(root, scan_fn=rescanned, cache_key="engine-2") == points
    assert rescanned.calls == shas  # another scanner version: the cache does not apply


def test_every_and_since(repo: tuple[Path, list[str]]) -> None:
    root, shas = repo
    scanner = CountingScanner()
    assert [p.commit for p in history(root, every=2, scan_fn=scanner)] == [shas[1], shas[3]]
    assert [p.commit for p in history(root, every="1d", scan_fn=scanner)] == [shas[1], shas[2], shas[3]]
    assert [p.commit for p in history(root, every="1w", scan_fn=scanner)] == [shas[1], shas[3]]
    assert [p.commit for p in history(root, since=shas[2], scan_fn=scanner)] == [shas[2], shas[3]]
    assert [p.commit for p in history(root, since="2024-01-05", scan_fn=scanner)] == [shas[2], shas[3]]
    with pytest.raises(BadInput, match="period"):
        history(root, every="soon", scan_fn=scanner)


def test_not_a_repository(tmp_path: Path) -> None:
    with pytest.raises(BadInput, match="git rev-list failed"):
        history(tmp_path, scan_fn=CountingScanner())

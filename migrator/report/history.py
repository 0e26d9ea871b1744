"""The burndown's data: past commits scanned without checking anything out.

`history(root, since=..., every=..., scan_fn=...)` lists first-parent commits with `git
rev-list`, reads each commit's tree with `git ls-tree -r` and the blobs with one `git
cat-file --batch` per commit (a blob already read for an earlier commit is not read
again: blob ids are content hashes), and hands the files to `scan_fn(files, commit)`,
the scan engine's in-memory entry point. The working tree, the index and HEAD are never
touched, so it is safe on a checkout with uncommitted work.

Each commit's point is cached in `<root>/.migrator/cache/history/<sha>.json`: a commit
never changes, so a second run only scans commits it has not seen. Each entry records
`cache_key`, which the caller makes from what changes a scan's answer (the engine's
version, the configured roles); an entry written under another key is scanned again.
"""

from __future__ import annotations

import datetime as dt
import re
import subprocess
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass
from pathlib import Path

import orjson

from migrator.errors import BadInput
from migrator.files import atomic_write
from migrator.scan.result import ScanResult

CACHE_DIR = Path(".migrator") / "cache" / "history"
# 2: a file without call sites is status "none" (it was classified by its imports): points
# cached before count schema modules and client modules as legacy or target files.
CACHE_VERSION = 2
MAX_BLOB = 1 << 20  # larger files are generated or minified: the scanner would skip them anyway
# What a scan can use: source files, and the configs that say how imports resolve.
SOURCE_SUFFIXES = (".ts", ".tsx", ".mts", ".cts", ".js", ".jsx", ".mjs", ".cjs", ".py")
CONFIG_NAMES = ("tsconfig.json", "jsconfig.json", "package.json", "migrator.toml", "pyproject.toml", "CODEOWNERS")
SKIP_PARTS = ("node_modules", ".git", ".venv", "dist", "build", ".next")
PERIODS = {"h": 3600, "d": 86400, "w": 7 * 86400}

ScanFn = Callable[[dict[str, bytes], str], ScanResult]


@dataclass(frozen=True)
class HistoryPoint:
    commit: str
    date: str  # committer date, ISO 8601 in UTC
    legacy_files: int  # files using a legacy layer (legacy or mixed)
    legacy_sites: int
    target_files: int  # files on the target layer only
    mixed_files: int
    total_files: int


def point_of(scan: ScanResult, commit: str, date: str | None) -> HistoryPoint:
    legacy = [f for f in scan.files if f.status in ("legacy", "mixed")]
    return HistoryPoint(
        commit=commit,
        date=date or "",
        legacy_files=len(legacy),
        legacy_sites=sum(1 for f in legacy for s in f.sites if s.layer in scan.legacy),
        target_files=sum(1 for f in scan.files if f.status == "target"),
        mixed_files=sum(1 for f in legacy if f.status == "mixed"),
        total_files=scan.total_files,
    )


def default_select(path: str) -> bool:
    parts = path.split("/")
    if any(p in SKIP_PARTS for p in parts[:-1]):
        return False
    return path.endswith(SOURCE_SUFFIXES) or parts[-1] in CONFIG_NAMES


def history(
    root: Path,
    *,
    since: str | None = None,
    every: int | str = 1,
    scan_fn: ScanFn,
    select: Callable[[str], bool] = default_select,
    cache_key: str = "",
    rev: str = "HEAD",
    progress: Callable[[str, int, int], None] | None = None,
) -> list[HistoryPoint]:
    """One point per chosen commit, oldest first.

    since: a revision (that commit and what follows it) or a date `git rev-list --since`
        understands ("2024-01-01", "3 months ago"); None for the whole history.
    every: an int keeps every n-th commit; "1d", "2w", "12h" keeps the last commit of each
        period. The newest commit is always kept, so the last point is where `rev` stands.
    select: which paths of a tree are read and given to scan_fn.
    progress: an optional callback (label, done, total), called after each commit.
    """
    root = Path(root)
    commits = _pick(_commits(root, since, rev), every)
    cache = root / CACHE_DIR
    points: list[HistoryPoint] = []
    blobs: dict[str, bytes] = {}
    for sha, date in commits:
        point = _cached(cache / f"{sha}.json", cache_key)
        if point is None:
            files = _read_tree(root, sha, select, blobs)
            scan = scan_fn(files, sha)
            point = point_of(scan, sha, date)
            _store(cache / f"{sha}.json", point, cache_key, scan)
        points.append(point)
        if progress is not None:
            progress(f"history {sha[:9]}", len(points), len(commits))
    return points


# ---------------------------------------------------------------------------


def _git(root: Path, *args: str, input: bytes | None = None) -> bytes:
    try:
        done = subprocess.run(["git", "-C", str(root), *args], input=input, capture_output=True, check=False)
    except FileNotFoundError as exc:
        raise BadInput("git is not installed: history needs it") from exc
    if done.returncode != 0:
        message = done.stderr.decode(errors="replace").strip().splitlines()
        raise BadInput(f"{root}: git {args[0]} failed: {message[-1] if message else done.returncode}")
    return done.stdout


def _is_revision(root: Path, text: str) -> bool:
    done = subprocess.run(["git", "-C", str(root), "rev-parse", "--verify", "--quiet", f"{text}^{{commit}}"],
                          capture_output=True, check=False)
    return done.returncode == 0


def _commits(root: Path, since: str | None, rev: str) -> list[tuple[str, str]]:
    """(sha, ISO date) of first-parent commits, oldest first: the mainline, as a team saw it move."""
    args = ["rev-list", "--first-parent", "--reverse", "--timestamp"]
    if since is not None and _is_revision(root, since):
        # `since..rev` leaves `since` out; its own point is where the burndown starts.
        first = _git(root, "rev-list", "-n1", "--timestamp", since).decode().split()
        rows = [first] + [line.split() for line in _git(root, *args, f"{since}..{rev}").decode().splitlines()]
    else:
        if since is not None:
            args.append(f"--since={since}")
        rows = [line.split() for line in _git(root, *args, rev).decode().splitlines()]
    return [(sha, _iso(int(ts))) for ts, sha in rows if sha]


def _iso(timestamp: int) -> str:
    return dt.datetime.fromtimestamp(timestamp, dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _pick(commits: list[tuple[str, str]], every: int | str) -> list[tuple[str, str]]:
    if not commits:
        return []
    if isinstance(every, int) or str(every).isdigit():
        step = int(every)
        if step < 1:
            raise BadInput(f"every must be at least 1, not {every}")
        # Counted back from the newest, so the newest is always in.
        last = len(commits) - 1
        return [c for i, c in enumerate(commits) if (last - i) % step == 0]
    match = re.fullmatch(r"\s*(\d+)\s*([hdw])\s*", str(every))
    if not match:
        raise BadInput(f"every: expected a number of commits or a period like 1d, 2w, 12h, not {every!r}")
    seconds = int(match.group(1)) * PERIODS[match.group(2)]
    if seconds <= 0:
        raise BadInput(f"every must be a positive period, not {every!r}")
    buckets: dict[int, tuple[str, str]] = {}
    for sha, date in commits:
        stamp = int(dt.datetime.strptime(date, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.timezone.utc).timestamp())
        buckets[stamp // seconds] = (sha, date)  # a later commit of the period replaces an earlier one
    picked = list(buckets.values())
    if picked[-1] != commits[-1]:
        picked.append(commits[-1])
    return picked


def _read_tree(root: Path, sha: str, select: Callable[[str], bool], blobs: dict[str, bytes]) -> dict[str, bytes]:
    """The selected files of commit `sha`, path -> bytes; `blobs` keeps what earlier commits read."""
    wanted: dict[str, str] = {}
    for entry in _git(root, "ls-tree", "-r", "-l", "-z", sha).split(b"\0"):
        if not entry:
            continue
        meta, _, path_bytes = entry.partition(b"\t")
        mode, kind, blob, size = meta.split()
        path = path_bytes.decode("utf-8", errors="surrogateescape")
        # Submodules (commit) and symbolic links (120000) are not files of this tree.
        if kind != b"blob" or mode == b"120000" or not select(path):
            continue
        if size != b"-" and int(size) > MAX_BLOB:
            continue
        wanted[path] = blob.decode()
    missing = sorted({b for b in wanted.values() if b not in blobs})
    if missing:
        blobs.update(_cat_blobs(root, missing))
    return {path: blobs[blob] for path, blob in sorted(wanted.items())}


def _cat_blobs(root: Path, shas: list[str]) -> dict[str, bytes]:
    """Blobs by id through one `git cat-file --batch`: a header line, the content, a newline, each."""
    out = _git(root, "cat-file", "--batch", input=("\n".join(shas) + "\n").encode())
    blobs: dict[str, bytes] = {}
    pos = 0
    for sha in shas:
        end = out.index(b"\n", pos)
        header = out[pos:end].split()
        if len(header) != 3:
            raise BadInput(f"git cat-file: unexpected answer for {sha}: {out[pos:end]!r}")
        size = int(header[2])
        blobs[sha] = out[end + 1:end + 1 + size]
        pos = end + 1 + size + 1
    return blobs


def _cached(path: Path, cache_key: str) -> HistoryPoint | None:
    try:
        data = orjson.loads(path.read_bytes())
    except (OSError, orjson.JSONDecodeError):
        return None
    if not isinstance(data, Mapping) or data.get("version") != CACHE_VERSION or data.get("key") != cache_key:
        return None
    try:
        return HistoryPoint(**data["point"])
    except (KeyError, TypeError):
        return None  # written by another layout: scan again


def _store(path: Path, point: HistoryPoint, cache_key: str, scan: ScanResult) -> None:
    data = {"version": CACHE_VERSION, "key": cache_key, "legacy": list(scan.legacy), "target": list(scan.target),
            "point": asdict(point)}
    try:
        atomic_write(path, orjson.dumps(data).decode())
    except OSError:
        pass  # a read-only checkout still gets its history, only slower next time

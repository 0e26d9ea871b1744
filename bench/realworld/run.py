"""Real-world accuracy harness: migrator's figures against figures checked by hand.

Every entry of manifest.toml names a public repository at a pinned commit, the schema
sources to inspect with their expected table counts, and the expected call sites per
layer for `migrator scan`. The expected figures were counted by hand (grep plus
reading), never by migrator; each entry's `how_checked` says how.

This script fetches nothing. It looks for a checkout of each entry at
$MIGRATOR_REALWORLD/<name> (skipping, and saying so, when it is missing; warning when its
HEAD is not the pinned commit), runs migrator through its CLI and prints

    entry  figure  expected  measured  ok/MISS

Entries with an [entry.rewrite] section also get `rewrite …` rows: a default
`migrator rewrite --format json --skip-unparsable .` (dry run, default rules) of the scanned folder, measured
against the scan's sqlalchemy-legacy sites of the counted folder (plus the hand-listed
`scan_missed`): legacy sites, converted (a site whose own line the diff rewrites),
findings, silent (neither converted nor with a finding on its line), compile failures
(the rewrite applied to a temporary copy, each changed file py_compile'd), second-run
changes (a dry run on that copy), wrong (read by hand, shown only) and wall time (info).
The checkout itself is never written. bench/realworld/compare_commit.py compares the
same rewrite with a maintainers' own conversion commit (`conversion`).

Entries with an [entry.generate] section get two rows per source spec: `generate SPEC`, the
changes `migrator generate drizzle SPEC --out TMP --verify --format json` leaves (run in the
checkout), and `generate SPEC drizzle-kit`: the pinned drizzle-kit of tests/node (NODE_PATH
pointing at tests/node/node_modules) turns TMP into SQL, the SQL builds an empty database (a
fresh database on one scratch PostgreSQL for the whole run, or a SQLite file), and that database,
inspected, is compared with SPEC (client-side defaults left out; SQLite's alter_unique_kind
ignored: drizzle-kit writes every SQLite unique() as a unique index). The drizzle-kit rows are
skipped, saying why, without Node.js or tests/node/node_modules. -v prints the changes of a MISS.

Entries with an [entry.data] section name a SQLite database file committed in the repository
(`database`, its git blob id in `blob`) and get `copy …` and `verify data …` rows: a temporary
copy of the file goes into a fresh database on the run's scratch PostgreSQL (MIGRATOR_DEV_URL, or
an EphemeralCluster started once) by `migrator copy sqlite:///… postgresql://… --on-error report`;
the type upgrades come from `migrator copy --dry-run --format json` (decisions per target type),
the tables and rows are counted in PostgreSQL itself (a table with its hand-counted rows, and the
refused rows of the rejects file), then `migrator verify data` compares the pair (exit, tables
compared, tables equal). Such an entry's checkout may be the database file alone at
$MIGRATOR_REALWORLD/<name>/<database> (`--checkout-from-mirrors` extracts just that file).

Exit status: 0 when every figure matches, 1 otherwise, 2 on bad usage (for instance
MIGRATOR_REALWORLD unset).

    python bench/realworld/run.py                      # the table
    python bench/realworld/run.py --only wishlist -v   # one entry, with per-file sites of each MISS
    python bench/realworld/run.py --write docs/accuracy.md
    python bench/realworld/run.py --checkout-from-mirrors DIR   # make the checkouts from bare git mirrors

`--checkout-from-mirrors DIR` expects, for entry repo `owner/name`, a bare git directory at
DIR/owner+name/repo or DIR/owner+name (or DIR/owner/name.git); it clones it without a work
tree into $MIGRATOR_REALWORLD/<entry name> and checks out the pinned commit.
"""
from __future__ import annotations

import argparse
import collections
import datetime as _dt
import json
import os
import py_compile
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
MANIFEST = HERE / "manifest.toml"
ENV = "MIGRATOR_REALWORLD"


@dataclass
class Row:
    entry: str
    figure: str
    expected: int | None
    measured: int | None
    note: str = ""
    info: str | None = None  # a measurement with nothing to compare (wall time): shown, never a MISS

    @property
    def unchecked(self) -> bool:
        """No hand-checked figure yet (the entry says sites_checked = false or rewrite_checked =
        false), or a figure that only reading can measure (rewrite wrong): shown, never a MISS."""
        return self.expected is None or self.info is not None or (self.measured is None and self.by_reading)

    @property
    def by_reading(self) -> bool:
        return self.figure.endswith("(by reading)")

    @property
    def ok(self) -> bool:
        return self.unchecked or self.expected == self.measured

    @property
    def result(self) -> str:
        if self.info is not None:
            return "info"
        if self.by_reading and self.measured is None:
            return "by reading" if self.expected is not None else "unchecked"
        return "unchecked" if self.unchecked else ("ok" if self.ok else "MISS")

    @property
    def shown(self) -> str:
        """The measured column."""
        if self.info is not None:
            return self.info
        if self.measured is None:
            return "-" if self.by_reading else "error"
        return str(self.measured)


@dataclass
class EntryResult:
    name: str
    rows: list[Row] = field(default_factory=list)
    skipped: str | None = None
    warnings: list[str] = field(default_factory=list)
    sites_by_file: dict[str, collections.Counter] = field(default_factory=dict)
    rewrite: "RewriteMeasure | None" = None
    rewrite_ts: "RewriteTsMeasure | None" = None
    details: dict[str, list[str]] = field(default_factory=dict)  # figure -> the changes behind it (printed with -v)


def load_manifest(path: Path = MANIFEST) -> list[dict]:
    with path.open("rb") as f:
        data = tomllib.load(f)
    entries = data.get("entry", [])
    names = [e["name"] for e in entries]
    dup = {n for n in names if names.count(n) > 1}
    if dup:
        raise SystemExit(f"{path}: duplicate entry names: {', '.join(sorted(dup))}")
    for e in entries:
        for key in ("name", "repo", "commit", "kind"):
            if key not in e:
                raise SystemExit(f"{path}: entry {e.get('name', '?')} lacks {key!r}")
        if len(e["commit"]) != 40:
            raise SystemExit(f"{path}: entry {e['name']}: commit must be the full 40-hex SHA")
    return entries


def checkout_name(entry: dict) -> str:
    """The checkout folder under $MIGRATOR_REALWORLD: the entry's name, or `checkout` when
    several entries share one checkout (same repository and commit, other folders counted)."""
    return entry.get("checkout") or entry["name"]


def migrator_cmd() -> list[str]:
    exe = Path(sys.executable).with_name("migrator")
    if exe.exists():
        return [str(exe)]
    found = shutil.which("migrator")
    if found:
        return [found]
    return [sys.executable, "-m", "migrator.cli"]


def git_head(path: Path) -> str | None:
    try:
        out = subprocess.run(["git", "-C", str(path), "rev-parse", "HEAD"], capture_output=True, text=True, check=True)
    except (OSError, subprocess.CalledProcessError):
        return None
    return out.stdout.strip()


def run_scan(path: Path) -> tuple[dict | None, str]:
    with tempfile.TemporaryDirectory(prefix="migrator-accuracy-") as tmp:
        out = Path(tmp) / "scan.json"
        proc = subprocess.run(
            migrator_cmd() + ["scan", str(path), "--format", "json", "--no-cache", "--output", str(out)],
            capture_output=True, text=True,
        )
        if proc.returncode not in (0, 1) or not out.exists():
            return None, (proc.stderr.strip().splitlines() or [f"exit {proc.returncode}"])[-1]
        return json.loads(out.read_text()), ""


def count_tables(snapshot: dict) -> int:
    schema = snapshot.get("schema", snapshot)
    return sum(len(ns.get("tables") or []) for ns in schema.get("namespaces") or [])


def run_inspect(source: str, cwd: Path) -> tuple[int | None, str]:
    proc = subprocess.run(migrator_cmd() + ["inspect", source, "--format", "json"], capture_output=True, text=True, cwd=cwd)
    if proc.returncode != 0:
        return None, (proc.stderr.strip().splitlines() or [f"exit {proc.returncode}"])[-1]
    try:
        return count_tables(json.loads(proc.stdout)), ""
    except (ValueError, AttributeError) as exc:
        return None, f"unreadable inspect output: {exc}"


PULL_HEADER = "-- Current sql file was generated after introspecting the database"


def _uncomment_pull(text: str) -> str:
    """drizzle-kit pull writes the DDL it introspected inside one /* ... */ block and asks
    you to uncomment it before running it; do exactly that (only for files with its header)."""
    if not text.startswith(PULL_HEADER):
        return text
    lines = text.splitlines(keepends=True)
    return "".join(l for l in lines if l.strip() not in ("/*", "*/"))


def build_folder(patterns: list[str], checkout: Path, dest: Path) -> tuple[int, str]:
    """Copy the files matched by `patterns` (globs relative to the checkout, which may reach
    a sibling checkout through ../), in list order and name order within a glob, into `dest`
    as NNNN_<name>.sql, so that `migrator diff` applies them as one folder in that order."""
    n = 0
    for pattern in patterns:
        matched = sorted(p for p in checkout.glob(pattern) if p.is_file())
        if not matched:
            return n, f"no file matches {pattern}"
        for src in matched:
            n += 1
            (dest / f"{n:04d}_{src.name}").write_text(_uncomment_pull(src.read_text(encoding="utf-8")), encoding="utf-8")
    return n, ""


def count_changes(report: dict) -> int:
    diff = report.get("diff") or next((c.get("diff") for c in report.get("checks", []) if c.get("diff")), None) or {}
    return len(diff.get("changes") or [])


def run_drift(pair: str, entry: dict, checkout: Path) -> tuple[int | None, str]:
    """`A vs B`: run `migrator diff A B --format json` in the checkout, return the change count.
    `folder:NAME` stands for [entry.folders] NAME, assembled in a temporary folder (SQL
    folders are applied to migrator's scratch PostgreSQL, or to MIGRATOR_DEV_URL when set)."""
    try:
        left, right = (s.strip() for s in pair.split(" vs ", 1))
    except ValueError:
        return None, f"bad drift key {pair!r}: expected 'A vs B'"
    with tempfile.TemporaryDirectory(prefix="migrator-drift-") as tmp:
        sources = []
        for side in (left, right):
            if side.startswith("folder:"):
                name = side[len("folder:"):]
                patterns = (entry.get("folders") or {}).get(name)
                if not patterns:
                    return None, f"no [entry.folders] {name!r}"
                dest = Path(tmp) / name
                dest.mkdir()
                _, err = build_folder(list(patterns), checkout, dest)
                if err:
                    return None, err
                side = str(dest)
            sources.append(side)
        cmd = migrator_cmd() + ["diff", *sources, "--format", "json"]
        if os.environ.get("MIGRATOR_DEV_URL"):
            cmd += ["--dev-url", os.environ["MIGRATOR_DEV_URL"]]
        proc = subprocess.run(cmd, capture_output=True, text=True, cwd=checkout)
    try:
        return count_changes(json.loads(proc.stdout)), ""
    except (ValueError, AttributeError):
        return None, (proc.stderr.strip().splitlines() or [f"exit {proc.returncode}"])[-1]


# --- rewrite: `migrator rewrite --rules sqlalchemy-2.0`, measured against the scan's legacy sites ---

REWRITE_FIGURES = ("legacy_sites", "converted", "findings", "silent", "wrong", "failed_files", "compile_failures", "second_run_changes")
# Copied into the temporary tree for the compile and second-run checks (everything but these).
COPY_IGNORE = shutil.ignore_patterns(".git", "node_modules", ".venv", "venv", "__pycache__", ".tox", ".mypy_cache")


@dataclass
class RewriteMeasure:
    legacy_sites: int = 0
    converted: int = 0
    findings: int = 0
    silent: int = 0
    failed_files: int = 0
    compile_failures: int = 0
    second_run_changes: int = 0
    wall: float = 0.0
    changed_files: int = 0
    silent_at: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)       # "path: reason", anywhere in the rewritten folder
    compile_errors: list[str] = field(default_factory=list)
    second_run_files: list[str] = field(default_factory=list)
    applied: bool = True  # the --apply run on a copy succeeded


def changed_old_lines(diff: str) -> set[int]:
    """Old-side line numbers a unified diff removes or replaces (its `-` lines). Context
    lines and pure insertions (an added import) cover nothing, so a site a few lines away
    from a change does not count as converted: a site is converted when its own line (the
    line the scan reports, where the chain starts) is rewritten."""
    lines: set[int] = set()
    old = old_left = new_left = 0
    for raw in diff.splitlines():
        if old_left <= 0 and new_left <= 0:
            m = re.match(r"@@ -(\d+)(?:,(\d+))? \+\d+(?:,(\d+))? @@", raw)
            if m:
                old = int(m.group(1))
                old_left = int(m.group(2) or 1)
                new_left = int(m.group(3) or 1)
            continue
        tag = raw[:1]
        if tag == "-":
            lines.add(old)
            old += 1
            old_left -= 1
        elif tag == "+":
            new_left -= 1
        elif tag == "\\":
            continue
        else:
            old += 1
            old_left -= 1
            new_left -= 1
    return lines


def _rewrite_json(root: Path) -> tuple[dict | None, float, str]:
    """Dry run `migrator rewrite --format json --skip-unparsable .` in root (paths come out relative to it).
    Exit 3 (a rule failed on some file) still reports the others: the failed files are counted; so do
    files a checkout cannot parse (Python 2 leftovers, broken fixtures), listed as skipped."""
    start = time.perf_counter()
    proc = subprocess.run(migrator_cmd() + ["rewrite", "--format", "json", "--skip-unparsable", "."], capture_output=True, text=True, cwd=root)
    wall = time.perf_counter() - start
    if proc.returncode not in (0, 1, 3):
        return None, wall, (proc.stderr.strip().splitlines() or [f"exit {proc.returncode}"])[-1]
    try:
        return json.loads(proc.stdout), wall, ""
    except ValueError as exc:
        return None, wall, f"unreadable rewrite output: {exc}"


def _under(path: str, under: str) -> bool:
    return not under or path == under or path.startswith(under + "/")


def run_rewrite(root: Path, scan: dict, under: str, scan_missed: list[str] = ()) -> tuple[RewriteMeasure | None, str]:
    """Measure the default rewrite (no options) of root against the scan's sqlalchemy-legacy
    sites of the same root (plus the hand-listed sites the scan misses), counting only files
    under `under`. Never writes to root: the compile and idempotence checks apply the
    rewrite to a temporary copy."""
    report, wall, err = _rewrite_json(root)
    if report is None:
        return None, err
    m = RewriteMeasure(wall=wall)
    changed: dict[str, set[int]] = {}
    for f in report.get("files", []):
        if f.get("status") == "changed" and f.get("diff"):
            changed[f["path"]] = changed_old_lines(f["diff"])
        elif f.get("status") == "failed":
            m.failed.append(f"{f['path']}: {' '.join((f.get('reason') or '').split())[:120]}")
            m.failed_files += _under(f["path"], under)
    m.changed_files = sum(1 for p in changed if _under(p, under))
    finding_lines = collections.defaultdict(set)
    for fd in report.get("findings", []):
        if _under(fd["path"], under):
            m.findings += 1
            finding_lines[fd["path"]].add(fd["line"])
    sites = []
    for f in scan.get("files", []):
        if not _under(f["path"], under):
            continue
        for s in f.get("sites", []):
            if s["layer"] == "sqlalchemy-legacy":
                m.legacy_sites += 1
                sites.append((f["path"], s["line"]))
    # Legacy sites the scan misses, listed by hand in [entry.rewrite] scan_missed ("path:line"):
    # not in legacy_sites (the scan's figure), but converted or silent all the same.
    for at in scan_missed:
        path, _, line = at.rpartition(":")
        if (path, int(line)) not in sites:
            sites.append((path, int(line)))
    for path, line in sites:
        if line in changed.get(path, ()):
            m.converted += 1
        elif line not in finding_lines.get(path, ()):
            m.silent += 1
            m.silent_at.append(f"{path}:{line}")
    if not changed:
        return m, ""
    with tempfile.TemporaryDirectory(prefix="migrator-rewrite-") as tmp:
        copy = Path(tmp) / root.name
        shutil.copytree(root, copy, ignore=COPY_IGNORE, symlinks=True)
        # The same files as the dry run: a template that is not Python (a cookiecutter hook) is skipped there too.
        proc = subprocess.run(migrator_cmd() + ["rewrite", "--apply", "--skip-unparsable", "."], capture_output=True, text=True, cwd=copy)
        if proc.returncode not in (0, 1, 3):
            m.applied = False  # compile_failures and second_run_changes were not measured: never "ok"
            return m, "--apply on a copy failed: " + (proc.stderr.strip().splitlines() or [f"exit {proc.returncode}"])[-1]
        for rel in sorted(changed):
            if not _under(rel, under):
                continue
            try:
                py_compile.compile(str(copy / rel), cfile=str(Path(tmp) / "compiled.pyc"), doraise=True)
            except py_compile.PyCompileError as exc:
                m.compile_failures += 1
                m.compile_errors.append(f"{rel}: {' '.join(str(exc.msg).split())[:200]}")
        again, _, err = _rewrite_json(copy)
        if again is None:
            return m, "second run: " + err
        for f in again.get("files", []):
            if f.get("status") == "changed" and _under(f["path"], under):
                m.second_run_changes += 1
                m.second_run_files.append(f["path"])
    return m, ""


def rewrite_rows(entry: dict, measured: RewriteMeasure | None, err: str) -> list[Row]:
    """[entry.rewrite] figures against the measurement. legacy_sites, silent (must be 0),
    compile_failures and second_run_changes (0 unless the manifest says otherwise) are always
    compared; converted, findings and wrong only once `rewrite_checked` is not false. `wrong`
    is only measured by reading the diff: shown, never compared."""
    name = entry["name"]
    exp = entry.get("rewrite") or {}
    checked = entry.get("rewrite_checked", True)
    rows = []
    zero = ("silent", "failed_files", "compile_failures", "second_run_changes")
    for fig in ("legacy_sites", "converted", "findings", *zero):
        always = fig == "legacy_sites" or fig in zero
        default = 0 if fig in zero else None
        e = exp.get(fig, default)
        e = int(e) if e is not None and (checked or always) else None
        meas = None if measured is None else getattr(measured, fig)
        if measured is not None and not measured.applied and fig in ("compile_failures", "second_run_changes"):
            meas = None
        note = err
        if measured is not None and fig == "silent" and measured.silent_at:
            note = "e.g. " + ", ".join(measured.silent_at[:5])
        elif measured is not None and fig == "failed_files" and measured.failed:
            note = "; ".join(measured.failed[:3])
        elif measured is not None and fig == "compile_failures" and measured.compile_errors:
            note = "; ".join(measured.compile_errors[:3])
        elif measured is not None and fig == "second_run_changes" and measured.second_run_files:
            note = ", ".join(measured.second_run_files[:5])
        rows.append(Row(name, f"rewrite {fig}", e, meas, note))
    w = exp.get("wrong")
    rows.append(Row(name, "rewrite wrong (by reading)", int(w) if w is not None and checked else None, None, ""))
    if measured is not None:
        rows.append(Row(name, "rewrite wall time", None, None, "", info=f"{measured.wall:.1f} s"))
    return rows


# --- rewrite_ts: `migrator rewrite --rules prisma-drizzle`, against a Drizzle schema generated from the app's Prisma schema ---

REWRITE_TS_FIGURES = ("prisma_sites", "converted", "findings", "silent", "failed_files", "tsc_new_errors")


@dataclass
class RewriteTsMeasure:
    prisma_sites: int = 0
    converted: int = 0
    findings: int = 0
    silent: int = 0
    failed_files: int = 0
    wall: float = 0.0
    changed_files: int = 0
    silent_at: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    changed: dict[str, set[int]] = field(default_factory=dict)  # changed file -> old-side lines its diff rewrites
    codes: collections.Counter = field(default_factory=collections.Counter)  # finding code -> count
    tsc: "TscCompare | None" = None  # the pinned tsc before and after the rewrite, on a copy (None: not run)


def run_rewrite_ts(entry: dict, checkout: Path) -> tuple[RewriteTsMeasure | None, str]:
    """[entry.rewrite_ts]: `migrator generate drizzle PRISMA --out TMP/drizzle --client` (TMP holds a copy of
    the app's package.json, so drizzle.config.ts and the driver choice stay in TMP: the checkout is never
    written), then a dry run `migrator rewrite --rules prisma-drizzle --format json .` in the scanned folder
    with --drizzle-schema drizzle:TMP/drizzle and --drizzle-client (TMP's db.ts, relative), measured against
    the prisma sites of `migrator scan` of the same folder (plus the hand-listed `scan_missed`), counted under
    count_under. Then, when a file changed and Node.js and the pinned TypeScript are here, the tsc comparison
    (tsc_compare): the rewrite applied to a copy, `tsc --noEmit` before and after."""
    rw = entry["rewrite_ts"]
    spec = rw.get("prisma") or next((k for k in entry.get("tables") or {} if k.startswith("prisma:")), None)
    if spec is None:
        return None, "no prisma: spec ([entry.rewrite_ts] prisma = \"prisma:…\")"
    sub = rw.get("subpath", entry.get("subpath") or "")
    target = checkout / sub if sub else checkout
    under = (rw.get("count_under", entry.get("count_under")) or "").strip("/")
    scan, err = run_scan(target)
    if scan is None:
        return None, f"no scan: {err}"
    with tempfile.TemporaryDirectory(prefix="migrator-rewrite-ts-") as tmp:
        tmp_path = Path(tmp)
        package = checkout / "package.json"
        (tmp_path / "package.json").write_text(package.read_text(encoding="utf-8") if package.is_file() else "{}\n", encoding="utf-8")
        out = tmp_path / "drizzle"
        proc = subprocess.run(migrator_cmd() + ["generate", "drizzle", spec, "--out", str(out), "--client"],
                              capture_output=True, text=True, cwd=checkout)
        if proc.returncode != 0 or not (out / "db.ts").is_file():
            return None, "generate: " + (proc.stderr.strip().splitlines() or [f"exit {proc.returncode}"])[-1]
        client = os.path.relpath(out / "db", target).replace(os.sep, "/")
        client = client if client.startswith(".") else "./" + client
        start = time.perf_counter()
        proc = subprocess.run(migrator_cmd() + ["rewrite", "--rules", "prisma-drizzle", "--format", "json",
                                                "--drizzle-schema", f"drizzle:{out}", "--drizzle-client", f"{client}:db",
                                                "--prisma-schema", str(checkout / spec.split(":", 1)[1]), "."],
                              capture_output=True, text=True, cwd=target)
        wall = time.perf_counter() - start
        if proc.returncode not in (0, 1, 3):
            return None, "rewrite: " + (proc.stderr.strip().splitlines() or [f"exit {proc.returncode}"])[-1]
        try:
            report = json.loads(proc.stdout)
        except ValueError as exc:
            return None, f"unreadable rewrite output: {exc}"
        m = _measure_rewrite_ts(report, scan, under, list(rw.get("scan_missed") or []), wall)
        if m.changed_files and os.environ.get("MIGRATOR_ACCURACY_TSC", "1") != "0":
            m.tsc = tsc_compare(entry, checkout, sub, spec, out, sorted(p for p in m.changed))
    return m, ""


TSC = ROOT / "tests" / "node" / "node_modules" / "typescript" / "bin" / "tsc"
TSC_LOCATED = re.compile(r"^(?P<file>.*)\((?P<line>\d+),\d+\)$")
TSC_GLOBAL = re.compile(r"^error (?P<code>TS\d+): (?P<msg>.*)$")


@dataclass
class TscCompare:
    """`tsc --noEmit` (the pinned TypeScript of tests/node) on a copy of the checkout, before and after the rewrite is
    applied to it, per tsconfig.json nearest to a changed file. Diagnostics are compared per file as multisets of
    (code, message), not by line (a converted call moves the lines after it): a new error is one more (file, code,
    message) after than before, reported at its line in the converted file."""
    projects: list[str] = field(default_factory=list)
    before: int = 0
    after: int = 0
    new: list[str] = field(default_factory=list)   # "file:line: TSnnnn message" (after the rewrite)
    gone: int = 0                                  # diagnostics of before that are no longer there
    deps: str = ""                                 # where the app's node_modules came from, or "" (imports unresolved)
    skipped: str | None = None                     # why tsc could not be run (then no figure)
    wall: float = 0.0


def _tsc_diagnostics(project: str, cwd: Path, tmp: Path) -> tuple[list[tuple[str, int, str, str]] | None, str]:
    """(file, line, code, message) of every error of `tsc -p project --noEmit --pretty false --skipLibCheck` run in
    cwd; files outside cwd under tmp (the generated Drizzle schema and client) are named <tmp>/…. --skipLibCheck: the
    rewrite changes no .d.ts, and checking node_modules' declarations would only slow the two runs down."""
    try:
        proc = subprocess.run(["node", str(TSC), "-p", project, "--noEmit", "--pretty", "false", "--skipLibCheck"],
                              capture_output=True, text=True, cwd=cwd, timeout=1800,
                              env={**os.environ, "NODE_OPTIONS": "--max-old-space-size=6144"})
    except subprocess.TimeoutExpired:
        return None, f"tsc -p {project} timed out"
    diags: list[list] = []
    outside = os.path.relpath(tmp, cwd) + "/"  # how tsc names the generated Drizzle files (../../drizzle/…)
    for raw in proc.stdout.splitlines():
        if raw.startswith(" "):  # a chained message continues on indented lines
            if diags:
                diags[-1][3] += "\n" + raw.strip()
            continue
        # "path(line,col): error TSnnnn: message"; the path may hold parentheses (Next.js route groups),
        # so split at the first "): error TS" rather than with one regular expression over the line.
        at = raw.find(": error TS")
        where = TSC_LOCATED.match(raw[:at]) if at > 0 else None
        if where:
            code, _, msg = raw[at + len(": error "):].partition(": ")
            f = where["file"]
            f = "<tmp>/" + f[len(outside):] if f.startswith(outside) else f
            diags.append([f, int(where["line"]), code, msg])
        elif m := TSC_GLOBAL.match(raw):
            diags.append(["", 0, m["code"], m["msg"]])
    if proc.returncode not in (0, 1, 2) or (proc.returncode != 0 and not diags):
        return None, f"tsc -p {project}: exit {proc.returncode}: {_last_line(proc)}"
    return [tuple(d) for d in diags], ""


def tsc_compare(entry: dict, checkout: Path, sub: str, spec: str, drizzle: Path, changed: list[str]) -> TscCompare:
    """Copy the checkout (no .git, no node_modules) beside the generated Drizzle folder, run tsc with the
    tsconfig.json nearest to each changed file, apply the rewrite to the copy (--apply, the same options as the dry
    run), run tsc again and compare. node_modules: tests/node's (drizzle-orm and the drivers, for the generated
    client) one level above the copy; the app's own when $MIGRATOR_REALWORLD/.deps/<checkout>/node_modules exists
    (installed by hand, see the manifest's header), else its imports stay unresolved and only syntax and local
    type errors mean something."""
    res = TscCompare()
    if shutil.which("node") is None:
        res.skipped = "Node.js is not installed"
        return res
    if not TSC.is_file():
        res.skipped = f"{TSC.relative_to(ROOT)} is missing: make tests/node/node_modules/.installed"
        return res
    start = time.perf_counter()
    tmp = drizzle.parent
    copy = tmp / "tree" / checkout.name
    shutil.copytree(checkout, copy, ignore=COPY_IGNORE, symlinks=True)
    (tmp / "node_modules").symlink_to(NODE_MODULES, target_is_directory=True)
    deps = checkout.parent / ".deps" / checkout_name(entry) / "node_modules"
    if deps.is_dir():
        (copy / "node_modules").symlink_to(deps.resolve(), target_is_directory=True)
        res.deps = f"$MIGRATOR_REALWORLD/.deps/{checkout_name(entry)}/node_modules"
    target = copy / sub if sub else copy
    projects: list[str] = []
    for rel in changed:
        folder = Path(os.path.normpath(target / rel)).parent
        if not folder.is_relative_to(copy):
            continue  # the compat module written beside the generated client, outside the tree
        while True:
            if (folder / "tsconfig.json").is_file():
                project = (folder / "tsconfig.json").relative_to(copy).as_posix()
                if project not in projects:
                    projects.append(project)
                break
            if folder == copy:
                break
            folder = folder.parent
    res.projects = projects
    if not projects:
        res.skipped = "no tsconfig.json above the changed files"
        return res

    def diagnostics() -> tuple[collections.Counter, dict, str]:
        counts: collections.Counter = collections.Counter()
        where: dict = collections.defaultdict(list)
        seen: dict = {}
        for project in projects:
            diags, err = _tsc_diagnostics(project, copy, tmp)
            if diags is None:
                return counts, where, err
            seen.update(dict.fromkeys(diags))  # a file in two projects (the generated schema): its errors once
        for f, line, code, msg in seen:
            counts[(f, code, msg)] += 1
            where[(f, code, msg)].append(line)
        return counts, where, ""

    before, _, err = diagnostics()
    if err:
        res.skipped = err
        return res
    client = os.path.relpath(drizzle / "db", target).replace(os.sep, "/")
    client = client if client.startswith(".") else "./" + client
    proc = subprocess.run(migrator_cmd() + ["rewrite", "--rules", "prisma-drizzle", "--apply",
                                            "--drizzle-schema", f"drizzle:{drizzle}", "--drizzle-client", f"{client}:db",
                                            "--prisma-schema", str(copy / spec.split(":", 1)[1]), "."],
                          capture_output=True, text=True, cwd=target)
    if proc.returncode not in (0, 1, 3):
        res.skipped = "--apply on the copy failed: " + _last_line(proc)
        return res
    after, where, err = diagnostics()
    if err:
        res.skipped = err
        return res
    res.before, res.after = sum(before.values()), sum(after.values())
    res.gone = sum((before - after).values())
    for key, n in sorted((after - before).items()):
        f, code, msg = key
        lines = where[key]
        for line in lines[-n:] if n < len(lines) else lines:
            res.new.append(f"{f}:{line}: {code} {' '.join(msg.split())[:300]}")
    res.wall = time.perf_counter() - start
    return res


def _measure_rewrite_ts(report: dict, scan: dict, under: str, scan_missed: list[str], wall: float) -> RewriteTsMeasure:
    m = RewriteTsMeasure(wall=wall)
    changed: dict[str, set[int]] = {}
    for f in report.get("files", []):
        if f.get("status") == "changed" and f.get("diff"):
            changed[f["path"]] = changed_old_lines(f["diff"])
        elif f.get("status") in ("failed", "skipped") and _under(f["path"], under):
            m.failed.append(f"{f['path']}: {f['status']}: {' '.join((f.get('reason') or '').split())[:120]}")
            m.failed_files += 1
    m.changed_files = sum(1 for p in changed if _under(p, under))
    m.changed = changed
    finding_lines = collections.defaultdict(set)
    for fd in report.get("findings", []):
        if _under(fd["path"], under):
            m.findings += 1
            m.codes[fd["code"]] += 1
            finding_lines[fd["path"]].add(fd["line"])
    sites = []
    for f in scan.get("files", []):
        if not _under(f["path"], under):
            continue
        for s in f.get("sites", []):
            if s["layer"] == "prisma":
                m.prisma_sites += 1
                sites.append((f["path"], s["line"]))
    # Sites the scan misses, listed by hand in [entry.rewrite_ts] scan_missed ("path:line"): not in
    # prisma_sites (the scan's figure), but converted or silent all the same.
    for at in scan_missed:
        path, _, line = at.rpartition(":")
        if (path, int(line)) not in sites:
            sites.append((path, int(line)))
    for path, line in sites:
        if line in changed.get(path, ()):
            m.converted += 1
        elif line not in finding_lines.get(path, ()):
            m.silent += 1
            m.silent_at.append(f"{path}:{line}")
    return m


def _tsc_row(name: str, expected: int | None, measured: "RewriteTsMeasure | None", err: str) -> Row:
    """`rewrite_ts tsc_new_errors`: errors `tsc --noEmit` reports after the rewrite and not before (tsc_compare);
    0 when no file changed; shown as skipped (never a MISS) when tsc could not run or MIGRATOR_ACCURACY_TSC=0."""
    fig = "rewrite_ts tsc_new_errors"
    if measured is None:
        return Row(name, fig, expected, None, err)
    t = measured.tsc
    if t is None:
        if measured.changed_files:
            return Row(name, fig, expected, None, "MIGRATOR_ACCURACY_TSC=0", info="skipped")
        return Row(name, fig, expected, 0, "no file changed")
    if t.skipped:
        return Row(name, fig, expected, None, f"skipped: {t.skipped}", info="skipped")
    return Row(name, fig, expected, len(t.new), tsc_summary(t))


def tsc_summary(t: "TscCompare", limit: int | None = 20) -> str:
    """One line: the projects, where node_modules came from, the totals and the new errors (the first `limit`; all
    with None, as docs/accuracy.md lists them)."""
    deps = (f"with the app's node_modules ({t.deps})" if t.deps else
            "the app's own packages not installed (its imports unresolved: Prisma's types are `any` before, Drizzle's are "
            "resolved after, from tests/node)")
    text = (f"{', '.join(t.projects)}; {deps}; errors before {t.before}, after {t.after} ({t.gone} gone, {len(t.new)} new); "
            f"{t.wall:.0f} s")
    shown = t.new if limit is None else t.new[:limit]
    if shown:
        text += "; new: " + "; ".join(e[:240] for e in shown) + (f"; … {len(t.new) - len(shown)} more" if len(t.new) > len(shown) else "")
    return text


def rewrite_ts_rows(entry: dict, measured: RewriteTsMeasure | None, err: str) -> list[Row]:
    """[entry.rewrite_ts] figures against the measurement: silent and failed_files (0 unless said) always
    compared; prisma_sites unless `sites_checked = false`; converted and findings only once
    `rewrite_ts_checked` is not false."""
    name = entry["name"]
    exp = entry.get("rewrite_ts") or {}
    checked = {"prisma_sites": entry.get("sites_checked", True), "converted": entry.get("rewrite_ts_checked", True),
               "findings": entry.get("rewrite_ts_checked", True)}
    rows = []
    for fig in REWRITE_TS_FIGURES:
        always = fig in ("silent", "failed_files", "tsc_new_errors")
        e = exp.get(fig, 0 if always else None)
        e = int(e) if e is not None and (always or checked[fig]) else None
        if fig == "tsc_new_errors":
            rows.append(_tsc_row(name, e, measured, err))
            continue
        meas = None if measured is None else getattr(measured, fig)
        note = err
        if measured is not None and fig == "silent" and measured.silent_at:
            note = "e.g. " + ", ".join(measured.silent_at[:5])
        elif measured is not None and fig == "failed_files" and measured.failed:
            note = "; ".join(measured.failed[:3])
        elif measured is not None and fig == "findings" and measured.codes:
            note = ", ".join(f"{c} {n}" for c, n in sorted(measured.codes.items()))
        rows.append(Row(name, f"rewrite_ts {fig}", e, meas, note))
    # Conversions whose behaviour differs from Prisma's, found by reading hunks (rewrite_ts_notes says which were
    # read and lists each with file:line): shown, never measured.
    w = exp.get("wrong")
    rows.append(Row(name, "rewrite_ts wrong (by reading)", int(w) if w is not None else None, None, exp.get("wrong_read", "")))
    if measured is not None:
        rows.append(Row(name, "rewrite_ts wall time", None, None, "", info=f"{measured.wall:.1f} s"))
    return rows


# --- generate: `migrator generate drizzle SPEC --verify`, and drizzle-kit's own SQL of the output ---

NODE_MODULES = ROOT / "tests" / "node" / "node_modules"
DRIZZLE_KIT = NODE_MODULES / ".bin" / "drizzle-kit"


class GenerateEnv:
    """What the generate rows share over one run: one scratch PostgreSQL (started on first use,
    stopped at the end), a counter for the fresh database of each spec, and why drizzle-kit
    cannot run here (None when it can)."""

    def __init__(self) -> None:
        self.cluster = None
        self.cluster_error: str | None = None
        self.n = 0
        if shutil.which("node") is None:
            self.kit_missing: str | None = "Node.js is not installed"
        elif not DRIZZLE_KIT.exists():
            self.kit_missing = f"{DRIZZLE_KIT.relative_to(ROOT)} is missing: make tests/node/node_modules/.installed"
        else:
            self.kit_missing = None

    def server(self) -> str | None:
        """A PostgreSQL server URL: MIGRATOR_DEV_URL when set, else the run's scratch cluster."""
        if os.environ.get("MIGRATOR_DEV_URL"):
            return os.environ["MIGRATOR_DEV_URL"]
        if self.cluster is None and self.cluster_error is None:
            from migrator.pgcluster import EphemeralCluster

            try:
                self.cluster = EphemeralCluster().start()
            except Exception as exc:  # EngineUnavailable: no initdb/pg_ctl
                self.cluster_error = f"no scratch PostgreSQL: {exc}"
        return self.cluster.url if self.cluster is not None else None

    def fresh_database(self) -> tuple[str | None, str, str]:
        """(URL, name, error) of a new empty database on the server."""
        import psycopg
        from psycopg.conninfo import make_conninfo

        url = self.server()
        if url is None:
            return None, "", self.cluster_error or "no PostgreSQL server"
        self.n += 1
        name = f"migrator_generate_{os.getpid()}_{self.n}"
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')
        return (_with_database(url, name) if "://" in url else make_conninfo(url, dbname=name)), name, ""

    def drop_database(self, name: str) -> None:
        import psycopg

        try:
            with psycopg.connect(self.server(), autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        except Exception:
            pass  # left for the cluster's removal (or the DBA of MIGRATOR_DEV_URL) to clean up

    def close(self) -> None:
        if self.cluster is not None:
            self.cluster.stop()
            self.cluster = None


def _with_database(url: str, name: str) -> str:
    """The URL with its database replaced by `name` (query string kept)."""
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/" + name))


def _last_line(proc: subprocess.CompletedProcess) -> str:
    return (proc.stderr.strip().splitlines() or proc.stdout.strip().splitlines() or [f"exit {proc.returncode}"])[-1]


def run_generate(spec: str, checkout: Path, out: Path, dev_url: str | None, extra: list[str] = ()) -> tuple[dict | None, str]:
    """`migrator generate drizzle SPEC --out OUT --verify --format json [EXTRA]` in the checkout: its JSON
    report (exit 0: 0 changes, 1: changes left), or None and the one-line error (exit 2/3)."""
    cmd = migrator_cmd() + ["generate", "drizzle", spec, "--out", str(out), "--verify", "--format", "json", *extra]
    if dev_url:
        cmd += ["--dev-url", dev_url]
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=checkout)
    if proc.returncode not in (0, 1):
        return None, f"exit {proc.returncode}: {_last_line(proc)}"
    try:
        report = json.loads(proc.stdout)
        report["verify"]["changes"]
    except (ValueError, KeyError, TypeError) as exc:
        return None, f"unreadable generate output (exit {proc.returncode}): {exc}"
    return report, ""


def drizzle_kit_sql(folder: Path, dialect: str) -> tuple[str | None, str]:
    """The SQL the pinned drizzle-kit `generate` writes for the schema files of `folder` (its first
    migration from nothing), as tests/drizzle_kit.py runs it: a temporary drizzle.config.json with the
    dialect, the schema glob and out; NODE_PATH pointing at tests/node/node_modules."""
    with tempfile.TemporaryDirectory(prefix="migrator-drizzle-kit-") as tmp:
        config = Path(tmp) / "drizzle.config.json"
        config.write_text(json.dumps({"dialect": dialect, "schema": str(folder.resolve() / "*.ts"), "out": str(Path(tmp) / "out")}))
        env = {**os.environ, "NODE_PATH": str(NODE_MODULES)}
        try:
            proc = subprocess.run([str(DRIZZLE_KIT), "generate", "--config", str(config)], capture_output=True, text=True,
                                  env=env, cwd=tmp, timeout=600)
        except subprocess.TimeoutExpired:
            return None, "drizzle-kit generate timed out"
        files = sorted((Path(tmp) / "out").glob("*.sql"))
        if proc.returncode != 0 or not files:
            return None, f"drizzle-kit generate failed (exit {proc.returncode}): {_last_line(proc)}"
        return "\n".join(f.read_text(encoding="utf-8") for f in files), ""


def kit_changes(spec: str, checkout: Path, out: Path, dialect: str, env: GenerateEnv,
                extensions: tuple[str, ...] = ()) -> tuple[list[str] | None, str]:
    """The changes between SPEC (client-side defaults left out) and the database drizzle-kit's SQL
    of OUT builds (on PostgreSQL after creating the extensions SPEC has, and `extensions`: those a
    schema uses without declaring them); None and why when a step fails."""
    import contextlib
    import sqlite3

    from migrator.inspect import InspectOptions, load
    from migrator.schema import without_client_defaults
    from migrator.verify.diff import CompareOptions, compare

    sql, err = drizzle_kit_sql(out, dialect)
    if sql is None:
        return None, err
    try:
        with contextlib.chdir(checkout):
            source = load(spec, InspectOptions(dev_url=env.server() if dialect == "postgresql" or spec.startswith("sql:") else None))
    except Exception as exc:
        return None, f"cannot read {spec}: {' '.join(str(exc).split())[:200]}"
    if dialect == "sqlite":
        with tempfile.TemporaryDirectory(prefix="migrator-drizzle-kit-db-") as tmp:
            db = Path(tmp) / "built.db"
            try:
                with contextlib.closing(sqlite3.connect(db)) as conn:
                    conn.executescript(sql.replace("--> statement-breakpoint", ""))
                    conn.commit()
            except sqlite3.Error as exc:
                return None, f"drizzle-kit's SQL fails on SQLite: {exc}"
            built = load(f"sqlite:///{db}")
    else:
        import psycopg

        url, db_name, err = env.fresh_database()
        if url is None:
            return None, err
        try:
            with psycopg.connect(url, autocommit=True) as conn:
                # drizzle-kit never writes CREATE EXTENSION (the generated code names the source's
                # extensions in a `// migrator:` comment): created first, as a custom migration would.
                for ext in dict.fromkeys([e.name for e in source.extensions] + list(extensions)):
                    conn.execute(f'CREATE EXTENSION IF NOT EXISTS "{ext}"')
                # What the generated schema cannot declare (functions a default may call): first,
                # as the custom migration migrator's database-objects.sql is meant for.
                objects = out / "database-objects.sql"
                if objects.is_file():
                    conn.execute(objects.read_text(encoding="utf-8"))
                conn.execute(sql.replace("--> statement-breakpoint", ""))
            built = load(url)
        except psycopg.Error as exc:
            return None, f"drizzle-kit's SQL fails on PostgreSQL: {' '.join(str(exc).split())[:200]}"
        finally:
            env.drop_database(db_name)
    # As `migrator diff` does: expressions still spelled differently (a CHECK read from TypeScript,
    # the same CHECK as PostgreSQL reprints it) are printed back by the server before they count.
    options = CompareOptions(server_url=env.server() if dialect == "postgresql" else None)
    changes = compare(without_client_defaults(source), built, options).changes
    if dialect == "sqlite":
        changes = tuple(c for c in changes if c.kind != "alter_unique_kind")
    return [f"{c.kind} {c.path}: {c.message}" for c in changes], ""


def generate_rows(entry: dict, checkout: Path, env: GenerateEnv, res: EntryResult) -> list[Row]:
    """[entry.generate]: SPEC -> expected changes after --verify (normally 0), or an inline table
    {verify = N, drizzle_kit = M, extensions = ["pg_trgm"]}; SPEC may be followed by options of the
    command ("prisma:prisma/schema --layout per-prisma-file"); the drizzle-kit figure is expected 0
    unless said; `extensions` are created before drizzle-kit's SQL runs (a Prisma schema that uses
    gin_trgm_ops without declaring pg_trgm)."""
    name = entry["name"]
    rows = []
    for key, expected in (entry.get("generate") or {}).items():
        # The key is the spec, optionally followed by options of the command: "prisma:prisma/schema --layout per-prisma-file".
        spec, *extra = shlex.split(key)
        opts = expected if isinstance(expected, dict) else {"verify": expected}
        exp_verify, exp_kit = opts.get("verify", 0), opts.get("drizzle_kit", 0)
        fig = f"generate {key}"
        with tempfile.TemporaryDirectory(prefix="migrator-generate-") as tmp:
            out = Path(tmp) / "drizzle"
            report, err = run_generate(spec, checkout, out, env.server() if spec.startswith("sql:") else os.environ.get("MIGRATOR_DEV_URL"), extra)
            verify = None if report is None else report["verify"]
            rows.append(Row(name, fig, int(exp_verify), None if verify is None else int(verify["changes"]), err))
            if verify and verify.get("report"):
                res.details[fig] = verify["report"].rstrip().splitlines()
            kit_fig = f"{fig} drizzle-kit"
            if env.kit_missing:
                rows.append(Row(name, kit_fig, int(exp_kit), None, f"skipped: {env.kit_missing}", info="skipped"))
                continue
            if report is None:
                rows.append(Row(name, kit_fig, int(exp_kit), None, f"no generated files: {err}"))
                continue
            try:
                changes, err = kit_changes(spec, checkout, out, report.get("dialect") or "postgresql", env,
                                           tuple(opts.get("extensions") or ()))
            except Exception as exc:  # an unexpected failure of one spec must not stop the run
                changes, err = None, f"{type(exc).__name__}: {' '.join(str(exc).split())[:200]}"
            rows.append(Row(name, kit_fig, int(exp_kit), None if changes is None else len(changes), err))
            if changes:
                res.details[kit_fig] = changes
    return rows


# ---------------------------------------------------------------------------
# Real data: a committed SQLite file copied into PostgreSQL (`migrator copy`), then compared (`migrator verify data`)

COPY_CHECKPOINT = "_migrator_copy"  # copy's checkpoint table: left in TO by a copy that stopped, not a copied table


@dataclass
class DataMeasure:
    """What one copy + verify of an [entry.data] database measured (None: could not be measured)."""
    copy_exit: int | None = None
    copy_error: str = ""
    refused: int | None = None
    upgrades: collections.Counter | None = None  # target type -> columns upgraded, from the copy's plan
    upgrades_error: str = ""
    table_rows: dict[str, int] | None = None  # table -> rows found in TO after the copy (counted there)
    table_rows_error: str = ""
    verify_exit: int | None = None
    verify_error: str = ""
    verify_equal: int | None = None
    verify_compared: int | None = None
    verify_details: list[str] = field(default_factory=list)


def git_blob(path: Path) -> str | None:
    """The git blob id of a file (`git hash-object`): pins an extracted database to the manifest's commit."""
    try:
        out = subprocess.run(["git", "hash-object", str(path)], capture_output=True, text=True, check=True)
    except (OSError, subprocess.CalledProcessError):
        return None
    return out.stdout.strip()


def _error_line(proc: subprocess.CompletedProcess) -> str:
    """migrator's one-line error (`error: …`), else the last line of stderr: a PostgreSQL syntax error quoted
    in an internal error carries its LINE and caret lines after it."""
    lines = proc.stderr.strip().splitlines()
    return next((line for line in lines if line.startswith("error:")), None) or _last_line(proc)


def _copy_plan_decisions(from_url: str, to_url: str) -> tuple[list[dict] | None, str]:
    """The type decisions of `migrator copy --dry-run --format json` (reads FROM only), or None and the error."""
    proc = subprocess.run(migrator_cmd() + ["copy", from_url, to_url, "--dry-run", "--format", "json"], capture_output=True, text=True)
    if proc.returncode != 0:
        return None, f"dry run exit {proc.returncode}: {_error_line(proc)}"
    try:
        report = json.loads(proc.stdout)
        return list((report.get("plan") or report)["decisions"]), ""
    except (ValueError, KeyError, TypeError) as exc:
        return None, f"unreadable dry run output: {exc}"


def _rows_in_postgres(url: str) -> tuple[dict[str, int] | None, str]:
    """Every table of TO's public schema (copy's checkpoint table left out) and its row count, counted in TO."""
    import psycopg
    from psycopg import sql

    try:
        with psycopg.connect(url, autocommit=True) as conn:
            names = [r[0] for r in conn.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'"
                " ORDER BY table_name")]
            return {name: conn.execute(sql.SQL("SELECT count(*) FROM public.{}").format(sql.Identifier(name))).fetchone()[0]
                    for name in names if name != COPY_CHECKPOINT}, ""
    except psycopg.Error as exc:
        return None, f"cannot count TO's rows: {str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__}"


def run_data(entry: dict, checkout: Path, genv: "GenerateEnv") -> tuple[DataMeasure, list[str]]:
    """Copy the entry's database file (a temporary copy of it: the checkout is never written) into a fresh
    database on the run's scratch PostgreSQL with `migrator copy … --on-error report`, count TO's rows there,
    then `migrator verify data FROM TO --format json`. Returns the measure and warnings."""
    m = DataMeasure()
    warnings: list[str] = []
    source = checkout / entry["database"]
    if not source.is_file():
        m.copy_error = m.upgrades_error = m.table_rows_error = m.verify_error = f"no database file at {source}"
        return m, warnings
    if entry.get("blob") and git_blob(source) != entry["blob"]:
        warnings.append(f"{entry['database']} is not blob {entry['blob']} of the pinned commit")
    url, dbname, err = genv.fresh_database()
    if url is None:
        m.copy_error = m.upgrades_error = m.table_rows_error = m.verify_error = err
        return m, warnings
    try:
        with tempfile.TemporaryDirectory(prefix="migrator-data-") as tmp:
            db = Path(tmp) / Path(entry["database"]).name
            shutil.copyfile(source, db)
            from_url = f"sqlite:///{db}"
            decisions, m.upgrades_error = _copy_plan_decisions(from_url, url)
            if decisions is not None:
                m.upgrades = collections.Counter(d["target"] for d in decisions)
            rejects = Path(tmp) / "rejects.jsonl"
            proc = subprocess.run(migrator_cmd() + ["copy", from_url, url, "--format", "json", "--on-error", "report",
                                                    "--rejects", str(rejects)], capture_output=True, text=True)
            m.copy_exit = proc.returncode
            if proc.returncode not in (0, 1):
                m.copy_error = _error_line(proc)
            if rejects.exists():
                m.refused = sum(1 for line in rejects.read_text(encoding="utf-8").splitlines() if line.strip())
            elif proc.returncode in (0, 1):
                m.refused = 0
            m.table_rows, m.table_rows_error = _rows_in_postgres(url)
            proc = subprocess.run(migrator_cmd() + ["verify", "data", from_url, url, "--format", "json"], capture_output=True, text=True)
            m.verify_exit = proc.returncode
            if proc.returncode in (0, 1):
                try:
                    status = {t["table"]: t.get("status") for t in json.loads(proc.stdout)["tables"]}
                    expected = set(entry["data"].get("table_rows") or {})
                    # the file's tables only: a table left in TO by a stopped copy (its checkpoint) is a detail, not a figure
                    m.verify_compared = sum(t in status for t in expected)
                    m.verify_equal = sum(status.get(t) == "equal" for t in expected)
                    m.verify_details = [f"{t}: {status.get(t, 'not compared')}" for t in sorted(expected | set(status))
                                        if status.get(t) != "equal"]
                except (ValueError, KeyError, TypeError) as exc:
                    m.verify_error = f"unreadable verify output: {exc}"
            else:
                m.verify_error = _error_line(proc)
    finally:
        genv.drop_database(dbname)
    return m, warnings


def data_rows(entry: dict, m: DataMeasure, res: EntryResult) -> list[Row]:
    """The `copy …` and `verify data …` rows of an [entry.data] entry (expected figures from the manifest)."""
    name = entry["name"]
    data = entry["data"]
    expected_rows = {k: int(v) for k, v in (data.get("table_rows") or {}).items()}
    n_tables = len(expected_rows)
    rows = [Row(name, "copy exit", int(data.get("copy_exit", 0)), m.copy_exit, m.copy_error)]
    measured = m.table_rows
    rows.append(Row(name, "copy tables", n_tables, None if measured is None else len(measured), m.table_rows_error or m.copy_error))
    rows.append(Row(name, "copy rows", sum(expected_rows.values()), None if measured is None else sum(measured.values()),
                    m.table_rows_error or m.copy_error))
    if measured is not None:
        off = [f"{t}: expected {expected_rows[t] if t in expected_rows else '(no such table)'}, "
               f"measured {measured[t] if t in measured else '(not in TO)'}"
               for t in sorted(set(expected_rows) | set(measured)) if expected_rows.get(t) != measured.get(t)]
        res.details["copy tables with their rows"] = off
    rows.append(Row(name, "copy tables with their rows", n_tables,
                    None if measured is None else sum(measured.get(t) == n for t, n in expected_rows.items()),
                    m.table_rows_error or m.copy_error))
    rows.append(Row(name, "copy rows refused", int(data.get("refused", 0)), m.refused, m.copy_error))
    expected_up = {k: int(v) for k, v in (data.get("upgrades") or {}).items()}
    for target in sorted(set(expected_up) | set(m.upgrades or {})):
        rows.append(Row(name, f"copy upgrades -> {target}", expected_up.get(target, 0),
                        None if m.upgrades is None else m.upgrades.get(target, 0), m.upgrades_error))
    if not expected_up and m.upgrades is None:
        rows.append(Row(name, "copy upgrades", 0, None, m.upgrades_error))
    rows.append(Row(name, "verify data exit", int(data.get("verify_exit", 0)), m.verify_exit, m.verify_error))
    rows.append(Row(name, "verify data tables compared", int(data.get("verify_compared", n_tables)), m.verify_compared, m.verify_error))
    rows.append(Row(name, "verify data tables equal", int(data.get("verify_equal", n_tables)), m.verify_equal, m.verify_error))
    res.details["verify data tables equal"] = m.verify_details
    return rows


def extract_data_file(mirror: Path, entry: dict, dest: Path) -> str:
    """Write the entry's database file, as blob of its pinned commit in the mirror (bare or not), to dest/<database>."""
    target = dest / entry["database"]
    proc = subprocess.run(["git", "-C", str(mirror), "cat-file", "blob", f"{entry['commit']}:{entry['database']}"],
                          capture_output=True)
    if proc.returncode != 0:
        return proc.stderr.decode(errors="replace").strip() or f"git cat-file exit {proc.returncode}"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(proc.stdout)
    return ""


def evaluate(entry: dict, base: Path, genv: "GenerateEnv | None" = None) -> EntryResult:
    name = entry["name"]
    res = EntryResult(name)
    shared_env = genv  # the run's; an entry without one gets (and closes) its own
    checkout = base / checkout_name(entry)
    if not checkout.is_dir():
        res.skipped = f"no checkout at {checkout}"
        return res
    head = git_head(checkout)
    if entry.get("data") is not None and head is None:
        pass  # the database file alone, extracted from the pinned commit: run_data checks its blob id
    elif head != entry["commit"]:
        res.warnings.append(f"HEAD is {head or 'unknown'}, manifest pins {entry['commit']}")
    for source, expected in (entry.get("tables") or {}).items():
        measured, err = run_inspect(source, checkout)
        res.rows.append(Row(name, f"tables {source}", int(expected), measured, err))
    for pair, expected in (entry.get("drift") or {}).items():
        measured, err = run_drift(pair, entry, checkout)
        res.rows.append(Row(name, f"drift {pair}", int(expected), measured, err))
    if entry.get("generate"):
        own = genv is None
        genv = GenerateEnv() if own else genv
        try:
            res.rows += generate_rows(entry, checkout, genv, res)
        finally:
            if own:
                genv.close()
    if entry.get("data") is not None:
        data_env = shared_env or GenerateEnv()
        try:
            measure, warnings = run_data(entry, checkout, data_env)
        finally:
            if shared_env is None:
                data_env.close()
        res.warnings += warnings
        res.rows += data_rows(entry, measure, res)
    if entry.get("rewrite_ts") is not None:  # its own scan: also for entries with scan = false
        measured_ts, ts_err = run_rewrite_ts(entry, checkout)
        res.rows += rewrite_ts_rows(entry, measured_ts, ts_err)
        res.rewrite_ts = measured_ts
    if not entry.get("scan", True):
        return res
    expected_sites = {k: int(v) for k, v in (entry.get("sites") or {}).items()}
    target = checkout / entry["subpath"] if entry.get("subpath") else checkout
    scan, err = run_scan(target)
    measured_sites: collections.Counter = collections.Counter()
    under = (entry.get("count_under") or "").strip("/")
    if scan is not None:
        for f in scan.get("files", []):
            if under and not (f["path"] == under or f["path"].startswith(under + "/")):
                continue
            for s in f.get("sites", []):
                measured_sites[s["layer"]] += 1
                res.sites_by_file.setdefault(s["layer"], collections.Counter())[f["path"]] += 1
    checked = entry.get("sites_checked", True)
    for layer in sorted(set(expected_sites) | set(measured_sites)):
        res.rows.append(Row(
            name, f"sites {layer}", expected_sites.get(layer, 0) if checked else None,
            None if scan is None else measured_sites.get(layer, 0), err,
        ))
    if entry.get("rewrite") is not None:
        if scan is None:
            res.rows += rewrite_rows(entry, None, f"no scan: {err}")
        else:
            measured, rw_err = run_rewrite(target, scan, under, list(entry["rewrite"].get("scan_missed") or []))
            res.rows += rewrite_rows(entry, measured, rw_err)
            if measured is not None:
                res.rewrite = measured
    return res


def print_table(results: list[EntryResult], verbose: bool, expected_by_file: dict) -> None:
    rows = [r for res in results for r in res.rows]
    w_entry = max([len("entry")] + [len(r.entry) for r in rows])
    w_fig = max([len("figure")] + [len(r.figure) for r in rows])
    print(f"{'entry':<{w_entry}}  {'figure':<{w_fig}}  {'expected':>8}  {'measured':>8}  result")
    for res in results:
        if res.skipped:
            print(f"{res.name:<{w_entry}}  skipped: {res.skipped}")
            continue
        for w in res.warnings:
            print(f"{res.name:<{w_entry}}  warning: {w}")
        for r in res.rows:
            meas = r.shown
            shows_note = r.note and (not r.ok or r.figure in ("rewrite silent", "rewrite failed_files", "rewrite_ts findings",
                                                              "rewrite_ts silent", "rewrite_ts failed_files", "rewrite_ts tsc_new_errors")
                                         or r.info == "skipped")
            note = f"  ({r.note})" if shows_note else ""
            exp = "-" if r.expected is None else str(r.expected)
            print(f"{r.entry:<{w_entry}}  {r.figure:<{w_fig}}  {exp:>8}  {meas:>8}  {r.result}{note}")
            if verbose and not r.ok and r.figure in res.details:
                for line in res.details[r.figure]:
                    print(f"{'':<{w_entry}}    {line}")
            if verbose and r.figure == "rewrite silent" and res.rewrite is not None:
                for at in res.rewrite.silent_at:
                    print(f"{'':<{w_entry}}    silent: {at}")
            if verbose and r.figure == "rewrite_ts silent" and res.rewrite_ts is not None:
                for at in res.rewrite_ts.silent_at:
                    print(f"{'':<{w_entry}}    silent: {at}")
            if verbose and not r.ok and r.figure.startswith("sites "):
                layer = r.figure.split(" ", 1)[1]
                per_file = res.sites_by_file.get(layer, collections.Counter())
                exp = expected_by_file.get(res.name, {}).get(layer, {})
                for path in sorted(set(per_file) | set(exp)):
                    e = exp.get(path)
                    m = per_file.get(path, 0)
                    if e is None or e != m:
                        print(f"{'':<{w_entry}}    {path}: measured {m}" + ("" if e is None else f", expected {e}"))


def rewrite_ts_table(results: list[EntryResult], by_name: dict) -> list[str]:
    """The "rewrite: Prisma -> Drizzle" section: one row per entry with an [entry.rewrite_ts]."""
    rows = [res for res in results if not res.skipped and any(r.figure.startswith("rewrite_ts ") for r in res.rows)]
    if not rows:
        return []
    out = [
        "",
        "## rewrite: Prisma -> Drizzle",
        "",
        "`migrator rewrite --rules prisma-drizzle --format json .` (a dry run) of the scanned folder, against the Drizzle",
        "schema and client `migrator generate drizzle <prisma> --client` writes to a temporary folder. **sites** = the",
        "prisma sites counted by hand (the scan's figure measured), **converted** = sites whose own line the diff",
        "rewrites, **findings** = findings reported, **silent** = a scan site neither converted nor with a finding on",
        "its line (must be 0), **failed** = files listed as failed or skipped, **tsc new** = errors the pinned",
        "`tsc --noEmit` (tests/node) reports on a copy of the checkout once the rewrite is applied to it and not before,",
        "with the tsconfig.json nearest to each changed file, compared per file by (code, message) as multisets rather",
        "than by line (must be 0, or listed with file:line and why; the projects, the error totals and whether the",
        "app's own node_modules were installed, without which its package imports are unresolved and only syntax and",
        "local type errors mean anything, are in the notes). Each cell is the measured figure, with the expected one",
        "when they differ; _unchecked_ marks a figure not counted or read by hand yet.",
        "",
        "**wrong** = conversions whose behaviour differs from Prisma's, found by reading converted hunks (which hunks",
        "were read, and every wrong one with file:line, are in the notes; not measured by the script).",
        "",
        "| entry | sites | converted | findings | silent | failed | tsc new | wrong (read) |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for res in rows:
        by_fig = {r.figure[len("rewrite_ts "):]: r for r in res.rows if r.figure.startswith("rewrite_ts ")}
        cells = []
        for fig in REWRITE_TS_FIGURES:
            r = by_fig.get(fig)
            if r is None:
                cells.append("—")
            elif r.unchecked:
                cells.append(f"{r.shown} _unchecked_")
            else:
                cells.append(r.shown if r.ok else f"**{r.shown}** (expected {r.expected})")
        wrong = by_fig.get("wrong (by reading)")
        cells.append("not read yet" if wrong is None or wrong.expected is None
                     else f"{wrong.expected} of {wrong.note}" if wrong.note else str(wrong.expected))
        out.append(f"| {res.name} | " + " | ".join(cells) + " |")
    notes = [(res.name, by_name[res.name].get("rewrite_ts_notes", "")) for res in rows if by_name[res.name].get("rewrite_ts_notes")]
    if notes:
        out += ["", "Notes:", ""] + [f"- **{name}**: {' '.join(text.split())}" for name, text in notes]
    tsc = []
    for res in rows:
        t = res.rewrite_ts.tsc if res.rewrite_ts is not None else None
        note = next((r.note for r in res.rows if r.figure == "rewrite_ts tsc_new_errors"), "")
        if t is not None and not t.skipped:
            tsc.append((res.name, tsc_summary(t, limit=0), t.new))
        elif note:
            tsc.append((res.name, note, []))
    if tsc:
        out += ["", "`tsc --noEmit` before and after (tsc new; why each new error is there: the entry's rewrite_ts_notes):", ""]
        for name, text, new in tsc:
            out.append(f"- **{name}**: {text}" + (":" if new else ""))
            out += [f"  - `{' '.join(e.split())[:300]}`" for e in new]
    return out


def write_doc(path: Path, results: list[EntryResult], entries: list[dict]) -> None:
    commit = git_head(ROOT) or "unknown"
    dirty = subprocess.run(["git", "-C", str(ROOT), "status", "--porcelain", "--untracked-files=no"], capture_output=True, text=True).stdout.strip()
    if dirty:
        commit += "` (plus uncommitted changes in the work tree)`"
    today = _dt.date.today().isoformat()
    by_name = {e["name"]: e for e in entries}
    total = [r for res in results for r in res.rows if not r.unchecked]
    ok = sum(r.ok for r in total)
    lines = [
        "# Real-world accuracy",
        "",
        f"Measured {today} with migrator at commit `{commit}`".replace("``", "") + f": {ok} of {len(total)} figures match.",
        "",
        "Each row compares a figure migrator produced with the figure counted **by hand** in a public",
        "repository at a pinned commit (grep plus reading; never by migrator). The entries, the",
        "expected figures and how each was checked are in `bench/realworld/manifest.toml`.",
        "",
        "## Reproduce",
        "",
        "1. Pick a folder outside the repository for the checkouts and export it:",
        "   `export MIGRATOR_REALWORLD=/path/to/realworld`.",
        "2. Make one checkout per entry at `$MIGRATOR_REALWORLD/<name>`, at the commit listed below",
        "   (`git clone <repo> $MIGRATOR_REALWORLD/<name> && git -C $MIGRATOR_REALWORLD/<name> checkout <commit>`;",
        "   with bare mirrors at hand, `bench/realworld/checkout.sh DIR` or",
        "   `python bench/realworld/run.py --checkout-from-mirrors DIR` does it). A `data:` entry needs only its database",
        "   file at `$MIGRATOR_REALWORLD/<name>/<database>` (`git -C <clone> cat-file blob <commit>:<database>`; the",
        "   mirrors route extracts just that file), and a PostgreSQL server (MIGRATOR_DEV_URL, or initdb/pg_ctl on PATH).",
        "3. `make accuracy` (entries without a checkout are skipped and listed as such).",
        "",
        "## Entries",
        "",
        "| entry | repository | commit | kind | scanned |",
        "| --- | --- | --- | --- | --- |",
    ]
    for e in entries:
        scanned = f"`{e.get('subpath') or '.'}`" + (f", sites counted under `{e['count_under']}`" if e.get("count_under") else "")
        if e.get("data") is not None:
            scanned = f"database `{e['database']}` copied and verified"
        lines.append(f"| {e['name']} | `{e['repo']}` | `{e['commit']}` | {e['kind']} | {scanned} |")
    lines += ["", "## Expected vs measured", "", "| entry | figure | expected | measured | result |", "| --- | --- | ---: | ---: | --- |"]
    for res in results:
        if res.skipped:
            lines.append(f"| {res.name} | — | — | — | skipped: no checkout |")
            continue
        for r in res.rows:
            if r.figure.startswith(("rewrite ", "rewrite_ts ")):
                continue
            meas = r.shown
            exp = "—" if r.expected is None else str(r.expected)
            res_txt = {"ok": "ok", "MISS": "**MISS**", "unchecked": "not checked by hand yet", "info": r.note or "info"}[r.result]
            lines.append(f"| {r.entry} | {r.figure} | {exp} | {meas} | {res_txt} |")
    lines += rewrite_table(results, by_name)
    lines += rewrite_ts_table(results, by_name)
    # Only entries that miss now: the manifest keeps each entry's history of misses, the doc the present.
    # (generate rows have their own notes, [entry.generate_notes], below)
    missing = {r.entry for res in results for r in res.rows if r.result == "MISS" and not r.figure.startswith("generate ")}
    notes = [(res.name, by_name[res.name].get("known_misses", "")) for res in results
             if res.name in missing and by_name[res.name].get("known_misses")]
    # [entry.generate_notes]: per spec, what a missing `generate SPEC` / `generate SPEC drizzle-kit` figure is.
    for res in results:
        specs = dict.fromkeys(r.figure[len("generate "):].removesuffix(" drizzle-kit") for r in res.rows
                              if r.result == "MISS" and r.figure.startswith("generate "))
        for spec in specs:
            text = (by_name[res.name].get("generate_notes") or {}).get(spec)
            if text:
                notes.append((res.name, f"`generate {spec}`: {text}"))
    if notes:
        lines += ["", "## Why the misses", ""]
        for name, text in notes:
            lines.append(f"- **{name}**: {' '.join(text.split())}")
    lines.append("")
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text("\n".join(lines))
    tmp.replace(path)


def rewrite_table(results: list[EntryResult], by_name: dict) -> list[str]:
    """The "rewrite: SQLAlchemy 1.x -> 2.0" section: one row per entry with an [entry.rewrite]."""
    rows = [res for res in results if not res.skipped and any(r.figure.startswith("rewrite ") for r in res.rows)]
    if not rows:
        return []
    out = [
        "",
        "## rewrite: SQLAlchemy 1.x -> 2.0",
        "",
        "A default `migrator rewrite --format json` (no options; a dry run) of the scanned folder, measured",
        "against the scan's `sqlalchemy-legacy` sites of the counted folder: **converted** = a site whose",
        "own line the diff rewrites, **findings** = findings reported in the counted folder, **silent** = a",
        "legacy site neither converted nor with a finding on its line (must be 0), **wrong** = conversions",
        "whose behaviour differs, found by reading the diff (not measured by the script), **failed** = files",
        "of the counted folder on which a rule failed (exit 3; others elsewhere are listed below), **compile** =",
        "changed files that no longer compile once the rewrite is applied to a temporary copy,",
        "**2nd run** = files a second rewrite of that copy would still change. Each cell is the measured",
        "figure; `(expected N)` follows a figure that differs from the hand-checked one, `(not checked)`",
        "one whose expected figure is not verified by reading yet (`rewrite_checked = false`).",
        "",
        "| entry | counted folder | legacy sites | converted | findings | silent | wrong | failed | compile | 2nd run | wall time |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    order = ["legacy_sites", "converted", "findings", "silent", "wrong (by reading)", "failed_files", "compile_failures", "second_run_changes"]
    for res in rows:
        e = by_name[res.name]
        folder = e.get("count_under") or e.get("subpath") or "."
        by_fig = {r.figure[len("rewrite "):]: r for r in res.rows if r.figure.startswith("rewrite ")}
        cells = []
        for fig in order:
            r = by_fig.get(fig)
            if r is None:
                cells.append("—")
            elif fig == "wrong (by reading)":
                if r.expected is not None:
                    cells.append(f"{r.expected} (read)")
                else:  # read on an earlier run of the changing engine: what was found is in the notes
                    cells.append("see notes" if e.get("rewrite_notes") else "not read yet")
            elif r.result == "MISS":
                cells.append(f"**{r.shown}** (expected {r.expected})")
            elif r.result == "unchecked":
                cells.append(f"{r.shown} (not checked)")
            else:
                cells.append(r.shown)
        wall = by_fig.get("wall time")
        cells.append(wall.shown if wall else "—")
        out.append(f"| {res.name} | `{folder}` | " + " | ".join(cells) + " |")
    conv = [(res.name, by_name[res.name]) for res in rows if by_name[res.name].get("conversion")]
    if conv:
        out += ["", "Maintainers' own conversions (compared hunk by hunk with migrator's default rewrite by",
                "`bench/realworld/compare_commit.py ENTRY`: reproduced / differs (to read) / missed / extra):", ""]
        for name, e in conv:
            out.append(f"- **{name}**: `{e['commit'][:10]}` -> `{e['conversion'][:10]}`. {' '.join((e.get('conversion_notes') or '').split())}")
    notes = [(res.name, by_name[res.name].get("rewrite_notes", "")) for res in rows if by_name[res.name].get("rewrite_notes")]
    notes += [(res.name, "a rule failed on " + "; ".join(res.rewrite.failed)) for res in rows
              if res.rewrite is not None and res.rewrite.failed]
    if notes:
        out += ["", "### Rewrite notes", ""]
        for name, text in notes:
            out.append(f"- **{name}**: {' '.join(text.split())}")
    return out


def find_mirror(mirrors: Path, repo: str) -> Path | None:
    owner, name = repo.split("/", 1)
    for cand in (mirrors / f"{owner}+{name}" / "repo", mirrors / f"{owner}+{name}", mirrors / owner / f"{name}.git", mirrors / owner / name):
        if cand.is_dir():
            return cand
    return None


def checkout_from_mirrors(mirrors: Path, base: Path, entries: list[dict]) -> int:
    base.mkdir(parents=True, exist_ok=True)
    status = 0
    for e in entries:
        dest = base / checkout_name(e)
        mirror = find_mirror(mirrors, e["repo"])
        if e.get("data") is not None:  # only the database file is needed, extracted from the pinned commit
            if (dest / e["database"]).is_file() and git_blob(dest / e["database"]) == e.get("blob"):
                print(f"{e['name']}: {e['database']} already extracted")
                continue
            err = f"no mirror of {e['repo']} under {mirrors}" if mirror is None else extract_data_file(mirror, e, dest)
            print(f"{e['name']}: {err or e['database'] + ' of ' + e['commit']}")
            status = status or (1 if err else 0)
            continue
        if dest.is_dir():
            head = git_head(dest)
            if head == e["commit"]:
                print(f"{e['name']}: already at {head}")
                continue
        elif mirror is None:
            print(f"{e['name']}: no mirror of {e['repo']} under {mirrors}")
            status = 1
            continue
        else:
            subprocess.run(["git", "clone", "-q", "--no-checkout", str(mirror), str(dest)], check=True)
        proc = subprocess.run(["git", "-C", str(dest), "checkout", "-q", "--detach", e["commit"]], capture_output=True, text=True)
        if proc.returncode != 0:
            print(f"{e['name']}: checkout of {e['commit']} failed: {proc.stderr.strip()}")
            status = 1
        else:
            print(f"{e['name']}: {e['commit']}")
    return status


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--manifest", type=Path, default=MANIFEST)
    ap.add_argument("--only", action="append", default=[], help="only this entry (repeatable)")
    ap.add_argument("--write", type=Path, metavar="FILE", help="rewrite FILE (docs/accuracy.md) with the table")
    ap.add_argument("--checkout-from-mirrors", type=Path, metavar="DIR", help="make the checkouts from bare git mirrors in DIR, then stop")
    ap.add_argument("-v", "--verbose", action="store_true", help="per-file sites of every MISS")
    args = ap.parse_args(argv)

    base_env = os.environ.get(ENV)
    if not base_env:
        print(f"{ENV} is not set: point it at the folder holding the checkouts (see bench/realworld/run.py)", file=sys.stderr)
        return 2
    base = Path(base_env)
    entries = load_manifest(args.manifest)
    if args.only:
        unknown = set(args.only) - {e["name"] for e in entries}
        if unknown:
            print(f"unknown entries: {', '.join(sorted(unknown))}", file=sys.stderr)
            return 2
        entries = [e for e in entries if e["name"] in args.only]
    if args.checkout_from_mirrors:
        return checkout_from_mirrors(args.checkout_from_mirrors, base, entries)

    genv = GenerateEnv()
    try:
        results = [evaluate(e, base, genv) for e in entries]
    finally:
        genv.close()
    expected_by_file = {e["name"]: e.get("sites_by_file", {}) for e in entries}
    print_table(results, args.verbose, expected_by_file)
    if genv.kit_missing and any(e.get("generate") for e in entries):
        print(f"note: the `generate … drizzle-kit` figures were skipped: {genv.kit_missing}")
    if args.write:
        write_doc(args.write, results, entries)
        print(f"wrote {args.write}")
    rows = [r for res in results for r in res.rows if not r.unchecked]
    skipped = [res.name for res in results if res.skipped]
    misses = sum(not r.ok for r in rows)
    print(f"{len(rows) - misses} of {len(rows)} figures match; {misses} MISS; {len(skipped)} entries skipped")
    return 0 if misses == 0 else 1


if __name__ == "__main__":
    sys.exit(main())

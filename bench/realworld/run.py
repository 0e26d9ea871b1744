"""Real-world accuracy harness: migrator's figures against figures checked by hand.

Every entry of manifest.toml names a public repository at a pinned commit, the schema
sources to inspect with their expected table counts, and the expected call sites per
layer for `migrator scan`. The expected figures were counted by hand (grep plus
reading), never by migrator; each entry's `how_checked` says how.

This script fetches nothing. It looks for a checkout of each entry at
$MIGRATOR_REALWORLD/<name> (skipping, and saying so, when it is missing; warning when its
HEAD is not the pinned commit), runs migrator through its CLI and prints

    entry  figure  expected  measured  ok/MISS

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
import shutil
import subprocess
import sys
import tempfile
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

    @property
    def unchecked(self) -> bool:
        """No hand-checked figure yet (the entry says sites_checked = false): shown, never a MISS."""
        return self.expected is None

    @property
    def ok(self) -> bool:
        return self.unchecked or self.expected == self.measured

    @property
    def result(self) -> str:
        return "unchecked" if self.unchecked else ("ok" if self.ok else "MISS")


@dataclass
class EntryResult:
    name: str
    rows: list[Row] = field(default_factory=list)
    skipped: str | None = None
    warnings: list[str] = field(default_factory=list)
    sites_by_file: dict[str, collections.Counter] = field(default_factory=dict)


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


def evaluate(entry: dict, base: Path) -> EntryResult:
    name = entry["name"]
    res = EntryResult(name)
    checkout = base / name
    if not checkout.is_dir():
        res.skipped = f"no checkout at {checkout}"
        return res
    head = git_head(checkout)
    if head != entry["commit"]:
        res.warnings.append(f"HEAD is {head or 'unknown'}, manifest pins {entry['commit']}")
    for source, expected in (entry.get("tables") or {}).items():
        measured, err = run_inspect(source, checkout)
        res.rows.append(Row(name, f"tables {source}", int(expected), measured, err))
    for pair, expected in (entry.get("drift") or {}).items():
        measured, err = run_drift(pair, entry, checkout)
        res.rows.append(Row(name, f"drift {pair}", int(expected), measured, err))
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
            meas = "error" if r.measured is None else str(r.measured)
            note = f"  ({r.note})" if r.note and not r.ok else ""
            exp = "-" if r.expected is None else str(r.expected)
            print(f"{r.entry:<{w_entry}}  {r.figure:<{w_fig}}  {exp:>8}  {meas:>8}  {r.result}{note}")
            if verbose and not r.ok and r.figure.startswith("sites "):
                layer = r.figure.split(" ", 1)[1]
                per_file = res.sites_by_file.get(layer, collections.Counter())
                exp = expected_by_file.get(res.name, {}).get(layer, {})
                for path in sorted(set(per_file) | set(exp)):
                    e = exp.get(path)
                    m = per_file.get(path, 0)
                    if e is None or e != m:
                        print(f"{'':<{w_entry}}    {path}: measured {m}" + ("" if e is None else f", expected {e}"))


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
        "   `python bench/realworld/run.py --checkout-from-mirrors DIR` does it).",
        "3. `make accuracy` (entries without a checkout are skipped and listed as such).",
        "",
        "## Entries",
        "",
        "| entry | repository | commit | kind | scanned |",
        "| --- | --- | --- | --- | --- |",
    ]
    for e in entries:
        scanned = f"`{e.get('subpath') or '.'}`" + (f", sites counted under `{e['count_under']}`" if e.get("count_under") else "")
        lines.append(f"| {e['name']} | `{e['repo']}` | `{e['commit']}` | {e['kind']} | {scanned} |")
    lines += ["", "## Expected vs measured", "", "| entry | figure | expected | measured | result |", "| --- | --- | ---: | ---: | --- |"]
    for res in results:
        if res.skipped:
            lines.append(f"| {res.name} | — | — | — | skipped: no checkout |")
            continue
        for r in res.rows:
            meas = "error" if r.measured is None else str(r.measured)
            exp = "—" if r.expected is None else str(r.expected)
            res_txt = {"ok": "ok", "MISS": "**MISS**", "unchecked": "not checked by hand yet"}[r.result]
            lines.append(f"| {r.entry} | {r.figure} | {exp} | {meas} | {res_txt} |")
    # Only entries that miss now: the manifest keeps each entry's history of misses, the doc the present.
    missing = {r.entry for res in results for r in res.rows if r.result == "MISS"}
    notes = [(res.name, by_name[res.name].get("known_misses", "")) for res in results
             if res.name in missing and by_name[res.name].get("known_misses")]
    if notes:
        lines += ["", "## Why the misses", ""]
        for name, text in notes:
            lines.append(f"- **{name}**: {' '.join(text.split())}")
    lines.append("")
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text("\n".join(lines))
    tmp.replace(path)


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
        dest = base / e["name"]
        mirror = find_mirror(mirrors, e["repo"])
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

    results = [evaluate(e, base) for e in entries]
    expected_by_file = {e["name"]: e.get("sites_by_file", {}) for e in entries}
    print_table(results, args.verbose, expected_by_file)
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

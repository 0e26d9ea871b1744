"""Run `migrator diff A B --emit sql` over other schema-diff tools' PostgreSQL test suites.

For each case: databases A (FROM) and B (TO) on one scratch PostgreSQL; the first diff
(`--format json`: what it reports and what it declares not modeled); the fix (`--emit sql`),
applied to A with psql in one transaction; the re-diff; then `pg_dump -s --no-owner` of A
and B compared object by object (classify.py). Every case ends in one outcome (model.OUTCOMES,
or "load error" / "skipped"), and every non-pass case carries its differing dump lines and
their guessed categories. See docs/peer-suites.md.

    .venv/bin/python bench/peer_suites/run.py --root /work/peersuites --jobs 8
    .venv/bin/python bench/peer_suites/run.py --suite migra --only everything -v
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import multiprocessing
import time
from collections import Counter, defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(REPO))

import worker  # noqa: E402
from model import OUTCOMES, Case, Result  # noqa: E402

# migrator itself is imported only inside main(): a spawned worker re-imports this module and
# must be free to take the package from --migrator-src.

SUITES = {
    "migra": "suite_migra",
    "pgschema": "suite_pgschema",
    "pg-schema-diff": "suite_pg_schema_diff",
    "sqldef": "suite_sqldef",
}
MIGRATOR = str(Path(sys.executable).parent / "migrator")
TABLE_COLUMNS = ("cases", "skipped", "load error", "loaded", *OUTCOMES)
MAX_JOBS = 10  # the cluster allows 40 connections; a case holds up to 3 at once


def _pg_bin(name: str) -> str:
    """The client of the server's own version (found next to initdb, as pgcluster finds it)."""
    from migrator import pgcluster

    initdb = pgcluster.find_bin("initdb")
    if initdb and (Path(initdb).parent / name).exists():
        return str(Path(initdb).parent / name)
    found = pgcluster.find_bin(name)
    if not found:
        raise SystemExit(f"{name} is not installed")
    return found


def create_roles(psql: str, url: str, roles: set[str]) -> None:
    """Roles are cluster-wide: the union of every case's roles, created once before any case."""
    script = "".join(f"DO $do$ BEGIN CREATE ROLE {r}; EXCEPTION WHEN duplicate_object THEN NULL; END $do$;\n" for r in sorted(roles))
    if script:
        subprocess.run([psql, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", url], input=script.encode(), check=True, capture_output=True)


# --- suites and commits ------------------------------------------------------------------------


def pinned_commits() -> dict[str, tuple[str, str]]:
    """suite -> (owner/name, commit), from the `pin` lines of fetch.sh."""
    pins = {}
    for line in (HERE / "fetch.sh").read_text().splitlines():
        m = re.match(r"^pin\s+(\S+)\s+(\S+)\s+([0-9a-f]{40})\b", line)
        if m:
            pins[m.group(1)] = (m.group(2), m.group(3))
    return pins


def checkout_commit(folder: Path) -> str:
    marker = folder / ".peer-suite-commit"
    if marker.is_file():
        return marker.read_text().strip()
    try:
        return subprocess.run(["git", "-C", str(folder), "rev-parse", "HEAD"], capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


# --- output --------------------------------------------------------------------------------------


def tally(results: list[Result], suites: list[str]) -> dict[str, Counter]:
    rows: dict[str, Counter] = {s: Counter() for s in suites}
    for r in results:
        row = rows[r.suite]
        row["cases"] += 1
        row[r.outcome] += 1
        if r.outcome not in ("skipped", "load error"):
            row["loaded"] += 1
    total = Counter()
    for row in rows.values():
        total.update(row)
    rows["total"] = total
    return rows


FAILURES = ("apply error", "non-convergent", "fixed partly", "silent miss", "crash")


def categories(results: list[Result], outcomes: tuple[str, ...] = FAILURES) -> list[tuple[str, Counter, list[Result]]]:
    """Per category of the cases with these outcomes: counts by outcome and the cases, most frequent first."""
    by: dict[str, list[Result]] = defaultdict(list)
    for r in results:
        if r.outcome not in outcomes:
            continue
        for c in r.categories or ["(no dump difference)"]:
            by[c].append(r)
    out = [(c, Counter(r.outcome for r in rs), rs) for c, rs in by.items()]
    return sorted(out, key=lambda x: (-len(x[2]), x[0]))


def _short(outcome: str) -> str:
    return {"not modeled (declared)": "declared", "non-convergent": "non-conv", "fixed partly": "partly"}.get(outcome, outcome)


def print_table(rows: dict[str, Counter]) -> None:
    cols = TABLE_COLUMNS
    width = max(len(s) for s in rows) + 2
    heads = [_short(c) for c in cols]
    print("suite".ljust(width) + " ".join(h.rjust(max(len(h), 5)) for h in heads))
    for suite, row in rows.items():
        print(suite.ljust(width) + " ".join(str(row.get(c, 0)).rjust(max(len(h), 5)) for c, h in zip(cols, heads)))


def print_categories(cats, title: str = "failures (apply error, non-convergent, fixed partly, silent miss, crash) by category") -> None:
    print(f"\n{title} (a case may fall in several):")
    for cat, outcomes, rs in cats:
        detail = ", ".join(f"{n} {o}" for o, n in outcomes.most_common())
        examples = ", ".join(f"{r.suite}:{r.name}" for r in rs[:3])
        print(f"  {cat:<22} {len(rs):>4}  ({detail})  e.g. {examples}")


def print_case(r: Result) -> None:
    print(f"[{r.outcome}] {r.suite}:{r.name}" + (f" — {r.reason}" if r.reason else ""))
    if r.categories:
        print(f"    categories: {', '.join(r.categories)}")
    if r.outcome not in ("skipped", "load error"):
        print(f"    first diff: {r.first_changes} change(s)" + (f"; declared: {' | '.join(r.declared[:3])}" if r.declared else ""))
    for line in r.dump_diff:
        print(f"    {line}")


def _md_escape(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def write_markdown(path: Path, rows, cats, declared, results: list[Result], commits: dict[str, tuple[str, str]], meta: dict) -> None:
    out: list[str] = []
    out.append("# Peer suites: `migrator diff --emit sql` on other tools' PostgreSQL test cases\n")
    out.append(
        "Other schema-diff tools publish their PostgreSQL test cases: a FROM schema and a TO schema, as SQL. "
        "`bench/peer_suites/run.py` uses them as regression data for `migrator diff A B --emit sql`: for each case it "
        "loads FROM into database A and TO into database B on one scratch PostgreSQL 15 "
        "(`migrator.pgcluster.EphemeralCluster`), takes the first diff (`--format json`), applies the emitted SQL to A "
        "with `psql -X -q -v ON_ERROR_STOP=1 --single-transaction`, re-diffs, and compares `pg_dump -s --no-owner` of A "
        "and B object by object (comment, SET and blank lines and `\\restrict` lines dropped; nothing sorted).\n"
    )
    out.append("## How to run\n")
    out.append("```sh\n"
               "bench/peer_suites/fetch.sh /work/peersuites          # the pinned checkouts (outside the repository)\n"
               "MIGRATOR_PEER_SUITES=/work/peersuites make peer-suites\n"
               ".venv/bin/python bench/peer_suites/run.py --root /work/peersuites --jobs 8 --write docs/peer-suites.md --json results.json\n"
               ".venv/bin/python bench/peer_suites/run.py --suite migra --only everything -v   # one case, with its differing dump lines\n"
               "```\n")
    out.append("`--suite NAME` (repeatable: " + ", ".join(f"`{s}`" for s in SUITES) + "), `--only SUBSTRING` (of `suite:case`), "
               "`--jobs N`, `-v` (every non-pass case with its reason and differing dump lines), `--json FILE` (every case).\n")
    out.append("## Outcomes\n")
    out.append(
        "| outcome | meaning |\n| --- | --- |\n"
        "| load error | FROM or TO does not load on PostgreSQL 15 (not counted in *loaded*) |\n"
        "| pass | after the fix the dumps are equal and the re-diff is clean |\n"
        "| not modeled (declared) | the dumps still differ, but only in objects the first diff declared not modeled (its `not_modeled` lines, or changes of a `*_object` kind / saying \"not modeled\") |\n"
        "| apply error | psql rejected the emitted SQL (the error and the statement are recorded) |\n"
        "| non-convergent | the fix applied, but the re-diff still reports (modeled) changes; also when the dumps are equal and the re-diff is not clean (false drift) |\n"
        "| fixed partly | re-diff clean, dumps differ in undeclared objects, and every such object is named by a change the first diff reported (it touched the object but did not fully fix it) |\n"
        "| silent miss | re-diff clean, dumps differ in an object no reported change and no declaration names (includes: the first diff reported nothing at all) |\n"
        "| crash | migrator exited 3 (or another unexpected code), or printed a traceback / \"internal error\" |\n"
    )
    out.append("## How the cases are read\n")
    out.append(
        "- **migra**: every `tests/FIXTURES/<name>/` with `a.sql` and `b.sql`; the role `schemainspect_test_role` (migra's harness "
        "creates it) exists. migra's per-fixture flags (`--schema`, `--exclude-schema`) are not used: the whole database is compared.\n"
        "- **pgschema**: every `testdata/diff/<group>/<case>/` with `old.sql` and `new.sql`; `setup.sql`, when there, goes in front of "
        "both (pgschema runs it on both databases).\n"
        "- **pg-schema-diff**: the Go literals of `[]acceptanceTestCase{...}` in `*_cases_test.go`, read by a small Go scanner "
        "(`name`, `oldSchemaDDL`, `newSchemaDDL`, `roles`); the DDL strings of a case are joined with `;`. Skipped: cases that "
        "expect the plan to fail (`expectedPlanErrorIs`/`expectedPlanErrorContains`) and cases with their own `planFactory`. "
        "The suite has no version fields.\n"
        "- **sqldef**: `cmd/psqldef/tests*.yml` in file-name order, every second case (1st, 3rd, ...) in file order; `current` "
        "is FROM, `desired` TO (missing: empty). Skipped: `min_version`/`max_version` excluding 15, an expected `error`, "
        "`offline` (Aurora DSQL syntax), `flavor: pgvector` without pgvector installed. `user:` cases get "
        "`CREATE SCHEMA foo; SET search_path = foo, public;` in front of both sides (sqldef's harness runs them as a role whose "
        "search_path is `foo, public`). The roles of psqldef_test.go's `testRoles` exist.\n"
        "- Roles are cluster-wide: the union of all cases' roles is created once, before any case. SQL is loaded with "
        "`psql -X -q -v ON_ERROR_STOP=1 -f` (not in one transaction: some cases use statements that cannot run in one).\n"
        "- migrator runs as `migrator diff A B --format json` (first diff), `--emit sql` (the fix) and `--format json` (re-diff), "
        "each with `--dev-url B`, in-process in each worker through `migrator.cli.main` (`--subprocess`: the executable).\n"
    )
    out.append("## Pinned commits\n")
    out.append("| suite | repository | commit | cases taken |\n| --- | --- | --- | --- |")
    takes = {
        "migra": "`tests/FIXTURES/*/{a,b}.sql`",
        "pgschema": "`testdata/diff/**/{old,new}.sql` (with `setup.sql` in front of both)",
        "pg-schema-diff": "`internal/migration_acceptance_tests/*_cases_test.go` (`oldSchemaDDL`/`newSchemaDDL`)",
        "sqldef": "`cmd/psqldef/tests*.yml`, every 2nd case in file order",
    }
    for suite in meta["suites"]:
        repo, pin = commits.get(suite, ("?", "?"))
        used = meta["used_commits"].get(suite, "?")
        note = "" if used in (pin, "?") else f" (run on {used[:12]}!)"
        out.append(f"| {suite} | [{repo}](https://github.com/{repo}) | `{pin[:12]}`{note} | {takes.get(suite, '')} |")
    out.append("")
    out.append(f"## Results\n")
    where = f" (the package in `{meta['migrator_src']}`)" if meta.get("migrator_src") else ""
    code = meta.get("label") or f"migrator `{meta['migrator_commit']}`{' (with uncommitted changes)' if meta['dirty'] else ''}{where}"
    out.append(f"Measured at {code} "
               f"on {meta['date']}, PostgreSQL {meta['server_version']}, `--jobs {meta['jobs']}`, {meta['seconds']:.0f} s.\n")
    cols = TABLE_COLUMNS
    out.append("| suite | " + " | ".join(cols) + " |")
    out.append("| --- |" + " ---: |" * len(cols))
    for suite, row in rows.items():
        name = f"**{suite}**" if suite == "total" else suite
        out.append(f"| {name} | " + " | ".join(str(row.get(c, 0)) for c in cols) + " |")
    out.append("")
    out.append("## Failures by category\n")
    out.append("Cases that are apply errors, non-convergent, fixed partly, silent misses or crashes. The category is guessed "
               "from the differing dump text: the pg_dump object type and tell-tale words (`UNLOGGED`, `PARTITION OF`, "
               "`REPLICA IDENTITY`, `COLLATE`, ...); constraints and indexes of a partition count as *partition*; *column "
               "order* is a table whose lines differ only in order. For silent misses and partial fixes only the undeclared "
               "objects count; for apply errors and crashes, the difference before the fix. A case may fall in several.\n")
    out.append(_category_table(cats))
    out.append("## Declared not modeled, by category\n")
    out.append("Cases whose whole remaining difference the first diff declared (no fix emitted, by design).\n")
    out.append(_category_table(declared))
    errs = [r for r in results if r.outcome in ("apply error", "crash")]
    if errs:
        out.append("## Apply errors and crashes\n")
        out.append("| outcome | case | error |\n| --- | --- | --- |")
        for r in errs:
            out.append(f"| {r.outcome} | {r.suite}: `{_md_escape(r.name)}` | {_md_escape(r.reason[:220])} |")
        out.append("")
    failing = [r for r in results if r.outcome in ("non-convergent", "fixed partly", "silent miss")]
    if failing:
        out.append("## Every non-convergent, partly fixed and silently missed case\n")
        out.append(f"<details><summary>{len(failing)} cases</summary>\n")
        out.append("| outcome | case | categories | why |\n| --- | --- | --- | --- |")
        for r in failing:
            out.append(f"| {r.outcome} | {r.suite}: `{_md_escape(r.name)}` | {', '.join(r.categories)} | {_md_escape(r.reason[:200])} |")
        out.append("\n</details>\n")
    skipped = Counter((r.suite, r.reason) for r in results if r.outcome == "skipped")
    if skipped:
        out.append("## Skipped\n")
        out.append("| suite | why | cases |\n| --- | --- | ---: |")
        for (suite, why), n in sorted(skipped.items()):
            out.append(f"| {suite} | {why} | {n} |")
        out.append("")
    loads = [r for r in results if r.outcome == "load error"]
    if loads:
        out.append("## Load errors\n")
        out.append("FROM or TO does not load on PostgreSQL 15 as a script (sqldef's `desired` is declarative: it may use a "
                   "table or schema before the statement that creates it).\n")
        out.append("| case | error |\n| --- | --- |")
        for r in loads:
            out.append(f"| {r.suite}: `{_md_escape(r.name)}` | {_md_escape(r.reason[:200])} |")
        out.append("")
    path.write_text("\n".join(out) + "\n")


def _category_table(cats) -> str:
    lines = ["| category | cases | outcomes | examples |", "| --- | ---: | --- | --- |"]
    for cat, outcomes, rs in cats:
        detail = ", ".join(f"{n} {o}" for o, n in outcomes.most_common())
        examples = "; ".join(f"{r.suite}: `{_md_escape(r.name)}`" for r in _examples(rs))
        lines.append(f"| {cat} | {len(rs)} | {detail} | {examples} |")
    return "\n".join(lines) + "\n"


def _examples(rs: list[Result], n: int = 3) -> list[Result]:
    """A few examples, from as many suites as possible."""
    picked, seen = [], set()
    for r in rs:
        if r.suite not in seen:
            picked.append(r)
            seen.add(r.suite)
        if len(picked) == n:
            return picked
    for r in rs:
        if r not in picked:
            picked.append(r)
        if len(picked) == n:
            break
    return picked


def _git(*args: str) -> str:
    try:
        return subprocess.run(["git", "-C", str(REPO), *args], capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return ""


# --- main ----------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--suite", action="append", choices=list(SUITES), help="run this suite (repeatable; default: all)")
    ap.add_argument("--root", type=Path, default=os.environ.get("MIGRATOR_PEER_SUITES"),
                    help="folder holding the checkouts (default: $MIGRATOR_PEER_SUITES; see fetch.sh)")
    ap.add_argument("--jobs", "-j", type=int, default=min(8, os.cpu_count() or 1), help="cases at a time (default: 8, at most the number of CPUs)")
    ap.add_argument("--only", action="append", help="only cases whose suite:name contains this (repeatable)")
    ap.add_argument("--write", type=Path, help="write the Markdown page (docs/peer-suites.md)")
    ap.add_argument("--json", type=Path, help="write every case's result as JSON")
    ap.add_argument("--timeout", type=float, default=180, help="seconds for any one command (default 180)")
    ap.add_argument("--label", help="what code was measured, for the page (default: the commit, and whether migrator/ has changes)")
    ap.add_argument("--subprocess", action="store_true", help="run the migrator executable per call instead of in-process")
    ap.add_argument("--migrator-src", type=Path,
                    help="run the migrator package found in this folder (put first on PYTHONPATH) instead of the checkout's")
    ap.add_argument("-v", "--verbose", action="store_true", help="print every non-pass case with its reason and differing dump lines")
    ap.add_argument("--from-json", type=Path, help="no run: print the table (and --write the page) from a --json file")
    args = ap.parse_args(argv)
    if args.from_json:
        return from_json(args.from_json, args, pinned_commits())
    if args.root is None:
        ap.error("--root or MIGRATOR_PEER_SUITES is needed (the folder bench/peer_suites/fetch.sh fills)")
    suites = args.suite or list(SUITES)
    jobs = max(1, min(args.jobs, MAX_JOBS))
    if jobs != args.jobs:
        print(f"--jobs {args.jobs}: using {jobs} (the scratch server allows 40 connections)", file=sys.stderr)

    pins = pinned_commits()
    used: dict[str, str] = {}
    todo: list[tuple[str, Case]] = []
    for suite in suites:
        module = importlib.import_module(SUITES[suite])
        folder = args.root / module.SUBDIR
        used[suite] = checkout_commit(folder)
        repo, pin = pins.get(suite, ("?", "?"))
        warn = "" if used[suite] == pin else f"  (pinned {pin[:12]}: results may differ)"
        print(f"{suite:<15} {repo:<24} {used[suite]}{warn}")
        for case in module.cases(args.root):
            if args.only and not any(o in f"{suite}:{case.name}" for o in args.only):
                continue
            todo.append((suite, case))
    if not todo:
        print("no cases", file=sys.stderr)
        return 2
    roles = {r for _, c in todo if not c.skip_reason for r in c.roles}

    from migrator import pgcluster

    results: list[Result] = []
    started = time.monotonic()
    tmp = Path(tempfile.mkdtemp(prefix="migrator-peer-suites-"))
    cluster = pgcluster.EphemeralCluster()
    pool = None
    previous = signal.signal(signal.SIGTERM, signal.default_int_handler)  # SIGTERM cleans up like Ctrl-C
    try:
        cluster.start()
        psql = _pg_bin("psql")
        create_roles(psql, cluster.url, roles)
        server_version = subprocess.run([psql, "-X", "-A", "-t", "-d", cluster.url, "-c", "SHOW server_version"],
                                        capture_output=True, text=True).stdout.strip().split()[0]
        src = args.migrator_src.resolve() if args.migrator_src else None
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        # Byte-code once, up front: with PYTHONDONTWRITEBYTECODE every run would recompile the package.
        subprocess.run([sys.executable, "-m", "compileall", "-q", str((src or REPO) / "migrator")], env=env,
                       stdout=subprocess.DEVNULL, check=False)
        config = worker.Config(
            base_url=cluster.url.rsplit("/", 1)[0] + "/", tmp=str(tmp), timeout=args.timeout, psql=psql,
            pg_dump=_pg_bin("pg_dump"), migrator_exe=MIGRATOR, migrator_src=str(src) if src else None,
            in_process=not args.subprocess,
        )
        print(f"{len(todo)} cases, PostgreSQL {server_version}, {jobs} at a time, migrator "
              f"{'as a process per call' if args.subprocess else 'in-process in each worker'}", flush=True)
        # spawn: a worker starts clean and imports the migrator under test itself (fork would inherit this one's).
        pool = multiprocessing.get_context("spawn").Pool(jobs, initializer=worker.init, initargs=(config,))
        items = [(i, suite, case) for i, (suite, case) in enumerate(todo)]
        for done, r in enumerate(pool.imap_unordered(worker.run_case, items), 1):
            results.append(r)
            if args.verbose and r.outcome != "pass":
                print_case(r)
            if done % 50 == 0:
                print(f"  {done}/{len(todo)} cases, {time.monotonic() - started:.0f} s", flush=True)
        pool.close()
        pool.join()
        pool = None
    except KeyboardInterrupt:
        print("\ninterrupted: stopping the workers and the server", file=sys.stderr)
        return 130
    finally:
        if pool is not None:
            pool.terminate()
            pool.join()
        cluster.stop()
        shutil.rmtree(tmp, ignore_errors=True)
        signal.signal(signal.SIGTERM, previous)
    seconds = time.monotonic() - started

    order = {(s, c.name): i for i, (s, c) in enumerate(todo)}
    results.sort(key=lambda r: order[(r.suite, r.name)])
    meta = {
        "suites": suites, "used_commits": used, "jobs": jobs, "seconds": seconds,
        "migrator_commit": _git("rev-parse", "--short", "HEAD") or "?",
        "subprocess": args.subprocess, "label": args.label,
        "dirty": not args.migrator_src and bool(_git("status", "--porcelain", "--", "migrator")),
        "migrator_src": str(args.migrator_src) if args.migrator_src else "",
        "date": time.strftime("%Y-%m-%d", time.gmtime()), "server_version": server_version,
    }
    if args.json:
        args.json.write_text(json.dumps({"meta": meta, "results": [r.__dict__ for r in results]}, indent=1) + "\n")
    return report(results, meta, args, pins)


def report(results: list[Result], meta: dict, args, pins) -> int:
    rows = tally(results, meta["suites"])
    cats = categories(results)
    declared = categories(results, ("not modeled (declared)",))
    print()
    print_table(rows)
    print_categories(cats)
    print_categories(declared, "declared not modeled, by category")
    print(f"\n{len(results)} cases in {meta['seconds']:.0f} s")
    if args.write:
        if args.label:
            meta["label"] = args.label
        write_markdown(args.write, rows, cats, declared, results, pins, meta)
        print(f"wrote {args.write}")
    return 0


def from_json(path: Path, args, pins) -> int:
    """The table and page again from a --json file, without running anything."""
    data = json.loads(path.read_text())
    if isinstance(data, list):  # results only
        data = {"meta": {}, "results": data}
    results = [Result(**r) for r in data["results"]]
    suites = list(dict.fromkeys(r.suite for r in results))
    meta = {"suites": suites, "used_commits": {}, "jobs": "?", "seconds": 0.0, "migrator_commit": "?", "dirty": False,
            "migrator_src": "", "date": "?", "server_version": "?", "label": None, **data["meta"]}
    if args.verbose:
        for r in results:
            if r.outcome != "pass":
                print_case(r)
    return report(results, meta, args, pins)


if __name__ == "__main__":
    sys.exit(main())

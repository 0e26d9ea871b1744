"""examples/tutorme before and after `migrator rewrite --rules prisma-drizzle --apply`: the same
route handlers and server actions, called in the same order against the same seeded PostgreSQL,
give the same responses and leave the same rows (issue 16, deliverable 6).

Two copies of the app: BEFORE as it is, AFTER converted by the rewrite with the options the demo
uses (none: examples/tutorme/migrator.toml's [rewrite]). Each side gets a fresh database the suite's
PostgreSQL creates, the app's own prisma/migrations applied and tests/fixtures/rewrite_ts/tutorme/
seed.sql loaded, then ONE Node process (harness/runner.cjs) calls every request of requests.json:
route handlers with standard `Request` objects, server actions with their arguments. Prisma is
Prisma Client 7 from tests/node_prisma (as in equivalence.py), drizzle-orm and postgres.js are the
app's own client code; only the Next.js runtime (NextResponse, headers(), revalidatePath) is a shim.

Compared: each response's status and JSON body (or an action's return/throw), then the rows of the
tables the requests write. Values that cannot be the same on two runs are normalized first: an
instant within the side's run → "<now>", an id the seed does not hold (uuid, cuid) → "<id N>" in
order of first appearance; decimal strings compare by value (equivalence.same: Prisma's Decimal
prints "60", PostgreSQL's numeric "60.00").

A request (or `table NAME`) that differs because of a rewrite bug already reported is listed with the
bug in known_differences.json: it must keep differing until the bug is fixed (then it is taken out),
and nothing else may differ. tutorme is PostgreSQL only (enums, jsonb, text[]): no SQLite side.

The converted set is checked too: the files the --apply run changed, line for line, are what the
demo's dry-run patch (reports/tutorme-prisma-drizzle.patch) shows, and every site left as it was is
in fixtures/rewrite_ts/tutorme/findings.txt with its finding (`MIGRATOR_UPDATE_FIXTURES=1`
rewrites it: review the diff).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import psycopg
import pytest

from tests.conftest import EXAMPLES, FIXTURES, REPO
from tests.rewrite_ts import equivalence

APP = EXAMPLES / "tutorme"
CASE = FIXTURES / "rewrite_ts" / "tutorme"
UPDATE = os.environ.get("MIGRATOR_UPDATE_FIXTURES") == "1"
MARK = "__TUTORME_RESULT__ "
CUID2 = REPO / "tests" / "node" / "node_modules" / "@paralleldrive" / "cuid2"
SECRET = "whsec_equivalence"
# The tables the requests write (and the ones they read after writing), each in an order that does
# not depend on generated ids.
TABLES = {
    "bookings": 'SELECT * FROM "bookings" ORDER BY "startsAt", "studentId"',
    "payments": 'SELECT p.* FROM "payments" p JOIN "bookings" b ON b."id" = p."bookingId" ORDER BY b."startsAt", b."studentId"',
    "availability_slots": 'SELECT "tutorId", "weekday", "startMinute", "endMinute" FROM "availability_slots" '
                          'ORDER BY "tutorId", "weekday", "startMinute"',
    "Review": 'SELECT * FROM "Review" ORDER BY "bookingId"',
    "tutor_profiles": 'SELECT * FROM "tutor_profiles" ORDER BY "id"',
}


def _missing() -> str | None:
    reason = equivalence.node_missing_reason() or equivalence.install_missing_reason()
    if reason:
        return reason
    if not (equivalence.NODE_MODULES / "zod").exists():
        return f"tests/node_prisma has no zod (the tutorme handlers validate with it): run `{equivalence.INSTALL_HINT}`"
    if not CUID2.exists():
        return "tests/node is not installed (@paralleldrive/cuid2, the Drizzle schema's id default): `npm ci` there"
    return None


def _migrator(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    exe = Path(sys.executable).with_name("migrator")
    return subprocess.run([str(exe), *args], cwd=cwd, capture_output=True, text=True, timeout=300)


def _copy(target: Path) -> Path:
    shutil.copytree(APP, target, ignore=shutil.ignore_patterns(".migrator", "node_modules", ".next"))
    return target


# ---------------------------------------------------------------------------------------------
# The converted set: what --apply changed against the demo's patch.

def _patch_files(patch: str) -> dict[str, tuple[list[str], list[str]]]:
    """{path: (removed lines, added lines)} of a unified diff; the path without its a/ b/ and the
    app folder prefix."""
    out: dict[str, tuple[list[str], list[str]]] = {}
    current = None
    for line in patch.splitlines():
        if line.startswith("+++ "):
            name = line[4:].split("\t")[0]
            name = name[2:] if name.startswith("b/") else name
            current = out.setdefault(re.sub(r"^(examples/)?tutorme/", "", name), ([], []))
        elif line.startswith("--- ") or line.startswith("@@") or current is None:
            continue
        elif line.startswith("-"):
            current[0].append(line[1:])
        elif line.startswith("+"):
            current[1].append(line[1:])
    return out


def _tree_diff(before: Path, after: Path) -> dict[str, tuple[list[str], list[str]]]:
    import difflib

    out = {}
    skip = {".harness", ".migrator", "node_modules"}  # the harness's, the scan cache, the link to tests/node_prisma
    files = []
    for folder, dirs, names in os.walk(after):  # never into the node_modules link
        dirs[:] = [d for d in dirs if d not in skip]
        files.extend(Path(folder) / n for n in names)
    for path in sorted(files):
        rel = path.relative_to(after).as_posix()
        old = before / rel
        a = old.read_text().splitlines() if old.exists() else []
        b = path.read_text().splitlines()
        if a == b:
            continue
        removed, added = [], []
        for line in difflib.unified_diff(a, b, lineterm=""):
            if line.startswith(("---", "+++", "@@")):
                continue
            if line.startswith("-"):
                removed.append(line[1:])
            elif line.startswith("+"):
                added.append(line[1:])
        out[rel] = (removed, added)
    return out


def _findings_text(report: dict) -> str:
    s = report["summary"]
    lines = [f"# {s['legacy_sites']} Prisma sites: {s['converted_sites']} converted, {s['reported_sites']} reported"]
    for f in sorted(report["findings"], key=lambda f: (f["path"], f["line"], f["column"])):
        path = re.sub(r"^tutorme/", "", f["path"])
        lines.append(f"{path}:{f['line']}:{f['column']}: {f['code']} {f['reason']}")
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------------------------
# Running one side.

def _prisma_client(workdir: Path) -> Path:
    """Prisma 7's client generated from tutorme's schema (the harness's generator block)."""
    project = workdir / "prisma-gen"
    (project / "prisma").mkdir(parents=True)
    (project / "node_modules").symlink_to(equivalence.NODE_MODULES, target_is_directory=True)
    (project / "package.json").write_text('{"private": true, "type": "commonjs"}\n')
    schema = (APP / "prisma" / "schema.prisma").read_text()
    (project / "prisma" / "schema.prisma").write_text(equivalence.prisma_schema_for(schema, "postgresql"))
    equivalence._prisma_generate(project)
    return project / "src" / "generated" / "prisma" / "client.ts"


def _seed(url: str, recent: str) -> None:
    migrations = sorted((APP / "prisma" / "migrations").glob("*/migration.sql"))
    with psycopg.connect(url, autocommit=True) as conn:
        for m in migrations:
            conn.execute(m.read_text())
        conn.execute((CASE / "seed.sql").read_text().replace("{{RECENT}}", recent))


def _run(app: Path, url: str, client: Path) -> dict[str, Any]:
    harness = app / ".harness"
    shutil.copytree(CASE / "harness", harness)
    (app / "node_modules").symlink_to(equivalence.NODE_MODULES, target_is_directory=True)
    env = {**os.environ, "DATABASE_URL": url, "TZ": "UTC", "NODE_ENV": "test", "PAYMENTS_WEBHOOK_SECRET": SECRET,
           "LOG_LEVEL": "error"}
    env.pop("DATABASE_POOL_URL", None)
    argv = ["node", str(harness / "runner.cjs"), str(app), str(CASE / "requests.json"), str(client), str(CUID2)]
    done = subprocess.run(argv, cwd=app, env=env, capture_output=True, text=True, timeout=240)
    marked = [line for line in done.stdout.splitlines() if line.startswith(MARK)]
    if not marked:
        raise AssertionError(f"{app.name}: node exited {done.returncode} without a result\n"
                             f"stdout:\n{done.stdout[-4000:]}\nstderr:\n{done.stderr[-4000:]}")
    out = json.loads(marked[-1][len(MARK):])
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("SET TimeZone = 'UTC'")
        out["tables"] = {name: [row[0] for row in conn.execute(f"SELECT row_to_json(t) FROM ({query}) t").fetchall()]
                         for name, query in TABLES.items()}
    out["stderr"] = done.stderr
    return out


# ---------------------------------------------------------------------------------------------
# Normalization.

_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
_CUID = re.compile(r"^[a-z][a-z0-9]{19,31}$")
_INSTANT = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}")


def _instant(text: str) -> dt.datetime | None:
    if not _INSTANT.match(text):
        return None
    try:
        value = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)


def normalizer(started: str, finished: str, seed: str) -> Callable[[Any], Any]:
    low = _instant(started) - dt.timedelta(seconds=5)
    high = _instant(finished) + dt.timedelta(seconds=5)
    ids: dict[str, str] = {}

    def norm(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: norm(value[k]) for k in sorted(value)}
        if isinstance(value, list):
            return [norm(v) for v in value]
        if isinstance(value, str):
            when = _instant(value)
            if when is not None and low <= when <= high:
                return "<now>"
            if (_UUID.match(value) or (_CUID.match(value) and re.search(r"\d", value))) and value not in seed:
                return ids.setdefault(value, f"<id {len(ids) + 1}>")
        return value

    return norm


def _requests() -> list[dict[str, Any]]:
    return json.loads((CASE / "requests.json").read_text())


def _without_volatile(results: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The results with the values a request marks `volatile` (a timing: `body.dbMs`) set to "<volatile>"."""
    marks = {r["name"]: r.get("volatile", []) for r in _requests()}
    out = json.loads(json.dumps(results))
    for result in out:
        for dotted in marks.get(result["name"], []):
            *parents, last = dotted.split(".")
            holder = result
            for key in parents:
                holder = holder.get(key) if isinstance(holder, dict) else None
            if isinstance(holder, dict) and last in holder:
                holder[last] = "<volatile>"
    return out


def _normalized(side: dict[str, Any], seed: str) -> tuple[list[Any], dict[str, Any]]:
    norm = normalizer(side["started"], side["finished"], seed)
    results = norm(_without_volatile(side["results"]))  # responses first: ids are numbered as the requests meet them
    return results, norm(side["tables"])


@pytest.fixture(scope="module")
def sides(tmp_path_factory, pg_cluster) -> dict[str, Any]:
    reason = _missing()
    if reason:
        pytest.skip(reason)
    work = tmp_path_factory.mktemp("tutorme")
    before = _copy(work / "before" / "tutorme")
    after = _copy(work / "after" / "tutorme")
    demo_patch = work / "demo.patch"
    dry = _migrator("rewrite", "--rules", "prisma-drizzle", "tutorme", "--patch", str(demo_patch), cwd=before.parent)
    assert dry.returncode == 1, dry.stdout + dry.stderr  # the demo's run: 1 = it would change files
    applied = _migrator("rewrite", "--rules", "prisma-drizzle", "tutorme", "--apply", "--format", "json", cwd=after.parent)
    assert applied.returncode == 0, applied.stdout + applied.stderr
    report = json.loads(applied.stdout)

    # AFTER with the files of the known bugs put back as they were: the other conversions, on the paths
    # those bugs keep AFTER from reaching (a tutor's requests behind requireUser).
    bugs = _known()
    partial = None
    if bugs:
        partial = work / "partial" / "tutorme"
        shutil.copytree(after, partial, ignore=shutil.ignore_patterns(".migrator"))
        for bug in bugs:
            shutil.copy(before / bug["file"], partial / bug["file"])

    client = _prisma_client(work)
    recent = (dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=3)).replace(microsecond=0).isoformat()
    runs = {}
    for name, app in (("before", before), ("after", after), ("partial", partial)):
        if app is None:
            continue
        import uuid

        db = f"tutorme_{name}_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(pg_cluster.url, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{db}"')
        try:
            url = pg_cluster.url_for(db)
            _seed(url, recent)
            runs[name] = _run(app, url, client)
        finally:
            with psycopg.connect(pg_cluster.url, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
    if os.environ.get("TUTORME_DUMP"):  # a path: both sides' raw results, to read when a case is added
        Path(os.environ["TUTORME_DUMP"]).write_text(json.dumps(runs, indent=1, default=str))
    return {"before_dir": before, "after_dir": after, "patch": demo_patch.read_text(), "report": report, **runs}


def test_converted_set_is_the_demo_patch(sides):
    """--apply changed exactly the lines the demo's dry-run patch shows, and wrote nothing else."""
    assert _tree_diff(sides["before_dir"], sides["after_dir"]) == _patch_files(sides["patch"])
    assert sides["report"]["summary"]["converted_sites"] > 0


def test_every_changed_handler_is_called(sides):
    """Each route handler and server action in a file the rewrite changed is called by requests.json
    (src/lib changes are reached through them: requireUser, cancelBooking; tests/ and scripts/ are the
    app's own vitest suite and seed script, not handlers)."""
    called = {(r["module"], r["export"]) for r in _requests()}
    for rel in _tree_diff(sides["before_dir"], sides["after_dir"]):
        if not rel.startswith("app/") or not rel.endswith(".ts"):
            continue
        exported = re.findall(r"^export\s+async\s+function\s+(\w+)", (sides["after_dir"] / rel).read_text(), re.MULTILINE)
        module = rel[: -len(".ts")]
        missing = [name for name in exported if (module, name) not in called]
        assert not missing, f"{rel}: {missing} changed by the rewrite but not called by requests.json"


def test_unconverted_sites_are_findings(sides):
    """Every site left as it was is listed with its finding (fixtures/rewrite_ts/tutorme/findings.txt)."""
    text = _findings_text(sides["report"])
    expected = CASE / "findings.txt"
    if UPDATE:
        expected.write_text(text)
    assert text == expected.read_text()


def _known() -> list[dict[str, Any]]:
    """The rewrite bugs already reported (known_differences.json): the converted file and line, the
    bug, and the requests and tables it makes differ. Each of those must still differ (a fixed bug
    is taken out of the list), and nothing else may."""
    return json.loads((CASE / "known_differences.json").read_text())["bugs"]


def _known_requests() -> set[str]:
    return {name for bug in _known() for name in bug["requests"]}


def _known_tables() -> set[str]:
    return {name for bug in _known() for name in bug["tables"]}


def _explain(name: str, a: Any, b: Any) -> str:
    import difflib

    da = json.dumps(a, indent=1, sort_keys=True).splitlines()
    db = json.dumps(b, indent=1, sort_keys=True).splitlines()
    return f"--- {name}\n" + "\n".join(difflib.unified_diff(da, db, "before (prisma)", "after (converted)", lineterm=""))


def test_handlers_answer_the_same(sides):
    """Every route handler and server action of requests.json: same status and body, same outcome."""
    seed = (CASE / "seed.sql").read_text()
    before, _ = _normalized(sides["before"], seed)
    after, _ = _normalized(sides["after"], seed)
    assert [r["name"] for r in before] == [r["name"] for r in after]
    # A 500 on both sides would hide a broken handler: the requests are chosen so that none answers 500
    # except the one that sends a malformed id.
    unexpected = [r["name"] for r in before if r.get("status") == 500 and "not a uuid" not in r["name"]]
    assert not unexpected, f"BEFORE answered 500 (the harness, not the rewrite): {unexpected}\n{sides['before']['stderr'][-3000:]}"
    known = _known_requests()
    differ = [_explain(a["name"], a, b) for a, b in zip(before, after)
              if not equivalence.same(a, b) and a["name"] not in known]
    assert not differ, "\n\n".join(differ) + f"\n\nAFTER stderr:\n{sides['after']['stderr'][-3000:]}"
    fixed = [a["name"] for a, b in zip(before, after) if equivalence.same(a, b) and a["name"] in known]
    assert not fixed, f"these now answer the same: take them out of known_differences.json: {fixed}"


def test_rows_left_are_the_same(sides):
    """The rows the requests wrote, table by table."""
    seed = (CASE / "seed.sql").read_text()
    _, before = _normalized(sides["before"], seed)
    _, after = _normalized(sides["after"], seed)
    known = _known_tables()
    differ = [_explain(t, before[t], after[t]) for t in TABLES
              if not equivalence.same(before[t], after[t]) and t not in known]
    assert not differ, "\n\n".join(differ)
    fixed = [t for t in TABLES if equivalence.same(before[t], after[t]) and t in known]
    assert not fixed, f"these tables now hold the same rows: take them out of known_differences.json: {fixed}"


def test_without_the_known_bugs_everything_is_the_same(sides):
    """AFTER with the known bugs' files put back as they were (Prisma there): every response and
    every row as BEFORE's, so the conversions those bugs hide from AFTER's run are checked too."""
    if "partial" not in sides:  # no known bug: the tests above compare AFTER itself in full
        assert not json.loads((CASE / "known_differences.json").read_text())["bugs"]
        return
    seed = (CASE / "seed.sql").read_text()
    before, before_rows = _normalized(sides["before"], seed)
    partial, partial_rows = _normalized(sides["partial"], seed)
    differ = [_explain(a["name"], a, b) for a, b in zip(before, partial) if not equivalence.same(a, b)]
    differ += [_explain(t, before_rows[t], partial_rows[t]) for t in TABLES
               if not equivalence.same(before_rows[t], partial_rows[t])]
    assert not differ, "\n\n".join(differ) + f"\n\nstderr:\n{sides['partial']['stderr'][-3000:]}"


def test_compat_module_is_placed_through_the_tsconfig_alias(tmp_path):
    """tutorme's client is `@/lib/db/drizzle`, so converted files import `@/lib/db/prisma-compat`:
    the module is written where tsconfig's `@/*` → `./src/*` puts it, or the app would not load."""
    app = _copy(tmp_path / "tutorme")
    done = _migrator("rewrite", "--rules", "prisma-drizzle", "tutorme", "--format", "json", cwd=tmp_path)
    assert done.returncode == 1, done.stderr
    files = {f["path"]: f for f in json.loads(done.stdout)["files"]}
    compat = files.get("tutorme/src/lib/db/prisma-compat.ts")
    assert compat is not None and compat["diff"].startswith("--- /dev/null\n+++ b/tutorme/src/lib/db/prisma-compat.ts")
    assert any("from '@/lib/db/prisma-compat'" in f["diff"] for f in files.values())
    assert not (app / "src" / "lib" / "db" / "prisma-compat.ts").exists()  # a dry run

"""One case, start to end, in a worker process of run.py's pool.

A worker imports migrator once and runs `migrator diff` in-process through the CLI's own
entry point (`migrator.cli.main` with sys.argv set, stdout and stderr captured, the exit code
from SystemExit) — the code path of the command, without a Python start-up and imports per
call. `--subprocess` runs the `migrator` executable instead. psql and pg_dump are always
processes. Nothing here imports migrator at module level, so a worker can put another copy
of the package (`--migrator-src`) first on sys.path before it does.
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from pathlib import Path

from classify import BlockDiff, classify, compare_dumps, declared_from, modeled_changes
from model import Case, Result

DUMP_LINES = 14  # differing lines kept per case


@dataclass(frozen=True)
class Config:
    base_url: str  # postgresql://user@host:port/ (a database name is appended)
    tmp: str
    timeout: float
    psql: str
    pg_dump: str
    migrator_exe: str
    migrator_src: str | None
    in_process: bool


class CaseTimeout(Exception):
    pass


_runner: Runner | None = None


def init(config: Config) -> None:
    """Pool initializer: Ctrl-C is the parent's to handle; the migrator under test is imported once."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    global _runner
    _runner = Runner(config)


def run_case(args: tuple[int, str, Case]) -> Result:
    assert _runner is not None
    return _runner.case(*args)


class Runner:
    def __init__(self, config: Config) -> None:
        self.c = config
        env = {**os.environ, "PGOPTIONS": "-c client_min_messages=warning", "PGCONNECT_TIMEOUT": "10"}
        for name in ("MIGRATOR_DEBUG", "PYTHONDONTWRITEBYTECODE", "PGDATABASE", "PGUSER", "PGSERVICE"):
            env.pop(name, None)
        if config.migrator_src:
            env["PYTHONPATH"] = os.pathsep.join([config.migrator_src, *filter(None, [os.environ.get("PYTHONPATH")])])
        self.env = env
        if config.in_process:
            os.environ.clear()
            os.environ.update(env)
            if config.migrator_src:
                sys.path.insert(0, config.migrator_src)
            import migrator.cli  # noqa: F401  (imported once per worker)

    def url(self, db: str) -> str:
        return self.c.base_url + db

    # -- processes ---------------------------------------------------------------------------

    def run(self, argv: list[str]) -> tuple[int, str, str]:
        try:
            proc = subprocess.run(argv, capture_output=True, stdin=subprocess.DEVNULL, env=self.env, timeout=self.c.timeout)
        except subprocess.TimeoutExpired:
            return -9, "", f"timeout after {self.c.timeout:.0f} s"
        return proc.returncode, proc.stdout.decode(errors="replace"), proc.stderr.decode(errors="replace")

    def admin(self, sql: str) -> None:
        rc, _out, err = self.run([self.c.psql, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", self.url("postgres"), "-c", sql])
        if rc != 0:
            raise RuntimeError(f"{sql}: {_first_error(err)}")

    def psql_file(self, db: str, path: Path, single_transaction: bool = False) -> tuple[bool, str]:
        argv = [self.c.psql, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", self.url(db), "-f", str(path)]
        if single_transaction:
            argv.insert(4, "--single-transaction")
        rc, _out, err = self.run(argv)
        return rc == 0, err

    def dump(self, db: str) -> str:
        rc, out, err = self.run([self.c.pg_dump, "-s", "--no-owner", "-d", self.url(db)])
        if rc != 0:
            raise RuntimeError(f"pg_dump {db}: {_first_error(err)}")
        return out

    def _migrator_in_process(self, argv: list[str]) -> tuple[int, str, str]:
        import migrator.cli

        out, err = io.StringIO(), io.StringIO()

        def on_alarm(signum, frame):
            raise CaseTimeout()

        saved_argv, saved_handler = sys.argv, signal.signal(signal.SIGALRM, on_alarm)
        sys.argv = ["migrator", *argv]
        code: int | str | None = 0
        timed_out = False
        signal.alarm(max(1, int(self.c.timeout)))
        try:
            with redirect_stdout(out), redirect_stderr(err):
                migrator.cli.main()
        except SystemExit as exc:
            code = exc.code
        except CaseTimeout:
            timed_out = True
        finally:
            signal.alarm(0)
            signal.signal(signal.SIGALRM, saved_handler)
            sys.argv = saved_argv
        text = err.getvalue()
        if timed_out or "CaseTimeout" in text:
            return -9, "", f"timeout after {self.c.timeout:.0f} s"
        if code is None:
            code = 0
        elif not isinstance(code, int):
            text += str(code)
            code = 1
        return code, out.getvalue(), text

    def migrator(self, *args: str, ok: tuple[int, ...]) -> tuple[str | None, str]:
        """(stdout, "") when it ran; (None, why) when it crashed: an exit not in ok (3: internal error), a traceback, "internal error"."""
        argv = ["diff", *args]
        if self.c.in_process:
            rc, out, err = self._migrator_in_process(argv)
        else:
            rc, out, err = self.run([self.c.migrator_exe, *argv])
        if rc in ok and "Traceback" not in err and "internal error" not in err:
            return out, ""
        lines = [x for x in err.strip().splitlines() if x.strip()]
        if "Traceback" in err:
            why = lines[-1] if lines else "traceback"
        else:
            why = next((x for x in lines if "error" in x.lower()), lines[0] if lines else "")
        return None, f"exit {rc}: {why.strip()[:300]}"

    # -- one case ----------------------------------------------------------------------------

    def case(self, idx: int, suite: str, case: Case) -> Result:
        start = time.monotonic()
        result = Result(suite, case.name, "skipped", case.skip_reason or "")
        if case.skip_reason:
            return result
        db_a, db_b = f"peer{idx}_a", f"peer{idx}_b"
        work = Path(tempfile.mkdtemp(prefix=f"case{idx}-", dir=self.c.tmp))
        created = []
        try:
            for db in (db_a, db_b):
                self.admin(f"CREATE DATABASE {db}")
                created.append(db)
            for side, db, sql in (("FROM", db_a, case.from_sql), ("TO", db_b, case.to_sql)):
                path = work / f"{side.lower()}.sql"
                path.write_text(sql)
                ok, err = self.psql_file(db, path)
                if not ok:
                    result.outcome, result.reason = "load error", f"{side}: {_first_error(err)}"
                    return result
            url_a, url_b = self.url(db_a), self.url(db_b)
            common = ("--dev-url", url_b)

            def before_fix_diff() -> None:  # what the case is about, for crashes and apply errors
                try:
                    _record_blocks(result, compare_dumps(self.dump(db_a), self.dump(db_b)))
                except RuntimeError:
                    pass

            out, why = self.migrator(url_a, url_b, "--format", "json", *common, ok=(0, 1))
            if out is None:
                result.outcome, result.reason = "crash", f"diff --format json: {why}"
                before_fix_diff()
                return result
            first = _diff_json(out)
            result.first_changes = len(modeled_changes(first))
            result.declared = declared_from(first).lines[:10]
            fix, why = self.migrator(url_a, url_b, "--emit", "sql", *common, ok=(0,))
            if fix is None:
                result.outcome, result.reason = "crash", f"diff --emit sql: {why}"
                before_fix_diff()
                return result
            fix_path = work / "fix.sql"
            fix_path.write_text(fix)
            ok, err = self.psql_file(db_a, fix_path, single_transaction=True)
            if not ok:
                result.outcome, result.reason = "apply error", _apply_error(err, fix)
                before_fix_diff()
                return result
            out, why = self.migrator(url_a, url_b, "--format", "json", *common, ok=(0, 1))
            if out is None:
                result.outcome, result.reason = "crash", f"re-diff --format json: {why}"
                return result
            rediff = _diff_json(out)
            blocks = compare_dumps(self.dump(db_a), self.dump(db_b))
            result.outcome, result.reason = classify(first, rediff, blocks)
            if result.outcome in ("fixed partly", "silent miss"):
                blocks = [b for b in blocks if not b.declared]
            _record_blocks(result, blocks)
            if result.outcome == "non-convergent" and not blocks:
                result.categories = ["false drift"]
            return result
        except Exception as exc:  # the runner's own failure (a dump that fails, bad JSON): say so, keep going
            result.outcome, result.reason = "crash", f"runner: {type(exc).__name__}: {str(exc)[:300]}"
            return result
        finally:
            result.seconds = round(time.monotonic() - start, 2)
            for db in created:
                try:
                    self.admin(f"DROP DATABASE IF EXISTS {db} WITH (FORCE)")
                except Exception:
                    pass
            shutil.rmtree(work, ignore_errors=True)


def _diff_json(text: str) -> dict:
    data = json.loads(text)
    if data.get("format") == "migrator.check":
        checks = data.get("checks") or []
        return (checks[0].get("diff") if checks else None) or {}
    return data


def _first_error(err: str) -> str:
    lines = [x.strip() for x in err.strip().splitlines() if x.strip()]
    for line in lines:
        if "ERROR:" in line or "FATAL:" in line:
            return re.sub(r"^psql:[^:]*:(\d+):\s*", r"line \1: ", line)[:300]
    return (lines[0] if lines else "failed")[:300]


def _apply_error(err: str, fix: str) -> str:
    first = _first_error(err)
    m = re.search(r"psql:[^:\n]*:(\d+):\s*(?:ERROR|FATAL)", err)
    statement = ""
    if m:
        lines = fix.splitlines()
        end = min(int(m.group(1)) - 1, len(lines) - 1)
        start = end
        while start > 0 and lines[start - 1].strip() and not lines[start - 1].rstrip().endswith(";"):
            start -= 1
        while end < len(lines) - 1 and not lines[end].rstrip().endswith(";"):
            end += 1
        statement = " ".join(x.strip() for x in lines[start : end + 1])
    return first + (f" | statement: {statement[:300]}" if statement else "")


def _record_blocks(result: Result, blocks: list[BlockDiff]) -> None:
    cats: list[str] = []
    lines: list[str] = []
    for b in blocks:
        if b.category not in cats:
            cats.append(b.category)
        lines += b.lines()
    result.categories = cats
    result.dump_diff = lines[:DUMP_LINES] + ([f"… {len(lines) - DUMP_LINES} more lines"] if len(lines) > DUMP_LINES else [])

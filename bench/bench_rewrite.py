"""Benchmark: `migrator rewrite --rules sqlalchemy-2.0` (dry run) on a generated 5,000-file Python tree.

About 10% of the modules use the SQLAlchemy 1.x Query API (`session.query(M)….all()`,
`.get(pk)`, `.first()`, `.count()`, chains split over lines); the others are ordinary
Python of the same size (80–300 lines), many of which contain the pre-filter's words in
other senses (`dict.get(`, `list.count(`, `cursor.execute(`, `request.query`, "select"), so
the text pre-filter is exercised honestly.

Peers, same tree, same process count:
  * `python -m libcst.tool codemod` with a no-op codemod (`--no-format`, `-u`: nothing written,
    no formatter), i.e. what the same job costs written as a plain libcst codemod;
  * libcst's bare `parse_module` on the files that match, i.e. that migrator's text pre-filter
    lets through (in-process, files read inside the timing): on one process, and on a process
    pool of the same size (pool start-up included).
Targets: migrator >= 3x faster than the libcst codemod; within 1.5x of the bare parse of the
matching files on the same number of processes.

Large module (`--large-lines`, default 3,000; `--only-large` runs it alone): one generated module
with ~200 legacy Query sites (chains, query variables built over several statements, repository
classes, decorated functions with comments between decorators, multi-line SQL strings), the
shape of a real application's big data-access module (CKAN's logic/action/get.py: 3,583 lines).
The rules resolve positions, parents and scopes there, for the statements they touch only.
Timed as a user runs it (a fresh `migrator rewrite FILE`, start-up included) against the libcst
no-op codemod on the same file (-j 1), and in-process (`rewrite_text` against parse + the no-op
codemod + code generation). Target: under 2 s, and under 2x the no-op codemod.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from multiprocessing import get_context
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import MIGRATOR, run_timed, user_environment  # noqa: E402

# ---------------------------------------------------------------- the generated tree

WORDS = ["order", "invoice", "customer", "report", "payload", "widget", "channel", "ticket", "batch", "record",
         "account", "shipment", "profile", "metric", "window", "token", "upload", "segment", "policy", "task"]
STDLIB = ["import os", "import re", "import json", "import logging", "import time", "import itertools",
          "import functools", "from collections import defaultdict", "from dataclasses import dataclass, field",
          "from pathlib import Path", "from typing import Any, Iterable, Optional", "import datetime as dt",
          "from enum import Enum", "import hashlib", "import csv"]

HEADER = '''"""{Word} {other} helpers.

This module groups the {word} handling used by the {other} pipeline. Nothing here talks to a
database; values come in as plain dictionaries and leave as plain dictionaries.
"""

from __future__ import annotations

{imports}

log = logging.getLogger(__name__)

DEFAULT_{WORD}_LIMIT = {n}
_{WORD}_FIELDS = ("id", "name", "created", "{other}_id", "status")
'''

# Ordinary blocks that contain the rule set's needles in other senses: dict .get(), list .count(),
# cursor .execute(), .first() on an own class. About a third of the ordinary modules get one or two
# (in the 80-300-line modules of a virtualenv's site-packages, 22% contain a needle).
NOISY_BLOCKS = [
    '''

def normalise_{word}_{i}(raw: dict[str, Any]) -> dict[str, Any]:
    """Return a cleaned copy of a raw {word} record.

    Missing keys get their defaults; unknown keys are dropped.
    """
    cleaned = {{key: raw.get(key) for key in _{WORD}_FIELDS}}
    cleaned["name"] = (raw.get("name") or "").strip().lower()
    cleaned["status"] = raw.get("status", "new")
    if cleaned["{other}_id"] is None:
        # older exports used another key
        cleaned["{other}_id"] = raw.get("{other}", {{}}).get("id")
    return cleaned
''',
    '''

def count_{word}_statuses_{i}(records: Iterable[dict[str, Any]]) -> dict[str, int]:
    # a histogram of statuses, most common first
    statuses = [r.get("status", "unknown") for r in records]
    counts = {{s: statuses.count(s) for s in set(statuses)}}
    return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
''',
    '''

class {Word}Cache{i}:
    """A small in-memory cache of {word} values with an expiry."""

    def __init__(self, ttl: float = 30.0) -> None:
        self.ttl = ttl
        self._values: dict[str, tuple[float, Any]] = {{}}

    def get(self, key: str, default: Any = None) -> Any:
        entry = self._values.get(key)
        if entry is None or entry[0] < time.monotonic():
            return default
        return entry[1]

    def put(self, key: str, value: Any) -> None:
        self._values[key] = (time.monotonic() + self.ttl, value)

    def first(self) -> Optional[Any]:
        for _, value in self._values.values():
            return value
        return None

    def __len__(self) -> int:
        return len(self._values)
''',
    '''

def all_{word}s_valid_{i}(items: list[dict[str, Any]]) -> bool:
    return all(item.get("id") is not None for item in items) and any(items)


def split_{word}_batches_{i}(items: list[Any], size: int = DEFAULT_{WORD}_LIMIT) -> list[list[Any]]:
    """Cut `items` into batches of at most `size` items, in order."""
    if size <= 0:
        raise ValueError("size must be positive")
    return [items[start:start + size] for start in range(0, len(items), size)]
''',
    '''

def run_{word}_sql_{i}(connection, since: float) -> list[tuple]:
    """Raw DB-API access for the nightly {word} export (sqlite3 cursor, not SQLAlchemy)."""
    cursor = connection.cursor()
    cursor.execute("select id, name from {word} where created > ?", (since,))
    rows = cursor.fetchall()
    cursor.close()
    return rows
''',
    '''

def merge_{word}_settings_{i}(*layers: dict[str, Any]) -> dict[str, Any]:
    merged: dict[str, Any] = defaultdict(dict)
    for layer in layers:
        for key, value in layer.items():
            if isinstance(value, dict) and isinstance(merged.get(key), dict):
                merged[key].update(value)
            else:
                merged[key] = value
    return dict(merged)


def env_{word}_flag_{i}(name: str) -> bool:
    return os.environ.get(name, "").lower() in ("1", "true", "yes")
''',
]

# Ordinary blocks without any needle (some say "query" and "select" in other senses).
CLEAN_BLOCKS = [
    '''

def build_{word}_query_string_{i}(params: dict[str, Any]) -> str:
    """Build the URL query string for the {word} search page (select boxes included)."""
    parts = []
    for key in sorted(params):
        value = params[key]
        if value is None:
            continue
        if isinstance(value, (list, tuple)):
            # multi-select fields repeat the key
            parts.extend(f"{{key}}={{v}}" for v in value)
        else:
            parts.append(f"{{key}}={{value}}")
    return "&".join(parts)
''',
    '''

class {Word}Status{i}(Enum):
    NEW = "new"
    ACTIVE = "active"
    CLOSED = "closed"

    @classmethod
    def parse(cls, text: str) -> "{Word}Status{i}":
        try:
            return cls(text.strip().lower())
        except ValueError:
            log.warning("unknown {word} status %r", text)
            return cls.NEW
''',
    '''

def read_{word}_csv_{i}(path: Path) -> list[dict[str, str]]:
    """Rows of a {word} export; the header row names the columns."""
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        rows = [row for row in reader if any(row.values())]
    log.info("read %d {word} rows from %s", len(rows), path)
    return rows


def {word}_fingerprint_{i}(row: dict[str, str]) -> str:
    digest = hashlib.sha256()
    for key in sorted(row):
        digest.update(f"{{key}}={{row[key]}};".encode())
    return digest.hexdigest()[:16]
''',
    '''

@dataclass
class {Word}Summary{i}:
    """Totals of one {word} run."""

    total: int = 0
    failed: int = 0
    names: list[str] = field(default_factory=list)

    def add(self, name: str, ok: bool) -> None:
        self.total += 1
        if not ok:
            self.failed += 1
        self.names.append(name)

    @property
    def success_rate(self) -> float:
        return 1.0 if not self.total else (self.total - self.failed) / self.total

    def as_dict(self) -> dict[str, Any]:
        return {{"total": self.total, "failed": self.failed, "rate": round(self.success_rate, 3)}}
''',
    '''

def pick_{word}_columns_{i}(rows: list[dict[str, Any]], selected: Optional[list[str]] = None) -> list[dict[str, Any]]:
    """Keep only the selected columns (all when none is selected)."""
    if not selected:
        return rows
    pattern = re.compile("|".join(re.escape(s) for s in selected))
    return [{{k: v for k, v in row.items() if pattern.fullmatch(k)}} for row in rows]
''',
    '''

def slugify_{word}_{i}(title: str, max_length: int = 60) -> str:
    """A URL-safe slug: lower case, dashes between words, no accents."""
    text = title.strip().lower()
    text = re.sub(r"[^a-z0-9]+", "-", text)
    text = text.strip("-")
    if len(text) > max_length:
        # cut at a dash when there is one close to the limit
        cut = text.rfind("-", 0, max_length)
        text = text[: cut if cut > max_length // 2 else max_length]
    return text or "{word}"
''',
    '''

class {Word}Timer{i}:
    """Context manager that logs how long a {word} step took."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.started = 0.0
        self.elapsed = 0.0

    def __enter__(self) -> "{Word}Timer{i}":
        self.started = time.perf_counter()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.elapsed = time.perf_counter() - self.started
        log.info("%s took %.3f s", self.label, self.elapsed)


def {word}_window_{i}(values: list[float], width: int = 3) -> list[float]:
    """Moving average over `width` values; shorter input gives an empty list."""
    out = []
    for start in range(0, len(values) - width + 1):
        chunk = values[start:start + width]
        out.append(sum(chunk) / width)
    return out
''',
]

SA_HEADER = '''"""{Word} data access (SQLAlchemy ORM, 1.x style)."""

from __future__ import annotations

{imports}

from sqlalchemy import func
from sqlalchemy.orm import Session, joinedload

from app.models import {Model}, {Other}

log = logging.getLogger(__name__)

PAGE_SIZE = {n}
'''

SA_BLOCKS = [
    '''

def get_{word}_{i}(session: Session, {word}_id: int) -> Optional[{Model}]:
    """The {word} with this id, or None."""
    return session.query({Model}).get({word}_id)
''',
    '''

def list_{word}s_{i}(session: Session, owner_id: int) -> list[{Model}]:
    # newest first, one page
    return (
        session.query({Model})
        .filter({Model}.owner_id == owner_id)
        .filter({Model}.deleted.is_(False))
        .order_by({Model}.created.desc())
        .limit(PAGE_SIZE)
        .all()
    )
''',
    '''

def first_{word}_{i}(session: Session, name: str) -> Optional[{Model}]:
    return session.query({Model}).filter({Model}.name == name).first()
''',
    '''

def count_{word}s_{i}(session: Session, status: str) -> int:
    """How many {word}s have this status."""
    return session.query({Model}).filter_by(status=status).count()
''',
    '''

def {word}_with_{other}_{i}(session: Session, {word}_id: int) -> list[{Model}]:
    return (
        session.query({Model})
        .options(joinedload({Model}.{other}s))  # avoid N+1 on the detail page
        .filter({Model}.id == {word}_id)
        .all()
    )
''',
    '''

def {word}_names_{i}(session: Session) -> list[tuple[int, str]]:
    rows = session.query({Model}.id, {Model}.name).order_by({Model}.name).all()
    return [(row.id, row.name) for row in rows]
''',
    '''

class {Word}Repository{i}:
    """Persistence of {word}s behind one session."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def by_id(self, {word}_id: int) -> Optional[{Model}]:
        return self.session.query({Model}).get({word}_id)

    def active(self) -> list[{Model}]:
        return self.session.query({Model}).filter({Model}.status == "active").all()

    def add(self, item: {Model}) -> None:
        self.session.add(item)
        log.debug("added {word} %s", item)
''',
]


def _fill(template: str, rng: random.Random, i: int) -> str:
    word, other = rng.sample(WORDS, 2)
    return template.format(word=word, Word=word.capitalize(), WORD=word.upper(), other=other, i=i,
                           Model=word.capitalize(), Other=other.capitalize(), n=rng.randint(10, 500), imports="{imports}")


def _imports(rng: random.Random) -> str:
    chosen = set(rng.sample(STDLIB, rng.randint(3, 8))) | {"import logging", "import time", "import os", "import re",
                                                           "import csv", "import hashlib", "from enum import Enum",
                                                           "from pathlib import Path",
                                                           "from collections import defaultdict",
                                                           "from dataclasses import dataclass, field",
                                                           "from typing import Any, Iterable, Optional"}
    return "\n".join(sorted(chosen))


def module_text(rng: random.Random, i: int, query_api: bool) -> str:
    """One module of 80–300 lines; with `query_api`, 2–5 of its blocks use the 1.x Query API.

    About a third of the others get one or two blocks that contain a rule needle in another sense.
    """
    target = rng.randint(80, 300)
    text = _fill(SA_HEADER if query_api else HEADER, rng, i).replace("{imports}", _imports(rng))
    blocks: list[str] = []
    if query_api:
        blocks += [_fill(t, rng, i * 100 + k) for k, t in enumerate(rng.sample(SA_BLOCKS, rng.randint(2, 5)))]
    pool = CLEAN_BLOCKS
    if query_api or rng.random() < 0.33:
        blocks += [_fill(t, rng, i * 100 + 10 + k) for k, t in enumerate(rng.sample(NOISY_BLOCKS, rng.randint(1, 2)))]
        pool = CLEAN_BLOCKS + NOISY_BLOCKS
    lines = text.count("\n") + sum(b.count("\n") for b in blocks)
    k = 50
    while lines < target:
        block = _fill(rng.choice(pool), rng, i * 100 + k)
        k += 1
        blocks.append(block)
        lines += block.count("\n")
    rng.shuffle(blocks)
    return text + "".join(blocks)


def generate(root: Path, files: int, seed: int = 11) -> list[Path]:
    """The tree under `root`; returns the Query API files."""
    rng = random.Random(seed)
    (root / "app").mkdir(parents=True)
    (root / "app" / "__init__.py").write_text("")
    (root / "app" / "models.py").write_text(
        '"""Mapped classes."""\n\nfrom sqlalchemy.orm import DeclarativeBase\n\n\nclass Base(DeclarativeBase):\n    pass\n')
    query_files: list[Path] = []
    for i in range(files):
        folder = root / "app" / f"pkg{i % 25}" / f"sub{(i // 25) % 8}"
        if not folder.exists():
            folder.mkdir(parents=True)
            (folder / "__init__.py").write_text('"""Package."""\n')
            if not (folder.parent / "__init__.py").exists():
                (folder.parent / "__init__.py").write_text("")
        query_api = rng.random() < 0.10
        path = folder / f"{rng.choice(WORDS)}_{i}.py"
        path.write_text(module_text(rng, i, query_api))
        if query_api:
            query_files.append(path)
    return query_files


# ---------------------------------------------------------------- the peers

NOOP_CODEMOD = '''"""A codemod that changes nothing: the cost of libcst's codemod runner itself."""

import libcst as cst
from libcst.codemod import VisitorBasedCodemodCommand


class NoOp(VisitorBasedCodemodCommand):
    DESCRIPTION = "no-op"

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        return updated_node
'''


def write_noop_codemod(where: Path) -> None:
    """`bench_codemods/noop.py` and the .libcst.codemod.yaml (from `libcst.tool initialize`) that lists it."""
    package = where / "bench_codemods"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "noop.py").write_text(NOOP_CODEMOD)
    subprocess.run([sys.executable, "-m", "libcst.tool", "initialize", str(where)], check=True, stdout=subprocess.DEVNULL)
    config = where / ".libcst.codemod.yaml"
    text = config.read_text()
    start = text.index("modules:")
    end = text.index("\n", text.index("- ", start))  # the one default entry
    config.write_text(text[:start] + "modules:\n- 'bench_codemods'" + text[end:])


def _parse_one(path: str) -> int:
    import libcst

    return len(libcst.parse_module(Path(path).read_text(encoding="utf-8")).body)


def bare_parse(files: list[Path], jobs: int, repeat: int) -> float:
    """Best time to read and parse every file; jobs > 1: a fresh process pool each run (start-up included)."""
    import libcst

    libcst.parse_module("x = 1\n")  # the native parser is loaded before timing
    names = [str(f) for f in files]
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        if jobs == 1:
            for name in names:
                _parse_one(name)
        else:
            with get_context("fork").Pool(jobs) as pool:
                pool.map(_parse_one, names, chunksize=max(1, len(names) // (jobs * 4)))
        best = min(best, time.perf_counter() - start)
    return best


def prefilter_matches(files: list[Path]) -> list[Path]:
    """The files the rule set's text pre-filter lets through: the ones migrator parses."""
    from migrator.rewrite.engine import Selection, selected_rules

    rules = selected_rules(Selection())
    return [f for f in files if any(rule.matches(f.read_text(encoding="utf-8")) for rule in rules)]


# ---------------------------------------------------------------- the large module

LARGE_BLOCKS = [
    '''

@functools.lru_cache(maxsize=None)
# the list view: one page, newest first
@log_calls
def page_{word}s_{i}(session: Session, owner_id: int, page: int = 1) -> list[{Model}]:
    """A page of {word}s of one owner.

    Ordered by creation date, newest first; deleted ones are left out.
    """
    q = session.query({Model})
    q = q.filter({Model}.owner_id == owner_id)
    q = q.filter({Model}.deleted.is_(False)).order_by({Model}.created.desc())
    q = q.limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)
    return q.all()
''',
    '''

{WORD}_REPORT_SQL_{i} = """
SELECT {word}.id, count(*)
  FROM {word}
 GROUP BY {word}.id
"""


def {word}_report_{i}(session: Session, status: str) -> dict[str, Any]:
    # totals for the dashboard
    query = session.query({Model}).filter({Model}.status == status)
    total = query.count()
    first = session.query({Model}).filter_by(status=status).order_by({Model}.id).first()
    return {{"total": total, "first": first, "sql": {WORD}_REPORT_SQL_{i}}}
''',
    '''

class {Word}Service{i}(object):
    """{Word} use cases over one session.

    Built per request by the view layer.
    """

    def __init__(self, session: Session) -> None:
        self.session = session

    @property
    def count_active(self) -> int:
        return self.session.query({Model}).filter({Model}.status == "active").count()

    # the detail page
    @staticmethod
    def detail(session: Session, {word}_id: int) -> Optional[{Model}]:
        return session.query({Model}).options(joinedload({Model}.{other}s)).get({word}_id)

    def names(self) -> list[str]:
        rows = self.session.query({Model}.name).order_by({Model}.name).all()
        return [row.name for row in rows]

    def search(self, text: str) -> list[{Model}]:
        query = self.session.query({Model})
        for word in text.split():
            query = query.filter({Model}.name.ilike("%" + word + "%"))
        return query.all()
''',
    '''

def {word}_exists_{i}(session: Session, name: str) -> bool:
    found = session.query({Model}.id).filter({Model}.name == name).first()
    return found is not None


def {word}_ids_{i}(session: Session) -> list[int]:
    return [row.id for row in session.query({Model}.id)]
''',
]

LARGE_HEADER = '''"""The application's data access: {word} and {other} queries (SQLAlchemy ORM, 1.x style).

Generated for the large-module benchmark: many functions and classes, most of them
querying through the Query API.
"""

from __future__ import annotations

import functools
import logging
from typing import Any, Optional

from sqlalchemy.orm import Session, joinedload

from app.models import {Models}

log = logging.getLogger(__name__)

PAGE_SIZE = 50


def log_calls(function):
    """Log each call (a decorator of the module itself)."""

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        log.debug("%s", function.__name__)
        return function(*args, **kwargs)

    return wrapper
'''


def large_module_text(lines: int = 3_000, seed: int = 5) -> str:
    """A module of about `lines` lines, about one legacy Query site per 15 lines (see the docstring)."""
    rng = random.Random(seed)
    text = LARGE_HEADER.format(word="order", other="invoice",
                               Models=", ".join(sorted(w.capitalize() for w in WORDS)))
    i = 0
    while text.count("\n") < lines:
        i += 1
        roll = rng.random()
        if roll < 0.35:
            block = rng.choice(LARGE_BLOCKS)
        elif roll < 0.50:
            block = rng.choice(SA_BLOCKS)
        else:
            block = rng.choice(CLEAN_BLOCKS + NOISY_BLOCKS)
        text += _fill(block, rng, i)
    return text


def _noop_codemod_in_process(text: str) -> str:
    """parse + libcst's codemod machinery (metadata wrapper, one transform) + code generation."""
    import libcst as cst
    from libcst.codemod import CodemodContext, VisitorBasedCodemodCommand

    class NoOp(VisitorBasedCodemodCommand):
        def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
            return updated_node

    return NoOp(CodemodContext()).transform_module(cst.parse_module(text)).code


def large_module(work: Path, lines: int, repeat: int, env: dict[str, str], peer_env: dict[str, str]) -> None:
    """The large-module case: one file, migrator against the libcst no-op codemod (see the docstring)."""
    from migrator.rewrite.engine import Selection, rewrite_text

    folder = work / "large"
    folder.mkdir()
    (folder / "pyproject.toml").write_text("[project]\nname = 'large'\n")  # the project is this folder
    path = folder / "data_access.py"
    text = large_module_text(lines)
    path.write_text(text)
    sites = text.count(".query(")

    ours_argv = [MIGRATOR, "rewrite", "--rules", "sqlalchemy-2.0", str(path)]
    proc = subprocess.run([*ours_argv, "--format", "json"], capture_output=True, text=True, env=env, cwd=folder)
    if proc.returncode not in (0, 1):
        raise SystemExit(f"migrator rewrite failed ({proc.returncode}): {proc.stderr[-800:]}")
    document = json.loads(proc.stdout)
    ours, _ = run_timed(ours_argv, repeat, env=env, allowed_exit_codes=(1,))
    peer_argv = [sys.executable, "-m", "libcst.tool", "codemod", "noop.NoOp", "-j", "1", "--no-format",
                 "-u", "1", "--hide-progress", str(path)]
    start_cwd = os.getcwd()
    os.chdir(work)
    try:
        run_timed(peer_argv, 1, env=peer_env)
        peer, _ = run_timed(peer_argv, repeat, env=peer_env)
    finally:
        os.chdir(start_cwd)

    def best(call) -> float:
        call()  # warm-up: imports, rule classes
        times = []
        for _ in range(repeat):
            start = time.perf_counter()
            call()
            times.append(time.perf_counter() - start)
        return min(times)

    ours_in = best(lambda: rewrite_text(text, "data_access.py", Selection()))
    peer_in = best(lambda: _noop_codemod_in_process(text))
    changed = document["files"][0]["diff"].count("\n-") if document["files"] else 0
    print(f"large module: {text.count(chr(10)):,} lines, {sites} `.query(` sites; {changed} lines changed, "
          f"{len(document['findings'])} finding(s)")
    width = 58
    print(f"{'':{width}}  best of {repeat}")
    print(f"{'migrator rewrite FILE (fresh process)':{width}}  {ours:8.3f} s")
    print(f"{'libcst.tool codemod no-op, -j 1, --no-format (fresh process)':{width}}  {peer:8.3f} s")
    print(f"{'migrator rewrite_text, in-process':{width}}  {ours_in:8.3f} s")
    print(f"{'libcst parse + no-op codemod + code, in-process':{width}}  {peer_in:8.3f} s")
    print(f"large module, migrator / libcst no-op codemod: {ours / peer:.2f}x fresh processes, "
          f"{ours_in / peer_in:.2f}x in-process (target: under 2 s and under 2x)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--files", type=int, default=5_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="processes for all tools (default: cores)")
    parser.add_argument("--keep", type=Path, help="generate the tree here and keep it (for profiling)")
    parser.add_argument("--large-lines", type=int, default=3_000, help="lines of the large-module case (0: skip it)")
    parser.add_argument("--only-large", action="store_true", help="run the large-module case alone")
    args = parser.parse_args()
    env = user_environment()
    if args.only_large:
        with tempfile.TemporaryDirectory() as tmp:
            work = args.keep or Path(tmp)
            write_noop_codemod(work)
            large_module(work, args.large_lines, args.repeat, env, dict(env, PYTHONPATH=str(work)))
        return
    with tempfile.TemporaryDirectory() as tmp:
        work = args.keep or Path(tmp)
        root = work / "tree"
        query_files = generate(root, args.files)
        all_files = sorted(root.rglob("*.py"))
        lines = sum(f.read_text().count("\n") for f in all_files)
        write_noop_codemod(work)
        peer_env = dict(env, PYTHONPATH=str(work))

        ours_argv = [MIGRATOR, "rewrite", "--rules", "sqlalchemy-2.0", "--jobs", str(args.jobs), str(root)]
        # What the dry run found: one JSON run (also the warm-up of the byte-code and file caches).
        proc = subprocess.run([*ours_argv, "--format", "json"], capture_output=True, text=True, env=env, cwd=work)
        if proc.returncode not in (0, 1):
            raise SystemExit(f"migrator rewrite failed ({proc.returncode}): {proc.stderr[-800:]}")
        summary = json.loads(proc.stdout)["summary"]
        ours, ours_mb = run_timed(ours_argv, args.repeat, env=env, allowed_exit_codes=(1,))

        peer_argv = [sys.executable, "-m", "libcst.tool", "codemod", "noop.NoOp", "-j", str(args.jobs), "--no-format",
                     "-u", "1", "--hide-progress", str(root)]
        start_cwd = os.getcwd()
        os.chdir(work)  # libcst.tool finds .libcst.codemod.yaml from the working folder upwards
        try:
            run_timed(peer_argv, 1, env=peer_env)  # warm-up
            peer, peer_mb = run_timed(peer_argv, args.repeat, env=peer_env)
        finally:
            os.chdir(start_cwd)

        matched = prefilter_matches(all_files)
        parse_1 = bare_parse(matched, 1, args.repeat)
        parse_n = bare_parse(matched, args.jobs, args.repeat) if args.jobs > 1 else parse_1

    print(f"tree: {len(all_files)} .py files, {lines:,} lines; {len(query_files)} use the Query API; "
          f"{len(matched)} pass the pre-filter (parsed by migrator); {os.cpu_count()} cores, --jobs {args.jobs}")
    print(f"migrator dry run: {summary['changed']} file(s) would change, {summary['unchanged']} unchanged, "
          f"{summary['skipped']} skipped, {summary['failed']} failed")
    rows = [
        ("migrator rewrite --rules sqlalchemy-2.0 (dry run)", ours, f"{ours_mb:.0f} MB"),
        (f"libcst.tool codemod no-op, -j {args.jobs}, --no-format", peer, f"{peer_mb:.0f} MB"),
        (f"libcst.parse_module, the {len(matched)} matching files, 1 process", parse_1, ""),
        (f"libcst.parse_module, the {len(matched)} matching files, {args.jobs} processes", parse_n, ""),
    ]
    width = max(len(r[0]) for r in rows)
    print(f"{'':{width}}  best of {args.repeat}   peak RSS")
    for name, seconds, mem in rows:
        print(f"{name:{width}}  {seconds:8.3f} s   {mem}")
    print(f"libcst codemod / migrator: {peer / ours:.2f}x faster (target >= 3)")
    print(f"migrator / bare parse of the matching files on {args.jobs} processes: {ours / parse_n:.2f}x (target <= 1.5); "
          f"on 1 process: {ours / parse_1:.2f}x")
    if summary["changed"] < 0.9 * len(query_files) or summary["failed"]:
        raise SystemExit(f"the dry run changed {summary['changed']} files of {len(query_files)} Query API files")
    if args.large_lines:
        with tempfile.TemporaryDirectory() as tmp:
            write_noop_codemod(Path(tmp))
            large_module(Path(tmp), args.large_lines, args.repeat, env, dict(env, PYTHONPATH=tmp))


if __name__ == "__main__":
    main()

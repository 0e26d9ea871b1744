"""The scan engine: which files to read, which to parse, in parallel, cached, linked and classified.

1. List the files: `git ls-files` in a repository (so .gitignore is respected), else a
   walk that skips dependency, build and generated folders; then the configured
   include/exclude globs; only files an analyzer can read.
2. Read each file once. A byte pre-filter keeps only files that contain a layer's marker
   (`@prisma/client`, `sqlalchemy`, …). Those are analyzed (pass 1, migrator.scan.facts).
3. Files that create and export a client are entry modules; the files that can import
   them (their import paths appear in the bytes) are analyzed next, and so on through
   re-exporting wrappers, until nothing new turns up. A tree of 20,000 files parses only
   the few hundred that can touch a database.
4. Analysis runs in worker processes for large batches and is cached by content hash in
   .migrator/cache/, so a re-scan of an unchanged tree parses nothing.
5. migrator.scan.resolve links the files; each file gets its layers, call sites, status
   (legacy, target, mixed, none: by call sites alone), role (calls, schema, client, migration,
   imports), area and owners.

Binary, undecodable, minified or broken files are skipped with a counted note, never a crash.
"""

from __future__ import annotations

import fnmatch
import hashlib
import json
import os
import re
import subprocess
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable, Iterable, Mapping

from migrator.scan import Project, all_analyzers, all_layers, analyzer_for
from migrator.scan.facts import FACTS_VERSION, FileFacts
from migrator.scan.result import EntryModule, FileScan, ScanResult, is_migration_path, status_of
from migrator.tsparse import SOURCE_SUFFIXES as TS_SUFFIXES

ProgressCallback = Callable[[str, int, int], None]

# Folders that hold dependencies, build output or generated clients: never the project's own code.
SKIP_DIRS = frozenset({
    "node_modules", ".git", ".hg", ".svn", ".venv", "venv", "env", "__pycache__", ".mypy_cache", ".pytest_cache",
    ".tox", ".next", ".nuxt", ".svelte-kit", ".turbo", ".vercel", ".output", "dist", "build", "out", "coverage",
    ".cache", ".parcel-cache", ".migrator", "site-packages", ".prisma", "generated",
})
MAX_BYTES = 2_000_000  # larger source files are data or bundles
MINIFIED_LINE = 2_000  # an average line this long is minified output

# Areas a file belongs to, first match wins (tests before the folders they sit in).
DEFAULT_AREAS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("tests", ("**/tests/**", "**/test/**", "**/__tests__/**", "**/*.test.*", "**/*.spec.*", "**/test_*.py",
               "**/*_test.py", "tests/**", "test/**", "e2e/**", "**/conftest.py")),
    ("scripts", ("scripts/**", "bin/**", "**/scripts/**", "**/cli/**", "**/management/commands/**")),
    ("migrations", ("**/migrations/**", "**/alembic/**", "prisma/**", "drizzle/**", "**/seed.*", "**/seeds/**")),
    ("api routes", ("app/api/**", "src/app/api/**", "pages/api/**", "src/pages/api/**", "**/routes/**",
                    "**/api/**", "**/views.py", "**/views/**", "**/endpoints/**", "**/routers/**")),
    ("server actions", ("**/actions/**", "**/actions.*", "**/*.action.*", "**/*.actions.*")),
    ("pages and components", ("app/**", "src/app/**", "pages/**", "src/pages/**", "**/components/**", "**/templates/**")),
    ("libs and services", ("src/lib/**", "lib/**", "**/lib/**", "**/services/**", "**/service/**", "**/db/**",
                         "**/models/**", "**/models.py", "**/repositories/**", "**/utils/**", "src/**", "**")),
)


@dataclass(frozen=True)
class ScanOptions:
    legacy: tuple[str, ...] = ()  # layer names; empty: guessed from what the tree uses
    target: tuple[str, ...] = ()
    include: tuple[str, ...] = ()  # globs; empty: everything
    exclude: tuple[str, ...] = ()
    areas: tuple[tuple[str, tuple[str, ...]], ...] = DEFAULT_AREAS
    entry_modules: tuple[tuple[str, str], ...] = ()  # (path, layer) named in the config
    cache: bool = True
    jobs: int | None = None  # worker processes; None: the machine's cores
    progress: ProgressCallback | None = field(default=None, compare=False)


# ---------------------------------------------------------------------------
# Listing


def list_files(root: Path, options: ScanOptions) -> list[str]:
    """Repository-relative POSIX paths of the files an analyzer can read."""
    paths = _git_files(root)
    if paths is None:
        paths = _walk(root)
    extensions = tuple(ext for a in all_analyzers().values() for ext in a.extensions)
    out = []
    skipped_dirs: dict[str, bool] = {}  # by folder: 20,000 files sit in a few hundred folders
    for p in paths:
        if not p.endswith(extensions) or p.endswith((".d.ts", ".min.js")):
            continue
        folder = p.rpartition("/")[0]
        skip = skipped_dirs.get(folder)
        if skip is None:
            skip = skipped_dirs[folder] = bool(folder) and any(part in SKIP_DIRS for part in folder.split("/"))
        if skip:
            continue
        if options.include and not _matches(p, options.include):
            continue
        if options.exclude and _matches(p, options.exclude):
            continue
        out.append(p)
    return sorted(out)


# While scan() runs, the repository's listing is taken once: list_files, npm_dependencies and
# _workspace_packages all read it (`git ls-files` of 20,000 files is a third of a warm re-scan).
_LISTINGS: dict[str, list[str] | None] | None = None
# And, when a stored result may be reused, git's word on which files are unchanged: root -> path
# -> index blob id, for each tracked file whose work-tree copy git found equal to its index.
_UNCHANGED: dict[str, dict[str, str]] = {}


def _git_files(root: Path) -> list[str] | None:
    if _LISTINGS is not None:
        key = str(root)
        if key not in _LISTINGS:
            _LISTINGS[key] = _git_ls_files(root)
        return _LISTINGS[key]
    return _git_ls_files(root)


def _git_ls_files(root: Path) -> list[str] | None:
    if not (root / ".git").exists():
        return None
    try:
        proc = subprocess.run(
            ["git", "-C", str(root), "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            capture_output=True, check=True, timeout=120,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return [p for p in proc.stdout.decode("utf-8", "surrogateescape").split("\0") if p]


def _git_worktree(root: Path) -> tuple[list[str], dict[str, str]] | None:
    """The files git lists (tracked and present, untracked and not ignored) and, for each tracked
    file whose work-tree copy equals the index, its blob id: `git ls-files --stage` and
    `git status`, run side by side. git decides "unchanged" from its index's stat cache (in
    C, on several threads, racy-git safe), so a warm re-scan stats only what git could not vouch
    for; a stat per file from Python cost 2 µs each, two thirds of the re-scan of 20,000 files."""
    if not (root / ".git").exists():
        return None
    env = {**os.environ, "GIT_OPTIONAL_LOCKS": "0"}  # status may refresh the index: not ours to write
    try:
        stage = subprocess.Popen(["git", "-C", str(root), "ls-files", "-z", "--stage"],
                                 stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env)
        status = subprocess.Popen(["git", "-C", str(root), "status", "-z", "--porcelain=v2", "--untracked-files=all",
                                   "--no-renames", "--ignore-submodules=all"],
                                  stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env)
        staged, _ = stage.communicate(timeout=120)
        changed, _ = status.communicate(timeout=120)
    except (OSError, subprocess.SubprocessError):
        return None
    if stage.returncode or status.returncode:
        return None
    dirty: set[str] = set()
    untracked: list[str] = []
    gone: set[str] = set()
    for record in changed.decode("utf-8", "surrogateescape").split("\0"):
        kind = record[:1]
        if kind == "1":  # 1 XY sub mH mI mW hH hI path: Y is the work tree against the index
            fields = record.split(" ", 8)
            dirty.add(fields[8])
            if fields[1][1] == "D":
                gone.add(fields[8])
        elif kind == "u":  # unmerged: u XY sub m1 m2 m3 mW h1 h2 h3 path
            dirty.add(record.split(" ", 10)[10])
        elif kind == "?":
            untracked.append(record[2:])
    files: list[str] = []
    unchanged: dict[str, str] = {}
    for line in staged.decode("utf-8", "surrogateescape").split("\0"):
        if not line:
            continue
        meta, _, path = line.partition("\t")
        if path in unchanged or path in gone:
            continue
        files.append(path)
        if path not in dirty:
            unchanged[path] = meta.split(" ", 2)[1]
    files += untracked
    return files, unchanged


def _walk(root: Path) -> list[str]:
    out = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if d not in SKIP_DIRS and not d.startswith(".")]
        rel = os.path.relpath(dirpath, root)
        prefix = "" if rel == "." else rel.replace(os.sep, "/") + "/"
        out.extend(prefix + f for f in filenames)
    return out


_GLOB_CACHE: dict[str, re.Pattern[str]] = {}


def _glob_regex(pattern: str) -> re.Pattern[str]:
    """A gitignore-flavoured glob: `**` crosses folders, `*` does not."""
    compiled = _GLOB_CACHE.get(pattern)
    if compiled is None:
        i, out = 0, []
        while i < len(pattern):
            c = pattern[i]
            if pattern.startswith("**/", i):
                out.append("(?:.*/)?")
                i += 3
                continue
            if pattern.startswith("**", i):
                out.append(".*")
                i += 2
                continue
            out.append("[^/]*" if c == "*" else "[^/]" if c == "?" else re.escape(c))
            i += 1
        compiled = _GLOB_CACHE[pattern] = re.compile("".join(out) + r"\Z")
    return compiled


def _matches(path: str, patterns: Iterable[str]) -> bool:
    return any(_glob_regex(p).match(path) for p in patterns)


# ---------------------------------------------------------------------------
# Project facts: path aliases and Python roots


# Aliases a framework defines without writing them to a committed tsconfig (SvelteKit
# generates .svelte-kit/tsconfig.json at build time): config file -> (pattern, targets).
FRAMEWORK_ALIASES: dict[str, tuple[tuple[str, tuple[str, ...]], ...]] = {
    name: (("$lib", ("src/lib",)), ("$lib/*", ("src/lib/*",)))
    for name in ("svelte.config.js", "svelte.config.ts", "svelte.config.mjs")
}


def _framework_aliases(files: list[str]) -> tuple[tuple[str, tuple[str, ...]], ...]:
    present = set(files)
    out: list[tuple[str, tuple[str, ...]]] = []
    for config, aliases in FRAMEWORK_ALIASES.items():
        if config in present:
            out += [a for a in aliases if a not in out]
    return tuple(out)


def discover_project(root: Path, files: list[str], options: ScanOptions) -> Project:
    return Project(
        root=str(root),
        ts_paths=_ts_paths(root) + _subpath_imports(root) + _workspace_packages(root) + _framework_aliases(files),
        python_roots=_python_roots(root, files),
        entry_modules=options.entry_modules,
        files=frozenset(files),
        packages=npm_dependencies(root),
    )


def npm_dependencies(root: Path) -> frozenset[str]:
    """Every npm package named as a dependency by the project's package.json files."""
    manifests = _git_files(root)
    if manifests is None:
        manifests = _walk(root)
    names: set[str] = set()
    for path in manifests:
        if path.rsplit("/", 1)[-1] != "package.json" or any(part in SKIP_DIRS for part in path.split("/")[:-1]):
            continue
        try:
            data = json.loads((root / path).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(data, dict):
            for key in ("dependencies", "devDependencies", "peerDependencies", "optionalDependencies"):
                if isinstance(data.get(key), dict):
                    names.update(data[key])
    return frozenset(names)


_JSONC_COMMENTS = re.compile(r'("(?:[^"\\]|\\.)*")|//[^\n]*|/\*.*?\*/', re.DOTALL)
_TRAILING_COMMAS = re.compile(r",(\s*[}\]])")


def _read_jsonc(path: Path) -> dict:
    """tsconfig.json allows comments and trailing commas."""
    try:
        text = path.read_text(encoding="utf-8")
        text = _JSONC_COMMENTS.sub(lambda m: m.group(1) or "", text)
        return json.loads(_TRAILING_COMMAS.sub(r"\1", text))
    except (OSError, ValueError):
        return {}


def _ts_paths(root: Path) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """compilerOptions.paths of the root tsconfig.json/jsconfig.json (and one `extends`), baseUrl applied."""
    for name in ("tsconfig.json", "jsconfig.json"):
        config_path = root / name
        if not config_path.exists():
            continue
        data = _read_jsonc(config_path)
        options = dict(data.get("compilerOptions") or {})
        parent = data.get("extends")
        if isinstance(parent, str) and parent.startswith("."):
            base = _read_jsonc((config_path.parent / parent).resolve())
            options = {**(base.get("compilerOptions") or {}), **options}
        base_url = options.get("baseUrl", ".")
        paths = options.get("paths") or {}
        out = []
        for pattern, targets in paths.items():
            if not isinstance(targets, list):
                continue
            resolved = tuple(os.path.normpath(os.path.join(base_url, t)).replace(os.sep, "/") for t in targets if isinstance(t, str))
            out.append((pattern, resolved))
        return tuple(out)
    return ()


def _subpath_imports(root: Path) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """The root package.json's `imports` (Node's subpath imports: `"#app/*": "./app/*"`, what
    `import { prisma } from "#app/utils/db.server.ts"` resolves through) as path aliases; a
    conditional target takes its "import", "node" or "default" branch."""
    try:
        data = json.loads((root / "package.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return ()
    imports = data.get("imports") if isinstance(data, dict) else None
    if not isinstance(imports, dict):
        return ()
    out = []
    for pattern, target in imports.items():
        while isinstance(target, dict):
            target = next((target[k] for k in ("import", "node", "default") if k in target), None)
        if isinstance(pattern, str) and pattern.startswith("#") and isinstance(target, str) and target.startswith("./"):
            out.append((pattern, (os.path.normpath(target).replace(os.sep, "/"),)))
    return tuple(out)


def _workspace_packages(root: Path) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """A monorepo's own packages (`@acme/db` in packages/db/package.json) as path aliases:
    `import { prisma } from "@acme/db"` loads that folder's entry file, as the package
    manager's workspace link would."""
    manifests = _git_files(root)
    if manifests is None:
        manifests = _walk(root)
    out: list[tuple[str, tuple[str, ...]]] = []
    for path in manifests:
        if not path.endswith("package.json") or path == "package.json" or "/" not in path:
            continue
        if any(part in SKIP_DIRS for part in path.split("/")[:-1]) or path.rsplit("/", 1)[-1] != "package.json":
            continue
        try:
            data = json.loads((root / path).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        name = data.get("name") if isinstance(data, dict) else None
        if not isinstance(name, str) or not name:
            continue
        folder = path.rsplit("/", 1)[0]
        entry = _package_entry(data)
        targets = (f"{folder}/{entry}",) if entry else ()
        out.append((name, targets + (folder,)))
        out.append((name + "/*", (f"{folder}/*", f"{folder}/src/*")))
    return tuple(out)


def _package_entry(data: dict) -> str | None:
    """The source file a workspace package's consumers load: exports["."], types, main or module, extension dropped."""
    exports = data.get("exports")
    candidates = []
    if isinstance(exports, str):
        candidates.append(exports)
    elif isinstance(exports, dict):
        dot = exports.get(".", exports)
        if isinstance(dot, str):
            candidates.append(dot)
        elif isinstance(dot, dict):
            candidates += [v for k, v in dot.items() if isinstance(v, str) and k in ("types", "import", "default", "require")]
    candidates += [data[k] for k in ("types", "typings", "main", "module") if isinstance(data.get(k), str)]
    for entry in candidates:
        entry = entry.removeprefix("./")
        entry = re.sub(r"\.d\.ts$|\.[cm]?[jt]sx?$", "", entry)
        if entry and not entry.startswith(("dist/", "build/", "lib/")):
            return entry
    return None


def _python_roots(root: Path, files: list[str]) -> tuple[str, ...]:
    roots = ["."]
    if any(f.startswith("src/") and f.endswith("/__init__.py") for f in files):
        roots.append("src")
    return tuple(roots)


# ---------------------------------------------------------------------------
# Pass 1: analysis, cached and parallel


def _analyze_one(args: tuple[str, bytes, Project]) -> FileFacts:
    path, data, project = args
    analyzer = analyzer_for(path)
    language = analyzer.language if analyzer else "unknown"
    if b"\0" in data[:8192]:
        return FileFacts(path, language, skipped="binary")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return FileFacts(path, language, skipped="not UTF-8")
    lines = text.count("\n") + 1
    if len(text) / lines > MINIFIED_LINE:
        return FileFacts(path, language, skipped="minified")
    try:
        return analyzer.analyze(path, text, project)
    except RecursionError:
        return FileFacts(path, language, skipped="too deeply nested")
    except Exception as exc:  # an analyzer bug must cost one file, not the scan
        return FileFacts(path, language, skipped=f"analyzer failed: {type(exc).__name__}")


_WORKER_PROJECT: Project | None = None


def _worker_init(project: Project) -> None:
    # The project (with its set of every path) is sent once per worker, not once per file.
    global _WORKER_PROJECT
    _WORKER_PROJECT = project


def _analyze_batch(batch: list[tuple[str, bytes]]) -> list[dict]:
    return [_analyze_one((path, data, _WORKER_PROJECT)).to_dict() for path, data in batch]


class _Cache:
    """FileFacts by (path, content hash, project fingerprint) in one file: one read, one atomic write."""

    def __init__(self, root: Path, fingerprint: str | Callable[[], str], enabled: bool) -> None:
        self.path = root / ".migrator" / "cache" / f"facts-v{FACTS_VERSION}.json"
        self._fingerprint = fingerprint
        self.enabled = enabled
        self._entries: dict[str, dict] | None = None
        self.used: dict[str, dict] = {}

    @property
    def fingerprint(self) -> str:
        # Computed and read on first use: a warm re-scan answered by the tree's cached result
        # never needs the per-file cache (reading it was a sixth of that re-scan).
        if callable(self._fingerprint):
            self._fingerprint = self._fingerprint()
        return self._fingerprint

    @property
    def entries(self) -> dict[str, dict]:
        if self._entries is None:
            self._entries = {}
            if self.enabled and self.path.exists():
                try:
                    import orjson

                    data = orjson.loads(self.path.read_bytes())
                    if data.get("fingerprint") == self.fingerprint:
                        self._entries = data.get("entries", {})
                except (OSError, ValueError):
                    self._entries = {}
        return self._entries

    @staticmethod
    def key(path: str, data: bytes) -> str:
        return path + "\0" + hashlib.blake2b(data, digest_size=16).hexdigest()

    def get(self, key: str) -> FileFacts | None:
        entry = self.entries.get(key)
        if entry is None:
            return None
        self.used[key] = entry
        return FileFacts.from_dict(entry)

    def put(self, key: str, facts: dict) -> None:
        self.used[key] = facts

    def save(self) -> None:
        if not self.enabled or self.used == self.entries:
            return
        import orjson

        from migrator.files import atomic_write

        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            # Like .pytest_cache: the cache folder ignores itself, so no one commits it by
            # accident, while .migrator/baseline.json beside it is meant to be committed.
            gitignore = self.path.parent / ".gitignore"
            if not gitignore.exists():
                gitignore.write_text("# created by migrator: its cache is not for version control\n*\n")
            atomic_write(self.path, orjson.dumps({"fingerprint": self.fingerprint, "entries": self.used}).decode())
        except OSError:
            pass  # a read-only tree still scans; it just cannot remember


def _fingerprint(project: Project) -> str:
    digest = hashlib.blake2b(digest_size=16)
    digest.update(repr((project.ts_paths, project.python_roots, project.entry_modules, sorted(project.packages))).encode())
    for f in sorted(project.files):
        digest.update(f.encode() + b"\0")
    return digest.hexdigest()


class _Workers:
    """The worker processes of one scan, started on first use and shared by its rounds (a pool
    per round cost each round its start-up)."""

    def __init__(self, project: Project, jobs: int | None) -> None:
        self.project = project
        self.count = jobs if jobs is not None else (os.cpu_count() or 1)
        self._pool = None

    def pool(self):
        if self._pool is None:
            from concurrent.futures import ProcessPoolExecutor  # here: multiprocessing costs a warm re-scan 8 ms to import

            self._pool = ProcessPoolExecutor(max_workers=self.count, initializer=_worker_init, initargs=(self.project,))
        return self._pool

    def read_modules(self, modules: list[tuple[str, bytes]]) -> list[dict | None]:
        """OrmReader's data of each module (migrator.scan.orm.query_sites), in the workers."""
        from migrator.scan.orm import read_module

        if len(modules) < 64 or self.count < 2:
            return [read_module(raw, path) for path, raw in modules]
        size = max(16, len(modules) // (self.count * 4))
        futures = [self.pool().submit(_read_modules, modules[i : i + size]) for i in range(0, len(modules), size)]
        return [data for future in futures for data in future.result()]

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
            self._pool = None


def _read_modules(modules: list[tuple[str, bytes]]) -> list[dict | None]:
    from migrator.scan.orm import read_module

    return [read_module(raw, path) for path, raw in modules]


def _analyze(items: list[tuple[str, bytes]], project: Project, cache: _Cache, workers: _Workers,
             progress: ProgressCallback | None, done_before: int, total: int) -> list[FileFacts]:
    out: list[FileFacts] = []
    todo: list[tuple[str, str, bytes]] = []
    for path, data in items:
        key = cache.key(path, data)
        hit = cache.get(key) if cache.enabled else None
        if hit is not None:
            out.append(hit)
        else:
            todo.append((key, path, data))
    if len(todo) >= 64 and workers.count > 1:
        size = max(16, len(todo) // (workers.count * 4))
        batches = [todo[i : i + size] for i in range(0, len(todo), size)]
        pool = workers.pool()
        futures = [pool.submit(_analyze_batch, [(p, d) for _, p, d in batch]) for batch in batches]
        done = done_before + len(out)
        for batch, future in zip(batches, futures):
            for (key, _, _), facts in zip(batch, future.result()):
                cache.put(key, facts)
                out.append(FileFacts.from_dict(facts))
            done += len(batch)
            if progress:
                progress("analyzing", done, total)
    else:
        for key, path, data in todo:
            facts = _analyze_one((path, data, project))
            cache.put(key, facts.to_dict())
            out.append(facts)
    return out


# ---------------------------------------------------------------------------
# The scan


def _markers() -> tuple[bytes, ...]:
    return tuple(sorted({m for layer in all_layers().values() for m in layer.markers}))


_TS_SPECIFIER = re.compile(rb"""(?:\bfrom|\bimport|\brequire\s*\(|\bimport\s*\()\s*["'`]([^"'`\n]+)["'`]""")
_PY_FROM = re.compile(rb"^[ \t]*from[ \t]+([\w.]+)[ \t]+import[ \t]+(?:\(([^)]*)\)|([\w, \t]+))", re.M)
_PY_IMPORT = re.compile(rb"^[ \t]*import[ \t]+([\w., \t]+)", re.M)


def module_stem(module_path: str) -> str:
    """The name an import of this module ends with: src/lib/db/index.ts -> "db", app/db.py -> "db"."""
    stem = re.sub(r"\.(?:[cm]?[jt]sx?|py)$", "", module_path)
    stem = re.sub(r"/(?:index|__init__)$", "", stem)
    return stem.rsplit("/", 1)[-1]


def import_stems(data: bytes) -> frozenset[str]:
    """The last name of every module a file imports (and, for Python, the names it imports
    from packages, which may be modules): one pass of C-level regexes over the bytes."""
    out: set[str] = set()
    for spec in _TS_SPECIFIER.findall(data):
        spec = re.sub(rb"/(?:index)?(?:\.[cm]?[jt]sx?)?$", b"", spec)
        out.add(spec.rsplit(b"/", 1)[-1].decode("utf-8", "replace"))
    for module, grouped, plain in _PY_FROM.findall(data):
        names = grouped or plain
        out.add(module.rsplit(b".", 1)[-1].decode("utf-8", "replace"))
        out.update(n.strip().split()[0].decode("utf-8", "replace") for n in names.split(b",") if n.strip())
    for modules in _PY_IMPORT.findall(data):
        for m in modules.split(b","):
            if m.strip():
                out.add(m.strip().split()[0].rsplit(b".", 1)[-1].decode("utf-8", "replace"))
    out.discard("")
    return frozenset(out)


def scan(root: Path, options: ScanOptions | None = None, *, contents: Mapping[str, bytes] | None = None) -> ScanResult:
    """Scan the tree at `root` (or, with `contents`, the given files as of some commit)."""
    global _LISTINGS
    outer = _LISTINGS
    _LISTINGS = {} if outer is None else outer
    try:
        return _scan(root, options, contents=contents)
    finally:
        _LISTINGS = outer
        if outer is None:
            _UNCHANGED.clear()


def _scan(root: Path, options: ScanOptions | None = None, *, contents: Mapping[str, bytes] | None = None) -> ScanResult:
    from migrator.scan.resolve import client_links, link, resolve
    from migrator.scan.resolve import entry_modules as find_entry_modules

    options = options or ScanOptions()
    root = root.resolve()
    if options.cache and contents is None and _LISTINGS is not None and str(root) not in _LISTINGS:
        worktree = _git_worktree(root)
        if worktree is not None:
            _LISTINGS[str(root)], _UNCHANGED[str(root)] = worktree
    files = sorted(contents) if contents is not None else list_files(root, options)
    if contents is not None:
        files = [f for f in files if analyzer_for(f) and not any(p in SKIP_DIRS for p in f.split("/")[:-1])]
    project = discover_project(root, files, options)
    cache = _Cache(root, lambda: _fingerprint(project), options.cache and contents is None)
    progress = options.progress
    tree_key = _tree_key(root, files, project, options) if cache.enabled else None
    if tree_key is not None:
        unchanged = _cached_result(root, tree_key)
        if unchanged is not None:
            return replace(unchanged, commit=_head(root))

    data: dict[str, bytes] = {}
    skipped: list[tuple[str, str]] = []
    base = str(root) + os.sep
    for i, path in enumerate(files):
        if contents is not None:
            data[path] = contents[path]
            continue
        try:
            # os.open/os.read: half the cost of pathlib on 20,000 small files, and no stat().
            fd = os.open(base + path, os.O_RDONLY)
            try:
                raw = os.read(fd, MAX_BYTES + 1)
            finally:
                os.close(fd)
        except OSError as exc:
            skipped.append((path, f"unreadable: {exc.strerror or exc}"))
            continue
        if len(raw) > MAX_BYTES:
            skipped.append((path, "too large"))
            continue
        data[path] = raw
        if progress and i % 500 == 0:
            progress("reading", i, len(files))

    facts: dict[str, FileFacts] = {}
    # One regex alternation runs the pre-filter in C: 2.5x faster than testing each marker.
    marker_search = re.compile(b"|".join(re.escape(m) for m in sorted(_markers(), key=len, reverse=True))).search
    pending = [p for p, raw in data.items() if marker_search(raw)]
    configured = {p for p, _ in options.entry_modules}
    pending += [p for p in configured if p in data and p not in pending]
    seen_exporters: set[str] = set()
    seen_fields: set[str] = set()
    stems_of: dict[str, frozenset[str]] = {}
    total = len(data)
    linker, linked = None, -1
    workers = _Workers(project, options.jobs)
    try:
        while pending:
            batch = [(p, data[p]) for p in pending if p not in facts]
            analyzed = _analyze(batch, project, cache, workers, progress, len(facts), total)
            for f in analyzed:
                facts[f.path] = f
            # Modules that hand a client on (entry modules, re-exporting barrels and wrappers,
            # getters): their importers are the next batch. Only the files just analyzed can be
            # new ones, so each round costs what it found.
            # A barrel's `export *` targets are part of what it exports: read them, so that a name
            # none of them exports is known to be missing rather than merely unread.
            stars = {e.resolved for f in analyzed for e in f.exports if e.name == "*" and e.resolved in data and e.resolved not in facts}
            # Solved once per round; the last round analyzed nothing new, so resolve() reuses it.
            linker, linked = link(facts, project, linker), len(facts)
            exporters, fields = client_links(facts, [f.path for f in analyzed], project, linker)
            new = (exporters | configured) - seen_exporters
            seen_exporters |= new
            new_fields = fields - seen_fields
            seen_fields |= new_fields
            if not new and not new_fields and not stars:
                break
            pending = sorted(stars)
            if new:
                wanted = {module_stem(p) for p in new}
                # Reading a file's imports costs three regexes; a file that does not even contain one
                # of the wanted names as bytes cannot import it.
                mention = re.compile(b"|".join(re.escape(w.encode()) for w in sorted(wanted, key=len, reverse=True))).search
                for p in data:
                    if p in facts or not mention(data[p]):
                        continue
                    stems = stems_of.get(p)
                    if stems is None:
                        stems = stems_of[p] = import_stems(data[p])
                    if not stems.isdisjoint(wanted):
                        pending.append(p)
            if new_fields:
                # Field-based flow: a TypeScript/JavaScript file reading a member of that name
                # (`ctx.db.post.findMany()` in a tRPC procedure) may reach a client it never imports.
                member = re.compile(rb"\b(?:" + b"|".join(re.escape(f.encode()) for f in sorted(new_fields)) + rb")\b").search
                pending += [p for p in data if p not in facts and p.endswith(TS_SUFFIXES) and p not in pending and member(data[p])]

        cache.save()
        if linker is None or linked != len(facts):
            linker = link(facts, project, linker)
        resolved = resolve(facts, project, linker)
        _add_query_sites(resolved, data, root if options.cache and contents is None else None, workers)
    finally:
        workers.close()
    entries = find_entry_modules(facts, project, linker)
    used_layers = {s.layer for r in resolved.values() for s in r.sites} | {l for r in resolved.values() for l in r.layers_imported}
    legacy, target = options.legacy, options.target
    if not legacy and not target:
        legacy, target = guess_roles(used_layers)
    owners = Codeowners.load(root) if contents is None else Codeowners(())
    entry_paths = {e.path for e in entries} | configured
    tree = frozenset(files)
    scans = []
    for path in sorted(resolved):
        r = resolved[path]
        f = facts[path]
        if f.skipped:
            skipped.append((path, f.skipped))
            continue
        layers_used = {s.layer for s in r.sites}
        imported = tuple(sorted(set(r.layers_imported) - layers_used))
        if not layers_used and not imported:
            continue
        scans.append(
            FileScan(
                path=path,
                language=f.language,
                # Call sites alone decide: a file without any (a schema module, the client's
                # module, a migration, one that only passes a client along) is "none", whatever
                # it imports; its role says what it is, `imported` which layers.
                status=status_of(layers_used, legacy, target),
                layers=tuple(sorted(layers_used)),
                sites=tuple(sorted(r.sites, key=lambda s: (s.line, s.column))),
                imported=imported,
                area=area_of(path, options.areas),
                owners=owners.of(path),
                role="calls" if r.sites else file_role(f, entry_paths, tree),
            )
        )
    for path, f in facts.items():
        if f.skipped and path not in resolved:
            skipped.append((path, f.skipped))
    notes = tuple(note for path in sorted(facts) for note in facts[path].notes)
    result = ScanResult(
        root=str(root),
        legacy=tuple(legacy),
        target=tuple(target),
        files=tuple(scans),
        entry_modules=tuple(entries),
        total_files=len(files),
        skipped=tuple(sorted(set(skipped))),
        commit=_head(root) if contents is None else None,
        notes=notes,
    )
    if tree_key is not None:
        _store_result(root, tree_key, result)
    return result


def _add_query_sites(resolved: dict, data: Mapping[str, bytes], cache_root: Path | None, workers: _Workers) -> None:
    """`x.query(M)` with M a mapped class of the project is a legacy site, whatever the value flow
    proved of `x` (migrator.scan.orm): the evidence `migrator rewrite` converts on, so both count alike."""
    from migrator.scan.orm import OrmCache, query_sites

    if not any(p.endswith(".py") for p in data):
        return
    known = {path: {(s.line, s.column) for s in r.sites if s.layer == "sqlalchemy-legacy"} for path, r in resolved.items()}
    for path, sites in query_sites(data, known, OrmCache(cache_root), workers.read_modules).items():
        if path in resolved:  # every file with a `.query(` call was analyzed (the layer's marker)
            resolved[path] = replace(resolved[path], sites=(*resolved[path].sites, *sites))


# Drizzle's table, enum and column builders live in drizzle-orm/pg-core, sqlite-core, mysql-core, …
_DRIZZLE_CORE = re.compile(r"drizzle-orm/[\w-]+-core\Z")
# SQLAlchemy names that declare a schema: declarative models (2.0 and 1.x style) and Core tables.
_SQLALCHEMY_SCHEMA_MODULES = frozenset({"sqlalchemy", "sqlalchemy.orm", "sqlalchemy.schema", "sqlalchemy.ext.declarative"})
_SQLALCHEMY_SCHEMA_NAMES = frozenset({
    "DeclarativeBase", "DeclarativeBaseNoMeta", "declarative_base", "MappedAsDataclass", "Mapped", "mapped_column",
    "relationship", "registry", "declared_attr", "Table", "Column",
})


def file_role(f: FileFacts, entry_paths: set[str], tree: frozenset[str]) -> str:
    """What a file without call sites is to the move, first match wins: "migration" (its path),
    "client" (an entry module whose client is not just model classes), "schema" (it declares
    tables or models), else "imports". Read from the facts the analyzers already produce."""
    if is_migration_path(f.path, tree):
        return "migration"
    models = {c.local for c in f.clients if c.model}
    if f.path in entry_paths and (not f.clients or any(c.local not in models for c in f.clients)):
        return "client"
    if models:
        return "schema"
    for imp in f.imports:
        if f.language == "python":
            if imp.module in _SQLALCHEMY_SCHEMA_MODULES and imp.name in _SQLALCHEMY_SCHEMA_NAMES:
                return "schema"
            if imp.module == "django.db" and imp.name == "models":
                return "schema"
        elif _DRIZZLE_CORE.match(imp.module) or (imp.module == "drizzle-orm" and imp.name == "relations"):
            return "schema"
    return "imports"


# The scan's own classification (status, role) changes what a stored result says even when no
# file and no option did: bump this with it, so that a cached result of an older rule is not reused.
CLASSIFY_VERSION = 2
_RESULT_FILE = Path(".migrator") / "cache" / f"result-v{FACTS_VERSION}.json"


def _tree_key(root: Path, files: list[str], project: Project, options: ScanOptions) -> str | None:
    """A digest of everything a scan result depends on: each file's index blob id where git
    vouches that the file equals its index (_git_worktree), else its size and modification time
    (as git's index does, so an unchanged tree is not even read); the options, CODEOWNERS and
    the project's aliases."""
    digest = hashlib.blake2b(digest_size=16)
    digest.update(repr((CLASSIFY_VERSION, project.ts_paths, project.python_roots, options.legacy, options.target,
                        options.include, options.exclude, options.areas, options.entry_modules)).encode())
    for name in (".github/CODEOWNERS", "CODEOWNERS", "docs/CODEOWNERS"):
        try:
            digest.update(name.encode() + (root / name).read_bytes())
        except OSError:
            pass
    base = str(root) + os.sep
    stat = os.stat
    unchanged = _UNCHANGED.get(str(root), {})
    parts = []
    try:
        for path in files:
            blob = unchanged.get(path)
            if blob is not None:
                parts.append(f"{path}\0{blob}\n")
            else:
                st = stat(base + path)
                parts.append(f"{path}\0{st.st_size}\0{st.st_mtime_ns}\n")
    except OSError:
        return None
    digest.update("".join(parts).encode("utf-8", "surrogateescape"))
    return digest.hexdigest()


def _cached_result(root: Path, key: str) -> ScanResult | None:
    try:
        import orjson

        data = orjson.loads((root / _RESULT_FILE).read_bytes())
        if data.get("key") != key:
            return None
        return ScanResult.from_dict(data["result"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _store_result(root: Path, key: str, result: ScanResult) -> None:
    import orjson

    from migrator.files import atomic_write

    try:
        atomic_write(root / _RESULT_FILE, orjson.dumps({"key": key, "result": result.to_dict()}).decode())
    except OSError:
        pass


# Which layer replaces which, when the config does not say: (legacy, target) pairs.
ROLE_PAIRS: tuple[tuple[str, str], ...] = (
    ("prisma", "drizzle"),
    ("sqlalchemy-legacy", "sqlalchemy"),
    ("prisma-py", "sqlalchemy"),
    ("django", "sqlalchemy"),
    ("sql-js", "drizzle"),
    ("dbapi", "sqlalchemy"),
)


def guess_roles(used: set[str]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    legacy: list[str] = []
    target: list[str] = []
    for old, new in ROLE_PAIRS:
        # The first pair that explains a target wins: raw SQL beside Prisma and Drizzle is
        # not what the team is moving away from.
        if old in used and new in used and new not in target and old not in target and new not in legacy:
            legacy.append(old)
            target.append(new)
    return tuple(legacy), tuple(target)


_AREA_REGEX: dict[tuple[str, ...], re.Pattern[str]] = {}


def area_of(path: str, areas: Iterable[tuple[str, tuple[str, ...]]]) -> str | None:
    for name, patterns in areas:
        regex = _AREA_REGEX.get(patterns)
        if regex is None:
            # One alternation per area instead of a regex per glob.
            regex = _AREA_REGEX[patterns] = re.compile("|".join(f"(?:{_glob_regex(p).pattern})" for p in patterns))
        if regex.match(path):
            return name
    return None


def _head(root: Path) -> str | None:
    if not (root / ".git").exists():
        return None
    try:
        proc = subprocess.run(["git", "-C", str(root), "rev-parse", "HEAD"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return None
    return proc.stdout.strip() or None if proc.returncode == 0 else None


@dataclass(frozen=True)
class Codeowners:
    """CODEOWNERS rules, last match wins (docs.github.com: about code owners)."""

    rules: tuple[tuple[re.Pattern[str], tuple[str, ...]], ...]

    @staticmethod
    def load(root: Path) -> Codeowners:
        for candidate in (".github/CODEOWNERS", "CODEOWNERS", "docs/CODEOWNERS"):
            path = root / candidate
            if path.is_file():
                return Codeowners.parse(path.read_text(encoding="utf-8", errors="replace"))
        return Codeowners(())

    @staticmethod
    def parse(text: str) -> Codeowners:
        rules = []
        for line in text.splitlines():
            line = line.split("#", 1)[0].strip()
            if not line:
                continue
            pattern, *owners = line.split()
            rules.append((_codeowners_regex(pattern), tuple(owners)))
        return Codeowners(tuple(rules))

    def of(self, path: str) -> tuple[str, ...]:
        found: tuple[str, ...] = ()
        for regex, owners in self.rules:
            if regex.match(path):
                found = owners
        return found


def _codeowners_regex(pattern: str) -> re.Pattern[str]:
    anchored = pattern.startswith("/") or "/" in pattern.rstrip("/")
    body = pattern.strip("/")
    glob = _glob_regex(body).pattern[:-2]  # without \Z
    if pattern.endswith("/") or "*" not in body.rsplit("/", 1)[-1]:
        glob += r"(?:/.*)?"  # a folder covers everything under it; a file name also matches a folder
    prefix = "" if anchored else "(?:.*/)?"
    return re.compile(prefix + glob + r"\Z")

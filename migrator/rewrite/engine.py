"""Run a rule set over files: pre-filter, parse once, apply every rule in one walk, diff or write.

Files that no selected rule's pre-filter (`Rule.matches`) accepts are never parsed. Each
file is parsed once and walked once: migrator.rewrite.batch forwards every node to the
rules in code order (libcst keeps formatting and comments); the imports they ask for are
added at the end. Files with syntax errors are skipped and listed; a rule that crashes
marks its file `failed` without touching it. Many files go to a process pool; results
always come back sorted by path, so output is stable.
"""

from __future__ import annotations

import difflib
import os
import subprocess
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Iterable, Optional

from migrator.errors import BadInput
from migrator.files import atomic_write
from migrator.rewrite.batch import run_rules
from migrator.rewrite.project import NO_EVIDENCE, FileEvidence, relative_path
from migrator.rewrite.rules import Finding, RuleOptions, rule_set

SKIP_DIRS = {".git", ".venv", "venv", "node_modules", "__pycache__", ".migrator", ".tox", "build", "dist"}
PARALLEL_THRESHOLD = 32  # below this, starting workers costs more than it saves


@dataclass
class FileResult:
    path: str
    status: str  # changed | unchanged | skipped | failed
    reason: str = ""
    findings: list[Finding] = field(default_factory=list)
    diff: str = ""
    new_text: Optional[str] = None
    # The file's legacy sites (the project index's count) and how many of them the rules converted;
    # the others have a finding on their line.
    sites: int = 0
    converted: int = 0
    # Said once per run (the summary's notes), e.g. a Prisma extension a converted site no longer goes through.
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Selection:
    rule_set: str = "sqlalchemy-2.0"
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    unsafe: bool = False
    session_names: tuple[str, ...] = ()
    entity_names: tuple[str, ...] = ()  # expressions that hold a mapped class, e.g. `self.model`
    project: bool = True  # index the whole project (scan value flow, mapped classes) before rewriting
    report_only: bool = False  # change nothing: every site a rule would convert becomes a finding too


def selected_rules(selection: Selection):
    """The rules to run, in code order; BadInput for an unknown set or code."""
    try:
        rules = rule_set(selection.rule_set)
    except KeyError:
        raise BadInput(f"--rules: unknown rule set {selection.rule_set!r} (known: sqlalchemy-2.0, prisma-drizzle, sql-drizzle)") from None
    known = {rule.code for rule in rules}
    for code in (*selection.select, *selection.ignore):
        if code.upper() not in known:
            raise BadInput(f"unknown rule code {code!r} (known: {', '.join(sorted(known))})")
    chosen = []
    for rule in rules:
        if selection.select and rule.code not in {c.upper() for c in selection.select}:
            continue
        if rule.code in {c.upper() for c in selection.ignore}:
            continue
        chosen.append(rule)
    return chosen


def files_under(paths: Iterable[Path], suffixes: tuple[str, ...], excluded: tuple[str, ...] = (),
                skip: Iterable[str] = SKIP_DIRS) -> list[Path]:
    """Every file ending in one of `suffixes` (not in `excluded`) under the given paths, sorted:
    files are taken as given, folders walked without dependency and hidden folders; a path that
    does not exist is bad input (never a silent empty run)."""
    found: set[Path] = set()
    for path in paths:
        if path.is_file():
            found.add(path)
        elif path.is_dir():
            for root, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if d not in skip and not d.startswith("."))
                found.update(Path(root) / name for name in files if name.endswith(suffixes) and not name.endswith(excluded))
        else:
            raise BadInput(f"{path}: no such file or folder")
    return sorted(found)


def python_files(paths: Iterable[Path]) -> list[Path]:
    """Every .py file under the given paths (files are taken as given), sorted."""
    return files_under(paths, (".py",))


def rewrite_text(text: str, path: str, selection: Selection, evidence: FileEvidence = NO_EVIDENCE) -> FileResult:
    """Apply the selected rules to one file's text (`evidence`: what the rest of the project proves)."""
    import libcst as cst
    from libcst.codemod import CodemodContext

    rules = selected_rules(selection)
    # Receivers the project proves to be sessions count as configured names for the pre-filter.
    names = (*selection.session_names, *(receiver for _, receiver in evidence.session_receivers),
             *(f"{model}.query" for model in (evidence.mapped_classes if evidence.flask_db else ())))
    if not any(rule.matches(text, names) for rule in rules):
        left, _ = _unaccounted(evidence, [], text, set())
        return FileResult(path, "unchanged", findings=left, sites=len(evidence.legacy_sites))
    try:
        module = cst.parse_module(text)
    except cst.ParserSyntaxError as exc:
        return FileResult(path, "skipped", reason=f"syntax error at line {exc.raw_line}: {exc.message}")
    findings: list[Finding] = []
    entity_names = (*selection.entity_names, *sorted({expr for _, expr in evidence.entity_exprs}))
    options = RuleOptions(session_names=selection.session_names, unsafe=selection.unsafe,
                          entity_names=entity_names, evidence=evidence)
    context = CodemodContext(filename=path)  # shared: the kept rules' import requests pile up here
    batch = []
    for rule_class in rules:
        if rule_class.matches(text, names):
            # Without --unsafe an unsafe rule runs like a report rule: its sites become findings.
            keep = rule_class.safety == "safe" or (rule_class.safety == "unsafe" and selection.unsafe)
            batch.append((rule_class(context if keep else CodemodContext(filename=path), options), keep))
    try:
        module_before = module
        module = run_rules(module, batch, text)
        for rule, _ in batch:
            findings.extend(rule.findings)
        if selection.report_only:
            findings.extend(_one_per_site(_would_convert(module_before, batch), evidence))
            module = module_before
        else:
            module = _apply_import_requests(module, context)
    except Exception as exc:  # a rule bug must not take the other files down
        return FileResult(path, "failed", reason=f"{type(exc).__name__}: {exc}")
    new_text = module.code
    diff = "" if new_text == text else "".join(
        difflib.unified_diff(text.splitlines(True), new_text.splitlines(True), f"a/{path}", f"b/{path}"))
    changed_lines = _lines_of(module_before, batch) if selection.report_only else _removed_lines(diff)
    left, converted = _unaccounted(evidence, findings, text, changed_lines)
    findings.extend(left)
    findings.sort(key=lambda f: (f.line, f.column, f.code))
    counts = {"sites": len(evidence.legacy_sites), "converted": converted}
    if new_text == text:
        return FileResult(path, "unchanged", findings=findings, **counts)
    return FileResult(path, "changed", findings=findings, diff=diff, new_text=new_text, **counts)


def _removed_lines(diff: str) -> set[int]:
    """Lines of the original file a unified diff removes or replaces (1-based)."""
    out: set[int] = set()
    line = 0
    for row in diff.splitlines():
        if row.startswith("@@"):
            line = int(row.split()[1][1:].split(",")[0])  # "@@ -12,7 +12,8 @@": the hunk starts at line 12
        elif row.startswith("---") or row.startswith("+++"):
            continue
        elif row.startswith("-"):
            out.add(line)
            line += 1
        elif row.startswith(" "):
            line += 1
    return out


UNACCOUNTED = "SA100"
# Notes about the project as a whole from the last rewrite_paths (requirement pins the converted code outgrows).
PROJECT_NOTES: list[str] = []


def _would_convert(module, batch) -> list[Finding]:
    """--report-only: one finding per site a kept rule replaced, at the replaced node's start."""
    from libcst.metadata import MetadataWrapper, PositionProvider

    if not any(rule.converted for rule, _ in batch):
        return []
    positions = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
    out: dict[tuple[int, str], Finding] = {}
    for rule, _ in batch:
        for node in rule.converted:
            start = positions[node].start
            out.setdefault((start.line, rule.code), Finding(start.line, start.column + 1, rule.code,
                                                            f"would convert: {rule.description()}"))
    return list(out.values())


def _one_per_site(found: list[Finding], evidence: FileEvidence) -> list[Finding]:
    """A conversion that edits several lines of one site (SA020: the binding, its builders, the
    terminal) is one finding, at the site's line; conversions of other legacy API uses stay."""
    site_lines = {line for line, _, _, _ in evidence.legacy_sites}
    at_sites = {f.code for f in found if f.line in site_lines}
    return [f for f in found if f.line in site_lines or f.code not in at_sites]


def _lines_of(module, batch) -> set[int]:
    """--report-only: the lines where a kept rule replaced a node (what --apply would change)."""
    return {f.line for f in _would_convert(module, batch)}


def _unaccounted(evidence: FileEvidence, findings: list[Finding], before: str,
                 changed: set[int]) -> tuple[list[Finding], int]:
    """(a finding for every legacy site the rules neither converted nor reported, the number converted).

    Converted: the site's line is one the rewrite changes. Reported: a finding on its line. What
    is left would be a silent miss; it is named here, with the operation the scan read.
    """
    if not evidence.legacy_sites:
        return [], 0
    converted = 0
    out = []
    reported = {f.line for f in findings if f.line not in changed}
    lines = before.splitlines()
    for line, column, method, operation in evidence.legacy_sites:
        site = lines[line - 1][column - 1:] if 0 < line <= len(lines) else ""
        if ".bind.execute(" in site and line not in reported:
            # Wrapping the SQL in text() is not enough: bound metadata itself is gone in 2.0.
            out.append(Finding(line, column, UNACCOUNTED, _unaccounted_reason(method, operation, before, line, column)))
            reported.add(line)
            continue
        if line in changed:
            converted += 1
            continue
        if line in reported:
            continue
        out.append(Finding(line, column, UNACCOUNTED, _unaccounted_reason(method, operation, before, line, column)))
        reported.add(line)
    return out, converted


# Query methods that return another Query: a chain whose last call is one of these is not finished here.
_BUILDERS = frozenset({"filter", "filter_by", "where", "order_by", "limit", "offset", "join", "outerjoin", "options",
                       "group_by", "having", "distinct", "select_from", "with_entities", "add_columns", "add_entity",
                       "execution_options", "with_for_update", "params", "enable_eagerloads", "autoflush",
                       "populate_existing", "correlate", "reset_joinpoint", "union", "union_all", "query", "yield_per",
                       "with_parent", "order_by", "from_self", "select_entity_from", "subquery", "cte"})


# Query methods that finish a chain and that some rule converts when the receiver is proven.
_TERMINALS = frozenset({"all", "first", "one", "one_or_none", "get", "count", "paginate", "delete", "update", "scalar",
                        "exists", "get_or_404", "first_or_404", "one_or_404", "__iter__", "iterate"})


def _unaccounted_reason(method: str, operation: str, text: str, line: int, column: int) -> str:
    """Why a legacy site is left, from what the scan read and the code at the site."""
    if method.startswith("op.execute:literal"):
        return ("Alembic's `op.execute()` takes a plain SQL string with SQLAlchemy 2.0 too (it wraps it in "
                "text() itself): nothing to change")
    source_line = text.splitlines()[line - 1][column - 1:] if 0 < line <= text.count("\n") + 1 else ""
    if ".bind.execute(" in source_line:
        return ("SQL executed on a bound Engine (`….bind.execute(…)`): bound metadata and connectionless "
                "execution are removed in 2.0; run it on a connection (`with engine.connect() as conn: "
                "conn.execute(text(…))`) by hand")
    if method.endswith(":literal"):
        return (f"a plain SQL string given to `.{method.split(':')[0].split('.')[-1]}()` is left as is: the receiver "
                f"is not provably a SQLAlchemy Session, Connection or Engine here; name it with --session-name "
                f"([rewrite] session_names) to convert")
    if method.endswith(":other"):
        return (f"SQL given to `.{method.split(':')[0].split('.')[-1]}()` is left as is: it is not a plain string "
                f"literal (built at run time, or held in a name); wrap it in text() by hand")
    source = text.splitlines()[line - 1][column - 1:] if 0 < line <= text.count("\n") + 1 else ""
    if method == "" and source.startswith("select"):
        return "`select([…])` left as is: its arguments are not a form SA005 converts; write select(a, b) by hand"
    if operation in _BUILDERS:
        return (f"Query not finished where it is built (its last call here is `.{operation}()`): it is kept in a "
                f"variable, returned, passed on, indexed or iterated elsewhere; finish it in place or convert by hand")
    if operation in _TERMINALS:
        receiver = source.split(".query")[0] if ".query" in source else source.split(".")[0]
        return (f"Query chain finished by `.{operation}()` left as is: `{receiver}` is not provably a Session or a "
                f"mapped class here (bound in branches, an attribute of another object, or untyped); convert by hand "
                f"or name it with --session-name ([rewrite] session_names)")
    return (f"`.{operation}()` on a legacy Query is left as is: it is not a Query method with a 2.0 equivalent the "
            f"rules know (a custom query class method?); convert by hand")


def _apply_import_requests(module, context):
    """Run libcst's AddImportsVisitor/RemoveImportsVisitor for what the rules asked.

    Both only edit module-level imports, yet walk (and deep-copy) the whole tree: on a
    changed file that cost more than all the rules together. AddImportsVisitor runs on the
    module's leading statements up to its last top-level import, where it places new
    imports and finds existing ones, and the rest of the body is put back unchanged.
    """
    from libcst import Import, ImportFrom, SimpleStatementLine
    from libcst.codemod.visitors import AddImportsVisitor, RemoveImportsVisitor

    from migrator.rewrite.rules import module_bindings

    # Names the module already imports from the same place need nothing (and the visitor's
    # set-up, about 35 ms, is the largest cost on a changed file).
    bound = module_bindings(module)
    requested = context.scratch.get(AddImportsVisitor.CONTEXT_KEY) or []
    missing = [item for item in requested if item.alias is not None or item.relative
               or bound.get(item.obj_name or "") != (item.module_name or "").split(".")[0]]
    if len(missing) != len(requested):
        context.scratch[AddImportsVisitor.CONTEXT_KEY] = missing
    if missing:
        last_import = max((i for i, stmt in enumerate(module.body) if isinstance(stmt, SimpleStatementLine)
                           and any(isinstance(small, (Import, ImportFrom)) for small in stmt.body)), default=None)
        if last_import is None or context.scratch.get(RemoveImportsVisitor.CONTEXT_KEY):
            module = AddImportsVisitor(context).transform_module(module)
        else:
            head = module.with_changes(body=module.body[:last_import + 1])
            added = AddImportsVisitor(context).transform_module(head)
            module = module.with_changes(body=[*added.body, *module.body[last_import + 1:]])
    if context.scratch.get(RemoveImportsVisitor.CONTEXT_KEY):
        module = RemoveImportsVisitor(context).transform_module(module)
    return module


def _rewrite_file(args: tuple[str, str, Selection, FileEvidence]) -> FileResult:
    path, display, selection, evidence = args
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return FileResult(display, "skipped", reason=f"cannot read: {exc}")
    return rewrite_text(text, display, selection, evidence)


def rewrite_paths(paths: list[Path], selection: Selection, jobs: Optional[int] = None,
                  base: Optional[Path] = None, progress=None) -> list[FileResult]:
    """Rewrite results (nothing written) for every Python file under `paths`, sorted by path.

    progress: an optional callback (label, done, total), called as the project is indexed and
    as each file is rewritten (migrator.progress draws it as a bar).
    """
    selected_rules(selection)  # bad codes fail before any work
    files = python_files(paths)
    base = base or Path.cwd()
    index = project_index(paths, jobs, progress) if selection.project and files else None
    PROJECT_NOTES.clear()
    if index is not None:
        from migrator.rewrite.project import pins_below_target

        PROJECT_NOTES.extend(pins_below_target(index.root))
    tasks = [(str(f), relative_path(f, base), selection,
              index.evidence(relative_path(f, index.root)) if index is not None else NO_EVIDENCE) for f in files]
    workers = jobs or os.cpu_count() or 1
    results: list[FileResult] = []
    if len(tasks) >= PARALLEL_THRESHOLD and workers > 1:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            for result in pool.map(_rewrite_file, tasks, chunksize=max(1, len(tasks) // (workers * 4))):
                results.append(result)
                if progress is not None:
                    progress("rewriting", len(results), len(tasks))
    else:
        for task in tasks:
            results.append(_rewrite_file(task))
            if progress is not None:
                progress("rewriting", len(results), len(tasks))
    return sorted(results, key=lambda r: r.path)


def project_index(paths: list[Path], jobs: Optional[int] = None, progress=None):
    """The project around `paths`: its legacy sites (migrator scan's value flow) and classes."""
    from migrator.rewrite.project import build_index, project_root
    from migrator.scan.engine import ScanOptions, scan

    root = project_root(paths)
    result = scan(root, ScanOptions(include=("**/*.py",), jobs=jobs, progress=progress))
    sites: dict[str, list[tuple[int, int, str]]] = {}
    for site in result.sites("sqlalchemy-legacy"):
        sites.setdefault(site.file, []).append((site.line, site.column, site.operation))
    return build_index(root, python_files([root]), sites)


def dirty_files(paths: list[Path]) -> list[Path]:
    """Those of `paths` with uncommitted changes in their git work tree (none outside git)."""
    dirty: list[Path] = []
    for path in paths:
        try:
            out = subprocess.run(["git", "status", "--porcelain", "--", path.name], cwd=path.parent,
                                 capture_output=True, text=True, timeout=30)
        except (OSError, subprocess.TimeoutExpired):
            continue
        if out.returncode == 0 and out.stdout.strip():
            dirty.append(path)
    return dirty


def apply(results: list[FileResult], base: Path, force: bool = False) -> None:
    """Write every changed file atomically; refuse (BadInput) files with uncommitted changes."""
    changed = [r for r in results if r.status == "changed" and r.new_text is not None]
    targets = [(base / r.path if not Path(r.path).is_absolute() else Path(r.path)) for r in changed]
    if not force:
        dirty = dirty_files(targets)
        if dirty:
            names = ", ".join(str(p) for p in dirty[:5]) + (" …" if len(dirty) > 5 else "")
            raise BadInput(f"uncommitted changes in {len(dirty)} file(s): {names}; commit them or pass --force")
    for result, target in zip(changed, targets):
        atomic_write(target, result.new_text or "")


def site_counts(results: list[FileResult]) -> dict[str, int]:
    """Legacy sites of the project index, converted, and reported (every other one has a finding)."""
    sites = sum(r.sites for r in results)
    converted = sum(r.converted for r in results)
    return {"legacy_sites": sites, "converted_sites": converted, "reported_sites": sites - converted}


def to_json(results: list[FileResult], rules) -> dict:
    """The document of schemas/rewrite.v1.json."""
    files = []
    findings = []
    for r in results:
        if r.status == "unchanged" and not r.findings:
            continue
        files.append({"path": r.path, "status": r.status, "reason": r.reason, "diff": r.diff,
                      "findings": [asdict(f) for f in r.findings]})
        findings.extend({"path": r.path, **asdict(f)} for f in r.findings)
    summary = {status: sum(1 for r in results if r.status == status) for status in ("changed", "unchanged", "skipped", "failed")}
    summary.update(site_counts(results))
    notes = list(PROJECT_NOTES) if any(r.status == "changed" for r in results) else []
    return {"version": 1, "rules": [rule.code for rule in rules], "summary": summary, "files": files, "findings": findings,
            "notes": notes}

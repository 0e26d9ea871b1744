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


@dataclass(frozen=True)
class Selection:
    rule_set: str = "sqlalchemy-2.0"
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    unsafe: bool = False
    session_names: tuple[str, ...] = ()
    entity_names: tuple[str, ...] = ()  # expressions that hold a mapped class, e.g. `self.model`


def selected_rules(selection: Selection):
    """The rules to run, in code order; BadInput for an unknown set or code."""
    try:
        rules = rule_set(selection.rule_set)
    except KeyError:
        raise BadInput(f"--rules: unknown rule set {selection.rule_set!r} (known: sqlalchemy-2.0)") from None
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


def python_files(paths: Iterable[Path]) -> list[Path]:
    """Every .py file under the given paths (files are taken as given), sorted."""
    found: set[Path] = set()
    for path in paths:
        if path.is_file():
            found.add(path)
        elif path.is_dir():
            for root, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS and not d.startswith("."))
                found.update(Path(root) / name for name in files if name.endswith(".py"))
        else:
            raise BadInput(f"{path}: no such file or folder")
    return sorted(found)


def rewrite_text(text: str, path: str, selection: Selection) -> FileResult:
    """Apply the selected rules to one file's text."""
    import libcst as cst
    from libcst.codemod import CodemodContext

    rules = selected_rules(selection)
    if not any(rule.matches(text, selection.session_names) for rule in rules):
        return FileResult(path, "unchanged")
    try:
        module = cst.parse_module(text)
    except cst.ParserSyntaxError as exc:
        return FileResult(path, "skipped", reason=f"syntax error at line {exc.raw_line}: {exc.message}")
    findings: list[Finding] = []
    options = RuleOptions(session_names=selection.session_names, unsafe=selection.unsafe,
                          entity_names=selection.entity_names)
    context = CodemodContext(filename=path)  # shared: the kept rules' import requests pile up here
    batch = []
    for rule_class in rules:
        if rule_class.matches(text, selection.session_names):
            # Without --unsafe an unsafe rule runs like a report rule: its sites become findings.
            keep = rule_class.safety == "safe" or (rule_class.safety == "unsafe" and selection.unsafe)
            batch.append((rule_class(context if keep else CodemodContext(filename=path), options), keep))
    try:
        module = run_rules(module, batch, text)
        for rule, _ in batch:
            findings.extend(rule.findings)
        module = _apply_import_requests(module, context)
    except Exception as exc:  # a rule bug must not take the other files down
        return FileResult(path, "failed", reason=f"{type(exc).__name__}: {exc}")
    findings.sort(key=lambda f: (f.line, f.column, f.code))
    new_text = module.code
    if new_text == text:
        return FileResult(path, "unchanged", findings=findings)
    diff = "".join(difflib.unified_diff(text.splitlines(True), new_text.splitlines(True), f"a/{path}", f"b/{path}"))
    return FileResult(path, "changed", findings=findings, diff=diff, new_text=new_text)


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


def _rewrite_file(args: tuple[str, str, Selection]) -> FileResult:
    path, display, selection = args
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return FileResult(display, "skipped", reason=f"cannot read: {exc}")
    return rewrite_text(text, display, selection)


def rewrite_paths(paths: list[Path], selection: Selection, jobs: Optional[int] = None,
                  base: Optional[Path] = None) -> list[FileResult]:
    """Rewrite results (nothing written) for every Python file under `paths`, sorted by path."""
    selected_rules(selection)  # bad codes fail before any work
    files = python_files(paths)
    base = base or Path.cwd()
    tasks = [(str(f), _display(f, base), selection) for f in files]
    workers = jobs or os.cpu_count() or 1
    if len(tasks) >= PARALLEL_THRESHOLD and workers > 1:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            results = list(pool.map(_rewrite_file, tasks, chunksize=max(1, len(tasks) // (workers * 4))))
    else:
        results = [_rewrite_file(task) for task in tasks]
    return sorted(results, key=lambda r: r.path)


def _display(path: Path, base: Path) -> str:
    try:
        return path.resolve().relative_to(base.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


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
    return {"version": 1, "rules": [rule.code for rule in rules], "summary": summary, "files": files, "findings": findings}

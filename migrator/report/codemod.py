"""What `migrator rewrite` could convert now, for the report's "Codemod" section: a dry run, nothing written.

`codemod_run(root, scan)` picks the rule set from the scan's legacy layer (prisma → prisma-drizzle,
sql-js → sql-drizzle), resolves the Drizzle schema and client as `migrator rewrite` does
(migrator.rewrite.drizzle_defaults.resolve: [rewrite] in migrator.toml, drizzle.config, the scan's
client, a generated db.ts) and runs the rule set's engine over the scanned root. The result is
raw: the engine's FileResults, its sites (the same cached scan the engine read them from) and the
rules' descriptions; migrator.report.model decides what the report says about them.

It never fails the report: defaults that do not resolve give status "unavailable" with the
BadInput's message (what to run), a crash of the rewrite gives status "failed" naming it.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Optional

# The rule set that moves each legacy layer (migrator.rewrite.drizzle_defaults.LEGACY_LAYER, inverted).
RULE_SETS = {"prisma": "prisma-drizzle", "sql-js": "sql-drizzle"}
def note_codes() -> frozenset[str]:
    """The codes of findings the engines put on a call they converted (a note about result types, the
    rules marked `note`), not on one they left."""
    from migrator.rewrite.sql_drizzle.engine import rules as sql_rules
    from migrator.rewrite.typescript.engine import rules as prisma_rules

    return frozenset(r.code for r in (*prisma_rules(), *sql_rules()) if getattr(r, "note", False))


@dataclass(frozen=True)
class CodemodSite:
    """A legacy site the engine was given: where, on which model (the scan's name)."""

    file: str  # relative to the scanned root
    line: int
    column: int
    model: str
    operation: str


@dataclass
class CodemodRun:
    rule_set: str
    status: str  # "ran", "unavailable" (the defaults do not resolve) or "failed" (the rewrite crashed)
    message: str = ""  # why not, and what to run
    results: list = field(default_factory=list)  # migrator.rewrite.engine.FileResult, paths relative to the root
    sites: tuple[CodemodSite, ...] = ()
    descriptions: dict[str, str] = field(default_factory=dict)  # rule code -> the rule's description
    root: str = ""  # the scanned root as the command names it


def rule_set_for(legacy: tuple[str, ...]) -> Optional[str]:
    return next((RULE_SETS[layer] for layer in legacy if layer in RULE_SETS), None)


def codemod_run(root: Path, scan: Any, jobs: Optional[int] = None, shown_root: str = ".") -> Optional[CodemodRun]:
    """The dry run of the rule set that moves the scan's legacy layer; None when no rule set does."""
    from migrator.errors import BadInput, MigratorError
    from migrator.rewrite.drizzle_defaults import LEGACY_LAYER, _relative_module, resolve, relational

    rule_set = rule_set_for(tuple(scan.legacy))
    if rule_set is None:
        return None
    root = root.resolve()
    try:
        # Resolved from the working folder, as `migrator rewrite` does (its messages name paths from there)…
        cwd = Path.cwd().resolve()
        found = resolve([root], None, None, None, cwd=cwd, jobs=jobs, rule_set=rule_set)
        # …then made independent of it: schemas absolute, a relative client module relative to the root (`base`).
        module, _, name = found.drizzle_client.rpartition(":")
        if module.startswith(("./", "../")):
            module = _relative_module((cwd / module).resolve(), root)
        found = replace(found, drizzle_schema="drizzle:" + _absolute(cwd, found.drizzle_schema.split(":", 1)[1]),
                        drizzle_client=f"{module}:{name}",
                        prisma_schema=_absolute(cwd, found.prisma_schema) if found.prisma_schema else None)
        if rule_set == "prisma-drizzle":
            from migrator.rewrite.typescript import engine

            options: Any = engine.Options(found.drizzle_schema, found.drizzle_client, found.prisma_schema,
                                          relational=relational([root], None))
            engine.check(options)
        else:
            from migrator.rewrite.sql_drizzle import engine  # type: ignore[no-redef]

            options = engine.Options(found.drizzle_schema, found.drizzle_client)
            engine.check(options)
        results = engine.rewrite_paths([root], options, base=root, jobs=jobs)
        descriptions = {rule.code: rule.description() for rule in engine.rules()}
        sites = _sites(root, LEGACY_LAYER[rule_set], jobs)
    except BadInput as exc:  # the command's own message, without its "--rules X: " (the section names the command)
        message = str(exc)
        prefix = f"--rules {rule_set}: "
        return CodemodRun(rule_set, "unavailable", message[len(prefix):] if message.startswith(prefix) else message,
                          root=shown_root)
    except MigratorError as exc:  # a schema the mapping cannot read: the same as missing defaults
        return CodemodRun(rule_set, "unavailable", str(exc), root=shown_root)
    except Exception as exc:  # a bug in the rewrite must not take the report down
        return CodemodRun(rule_set, "failed", f"{type(exc).__name__}: {exc}", root=shown_root)
    return CodemodRun(rule_set, "ran", results=list(results), sites=sites, descriptions=descriptions, root=shown_root)


def _absolute(root: Path, path: str) -> str:
    return str(Path(path) if Path(path).is_absolute() else (root / path).resolve())


def _sites(root: Path, layer: str, jobs: Optional[int]) -> tuple[CodemodSite, ...]:
    """The sites the engine rewrote from: its own scan (migrator.rewrite.typescript.tsedit.scan_sites), cached."""
    from migrator.rewrite.drizzle_defaults import project_root
    from migrator.scan.engine import ScanOptions, scan

    project = project_root([root])
    result = scan(project, ScanOptions(legacy=(layer,), target=("drizzle",), jobs=jobs))
    out = []
    for site in result.sites(layer):
        path = (project / site.file).resolve()
        if path == root or root in path.parents:
            out.append(CodemodSite(path.relative_to(root).as_posix(), site.line, site.column, site.model,
                                   site.operation))
    return tuple(out)

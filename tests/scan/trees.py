"""Helpers for the scan tests: a Project for a fixture tree, pass 1 on every file, pass 1 + 2 as comparable data."""

from __future__ import annotations

import json
import re
from pathlib import Path

from migrator.scan import Project, analyzer_for
from migrator.scan.engine import npm_dependencies
from migrator.scan.facts import FileFacts
from migrator.scan.resolve import resolve

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "scan"


def ts_paths(root: Path) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """compilerOptions.paths of root/tsconfig.json with baseUrl applied (comments and trailing commas allowed)."""
    config = root / "tsconfig.json"
    if not config.is_file():
        return ()
    text = re.sub(r'("(?:[^"\\]|\\.)*")|//[^\n]*|/\*.*?\*/', lambda m: m.group(1) or "", config.read_text(), flags=re.S)
    options = json.loads(re.sub(r",(\s*[}\]])", r"\1", text)).get("compilerOptions", {})
    base = options.get("baseUrl", ".")
    return tuple(
        (pattern, tuple(str(Path(base, t)).replace("\\", "/").removeprefix("./") for t in targets))
        for pattern, targets in options.get("paths", {}).items()
    )


def source_files(root: Path) -> list[str]:
    return sorted(
        p.relative_to(root).as_posix() for p in root.rglob("*")
        if p.is_file() and "node_modules" not in p.parts and analyzer_for(p.name) is not None
    )


def analyze_tree(root: Path, entry_modules: tuple[tuple[str, str], ...] = ()) -> tuple[dict[str, FileFacts], Project]:
    files = source_files(root)
    from migrator.scan.engine import _workspace_packages

    project = Project(root=str(root), ts_paths=ts_paths(root) + _workspace_packages(root), files=frozenset(files),
                      entry_modules=entry_modules,
                      packages=npm_dependencies(root))
    facts = {}
    for path in files:
        analyzer = analyzer_for(path)
        facts[path] = analyzer.analyze(path, (root / path).read_text(encoding="utf-8"), project)
    return facts, project


def observed(root: Path) -> dict[str, dict]:
    """{path: {"layers": [...], "sites": [[line, layer, model, operation], ...], "skipped"?: reason}} for a tree."""
    facts, project = analyze_tree(root)
    resolved = resolve(facts, project)
    out = {}
    for path, r in sorted(resolved.items()):
        entry: dict = {
            "layers": sorted({s.layer for s in r.sites} | set(r.layers_imported)),
            "sites": sorted([s.line, s.layer, s.model, s.operation] for s in r.sites),
        }
        if facts[path].skipped:
            entry["skipped"] = facts[path].skipped
        out[path] = entry
    return out

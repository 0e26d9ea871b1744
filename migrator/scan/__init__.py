"""Access-layer scanning: which files use which database layer, and where.

Two registries, one module per entry, discovered like the inspect sources:
- migrator/scan/layers/<name>.py registers a Layer: a database access layer (prisma,
  drizzle, sql-js, sqlalchemy-legacy, sqlalchemy, dbapi, prisma-py, django), its language,
  the packages that provide it, the byte markers that let the pre-filter skip files that
  cannot use it, and how a use's member chain names a model and an operation.
- migrator/scan/analyzers/<language>.py registers an Analyzer: it turns one file's text
  into FileFacts (migrator.scan.facts) — tree-sitter for TypeScript/JavaScript, `ast` for
  Python.

The engine (migrator.scan.engine) walks the tree, pre-filters, runs analyzers in
parallel with a content-hash cache, links files (migrator.scan.resolve) and classifies
each file as legacy, target, mixed or none against the configured roles.
"""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass, field
from typing import Callable, Protocol

from migrator.scan.facts import FileFacts, Use


@dataclass(frozen=True)
class Layer:
    """One database access layer.

    packages: import names that provide it ("@prisma/client", "drizzle-orm", "sqlalchemy").
    markers: byte strings at least one of which a file using the layer *directly* must
        contain (the pre-filter); files reaching it through a project's entry module are
        found by the engine through that module's import paths instead.
    interpret: (Use) -> (model, operation), or None when the chain is not a database call
        (a `db.toString()`): "unknown" for a model that is not statically known.
    """

    name: str
    language: str  # "typescript" (covers JavaScript) or "python"
    description: str
    packages: tuple[str, ...]
    markers: tuple[bytes, ...]
    interpret: Callable[[Use], tuple[str, str] | None] = field(compare=False, default=lambda use: None)
    # Every operation interpret() can name for a real call, when the layer has a closed set;
    # sites reached only through a member's name must name one of them.
    operations: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Project:
    """What analyzers need to know about the repository; picklable (sent to worker processes).

    root: absolute path. ts_paths: tsconfig/jsconfig `compilerOptions.paths` as (pattern,
    targets) with baseUrl applied, repository-relative ("@/*" -> ("src/*",)). python_roots:
    folders from which Python packages are imported ("." and "src" when they hold
    packages). entry_modules: configured entry modules (repository-relative paths) with
    their layer, for projects whose client creation migrator cannot see.
    files: every scanned repository-relative path (to resolve imports without the disk).
    packages: the npm packages the project depends on: a path alias that resolves to no file
    falls back to them, as TypeScript's resolution does (`@trpc/*` mapped to src/trpc/* does
    not hide the package @trpc/server).
    """

    root: str
    ts_paths: tuple[tuple[str, tuple[str, ...]], ...] = ()
    python_roots: tuple[str, ...] = (".",)
    entry_modules: tuple[tuple[str, str], ...] = ()
    files: frozenset[str] = frozenset()
    packages: frozenset[str] = frozenset()  # npm dependencies named in the project's package.json files


class Analyzer(Protocol):
    language: str
    extensions: tuple[str, ...]  # ".ts", ".tsx", ".js", … or ".py"

    def analyze(self, path: str, text: str, project: Project) -> FileFacts: ...


_LAYERS: dict[str, Layer] = {}
_ANALYZERS: dict[str, Analyzer] = {}
_DISCOVERED = False


def register_layer(layer: Layer) -> Layer:
    _LAYERS[layer.name] = layer
    return layer


def register_analyzer(analyzer: Analyzer) -> Analyzer:
    _ANALYZERS[analyzer.language] = analyzer
    return analyzer


def _discover() -> None:
    global _DISCOVERED
    if _DISCOVERED:
        return
    for package in ("layers", "analyzers"):
        try:
            module = importlib.import_module(f"{__name__}.{package}")
        except ModuleNotFoundError:
            continue
        for info in pkgutil.iter_modules(module.__path__):
            if not info.name.startswith("_"):
                importlib.import_module(f"{module.__name__}.{info.name}")
    _DISCOVERED = True


def all_layers() -> dict[str, Layer]:
    _discover()
    return dict(_LAYERS)


def all_analyzers() -> dict[str, Analyzer]:
    _discover()
    return dict(_ANALYZERS)


def analyzer_for(path: str) -> Analyzer | None:
    for analyzer in all_analyzers().values():
        if path.endswith(analyzer.extensions):
            return analyzer
    return None

"""Everything that reads the world into a Schema.

A source is one module in this package that registers a `Source` with `register`.
`load(spec)` picks the source by URL scheme (`postgresql://`, `sqlite:///`, `sql:`,
`sqlalchemy:`, `snapshot:`) or, for a bare path, by what the path looks like. Adding a
source is adding one file here: modules are discovered, not listed.
"""

from __future__ import annotations

import contextlib
import gc
import importlib
import threading
import pkgutil
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable, Iterator, Protocol

from migrator.errors import BadInput
from migrator.schema import Schema

if TYPE_CHECKING:
    from migrator.appmodel import AppModel

ProgressCallback = Callable[[str, int, int], None]  # (label, done, total)


@dataclass(frozen=True)
class InspectOptions:
    """What every source may be told. Sources ignore what does not apply to them."""

    schemas: tuple[str, ...] = ()  # include only these namespaces (empty: all non-system)
    exclude_schemas: tuple[str, ...] = ()
    include_bookkeeping: bool = False  # _prisma_migrations, __drizzle_migrations, alembic_version
    include_extension_objects: bool = False
    dev_url: str | None = None  # a server on which a temporary database may be created
    dialect: str | None = None  # dialect of SQL sources, when it cannot be detected
    project_path: str = "."
    progress: ProgressCallback | None = field(default=None, compare=False)


class Source(Protocol):
    name: str  # the scheme, e.g. "postgresql"
    schemes: tuple[str, ...]  # prefixes it answers to, e.g. ("postgresql://", "postgres://")
    description: str

    def claims_path(self, path: str) -> bool: ...

    def load(self, spec: str, options: InspectOptions) -> Schema: ...


_REGISTRY: dict[str, Source] = {}
_DISCOVERED = False

# Tables migration tools keep for themselves: Prisma Migrate, drizzle-kit, Alembic, golang-migrate.
BOOKKEEPING_TABLES = frozenset({"_prisma_migrations", "__drizzle_migrations", "alembic_version", "schema_migrations"})


def register(source: Source) -> Source:
    _REGISTRY[source.name] = source
    return source


def _discover() -> None:
    global _DISCOVERED
    if _DISCOVERED:
        return
    for info in pkgutil.iter_modules(__path__):
        if not info.name.startswith("_") and not info.ispkg:
            importlib.import_module(f"{__name__}.{info.name}")
    _DISCOVERED = True


def sources() -> list[Source]:
    _discover()
    return sorted(_REGISTRY.values(), key=lambda s: s.name)


# Where the usual URL schemes are read, so that `migrator inspect postgresql://…` imports one
# source module, not all of them (the SQL and model readers cost a tenth of that command).
# Only a shortcut: a scheme no module found this way claims falls back to discovery.
_SCHEME_HINTS = (("postgresql://", "postgres"), ("postgres://", "postgres"), ("postgresql+psycopg://", "postgres"),
                 ("sqlite:", "sqlite"))


def _hinted(spec: str) -> Source | None:
    for prefix, module in _SCHEME_HINTS:
        if spec.startswith(prefix):
            try:
                importlib.import_module(f"{__name__}.{module}")
            except ModuleNotFoundError:
                return None
            for source in _REGISTRY.values():
                if any(spec.startswith(p) for p in source.schemes):
                    return source
            return None
    return None


def resolve(spec: str) -> Source:
    """The source that reads `spec`, or BadInput naming the spec."""
    if not _DISCOVERED:
        hinted = _hinted(spec)
        if hinted is not None:
            return hinted
    _discover()
    for source in _REGISTRY.values():
        if any(spec.startswith(prefix) for prefix in source.schemes):
            return source
    if "://" in spec or (":" in spec.split("/")[0] and len(spec.split(":")[0]) > 1):
        scheme = spec.split(":", 1)[0]
        known = ", ".join(sorted(p for s in _REGISTRY.values() for p in s.schemes))
        from migrator.sqltext import mask_url

        raise BadInput(f"{mask_url(spec)}: unknown source scheme {scheme!r} (known: {known})")
    for source in sorted(_REGISTRY.values(), key=lambda s: s.name):
        if source.claims_path(spec):
            return source
    import os

    if not os.path.exists(spec):
        raise BadInput(f"{spec}: no such file or folder")
    raise BadInput(
        f"{spec}: cannot tell what this is; prefix it with a scheme such as sql:, snapshot: or sqlite:///"
    )


def load(spec: str, options: InspectOptions | None = None) -> Schema:
    """Read `spec` into a canonical Schema."""
    options = options or InspectOptions()
    source = resolve(spec)
    with _collector_paused():
        return source.load(spec, options).canonical()


_PAUSE_LOCK = threading.Lock()
_PAUSES = 0
_WAS_ENABLED = True


def load_app_model(spec: str, options: InspectOptions | None = None) -> tuple[Schema, "AppModel"]:
    """The schema and the application's names for it (migrator.appmodel): as the source's
    code writes them when the source knows them (a Prisma schema), else derived from the
    schema (`derive`: tables, columns and foreign keys)."""
    from migrator.appmodel import derive

    options = options or InspectOptions()
    source = resolve(spec)
    reader = getattr(source, "load_app_model", None)
    if reader is not None:
        with _collector_paused():
            schema, names = reader(spec, options)
        return schema.canonical(), names
    schema = load(spec, options)
    return schema, derive(schema)


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while a source builds its tree.

    Readers allocate hundreds of thousands of small acyclic objects; the collector's
    passes over them cost a third of the time of a large Prisma schema and find nothing.
    Counted, so two sources loading in parallel threads resume it only when both are done.
    """
    global _PAUSES, _WAS_ENABLED
    with _PAUSE_LOCK:
        if _PAUSES == 0:
            _WAS_ENABLED = gc.isenabled()
            gc.disable()
        _PAUSES += 1
    try:
        yield
    finally:
        with _PAUSE_LOCK:
            _PAUSES -= 1
            if _PAUSES == 0 and _WAS_ENABLED:
                gc.enable()


def load_pair(first: str, second: str, options: InspectOptions | None = None) -> tuple[Schema, Schema]:
    """Read two sources at once: a live database and a migrations folder mostly wait on servers."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=2) as pool:
        a = pool.submit(load, first, options)
        b = pool.submit(load, second, options)
        return a.result(), b.result()


def strip_scheme(spec: str, source: Source) -> str:
    for prefix in source.schemes:
        if spec.startswith(prefix):
            return spec[len(prefix) :]
    return spec


def keep_namespace(name: str, options: InspectOptions) -> bool:
    if options.schemas and name not in options.schemas:
        return False
    return name not in options.exclude_schemas


def keep_table(name: str, options: InspectOptions) -> bool:
    return options.include_bookkeeping or name not in BOOKKEEPING_TABLES

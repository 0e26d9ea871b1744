"""The result of a scan: every file's layers, call sites, status, area and owners.

This is what `migrator scan --format json` writes (schemas/scan.v1.json), what the
baseline ratchet compares, and what the progress report is built from.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from migrator.scan.facts import Site

SCAN_FORMAT = "migrator.scan"
SCAN_VERSION = 1
STATUSES = ("legacy", "target", "mixed", "none")
# What a file is to the move. Only "calls" files have a legacy/target/mixed status; the others
# import a layer (or a project's client) without calling it, so they are status "none".
ROLES = ("calls", "schema", "client", "migration", "imports")


@dataclass(frozen=True)
class FileScan:
    """One file: the layers it uses, its call sites, and where it sits in the project.

    status: decided by call sites alone: "legacy" (call sites on a legacy layer, none on a
    target), "target" (target only), "mixed" (both), "none" (neither: no call sites at all, or
    only on another layer such as raw SQL, listed in layers).
    imported: layers the file imports (directly or through an entry module) without a call site.
    role: "calls" (the file has call sites, on any layer); otherwise what the file is to the move:
    "migration" (in a migrations folder), "client" (an entry module: creates and exports a client),
    "schema" (declares tables or models: Drizzle *-core imports or `relations`, SQLAlchemy
    declarative/Core schema names, Flask-SQLAlchemy and Django model classes), "imports" (the rest).
    Left empty, it is "calls" when there are sites and "imports" otherwise.
    """

    path: str
    language: str
    status: str
    layers: tuple[str, ...]
    sites: tuple[Site, ...] = ()
    imported: tuple[str, ...] = ()
    area: str | None = None
    owners: tuple[str, ...] = ()
    role: str = ""

    def __post_init__(self) -> None:
        if not self.role:
            object.__setattr__(self, "role", "calls" if self.sites else "imports")
        elif self.role not in ROLES:
            raise ValueError(f"unknown file role {self.role!r} (known: {', '.join(ROLES)})")

    def sites_of(self, layer: str) -> tuple[Site, ...]:
        return tuple(s for s in self.sites if s.layer == layer)


@dataclass(frozen=True)
class EntryModule:
    """A project module that creates a client and exports it (src/lib/db/index.ts exporting `db`)."""

    path: str
    layer: str
    exports: tuple[str, ...]
    env: tuple[str, ...] = ()  # environment variables the client reads
    configured: bool = False  # named in migrator.toml rather than found


@dataclass(frozen=True)
class ScanResult:
    """A whole scan. files holds only files that touch a layer (status != "none" or any layer);
    counts.total_files is every file looked at, counts.skipped those that could not be read."""

    root: str
    legacy: tuple[str, ...]  # layer names with the legacy role
    target: tuple[str, ...]  # layer names with the target role
    files: tuple[FileScan, ...]
    entry_modules: tuple[EntryModule, ...] = ()
    total_files: int = 0
    skipped: tuple[tuple[str, str], ...] = ()  # (path, reason)
    commit: str | None = None  # HEAD when scanned in a git repository
    notes: tuple[str, ...] = field(default=(), compare=False)

    def by_status(self, status: str) -> tuple[FileScan, ...]:
        return tuple(f for f in self.files if f.status == status)

    def sites(self, layer: str | None = None) -> tuple[Site, ...]:
        return tuple(s for f in self.files for s in f.sites if layer is None or s.layer == layer)

    def to_dict(self) -> dict[str, Any]:
        # By hand: dataclasses.asdict deep-copies every site of a large tree.
        return {
            "format": SCAN_FORMAT,
            "version": SCAN_VERSION,
            "root": self.root,
            "legacy": list(self.legacy),
            "target": list(self.target),
            "files": [
                {"path": f.path, "language": f.language, "status": f.status, "layers": list(f.layers),
                 "sites": [dict(vars(x)) for x in f.sites], "imported": list(f.imported), "area": f.area,
                 "owners": list(f.owners), "role": f.role}
                for f in self.files
            ],
            "entry_modules": [{**vars(e), "exports": list(e.exports), "env": list(e.env)} for e in self.entry_modules],
            "total_files": self.total_files,
            "skipped": [list(s) for s in self.skipped],
            "commit": self.commit,
            "notes": list(self.notes),
        }

    @staticmethod
    def from_dict(data: dict[str, Any]) -> ScanResult:
        if data.get("format") != SCAN_FORMAT or data.get("version") != SCAN_VERSION:
            raise ValueError(f"not a {SCAN_FORMAT} v{SCAN_VERSION} document")
        legacy, target = tuple(data["legacy"]), tuple(data["target"])
        paths = frozenset(f["path"] for f in data["files"])
        entry_paths = frozenset(e["path"] for e in data["entry_modules"])
        files = []
        for f in data["files"]:
            sites = tuple(Site(**s) for s in f["sites"])
            status, role = f["status"], f.get("role")
            if role is None:
                # Written before files had roles, when a file without call sites took the status
                # of what it imported: read it as today's scan would classify it, so that an old
                # baseline compares like with like (no "moved" files that never made a call).
                status = status_of({s.layer for s in sites}, legacy, target)
                role = ("calls" if sites else "migration" if is_migration_path(f["path"], paths)
                        else "client" if f["path"] in entry_paths else "imports")
            files.append(FileScan(
                path=f["path"], language=f["language"], status=status, layers=tuple(f["layers"]),
                sites=sites, imported=tuple(f["imported"]), area=f["area"], owners=tuple(f["owners"]), role=role,
            ))
        return ScanResult(
            root=data["root"], legacy=legacy, target=target, files=tuple(files),
            entry_modules=tuple(EntryModule(**{**e, "exports": tuple(e["exports"]), "env": tuple(e["env"])})
                                for e in data["entry_modules"]),
            total_files=data["total_files"], skipped=tuple(tuple(s) for s in data["skipped"]),
            commit=data.get("commit"), notes=tuple(data.get("notes", ())),
        )


def status_of(layers_used: set[str], legacy: tuple[str, ...], target: tuple[str, ...]) -> str:
    uses_legacy = any(layer in legacy for layer in layers_used)
    uses_target = any(layer in target for layer in layers_used)
    if uses_legacy and uses_target:
        return "mixed"
    if uses_legacy:
        return "legacy"
    if uses_target:
        return "target"
    return "none"


# Folders that hold migrations, whatever writes them: Alembic's, Django's, Prisma's and most
# JavaScript tools' `migrations/`, an `alembic/` script folder. (drizzle-kit's `drizzle/` out
# folder holds SQL and JSON only, and a folder named `drizzle` in src/ is usually the client.)
MIGRATION_DIRS = frozenset({"migrations", "alembic"})


def is_migration_path(path: str, paths: frozenset[str] | set[str] = frozenset()) -> bool:
    """A file in a migrations folder (MIGRATION_DIRS), or in a `versions/` folder beside an
    Alembic env.py (an Alembic script_location with another name). `paths`: the files of the tree."""
    parts = path.split("/")[:-1]
    if any(part in MIGRATION_DIRS for part in parts):
        return True
    for i, part in enumerate(parts):
        if part == "versions" and "/".join(parts[:i] + ["env.py"]) in paths:
            return True
    return False

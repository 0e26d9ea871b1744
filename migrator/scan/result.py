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


@dataclass(frozen=True)
class FileScan:
    """One file: the layers it uses, its call sites, and where it sits in the project.

    status: "legacy" (uses a legacy layer, no target), "target" (target only), "mixed"
    (both), "none" (neither; it may still use another layer, e.g. raw SQL, listed in layers).
    imported: layers the file imports (directly or through an entry module) without a call site.
    """

    path: str
    language: str
    status: str
    layers: tuple[str, ...]
    sites: tuple[Site, ...] = ()
    imported: tuple[str, ...] = ()
    area: str | None = None
    owners: tuple[str, ...] = ()

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
                 "owners": list(f.owners)}
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
        files = tuple(
            FileScan(
                path=f["path"], language=f["language"], status=f["status"], layers=tuple(f["layers"]),
                sites=tuple(Site(**s) for s in f["sites"]), imported=tuple(f["imported"]),
                area=f["area"], owners=tuple(f["owners"]),
            )
            for f in data["files"]
        )
        return ScanResult(
            root=data["root"], legacy=tuple(data["legacy"]), target=tuple(data["target"]), files=files,
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

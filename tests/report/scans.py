"""Hand-built scans for the report tests: data, the way the engine writes it."""

from __future__ import annotations

from migrator.scan.facts import Site
from migrator.scan.result import EntryModule, FileScan, ScanResult, status_of

LEGACY, TARGET = ("prisma",), ("drizzle",)


def file(path: str, *sites: tuple[int, str, str, str], area: str | None = None, owners: tuple[str, ...] = (),
         imported: tuple[str, ...] = (), role: str = "") -> FileScan:
    """file("a.ts", (3, "prisma", "user", "findMany"), ...): status and layers follow from the sites, as
    in the engine: a file without call sites is status none whatever it imports (role: "imports"
    unless given)."""
    site_objs = tuple(Site(path, line, 5, layer, model, op) for line, layer, model, op in sites)
    layers = tuple(sorted({s.layer for s in site_objs}))
    return FileScan(path=path, language="typescript", status=status_of(set(layers), LEGACY, TARGET), layers=layers,
                    sites=site_objs, imported=imported, area=area, owners=owners, role=role)


def scan(*files: FileScan, commit: str | None = None, entry_modules: tuple[EntryModule, ...] = ()) -> ScanResult:
    return ScanResult(root="/repo", legacy=LEGACY, target=TARGET, files=tuple(files), entry_modules=entry_modules,
                      total_files=len(files) + 10, commit=commit)


def p(line: int, model: str = "user", op: str = "findMany") -> tuple[int, str, str, str]:
    return (line, "prisma", model, op)


def d(line: int, model: str = "users", op: str = "select") -> tuple[int, str, str, str]:
    return (line, "drizzle", model, op)

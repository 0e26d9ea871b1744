"""A scan as a terminal summary: layers, status, areas, owners, the top legacy files, entry modules."""

from __future__ import annotations

import os
from collections import Counter, defaultdict

from migrator.scan.result import ScanResult


def summary_rows(result: ScanResult) -> dict:
    """The numbers the summary shows, as plain data (also used by tests)."""
    layer_files: Counter[str] = Counter()
    layer_sites: Counter[str] = Counter()
    for f in result.files:
        for layer in set(f.layers) | set(f.imported):
            layer_files[layer] += 1
        for s in f.sites:
            layer_sites[s.layer] += 1
    status = Counter(f.status for f in result.files)
    roles = Counter(f.role for f in result.files if not f.sites)
    areas: dict[str, Counter[str]] = defaultdict(Counter)
    owners: dict[str, Counter[str]] = defaultdict(Counter)
    for f in result.files:
        legacy_sites = sum(1 for s in f.sites if s.layer in result.legacy)
        area = f.area or "other"
        areas[area][f.status] += 1
        areas[area]["legacy sites"] += legacy_sites
        for owner in f.owners or ("(no owner)",):
            owners[owner][f.status] += 1
            owners[owner]["legacy sites"] += legacy_sites
    top = sorted(
        (f for f in result.files if f.status in ("legacy", "mixed")),
        key=lambda f: (-sum(1 for s in f.sites if s.layer in result.legacy), f.path),
    )
    return {"layer_files": layer_files, "layer_sites": layer_sites, "status": status, "roles": roles, "areas": areas,
            "owners": owners, "top": top}


def render_scan_text(result: ScanResult, *, top: int = 10, width: int | None = None, color: bool = False) -> str:
    from rich import box
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    from migrator.render.narrow import DETAILS_HINT, Col, fit_columns, whole_width

    console = Console(record=True, width=width or 120, highlight=False, no_color=not color,
                      file=open(os.devnull, "w"))
    rows = summary_rows(result)
    role = {name: "legacy" for name in result.legacy} | {name: "target" for name in result.target}
    roles = f"legacy: {', '.join(result.legacy) or '—'}  →  target: {', '.join(result.target) or '—'}"
    console.print(f"scan of {result.root}: {result.total_files} files read, {len(result.files)} touch a database; {roles}", markup=False)

    layers = Table(box=box.SIMPLE_HEAD, title="layers", title_justify="left")
    for col in ("layer", "role", "files", "call sites"):
        layers.add_column(col, justify="right" if col in ("files", "call sites") else "left")
    for layer in sorted(rows["layer_files"], key=lambda l: (-rows["layer_sites"][l], l)):
        layers.add_row(layer, role.get(layer, "other"), str(rows["layer_files"][layer]), str(rows["layer_sites"][layer]))
    console.print(layers)

    status = rows["status"]
    console.print("files: " + ", ".join(f"{status[s]} {s}" for s in ("legacy", "mixed", "target", "none") if status[s]) or "files: none", markup=False)
    # Status follows call sites alone: these import a layer and call nothing, so they are "none".
    roles = rows["roles"]
    if roles:
        console.print("without call sites: " + ", ".join(
            f"{roles[r]} {name}" for r, name in (("schema", "schema/model"), ("client", "client"),
                                                 ("migration", "migration"), ("imports", "import-only")) if roles[r]),
            markup=False)

    for title, groups in (("by area", rows["areas"]), ("by owner", rows["owners"])):
        if not groups:
            continue
        table = Table(box=box.SIMPLE_HEAD, title=title, title_justify="left")
        table.add_column(title.split()[-1], overflow="fold")
        for col in ("legacy", "mixed", "target", "legacy sites"):
            table.add_column(col, justify="right")
        for name, counts in sorted(groups.items(), key=lambda kv: (-kv[1]["legacy sites"], kv[0])):
            table.add_row(escape(name), *(str(counts[c]) for c in ("legacy", "mixed", "target", "legacy sites")))
        console.print(table)

    dropped: list[str] = []
    if rows["top"]:
        listed = []
        for f in rows["top"][:top]:
            legacy_sites = [s for s in f.sites if s.layer in result.legacy]
            models = sorted({s.model for s in legacy_sites if s.model not in ("-", "unknown")})
            listed.append((f.path, f.status, str(len(legacy_sites)), ", ".join(models[:6]) + (" …" if len(models) > 6 else "")))
        # On a narrow console the models go first, then the status (--format json has both).
        cols = [Col("file", [r[0] for r in listed]), Col("status", [r[1] for r in listed], wrap=False, drop=2),
                Col("legacy sites", [r[2] for r in listed], wrap=False), Col("models", [r[3] for r in listed], drop=1)]
        keep, gone = fit_columns([cols], console.width)
        dropped += gone
        file_width = whole_width([c for c in cols if c.name in keep], "file", console.width)
        table = Table(box=box.SIMPLE_HEAD, title=f"top legacy files (of {len(rows['top'])})", title_justify="left")
        names = ("file", "status", "legacy sites", "models")
        for col in names:
            if col in keep:
                table.add_column(col, justify="right" if col == "legacy sites" else "left", overflow="fold",
                                 no_wrap=col in ("status", "legacy sites"), width=file_width if col == "file" else None)
        for row in listed:
            # Paths are user data: app/api/bookings/[id]/route.ts must not be read as markup.
            table.add_row(*(escape(cell) for col, cell in zip(names, row) if col in keep))
        console.print(table)

    if result.entry_modules:
        listed = [(e.path, e.layer, ", ".join(e.exports), ", ".join(e.env)) for e in result.entry_modules]
        cols = [Col("module", [r[0] for r in listed]), Col("layer", [r[1] for r in listed], wrap=False),
                Col("exports", [r[2] for r in listed], drop=2), Col("reads", [r[3] for r in listed], drop=1)]
        keep, gone = fit_columns([cols], console.width)
        dropped += gone
        module_width = whole_width([c for c in cols if c.name in keep], "module", console.width)
        table = Table(box=box.SIMPLE_HEAD, title="entry modules", title_justify="left")
        names = ("module", "layer", "exports", "reads")
        for col in names:
            if col in keep:
                table.add_column(col, overflow="fold", width=module_width if col == "module" else None)
        for row in listed:
            table.add_row(*(escape(cell) for col, cell in zip(names, row) if col in keep))
        console.print(table)

    if result.skipped:
        reasons = Counter(reason.split(" at ")[0] for _, reason in result.skipped)
        console.print("skipped: " + ", ".join(f"{n} {r}" for r, n in sorted(reasons.items())), markup=False)
    if dropped:
        console.print(DETAILS_HINT, markup=False)
    return console.export_text(styles=color)


def ratchet_paths(ratchet, paths):
    """The ratchet with its paths (relative to the scanned folder) written through a RepoPaths (migrator.render.paths)."""
    from dataclasses import replace

    return replace(
        ratchet,
        regressions=tuple(replace(r, path=paths.file(r.path), sites=tuple(replace(s, file=paths.file(s.file)) for s in r.sites))
                          for r in ratchet.regressions),
        improvements=tuple(replace(i, path=paths.file(i.path)) for i in ratchet.improvements),
    )


def render_ratchet(ratchet, format: str = "text", *, paths=None) -> str:
    """The ratchet of `migrator scan --check`: each regression with file:line, in one of text, json, sarif, github.

    paths: a RepoPaths (migrator.render.paths) for json, sarif and github: paths relative to
    the repository root, not to the scanned folder. Text keeps the scanned folder's paths.
    """
    if paths is not None and format in ("json", "sarif", "github"):
        ratchet = ratchet_paths(ratchet, paths)
    if format == "json":
        import json
        from dataclasses import asdict

        return json.dumps({"format": "migrator.ratchet", "version": 1, "ok": ratchet.ok, **asdict(ratchet)},
                          indent=2, ensure_ascii=False) + "\n"
    if format == "github":
        return "".join(_github_lines(ratchet))
    if format == "sarif":
        return _sarif(ratchet)
    lines = []
    if ratchet.regressions:
        lines.append(f"{len(ratchet.regressions)} regression(s) against the baseline:")
        for r in ratchet.regressions:
            lines.append(f"  {r.path}: {r.message}")
            lines.extend(f"    {s.file}:{s.line}:{s.column}: {s.layer} {s.model}.{s.operation}" for s in r.sites)
    else:
        lines.append("no regressions against the baseline")
    lines.append(
        f"legacy files {ratchet.legacy_files_before} -> {ratchet.legacy_files_after}, "
        f"legacy call sites {ratchet.legacy_sites_before} -> {ratchet.legacy_sites_after}"
    )
    for imp in ratchet.improvements:
        lines.append(f"  improved: {imp.path}: {imp.message}")
    return "\n".join(lines) + "\n"


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def _github_lines(ratchet):
    for r in ratchet.regressions:
        sites = r.sites or ()
        if not sites:
            yield f"::error file={_escape_property(r.path)},title=legacy access layer::{_escape_data(r.message)}\n"
        for s in sites:
            yield (f"::error file={_escape_property(s.file)},line={s.line},col={max(s.column, 1)},"
                   f"title={_escape_property('new legacy call site')}::{_escape_data(f'{r.message}: {s.layer} {s.model}.{s.operation}')}\n")


def _sarif(ratchet) -> str:
    import json

    from migrator import __version__

    results = []
    for r in ratchet.regressions:
        for s in r.sites or (None,):
            from migrator.render.sarif import _artifact

            location = {"physicalLocation": {"artifactLocation": _artifact(s.file if s else r.path)}}
            if s is not None:
                location["physicalLocation"]["region"] = {"startLine": s.line, "startColumn": max(s.column, 1)}
            results.append({"ruleId": r.kind, "level": "error", "message": {"text": r.message}, "locations": [location]})
    doc = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "migrator", "version": __version__, "rules": [
                {"id": "new-legacy-file", "shortDescription": {"text": "a new file uses the legacy access layer"}},
                {"id": "gained-legacy-sites", "shortDescription": {"text": "a file gained legacy call sites"}},
            ]}},
            "results": results,
        }],
    }
    return json.dumps(doc, indent=2) + "\n"

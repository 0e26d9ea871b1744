"""A three-way drift report (migrator.verify.drift.ThreeWay) as text, JSON, Markdown, SARIF or GitHub annotations.

In SARIF and GitHub annotations each row (an object aspect where the sides disagree) is
one result at the file that declares the object, under one of three rules by which sides
differ from the target: drift-live, drift-legacy, drift-live-legacy. Paths in every format
but text go through migrator.render.paths (relative to the repository root).
"""

from __future__ import annotations

import json
from pathlib import PurePath
from typing import Any

from migrator.render.paths import RepoPaths
from migrator.verify.drift import DriftRow, ThreeWay

_COLUMNS = ("target", "live", "legacy")
_RULES = {
    ("live",): ("drift-live", "the live database differs from the target"),
    ("legacy",): ("drift-legacy", "the legacy models differ from the target"),
    ("live", "legacy"): ("drift-live-legacy", "the live database and the legacy models both differ from the target"),
}


def render_drift(result: ThreeWay, format: str = "text", *, root: str | PurePath | RepoPaths | None = None,
                 tool_version: str = "0", width: int | None = None) -> str:
    """root: the repository root or a RepoPaths, for the paths of json, markdown, sarif and github."""
    paths = RepoPaths.of(root)
    if format == "json":
        return render_drift_json(result, root=paths)
    if format == "markdown":
        return render_drift_markdown(result, root=paths)
    if format == "github":
        return render_drift_github(result, root=paths)
    if format == "sarif":
        return render_drift_sarif(result, tool_version, root=paths)
    return render_drift_text(result, width)


def _file_origin(row: DriftRow) -> Any:
    origin = getattr(row, "origin", None)
    return origin if origin is not None and getattr(origin, "file", None) else None


def _message(row: DriftRow) -> str:
    return f"{row.path} {row.aspect}: " + "; ".join(f"{side} says {row.value(side)}" for side in _COLUMNS)


def render_drift_github(result: ThreeWay, *, root: str | PurePath | RepoPaths | None = None) -> str:
    """One workflow command per row: ::error file=…,line=…,col=…,title=…::message (warning, notice by severity)."""
    from migrator.render.github import COMMAND, _command

    paths = RepoPaths.of(root)
    lines = []
    for row in result.rows:
        properties: list[tuple[str, str]] = []
        origin = _file_origin(row)
        if origin is not None:
            properties.append(("file", paths.file(origin.file)))
            if origin.line is not None:
                properties.append(("line", str(origin.line)))
                if origin.column is not None:
                    properties.append(("col", str(origin.column)))
        properties.append(("title", f"migrator drift: {row.aspect} ({', '.join(row.disagreeing) or 'target'})"))
        lines.append(_command(COMMAND[row.severity], properties, _message(row)) + "\n")
    return "".join(lines)


def drift_sarif_data(result: ThreeWay, tool_version: str, *, root: str | PurePath | RepoPaths | None = None) -> dict[str, Any]:
    from migrator.render import checks as common  # what every diff/check renderer shares
    from migrator.render.sarif import LEVEL, SARIF_SCHEMA, SARIF_VERSION, SRCROOT, _artifact, _file_uri

    paths = RepoPaths.of(root)
    rules = [{"id": rule_id, "name": "".join(p.capitalize() for p in rule_id.split("-")),
              "shortDescription": {"text": text}, "helpUri": common.REFERENCE_URL,
              "properties": {"tags": ["schema-drift"]}} for rule_id, text in _RULES.values()]
    index = {rule["id"]: i for i, rule in enumerate(rules)}
    results = []
    for row in result.rows:
        rule_id = _RULES.get(row.disagreeing, _RULES[("live", "legacy")])[0]
        location: dict[str, Any] = {"logicalLocations": [{"fullyQualifiedName": row.path}]}
        origin = _file_origin(row)
        if origin is not None:
            physical: dict[str, Any] = {"artifactLocation": _artifact(paths.file(origin.file))}
            if origin.line is not None:
                physical["region"] = {"startLine": origin.line}
                if origin.column is not None:
                    physical["region"]["startColumn"] = origin.column
            location = {"physicalLocation": physical, **location}
        results.append({
            "ruleId": rule_id,
            "ruleIndex": index[rule_id],
            "level": LEVEL[row.severity],
            "message": {"text": _message(row)},
            "locations": [location],
            "partialFingerprints": {"migratorObject/v1": f"drift:{row.aspect}:{row.path}"},
            "properties": {"path": row.path, "aspect": row.aspect, "target": row.target, "live": row.live,
                           "legacy": row.legacy, "disagreeing": list(row.disagreeing)},
        })
    run: dict[str, Any] = {
        "tool": {"driver": {"name": "migrator", "version": tool_version, "informationUri": common.REFERENCE_URL,
                            "rules": rules}},
        "results": results,
    }
    if paths.root is not None and not paths.prefix:
        run["originalUriBaseIds"] = {SRCROOT: {"uri": _file_uri(PurePath(paths.root).as_posix().rstrip("/") + "/")}}
    return {"$schema": SARIF_SCHEMA, "version": SARIF_VERSION, "runs": [run]}


def render_drift_sarif(result: ThreeWay, tool_version: str, *, root: str | PurePath | RepoPaths | None = None) -> str:
    import orjson

    data = drift_sarif_data(result, tool_version, root=root)
    return orjson.dumps(data, option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE).decode()


def render_drift_json(result: ThreeWay, *, root: str | PurePath | RepoPaths | None = None) -> str:
    paths = RepoPaths.of(root)
    doc = {
        "format": "migrator.drift",
        "version": 1,
        "sources": {side: paths.text(spec) if isinstance(spec, str) else spec for side, spec in result.sources.items()},
        "rows": [
            {
                "path": r.path,
                "aspect": r.aspect,
                "severity": r.severity,
                "target": r.target,
                "live": r.live,
                "legacy": r.legacy,
                "disagreeing": list(r.disagreeing),
                "origin": {"file": paths.file(r.origin.file), "line": r.origin.line, "column": r.origin.column}
                if getattr(r, "origin", None) is not None and r.origin.file else None,
            }
            for r in result.rows
        ],
    }
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def render_drift_markdown(result: ThreeWay, *, root: str | PurePath | RepoPaths | None = None) -> str:
    paths = RepoPaths.of(root)
    lines = ["## Schema drift: live, legacy, target", ""]
    lines += [f"- **{side}**: `{paths.text(str(result.sources[side]))}`" for side in _COLUMNS]
    lines.append("")
    if result.clean:
        lines.append("No drift: the three agree.")
        return "\n".join(lines) + "\n"
    lines.append("| object | aspect | target | live | legacy |")
    lines.append("| --- | --- | --- | --- | --- |")
    for r in result.rows:
        cells = [f"**{v}**" if side != "target" and v != r.target else v for side, v in zip(_COLUMNS, (r.target, r.live, r.legacy))]
        lines.append(f"| `{r.path}` | {r.aspect} | " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return "\n".join(lines) + "\n"


def render_drift_text(result: ThreeWay, width: int | None = None) -> str:
    """The rows as a table `width` columns wide (default 120); on a narrow console the aspect
    column is left out (the values say which it is) and a last line points to --format json."""
    from rich import box
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    from migrator.render.narrow import DETAILS_HINT, Col, fit_columns, whole_width

    width = width or 120
    console = Console(record=True, width=width, highlight=False, file=open("/dev/null", "w"))
    columns = [Col("object", [r.path for r in result.rows]), Col("aspect", [r.aspect for r in result.rows], wrap=False, drop=1)]
    columns += [Col(side, [str(getattr(r, side)) for r in result.rows]) for side in _COLUMNS]
    keep, dropped = fit_columns([columns], width)
    object_width = whole_width([c for c in columns if c.name in keep], "object", width)
    table = Table(box=box.SIMPLE_HEAD, title="drift: what each side says where they disagree", title_justify="left")
    table.add_column("object", overflow="fold", ratio=3, width=object_width)
    if "aspect" in keep:
        table.add_column("aspect", no_wrap=True)
    for side in _COLUMNS:
        table.add_column(side, overflow="fold", ratio=2)
    for side in _COLUMNS:
        console.print(f"{side:<7} {result.sources[side]}", markup=False)
    style = {"error": "red", "warning": "yellow", "info": "cyan"}
    for r in result.rows:
        cells = [escape(r.target)] + [f"[bold {style[r.severity]}]{escape(v)}[/]" if v != r.target else escape(v)
                                      for v in (r.live, r.legacy)]
        table.add_row(escape(r.path), *([r.aspect] if "aspect" in keep else []), *cells)
    if result.clean:
        console.print("no drift: live, legacy and target agree")
    else:
        console.print(table)
        counts = {s: sum(1 for r in result.rows if r.severity == s) for s in ("error", "warning", "info")}
        console.print(", ".join(f"{n} {s}{'s' if n != 1 else ''}" for s, n in counts.items() if n))
        if dropped:
            console.print(DETAILS_HINT, markup=False)
    return console.export_text()

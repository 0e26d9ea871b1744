"""A three-way drift report (migrator.verify.drift.ThreeWay) as text, JSON or Markdown."""

from __future__ import annotations

import json

from migrator.verify.drift import ThreeWay

_COLUMNS = ("target", "live", "legacy")


def render_drift(result: ThreeWay, format: str = "text") -> str:
    if format == "json":
        return render_drift_json(result)
    if format == "markdown":
        return render_drift_markdown(result)
    return render_drift_text(result)


def render_drift_json(result: ThreeWay) -> str:
    doc = {
        "format": "migrator.drift",
        "version": 1,
        "sources": result.sources,
        "rows": [
            {
                "path": r.path,
                "aspect": r.aspect,
                "severity": r.severity,
                "target": r.target,
                "live": r.live,
                "legacy": r.legacy,
                "disagreeing": list(r.disagreeing),
                "origin": {"file": r.origin.file, "line": r.origin.line, "column": r.origin.column}
                if getattr(r, "origin", None) is not None and r.origin.file else None,
            }
            for r in result.rows
        ],
    }
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def render_drift_markdown(result: ThreeWay) -> str:
    lines = ["## Schema drift: live, legacy, target", ""]
    lines += [f"- **{side}**: `{result.sources[side]}`" for side in _COLUMNS]
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
    from rich import box
    from rich.console import Console
    from rich.table import Table

    console = Console(record=True, width=width or 120, highlight=False, file=open("/dev/null", "w"))
    table = Table(box=box.SIMPLE_HEAD, title="drift: what each side says where they disagree", title_justify="left")
    table.add_column("object", overflow="fold", ratio=3)
    table.add_column("aspect", no_wrap=True)
    for side in _COLUMNS:
        table.add_column(side, overflow="fold", ratio=2)
    for side in _COLUMNS:
        console.print(f"{side:<7} {result.sources[side]}", markup=False)
    style = {"error": "red", "warning": "yellow", "info": "cyan"}
    for r in result.rows:
        cells = [r.target] + [f"[bold {style[r.severity]}]{v}[/]" if v != r.target else v for v in (r.live, r.legacy)]
        table.add_row(r.path, r.aspect, *cells)
    if result.clean:
        console.print("no drift: live, legacy and target agree")
    else:
        console.print(table)
        counts = {s: sum(1 for r in result.rows if r.severity == s) for s in ("error", "warning", "info")}
        console.print(", ".join(f"{n} {s}{'s' if n != 1 else ''}" for s, n in counts.items() if n))
    return console.export_text()

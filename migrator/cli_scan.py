"""`migrator scan` and `migrator report`: thin commands over migrator.scan and migrator.report.

Registered on the app of migrator.cli. `scan --check` is the ratchet for CI: exit 1 when
a file gains legacy call sites or a new file uses the legacy layer.
"""

from __future__ import annotations

import json
import os
from enum import Enum
from pathlib import Path
from typing import Annotated, Any, Optional

import typer

from migrator.cli import _console, _Guard, _Progress, _write_or_print, app

DEFAULT_BASELINE = ".migrator/baseline.json"


class ScanFormat(str, Enum):
    text = "text"
    json = "json"
    sarif = "sarif"
    github = "github"


def scan_options(root: Path, legacy: Optional[list[str]], target: Optional[list[str]], no_cache: bool,
                 jobs: Optional[int], progress) -> tuple[Any, Any]:
    """ScanOptions from the command line over the `[scan]` section of migrator.toml."""
    from migrator.config import load_config
    from migrator.errors import BadInput
    from migrator.scan import all_layers
    from migrator.scan.engine import DEFAULT_AREAS, ScanOptions

    cfg = load_config(root)
    section: dict = dict(cfg.scan) if cfg is not None else {}
    known = set(all_layers())

    def layer_list(value: Any, key: str) -> tuple[str, ...]:
        names = [value] if isinstance(value, str) else list(value or ())
        for name in names:
            if name not in known:
                where = f"{cfg.where()}: [scan] {key}" if cfg is not None and key in section else f"--{key}"
                raise BadInput(f"{where}: unknown layer {name!r} (known: {', '.join(sorted(known))})")
        return tuple(names)

    areas = DEFAULT_AREAS
    if isinstance(section.get("areas"), dict):
        areas = tuple((name, tuple([globs] if isinstance(globs, str) else globs)) for name, globs in section["areas"].items()) + DEFAULT_AREAS
    entry_modules = tuple((str(m["path"]), str(m["layer"])) for m in section.get("entry_modules", ()) if isinstance(m, dict))
    options = ScanOptions(
        legacy=layer_list(legacy if legacy else section.get("legacy"), "legacy"),
        target=layer_list(target if target else section.get("target"), "target"),
        include=tuple(section.get("include", ())),
        exclude=tuple(section.get("exclude", ())),
        areas=areas,
        entry_modules=entry_modules,
        cache=not no_cache,
        jobs=jobs,
        progress=progress,
    )
    return options, cfg


@app.command()
def scan(
    path: Annotated[Path, typer.Argument(help="the repository to scan (default: the working folder)")] = Path("."),
    format: Annotated[ScanFormat, typer.Option("--format", "-f", help="text (summary), json (schemas/scan.v1.json), sarif or github (with --check)")] = ScanFormat.text,
    legacy: Annotated[Optional[list[str]], typer.Option(help="the layer being replaced (repeatable; default: [scan] legacy, else guessed)")] = None,
    target: Annotated[Optional[list[str]], typer.Option(help="the layer replacing it (repeatable)")] = None,
    check: Annotated[bool, typer.Option("--check", help="ratchet: exit 1 when legacy usage grew against the baseline")] = False,
    baseline: Annotated[Optional[Path], typer.Option(help=f"the baseline file (default: {DEFAULT_BASELINE})")] = None,
    update_baseline: Annotated[bool, typer.Option(help="write the baseline from this scan")] = False,
    no_cache: Annotated[bool, typer.Option(help="parse every file again instead of using .migrator/cache")] = False,
    jobs: Annotated[Optional[int], typer.Option(help="worker processes (default: the machine's cores)")] = None,
    top: Annotated[int, typer.Option(help="legacy files to list in the summary")] = 10,
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="write here (atomically) instead of stdout")] = None,
) -> None:
    """Which files use the legacy layer, which the target, which both: by layer, area and owner."""
    from migrator.errors import BadInput
    from migrator.scan.engine import scan as run_scan

    progress = _Progress()
    with _Guard():
        root = path.resolve()
        if not root.is_dir():
            raise BadInput(f"{path}: not a folder")
        options, _ = scan_options(root, legacy, target, no_cache, jobs, progress)
        try:
            result = run_scan(root, options)
        finally:
            progress.close()
        baseline_path = baseline or (root / DEFAULT_BASELINE)
        if update_baseline:
            from migrator.report.baseline import write_baseline

            write_baseline(baseline_path, result)
            _console(stderr=True, highlight=False).print(f"wrote {baseline_path}", markup=False)
        if check:
            _ratchet(result, baseline_path, format, output)
            return
        if format is ScanFormat.json:
            _write_or_print(json.dumps(result.to_dict(), indent=2, ensure_ascii=False) + "\n", output)
            return
        if format in (ScanFormat.sarif, ScanFormat.github):
            raise BadInput(f"--format {format.value} reports regressions: use it with --check")
        from migrator.render.scan_text import render_scan_text

        text = render_scan_text(result, top=top, width=None if output is None else 120)
        _write_or_print(text, output)


def _ratchet(result, baseline_path: Path, format: ScanFormat, output: Optional[Path]) -> None:
    from migrator.errors import BadInput
    from migrator.report.baseline import compare_to_baseline, read_baseline

    if not baseline_path.exists():
        raise BadInput(f"{baseline_path}: no baseline; create it with `migrator scan --update-baseline`")
    ratchet = compare_to_baseline(result, read_baseline(baseline_path))
    from migrator.render.scan_text import render_ratchet

    _write_or_print(render_ratchet(ratchet, format.value), output)
    if format is ScanFormat.text and os.environ.get("GITHUB_ACTIONS") == "true" and output is None:
        print(render_ratchet(ratchet, "github"), end="")
    if ratchet.regressions:
        raise typer.Exit(1)

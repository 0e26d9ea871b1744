"""`migrator scan` and `migrator report`: thin commands over migrator.scan and migrator.report.

Registered on the app of migrator.cli. `scan --check` is the ratchet for CI: exit 1 when
a file gains legacy call sites or a new file uses the legacy layer.
"""

from __future__ import annotations

import json
import os
import re
from enum import Enum
from pathlib import Path
from typing import Annotated, Any, Optional

import typer

from migrator.cli.shared import make_console, Guard, Progress, write_or_print, app

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
    no_cache: Annotated[bool, typer.Option("--no-cache", help="parse every file again instead of using .migrator/cache")] = False,
    jobs: Annotated[Optional[int], typer.Option(help="worker processes (default: the machine's cores)")] = None,
    top: Annotated[int, typer.Option(help="legacy files to list in the summary")] = 10,
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="write here (atomically) instead of stdout")] = None,
    path_prefix: Annotated[Optional[str], typer.Option("--path-prefix", help="prepended to every file path in the json, sarif and github output of --check (paths are relative to the git repository root): for a sub-project of a monorepo")] = None,
) -> None:
    """Which files use the legacy layer, which the target, which both: by layer, area and owner."""
    from migrator.errors import BadInput
    from migrator.scan.engine import scan as run_scan

    progress = Progress()
    with Guard():
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
            make_console(stderr=True, highlight=False).print(f"wrote {baseline_path}", markup=False)
        if check:
            _ratchet(result, baseline_path, format, output, scan_paths(root, path_prefix))
            return
        if format is ScanFormat.json:
            import orjson

            write_or_print(orjson.dumps(result.to_dict(), option=orjson.OPT_INDENT_2).decode() + "\n", output)
            return
        if format in (ScanFormat.sarif, ScanFormat.github):
            raise BadInput(f"--format {format.value} reports regressions: use it with --check")
        from migrator.render.scan_text import render_scan_text

        from migrator.render.narrow import terminal_width

        text = render_scan_text(result, top=top, width=terminal_width() if output is None else 120)
        write_or_print(text, output)


def scan_paths(root: Path, path_prefix: Optional[str]):
    """Paths of a scan of `root` as CI output writes them: relative to the repository root.

    The repository is the working folder's (git rev-parse --show-toplevel, else the working
    folder); a scanned folder outside it is a repository of its own: its git top folder,
    else the folder itself. Scan paths are relative to the scanned folder (the base).
    """
    from migrator.render.paths import RepoPaths, repository_root

    repo = repository_root()
    if repo != root and repo not in root.parents:
        repo = repository_root(root)
        if repo != root and repo not in root.parents:
            repo = root
    return RepoPaths(repo, path_prefix or "", root)


def _ratchet(result, baseline_path: Path, format: ScanFormat, output: Optional[Path], paths=None) -> None:
    from migrator.errors import BadInput
    from migrator.report.baseline import compare_to_baseline, read_baseline

    if not baseline_path.exists():
        raise BadInput(f"{baseline_path}: no baseline; create it with `migrator scan --update-baseline`")
    ratchet = compare_to_baseline(result, read_baseline(baseline_path))
    from migrator.render.scan_text import render_ratchet

    write_or_print(render_ratchet(ratchet, format.value, paths=paths), output)
    if format is ScanFormat.text and os.environ.get("GITHUB_ACTIONS") == "true" and output is None:
        print(render_ratchet(ratchet, "github", paths=paths), end="")
    if ratchet.regressions:
        raise typer.Exit(1)


@app.command()
def report(
    path: Annotated[Path, typer.Argument(help="the repository (default: the working folder)")] = Path("."),
    out: Annotated[Optional[Path], typer.Option("--out", "-o", help="folder to write to (default: [report] out in migrator.toml, else reports/)")] = None,
    format: Annotated[Optional[list[str]], typer.Option("--format", "-f", help="md, json, html (repeatable; default: all three)")] = None,
    baseline: Annotated[Optional[Path], typer.Option(help=f"compare with this scan (default: {DEFAULT_BASELINE} when it exists)")] = None,
    history: Annotated[bool, typer.Option("--history", help="scan past commits for the burndown (cached per commit)")] = False,
    since: Annotated[Optional[str], typer.Option(help="with --history: a date or revision to start from")] = None,
    every: Annotated[str, typer.Option(help="with --history: every N commits, or a period such as 1w or 1d")] = "1",
    checks: Annotated[bool, typer.Option("--checks/--no-checks", help="summarize the drift checks of migrator.toml")] = True,
    legacy: Annotated[Optional[list[str]], typer.Option(help="the layer being replaced (default: [scan] legacy, else guessed)")] = None,
    target: Annotated[Optional[list[str]], typer.Option(help="the layer replacing it")] = None,
    no_cache: Annotated[bool, typer.Option("--no-cache", help="parse every file again")] = False,
    title: Annotated[Optional[str], typer.Option(help="the report's title")] = None,
    no_codemod: Annotated[bool, typer.Option("--no-codemod", help="leave out the Codemod section (the dry run of `migrator rewrite --rules prisma-drizzle` / `sql-drizzle` over the repository)")] = False,
) -> None:
    """Write the migration-progress report (progress.md, progress.json, progress.html) to reports/."""
    from migrator.errors import BadInput
    from migrator.report import FORMATS, build_report, write_report
    from migrator.scan.engine import scan as run_scan

    progress = Progress()
    # One bar for the whole report: the scan, then each commit of --history, then each phase.
    with Guard(), progress:
        root = path.resolve()
        if not root.is_dir():
            raise BadInput(f"{path}: not a folder")
        formats = tuple(format or FORMATS)
        unknown = [f for f in formats if f not in FORMATS]
        if unknown:
            raise BadInput(f"--format {unknown[0]!r}: expected one of {', '.join(FORMATS)}")
        _check_history_options(root, since, every)  # before the scan, which can take a while
        options, cfg = scan_options(root, legacy, target, no_cache, None, progress)
        result = run_scan(root, options)
        phases = ["history"] * history + ["schema", "checks", "infrastructure", "codemod", "writing"]
        phase = lambda name: progress(f"report: {name}", phases.index(name), len(phases))  # noqa: E731

        base = None
        baseline_path = baseline or (root / DEFAULT_BASELINE)
        if baseline is not None and not baseline.exists():
            raise BadInput(f"{baseline}: no such baseline")
        if baseline_path.exists():
            from migrator.report.baseline import read_baseline

            base = read_baseline(baseline_path)

        points = None
        if history:
            from dataclasses import replace

            from migrator.report.history import history as scan_history

            quiet = replace(options, progress=None, cache=False)
            every_value: int | str = int(every) if every.isdigit() else every
            points = scan_history(root, since=since, every=every_value,
                                  scan_fn=lambda files, commit: run_scan(root, quiet, contents=files),
                                  cache_key=repr((options.legacy, options.target, options.include, options.exclude)),
                                  progress=progress)

        drift = None
        schema_sources = None
        if cfg is not None:
            phase("schema")
            schema_sources = _schema_sources(cfg)
            if checks and cfg.checks:
                phase("checks")
                from migrator import inspect as sources
                from migrator.verify.checks import run_checks

                drift = run_checks(cfg, inspect_options=sources.InspectOptions())

        from migrator.report.connections import connection_facts
        from migrator.report.infra import docker_compose_findings

        phase("infrastructure")

        phase("codemod")
        from migrator.report.codemod import CodemodRun, codemod_run, rule_set_for

        if no_codemod:
            rule_set = rule_set_for(result.legacy)
            moves = CodemodRun(rule_set, "skipped", "not run (--no-codemod)", root=str(path)) if rule_set else None
        else:
            moves = codemod_run(root, result, shown_root=str(path))
        rep = build_report(result, baseline=base, drift=drift, history=points,
                           infra=docker_compose_findings(root), schema_sources=schema_sources,
                           connections=connection_facts(root, result), title=title, codemod=moves)
        out_dir = out or _report_dir(cfg, root)
        phase("writing")
        written = write_report(rep, out_dir, formats)
        progress.close()
        console = make_console(highlight=False)
        for p in written:
            console.print(f"wrote {p}", markup=False)


_RELATIVE_DATE = re.compile(r"(\d+)[\s.]*(second|minute|hour|day|week|month|year)s?[\s.]+ago", re.IGNORECASE)
_PERIOD = re.compile(r"\s*(\d+)\s*[hdw]\s*")


def _is_date(text: str) -> bool:
    """A date `git rev-list --since` reads as meant: 2024-01-31 (a time and zone may follow), "3 months ago", yesterday.

    git itself takes any text, reading what it cannot parse as "now".
    """
    import datetime as dt

    text = text.strip()
    if _RELATIVE_DATE.fullmatch(text) or text.lower() in ("yesterday", "today", "now"):
        return True
    if not re.match(r"\d{4}-\d{2}-\d{2}", text):
        return False
    try:
        dt.datetime.fromisoformat(text)
    except ValueError:
        return False
    return True


def _check_history_options(root: Path, since: Optional[str], every: str) -> None:
    from migrator.errors import BadInput

    if since is not None and not _is_date(since):
        from migrator.report.history import _is_revision

        if not _is_revision(root, since):
            raise BadInput(f"--since {since!r}: expected a date (2024-01-31, \"3 months ago\") or a revision of {root}")
    if every.strip().isdigit():
        if int(every) < 1:
            raise BadInput(f"--every {every!r}: expected at least 1 commit")
    elif not _PERIOD.fullmatch(every) or not int(re.sub(r"\D", "", every)):
        raise BadInput(f"--every {every!r}: expected a number of commits or a period such as 1d, 2w, 12h")


def _report_dir(cfg, root: Path) -> Path:
    configured = (cfg.report or {}).get("out") if cfg is not None else None
    if isinstance(configured, str):
        return (cfg.root / configured) if not Path(configured).is_absolute() else Path(configured)
    return root / "reports"


def _schema_sources(cfg) -> list:
    """The model files the config names (Prisma, Drizzle, SQLAlchemy, snapshots), read for the report's schema section.

    Databases and migration folders are left to the drift checks: reading them can need a
    server or an environment variable.
    """
    from migrator import inspect as sources
    from migrator.config import resolve_source
    from migrator.errors import MigratorError

    out = []
    for name, ref in cfg.sources.items():
        if ref.env or not ref.spec or not ref.spec.startswith(("prisma:", "drizzle:", "sqlalchemy:", "snapshot:")):
            continue
        try:
            spec = resolve_source(cfg, name)
            out.append((name, sources.load(spec, sources.InspectOptions(project_path=ref.project_path or str(cfg.root),
                                                                        dialect=ref.dialect))))
        except MigratorError:
            continue  # the checks report a source that cannot be read; the report still gets written
    return out

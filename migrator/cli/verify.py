"""`migrator diff`, `migrator drift`, `migrator check` and `migrator init`: thin commands over migrator.verify.

Registered on the app of migrator.cli. Exit codes: 0 clean, 1 changes at or above
--fail-on, 2 bad input, 3 could not connect or failed — a failure is never "no drift".
"""

from __future__ import annotations

import os
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from migrator.cli.shared import Dialect, make_console, error, Guard, Progress, write_or_print, app


class Severity(str, Enum):
    error = "error"
    warning = "warning"
    info = "info"


class ReportFormat(str, Enum):
    text = "text"
    json = "json"
    markdown = "markdown"
    sarif = "sarif"
    github = "github"


class Emit(str, Enum):
    sql = "sql"
    alembic = "alembic"


class Side(str, Enum):
    to = "to"
    from_ = "from"


def _inspect_options(dev_url, schema, exclude_schema, input_dialect, project_path, progress):
    from migrator import inspect as sources

    return sources.InspectOptions(
        schemas=tuple(schema or ()),
        exclude_schemas=tuple(exclude_schema or ()),
        dev_url=dev_url,
        dialect=input_dialect.value if input_dialect else None,
        project_path=project_path,
        progress=progress,
    )


def _config(path: Optional[Path]):
    from migrator.config import load_config, read_config

    if path is not None:
        if not path.exists():
            from migrator.errors import BadInput

            raise BadInput(f"{path}: no such file")
        return read_config(path)
    return load_config(Path.cwd())


def _github_annotations_wanted(format: ReportFormat) -> bool:
    return format is ReportFormat.text and os.environ.get("GITHUB_ACTIONS") == "true"


_PATH_PREFIX_HELP = ("prepended to every file path in json, markdown, sarif and github output (paths are "
                     "relative to the git repository root): for a sub-project of a monorepo")


def _paths(path_prefix: Optional[str]):
    """How json, markdown, sarif and github output write paths: relative to the repository root."""
    from migrator.render.paths import RepoPaths

    return RepoPaths.here(prefix=path_prefix or "")


def _render(results: list, format: ReportFormat, tool_version: str, paths=None, width: Optional[int] = None) -> str:
    """The report of one or more named diffs ((name, Diff) pairs) in `format`; paths: a RepoPaths."""
    if format is ReportFormat.json:
        from migrator.render.diff_json import render_check_json

        return render_check_json(results, root=paths)
    if format is ReportFormat.markdown:
        from migrator.render.diff_markdown import render_check_markdown

        return render_check_markdown(results, root=paths)
    if format is ReportFormat.sarif:
        from migrator.render.sarif import render_sarif

        return render_sarif(results, tool_version, root=paths)
    if format is ReportFormat.github:
        from migrator.render.github import render_github_annotations

        return render_github_annotations(results, root=paths)
    from migrator.render.diff_text import dropped_columns, render_diff_text
    from migrator.render.narrow import DETAILS_HINT
    from migrator.render.checks import check_runs

    runs = check_runs(results)
    if len(runs) == 1 and runs[0].diff is not None and runs[0].name == "diff":
        return render_diff_text(runs[0].diff, width)
    parts = []
    for run in runs:
        parts.append(f"check {run.name}\n")
        parts.append(render_diff_text(run.diff, width, hint=False) if run.diff is not None else f"  could not run: {run.error}\n")
    if any(run.diff is not None and dropped_columns(run.diff, width) for run in runs):
        parts.append(DETAILS_HINT + "\n")  # once, after every check
    return "".join(parts)


@app.command()
def diff(
    from_: Annotated[str, typer.Argument(metavar="FROM", help="the source as it is (any source spec)")],
    to: Annotated[str, typer.Argument(metavar="TO", help="the source as it should be")],
    format: Annotated[ReportFormat, typer.Option("--format", "-f", help="text, json, markdown, sarif or github (annotations)")] = ReportFormat.text,
    emit: Annotated[Optional[Emit], typer.Option(help="instead of a report, the fix: sql (DDL turning FROM into TO) or alembic (a revision)")] = None,
    dialect: Annotated[Optional[Dialect], typer.Option(help="dialect of --emit (default: FROM's)")] = None,
    fail_on: Annotated[Severity, typer.Option(help="exit 1 when a change is at or above this severity")] = Severity.error,
    partial: Annotated[Optional[Side], typer.Option(help="that side declares only some tables: what it lacks is out of scope")] = None,
    rename: Annotated[Optional[list[str]], typer.Option(help="confirm a rename OLD_PATH=NEW_PATH (repeatable)")] = None,
    ignore: Annotated[Optional[list[str]], typer.Option(help="leave out objects whose path matches (fnmatch, repeatable)")] = None,
    config: Annotated[Optional[Path], typer.Option(help="migrator.toml to take renames, ignore and severities from (default: found upwards)")] = None,
    message: Annotated[str, typer.Option(help="message of an --emit alembic revision")] = "migrator diff",
    down_revision: Annotated[Optional[str], typer.Option(help="down_revision of an --emit alembic revision")] = None,
    schema: Annotated[Optional[list[str]], typer.Option("--schema", "-s", help="only this namespace (repeatable)")] = None,
    exclude_schema: Annotated[Optional[list[str]], typer.Option("--exclude-schema", help="leave out this namespace (repeatable)")] = None,
    dev_url: Annotated[Optional[str], typer.Option(help="PostgreSQL server on which SQL sources are applied in a temporary database")] = None,
    input_dialect: Annotated[Optional[Dialect], typer.Option(help="dialect of SQL sources when it cannot be detected")] = None,
    project_path: Annotated[str, typer.Option(help="folder put on sys.path for sqlalchemy: sources (several: separated by ':', as PYTHONPATH)")] = ".",
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="write here (atomically) instead of stdout")] = None,
    no_server: Annotated[bool, typer.Option("--no-server", help=_NO_SERVER_HELP)] = False,
    path_prefix: Annotated[Optional[str], typer.Option("--path-prefix", help=_PATH_PREFIX_HELP)] = None,
) -> None:
    """Compare two sources: what turns FROM into TO, with hazards, as a report or as the fix."""
    from migrator import __version__
    from migrator import inspect as sources
    from migrator.errors import BadInput
    from migrator.verify.diff import CompareOptions, compare
    from migrator.verify.hazards import assess

    progress = Progress()
    with Guard(from_, to, dev_url):
        renames = []
        for item in rename or ():
            old, sep, new = item.partition("=")
            if not sep or not old.strip() or not new.strip():
                raise BadInput(f"--rename {item!r}: expected OLD_PATH=NEW_PATH")
            renames.append((old.strip(), new.strip()))
        cfg = _config(config)
        base = CompareOptions()
        if cfg is not None:
            from migrator.config import compare_options

            base = compare_options(cfg)
        options = CompareOptions(
            renames=tuple(base.renames) + tuple(renames),
            ignore=tuple(base.ignore) + tuple(ignore or ()),
            severity=base.severity,
            partial=partial.value if partial else None,
            server_url=_expression_server(dev_url, no_server),
        )
        inspect_options = _inspect_options(dev_url, schema, exclude_schema, input_dialect, project_path, progress)
        try:
            a, b = sources.load_pair(from_, to, inspect_options)
        finally:
            progress.close()
        compared = compare(a, b, options)
        result = assess(compared, (dialect.value if dialect else a.dialect))
        if cfg is not None and cfg.severity:
            from migrator.verify.checks import apply_severity

            result = apply_severity(result, dict(cfg.severity))
        if emit is Emit.sql:
            from migrator.render.ddl import render_changes_sql

            target = dialect.value if dialect else a.dialect
            if target not in ("postgresql", "sqlite"):
                raise BadInput(f"--emit sql needs --dialect postgresql or sqlite (FROM is {a.dialect})")
            from migrator.data.plans import header_lines

            header = header_lines(a, b, from_, to, target)
            write_or_print(render_changes_sql(result, target, from_schema=a, to_schema=b, plan_header=header), output)
            return
        if emit is Emit.alembic:
            import uuid

            from migrator.render.alembic import render_revision

            from migrator.data.plans import header_lines

            target = dialect.value if dialect else a.dialect
            text = render_revision(result, message=message, revision=uuid.uuid4().hex[:12], down_revision=down_revision,
                                   dialect=target, from_schema=a, to_schema=b, plan_header=header_lines(a, b, from_, to, target))
            write_or_print(text, output)
            return
        results = [("diff", result)]
        _emit_report(results, format, output, __version__, _paths(path_prefix))
        if result.at_or_above(fail_on.value):
            raise typer.Exit(1)


_NO_SERVER_HELP = ("compare expressions (checks, index predicates and keys, generated columns, defaults) by text "
                   "only; by default PostgreSQL prints both spellings back (--dev-url, else a scratch server)")


def _expression_server(dev_url: Optional[str], no_server: bool):
    """Who prints expressions back for compare(): --dev-url, else migrator's scratch cluster,
    started only when some expression keys differ (migrator.verify.canonical.server_for)."""
    from migrator.verify.canonical import server_for

    return server_for(dev_url, no_server)


def _emit_report(results: list, format: ReportFormat, output: Optional[Path], version: str, paths=None) -> None:
    from migrator.render.narrow import terminal_width

    # Text on stdout is laid out for the terminal (or COLUMNS); a file gets the default width.
    text = _render(results, format, version, paths, width=terminal_width() if output is None else None)
    write_or_print(text, output)
    if _github_annotations_wanted(format) and output is None:
        from migrator.render.github import render_github_annotations

        # Inside GitHub Actions the text report also annotates the files that declare the objects.
        print(render_github_annotations(results, root=paths), end="")


@app.command()
def drift(
    live: Annotated[Optional[str], typer.Option(help="the live database (a URL; default: [drift] live in migrator.toml)")] = None,
    legacy: Annotated[Optional[str], typer.Option(help="the legacy models, being replaced (e.g. prisma:…)")] = None,
    target: Annotated[Optional[str], typer.Option(help="the target schema replacing them, the source of truth (e.g. drizzle:…)")] = None,
    partial: Annotated[Optional[str], typer.Option(help="legacy or target: that side declares only some tables so far (default: [drift] partial)")] = None,
    format: Annotated[ReportFormat, typer.Option("--format", "-f", help="text, json, markdown, sarif or github (annotations)")] = ReportFormat.text,
    fail_on: Annotated[Severity, typer.Option(help="exit 1 when a row is at or above this severity")] = Severity.error,
    config: Annotated[Optional[Path], typer.Option(help="migrator.toml (default: found upwards)")] = None,
    dev_url: Annotated[Optional[str], typer.Option(help="PostgreSQL server on which SQL sources are applied")] = None,
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="write here (atomically) instead of stdout")] = None,
    no_server: Annotated[bool, typer.Option("--no-server", help=_NO_SERVER_HELP)] = False,
    path_prefix: Annotated[Optional[str], typer.Option("--path-prefix", help=_PATH_PREFIX_HELP)] = None,
) -> None:
    """Three-way drift: for every object where they disagree, what the live database, the legacy models and the target each say."""
    from concurrent.futures import ThreadPoolExecutor

    from migrator import inspect as sources
    from migrator.errors import BadInput
    from migrator.verify.diff import CompareOptions
    from migrator.verify.drift import three_way

    with Guard(live, legacy, target, dev_url):
        cfg = _config(config)
        specs = {"live": live, "legacy": legacy, "target": target}
        options = CompareOptions()
        if cfg is not None:
            from migrator.config import compare_options, resolve_source

            options = compare_options(cfg)
            for side in specs:
                name = getattr(cfg.drift, side, None) if cfg.drift else None
                if specs[side] is None and name:
                    specs[side] = resolve_source(cfg, name)
        missing = [side for side, spec in specs.items() if not spec]
        if missing:
            raise BadInput(f"drift needs --{' --'.join(missing)} (or a [drift] section in migrator.toml)")
        progress = Progress()
        inspect_options = sources.InspectOptions(dev_url=dev_url, progress=progress)
        try:
            with ThreadPoolExecutor(max_workers=3) as pool:
                loaded = {side: pool.submit(sources.load, spec, inspect_options) for side, spec in specs.items()}
                schemas = {side: f.result() for side, f in loaded.items()}
        finally:
            progress.close()
        if partial is None and cfg is not None and cfg.drift is not None:
            partial = cfg.drift.partial
        if partial not in (None, "legacy", "target"):
            raise BadInput(f"--partial must be legacy or target, not {partial!r}")
        from dataclasses import replace as _replace

        options = _replace(options, server_url=_expression_server(dev_url, no_server))
        result = three_way(schemas["live"], schemas["legacy"], schemas["target"], options, partial)
        from migrator import __version__
        from migrator.render.drift import render_drift

        paths = _paths(path_prefix)
        from migrator.render.narrow import terminal_width

        write_or_print(render_drift(result, format.value, root=paths, tool_version=__version__,
                                     width=terminal_width() if output is None else None), output)
        if _github_annotations_wanted(format) and output is None:
            # Inside GitHub Actions the text report also annotates the files that declare the objects.
            print(render_drift(result, "github", root=paths), end="")
        if result.at_or_above(fail_on.value):
            raise typer.Exit(1)


@app.command()
def check(
    name: Annotated[Optional[list[str]], typer.Argument(help="checks to run (default: all in the config)")] = None,
    format: Annotated[ReportFormat, typer.Option("--format", "-f", help="text, json, markdown, sarif or github")] = ReportFormat.text,
    fail_on: Annotated[Optional[Severity], typer.Option(help="exit 1 on a change at or above this severity (default: the config's)")] = None,
    config: Annotated[Optional[Path], typer.Option(help="migrator.toml (default: found upwards from the working folder)")] = None,
    dev_url: Annotated[Optional[str], typer.Option(help="PostgreSQL server on which SQL sources are applied")] = None,
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="write here (atomically) instead of stdout")] = None,
    no_server: Annotated[bool, typer.Option("--no-server", help=_NO_SERVER_HELP)] = False,
    path_prefix: Annotated[Optional[str], typer.Option("--path-prefix", help=_PATH_PREFIX_HELP)] = None,
) -> None:
    """Run the checks migrator.toml names (live vs target, migrations vs target, Prisma vs Drizzle, …): the CI gate."""
    from migrator import __version__
    from migrator import inspect as sources
    from migrator.errors import BadInput
    from migrator.verify.checks import exit_code, run_checks

    with Guard(dev_url):
        cfg = _config(config)
        if cfg is None:
            raise BadInput("no migrator.toml (or [tool.migrator] in pyproject.toml) here or above; run `migrator init`")
        if not cfg.checks:
            raise BadInput(f"{cfg.where()}: no [[check]] entries")
        threshold = fail_on.value if fail_on else cfg.fail_on
        with Progress() as progress:
            results = run_checks(cfg, names=name or None, inspect_options=sources.InspectOptions(dev_url=dev_url, progress=progress),
                                 server=_expression_server(dev_url, no_server))
        _emit_report(results, format, output, __version__, _paths(path_prefix))
        for r in results:
            if r.error is not None:
                error(f"check {r.name}: {r.error}")
        code = exit_code(results, threshold)
        if code:
            raise typer.Exit(code)


@app.command()
def init(
    path: Annotated[Path, typer.Argument(help="the repository (default: the working folder)")] = Path("."),
    force: Annotated[bool, typer.Option(help="overwrite an existing migrator.toml")] = False,
    print_only: Annotated[bool, typer.Option("--print", help="print the config instead of writing it")] = False,
) -> None:
    """Detect what the repository has (Prisma, Drizzle, Alembic, SQLAlchemy, migration folders) and write a starter migrator.toml."""
    from migrator.config_init import detect, render_starter_config, write_config

    with Guard():
        detected = detect(path)
        text = render_starter_config(detected)
        if print_only:
            print(text, end="")
            return
        written = write_config(path, text, force=force)
        make_console(highlight=False).print(f"wrote {written}", markup=False)

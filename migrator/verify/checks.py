"""Run the checks a migrator.toml declares: load both sources, compare, apply the config's policy.

`run_checks(config)` is what `migrator check` (and CI) runs. Each `[[check]]` loads its
FROM and TO sources with migrator.inspect.load, compares them with compare(), marks
hazards and applies the config's severity overrides and ignore globs. A source is read
once however many checks use it.

A source that cannot be read makes its checks error results, never "no drift": a CI job
must not pass because the database it was meant to look at was unreachable.
`exit_code(results, fail_on)` folds the results into the process exit code.
"""

from __future__ import annotations

import dataclasses
import difflib
from dataclasses import dataclass
from typing import Iterable

from migrator.config import CheckSpec, Config, compare_options, resolve_source
from migrator.errors import (
    EXIT_BAD_INPUT,
    EXIT_CLEAN,
    EXIT_FAILURE,
    EXIT_FINDINGS,
    BadInput,
    MigratorError,
)
from migrator.inspect import InspectOptions, load
from migrator.schema import Schema
from migrator.sqltext import mask_url, redact, url_secrets
from migrator.verify.changes import SEVERITY_RANK, Change, Diff
from migrator.verify.diff import compare


@dataclass(frozen=True)
class CheckResult:
    """The outcome of one check: a Diff, or the error that stopped it (never both).

    from_spec/to_spec: the sources as shown to users (a file spec as the config writes it,
    a URL with its password masked). fail_on: the check's own threshold, None when it
    uses the config's (exit_code's argument).
    """

    name: str
    from_spec: str
    to_spec: str
    diff: Diff | None = None
    error: MigratorError | None = None
    fail_on: str | None = None
    from_source: str = ""  # the source names in [sources]
    to_source: str = ""
    from_written: str = ""  # the specs as the config writes them ($VAR for a URL from the environment)
    to_written: str = ""
    partial: str | None = None  # the check's partial side, "to" or "from"

    @property
    def ok(self) -> bool:
        return self.error is None

    def findings(self, fail_on: str) -> tuple[Change, ...]:
        """The changes at or above this check's threshold (its own fail_on, else `fail_on`)."""
        if self.diff is None:
            return ()
        return self.diff.at_or_above(self.fail_on or fail_on)


def run_checks(
    config: Config,
    *,
    names: Iterable[str] | None = None,
    inspect_options: InspectOptions | None = None,
    server: object = "dev_url",
) -> list[CheckResult]:
    """Run the config's checks (all, or those named, in the config's order).

    inspect_options: the base options of every load (dev_url, include_bookkeeping, ...);
    a source's own dialect, schemas, exclude_schemas and project_path take precedence.
    An unknown check name is BadInput; everything that goes wrong inside a check is
    that check's error result. server: who prints expressions back for compare() (a URL or a
    function giving one, migrator.verify.canonical.server_for; None: text only); default: the dev_url.
    """
    checks = _select(config, names)
    loader = _Loader(config, inspect_options or InspectOptions())
    if server == "dev_url":
        server = loader.base.dev_url
    return [_run_one(config, check, loader, server) for check in checks]


def exit_code(results: Iterable[CheckResult], fail_on: str = "error") -> int:
    """3 if a check failed to connect or failed internally, else 2 if a check had bad input,
    else 1 if a check found a change at or above its threshold (its own fail_on, else
    `fail_on`), else 0."""
    results = list(results)
    codes = {r.error.exit_code for r in results if r.error is not None}
    if EXIT_FAILURE in codes:
        return EXIT_FAILURE
    if codes:
        return EXIT_BAD_INPUT
    if any(r.findings(fail_on) for r in results):
        return EXIT_FINDINGS
    return EXIT_CLEAN


def apply_severity(diff: Diff, overrides: dict[str, str]) -> Diff:
    """`diff` with the config's severities: by change kind, and by hazard code, which is more
    specific and so wins; of several matching hazard codes the most severe override wins."""
    if not overrides:
        return diff
    changes = []
    for change in diff.changes:
        severity = overrides.get(change.kind, change.severity)
        by_hazard = [overrides[h] for h in change.hazards if h in overrides]
        if by_hazard:
            severity = max(by_hazard, key=SEVERITY_RANK.__getitem__)
        changes.append(change if severity == change.severity else change.with_severity(severity))
    return dataclasses.replace(diff, changes=tuple(changes))


# ---------------------------------------------------------------------------


def _select(config: Config, names: Iterable[str] | None) -> list[CheckSpec]:
    if names is None:
        return list(config.checks)
    wanted = list(dict.fromkeys(names))
    known = {c.name for c in config.checks}
    for name in wanted:
        if name not in known:
            close = difflib.get_close_matches(name, sorted(known), n=1, cutoff=0.6)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            listed = ", ".join(c.name for c in config.checks) or "none"
            raise BadInput(f"{config.where()}: no check named {name!r} (defined: {listed}){hint}")
    return [c for c in config.checks if c.name in wanted]


class _Loader:
    """Loads sources by name, once each: the Schema, or the error that stopped it."""

    def __init__(self, config: Config, base: InspectOptions) -> None:
        self.config = config
        self.base = base
        self.loaded: dict[object, Schema | MigratorError] = {}
        self.secrets: list[str] = []

    def label(self, name: str) -> str:
        """The source as users see it: the spec as written, or the URL from the environment, masked."""
        ref = self.config.sources[name]
        if ref.env is None:
            return ref.label
        try:
            return mask_url(resolve_source(self.config, name))
        except BadInput:
            return ref.label  # "$DATABASE_URL": not set, so there is nothing else to show

    def load(self, name: str) -> Schema | MigratorError:
        ref = self.config.sources[name]
        try:
            spec = resolve_source(self.config, name)
        except MigratorError as exc:
            return exc
        self.secrets.extend(url_secrets(spec))
        options = dataclasses.replace(
            self.base,
            dialect=ref.dialect or self.base.dialect,
            schemas=ref.schemas or self.base.schemas,
            exclude_schemas=ref.exclude_schemas or self.base.exclude_schemas,
            project_path=ref.project_path or self.base.project_path,
        )
        # Keyed by what is read, not by name: two names for one spec are one load.
        key = (spec, options)
        if key not in self.loaded:
            try:
                self.loaded[key] = load(spec, options)
            except MigratorError as exc:
                self.loaded[key] = exc
            except Exception as exc:  # noqa: BLE001 - a reader's bug must not stop the other checks
                self.loaded[key] = self.internal(mask_url(spec), exc)
        return self.loaded[key]

    def internal(self, where: str, exc: Exception) -> MigratorError:
        """An unexpected exception as an internal failure (exit 3), passwords removed, cause kept
        so that MIGRATOR_DEBUG can still show the traceback."""
        message = redact(" ".join(str(exc).split()), *self.secrets)
        error = MigratorError(f"{where}: internal error: {type(exc).__name__}" + (f": {message}" if message else ""))
        error.__cause__ = exc
        return error


def _run_one(config: Config, check: CheckSpec, loader: _Loader, server: object = None) -> CheckResult:
    result = CheckResult(
        name=check.name,
        from_spec=loader.label(check.from_source),
        to_spec=loader.label(check.to_source),
        fail_on=check.fail_on,
        from_source=check.from_source,
        to_source=check.to_source,
        from_written=config.sources[check.from_source].label,
        to_written=config.sources[check.to_source].label,
        partial=check.partial,
    )
    a = loader.load(check.from_source)
    b = loader.load(check.to_source)
    for side in (a, b):
        if isinstance(side, MigratorError):
            return dataclasses.replace(result, error=side)
    assert isinstance(a, Schema) and isinstance(b, Schema)
    options = dataclasses.replace(compare_options(config), partial=check.partial, server_url=server)
    try:
        diff = compare(a, b, options)
        diff = _assess(diff, a.dialect)
        diff = apply_severity(diff, dict(config.severity))
    except MigratorError as exc:
        return dataclasses.replace(result, error=exc)
    except Exception as exc:  # noqa: BLE001 - one check's failure is its own result
        return dataclasses.replace(result, error=loader.internal(f"check {check.name!r}", exc))
    return dataclasses.replace(result, diff=diff)


def _assess(diff: Diff, dialect: str) -> Diff:
    """Hazards for applying the changes to FROM's database, so overrides by hazard code can apply."""
    from migrator.verify import hazards

    return hazards.assess(diff, dialect)

"""The migration-progress report as plain data: every decision made here, once, for every format.

`build_report(scan, ...)` turns a ScanResult (and, when given, a baseline scan, the
configured drift checks, history points, infrastructure findings and the schema sources)
into a `Report`: frozen dataclasses of strings, numbers and tuples. The Markdown, JSON
and HTML renderers only lay it out, so what counts as "legacy", which files are
recommended first and why, and how areas are named are decided in this module alone,
and progress.md, progress.json and progress.html always agree.

Sections, in the order the documents show them: overview (layers and their entry modules
with the environment variables each client reads), usage (files and call sites per layer
and per status), files without call sites (schema and model files, client modules,
migrations, files that only import a layer), target layer by area, legacy layer by area,
schema and migrations, infrastructure, connection topology (each client, the variables it reads,
where each database URL of the .env files points: pooler or direct, password masked), progress
since the baseline, codemod (what `migrator rewrite --rules prisma-drizzle`/`sql-drizzle` would convert
now, from the dry run migrator.report.codemod makes), recommendations (ranked by RECOMMENDATION_KINDS, each with its evidence and
the exact change: a corrected line, a command), files by area, quick reference (concern ->
location). `connections` (migrator/report/connections.py) are the facts the topology and the
quick reference are decided from.

Progress is counted in call sites and models: the headline gives the legacy call sites left, the
target's share of all call sites, and the models fully moved, partly moved and not started (a
per-model table follows); files count only by their calls, never by what they import (schema
files, client modules, migrations and type-only imports are their own groups and never "moved").
"""

from __future__ import annotations

import os
import re
import shlex
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import PurePosixPath
from typing import Any

from migrator.report.baseline import Ratchet, compare_to_baseline
from migrator.report.history import HistoryPoint, point_of
from migrator.report.connections import ConnectionFacts
from migrator.report.infra import SEVERITY_ORDER, Finding
from migrator.scan.facts import Site
from migrator.scan.result import ROLES, STATUSES, FileScan, ScanResult
from migrator.schema import Schema
from migrator.sqltext import mask_url

REPORT_FORMAT = "migrator.progress"
REPORT_VERSION = 1
RECOMMEND_EACH = 5  # rows per kind of recommendation: a short list gets acted on, a long one does not
NO_AREA = "(root)"


@dataclass(frozen=True)
class EntryInfo:
    path: str
    layer: str
    exports: tuple[str, ...]
    env: tuple[str, ...]
    configured: bool


@dataclass(frozen=True)
class LayerUsage:
    """One access layer: its role in the move, the files and call sites that use it, its entry modules."""

    name: str
    role: str  # "legacy", "target" or "other" (raw SQL, a third layer)
    files: int
    sites: int
    entry_modules: tuple[EntryInfo, ...] = ()


@dataclass(frozen=True)
class StatusUsage:
    status: str  # legacy, mixed, target, none
    files: int
    sites: int  # every call site in those files, whatever its layer


@dataclass(frozen=True)
class RoleGroup:
    """Files without call sites of one role: they import a layer but are neither legacy nor target."""

    role: str  # schema, client, migration, imports
    title: str  # "Schema and model files", …
    files: tuple[str, ...]  # paths, sorted
    layers: tuple[str, ...]  # the layers those files import, legacy first


# The groups of files without call sites, in the order every format lists them.
ROLE_TITLES = (
    ("schema", "Schema and model files"),
    ("client", "Client modules"),
    ("migration", "Migrations"),
    ("imports", "Files that only import a layer"),
)
assert {role for role, _ in ROLE_TITLES} == set(ROLES) - {"calls"}


@dataclass(frozen=True)
class AreaFile:
    """A file in an area table: its call sites on the section's layer role and the models they touch."""

    path: str
    status: str
    sites: int
    models: tuple[str, ...]
    layers: tuple[str, ...]
    owners: tuple[str, ...]
    first_line: int | None  # the first such call site, for a file:line link


@dataclass(frozen=True)
class Area:
    name: str
    files: tuple[AreaFile, ...]
    sites: int


@dataclass(frozen=True)
class SchemaSourceInfo:
    name: str
    dialect: str
    tables: tuple[str, ...]  # qualified, sorted
    enums: int
    views: int


@dataclass(frozen=True)
class ModelProgress:
    """One model (a Prisma model, a Drizzle table, a mapped class), across the two layers.

    Call sites name models each layer's way (`db.user`, `users`, `User`): they are grouped by a
    key that ignores case, underscores and a plural `s`, and shown under the legacy layer's name.
    """

    model: str
    legacy_sites: int
    target_sites: int
    files: int  # files calling it on either layer
    state: str  # "moved" (target only), "partly moved" (both), "not started" (legacy only)
    target_table: str  # its table in the target layer's schema sources (any source when none is), "" when none has it
    drift: int  # changes on that table in the configured checks


@dataclass(frozen=True)
class DriftItem:
    """One difference a configured check found: where, what, how bad."""

    check: str
    path: str  # the object path (`public.users.email`)
    kind: str
    severity: str
    message: str
    hazards: tuple[str, ...]


@dataclass(frozen=True)
class DriftInfo:
    """One configured check in a line: clean, drift (with counts) or error (why it did not run)."""

    name: str
    source_from: str
    source_to: str
    status: str  # "clean", "drift", "error"
    errors: int
    warnings: int
    infos: int
    possible: int
    out_of_scope: int
    text: str  # "3 errors, 1 warning, 0 info", "no drift", or the error


@dataclass(frozen=True)
class ChangeLine:
    """A file in the progress section: what it was, what it is, and why it is listed."""

    path: str
    kind: str  # moved, removed, fewer-legacy-sites / new-legacy-file, gained-legacy-sites
    before: int  # legacy call sites at the baseline
    after: int  # legacy call sites now
    message: str
    sites: tuple[Site, ...] = ()  # the new legacy call sites of a regression


@dataclass(frozen=True)
class Progress:
    baseline_commit: str | None
    legacy_files_before: int
    legacy_files_after: int
    legacy_sites_before: int
    legacy_sites_after: int
    moved: tuple[ChangeLine, ...]
    improvements: tuple[ChangeLine, ...]  # every improvement, moved files included
    new_legacy_files: tuple[ChangeLine, ...]
    regressions: tuple[ChangeLine, ...]  # every regression, new legacy files included


@dataclass(frozen=True)
class Recommendation:
    rank: int
    kind: str  # see RECOMMENDATION_KINDS, the order they are ranked in
    subject: str  # a path, a model name, a check name or file:line
    reason: str
    sites: int
    evidence: tuple[str, ...] = ()  # the facts the recommendation rests on, each a short line
    action: str = ""  # the exact change: a corrected line, a command; "" when the reason says it


# Strategic moves first (one edit that moves many files), then what is wrong today (infrastructure,
# drift), the schema's ownership, the file-by-file work, and last the step that ends the move.
RECOMMENDATION_KINDS = ("entry-module", "codemod", "infra-fix", "drift-fix", "schema-source", "small-file", "model",
                        "mixed-file", "retire-legacy")


CODEMOD_EXAMPLES = 3  # file:line examples per finding code: enough to find the pattern, short enough to read


@dataclass(frozen=True)
class CodemodFinding:
    """The sites one rule left (or noted), by code."""

    code: str
    description: str  # the rule's docstring's first line
    kind: str  # "left": the sites it did not convert; "note": a remark on calls it did convert (NOTE_CODES)
    count: int
    examples: tuple[str, ...]  # file:line, at most CODEMOD_EXAMPLES
    reason: str  # the finding at the first example: why that site was left, what to do


@dataclass(frozen=True)
class CodemodModel:
    """One model's legacy sites in the dry run, under the per-model table's name."""

    model: str
    converted: int
    left: int


@dataclass(frozen=True)
class Codemod:
    """What `migrator rewrite --rules RULE_SET` would convert now (a dry run over the scanned root).

    status "ran": the counts, findings and models say what the patch would move; "unavailable":
    the Drizzle schema or client could not be resolved, `message` says why and what to run;
    "failed": the rewrite crashed, `message` names the error; "skipped": `--no-codemod`."""

    rule_set: str
    status: str
    message: str
    headline: str  # the section's one line, for every status
    legacy_sites: int
    converted: int
    reported: int
    files_changed: int
    files_failed: int
    findings: tuple[CodemodFinding, ...]  # most sites first
    models: tuple[CodemodModel, ...]  # most converted first
    patch_command: str
    apply_command: str


@dataclass(frozen=True)
class EnvTarget:
    """One database variable's value in one .env file: what it points at (password masked)."""

    var: str
    file: str
    line: int
    url: str  # masked: never a password
    host: str
    port: str
    database: str
    kind: str  # "pooler", "direct" or "unknown"
    why: str  # "port 6432, pgbouncer=true", "port 5432"
    service: str  # the Compose service that publishes that port on localhost, "" when none
    read_by: tuple[str, ...]  # the clients that read the variable


@dataclass(frozen=True)
class ClientConnection:
    """A client (an entry module, the Prisma datasource, drizzle-kit) and the variables it reads."""

    client: str
    layer: str
    role: str  # legacy, target, other
    location: str  # file or file:line
    env: tuple[str, ...]  # "DATABASE_URL", "DIRECT_URL (directUrl)"
    reaches: tuple[str, ...]  # per variable with a value: "DIRECT_URL → direct localhost:5432/tutorme"


@dataclass(frozen=True)
class Topology:
    clients: tuple[ClientConnection, ...]
    variables: tuple[EnvTarget, ...]
    env_files: tuple[str, ...]  # the .env files read


@dataclass(frozen=True)
class Location:
    """A quick-reference row: where a concern lives."""

    concern: str
    location: str


@dataclass(frozen=True)
class QuickRow:
    area: str
    legacy: int
    mixed: int
    target: int


@dataclass(frozen=True)
class BurndownPoint:
    label: str  # a short commit, "baseline" or "now"
    commit: str | None
    date: str | None
    legacy_files: int
    legacy_sites: int


@dataclass(frozen=True)
class InfraFinding:
    file: str
    line: int
    severity: str
    rule: str
    message: str
    suggestion: str
    fix: str = ""  # the line as it should read

    @property
    def location(self) -> str:
        return f"{self.file}:{self.line}"


@dataclass(frozen=True)
class Report:
    title: str
    root: str
    commit: str | None
    legacy: tuple[str, ...]
    target: tuple[str, ...]
    total_files: int
    files_using_layers: int
    files_making_calls: int  # files with call sites on any layer
    skipped: int
    summary: str  # the one line that heads every format
    legacy_sites: int  # call sites on the legacy layers
    target_sites: int  # call sites on the target layers
    models: tuple[ModelProgress, ...]  # per model, most legacy call sites first
    drift_items: tuple[DriftItem, ...]  # every difference the configured checks found
    layers: tuple[LayerUsage, ...]
    statuses: tuple[StatusUsage, ...]
    without_calls: tuple[RoleGroup, ...]  # one group per role in ROLE_TITLES order, empty ones too
    target_areas: tuple[Area, ...]
    legacy_areas: tuple[Area, ...]
    schema_sources: tuple[SchemaSourceInfo, ...]
    drift: tuple[DriftInfo, ...]
    infra: tuple[InfraFinding, ...]
    progress: Progress | None
    recommendations: tuple[Recommendation, ...]
    quick_reference: tuple[QuickRow, ...]  # files per area (shown as "Files by area")
    topology: Topology
    locations: tuple[Location, ...]  # the quick reference: concern -> location
    burndown: tuple[BurndownPoint, ...]
    notes: tuple[str, ...]
    codemod: Codemod | None = None  # None: no rule set moves the legacy layer (or the report was built without it)

    def to_dict(self) -> dict[str, Any]:
        return {"format": REPORT_FORMAT, "version": REPORT_VERSION, **asdict(self)}


# ---------------------------------------------------------------------------


def build_report(
    scan: ScanResult,
    *,
    baseline: ScanResult | None = None,
    drift: Sequence[Any] | None = None,
    history: Sequence[HistoryPoint] | None = None,
    infra: Sequence[Finding] | None = None,
    schema_sources: Sequence[tuple[str, Schema]] | None = None,
    connections: ConnectionFacts | None = None,
    title: str | None = None,
    codemod: Any = None,
) -> Report:
    """The whole report for `scan`; every optional input adds its section's content (an absent
    one leaves the section empty, which each format says in words rather than leaving out)."""
    legacy_files = [f for f in scan.files if f.status in ("legacy", "mixed")]
    progress = _progress(compare_to_baseline(scan, baseline), baseline) if baseline is not None else None
    moves = _codemod(scan, codemod) if codemod is not None else None
    return Report(
        title=title or f"Migration progress: {_roles(scan.legacy)} → {_roles(scan.target)}",
        root=scan.root,
        commit=scan.commit,
        legacy=scan.legacy,
        target=scan.target,
        total_files=scan.total_files,
        files_using_layers=len(scan.files),
        files_making_calls=sum(1 for f in scan.files if f.sites),
        skipped=len(scan.skipped),
        summary=_summary(scan, legacy_files),
        legacy_sites=sum(len(_sites_of_role(f, scan.legacy)) for f in scan.files),
        target_sites=sum(len(_sites_of_role(f, scan.target)) for f in scan.files),
        models=_models(scan, schema_sources or (), drift or ()),
        drift_items=tuple(item for result in drift or () for item in _drift_items(result)),
        layers=_layers(scan),
        statuses=_statuses(scan),
        without_calls=_without_calls(scan),
        target_areas=_areas(scan, "target"),
        legacy_areas=_areas(scan, "legacy"),
        schema_sources=tuple(_schema_info(name, schema) for name, schema in schema_sources or ()),
        drift=tuple(_drift_info(result) for result in drift or ()),
        infra=tuple(_infra(f) for f in sorted(infra or (), key=_finding_order)),
        progress=progress,
        recommendations=_recommendations(scan, infra or (), drift or (), schema_sources or (), connections, moves),
        quick_reference=_quick_reference(scan),
        topology=_topology(scan, connections),
        locations=_locations(scan, connections),
        burndown=_burndown(scan, baseline, history),
        notes=tuple(scan.notes) + tuple(f"skipped {path}: {reason}" for path, reason in scan.skipped),
        codemod=moves,
    )


def area_of(file: FileScan) -> str:
    """The scan's area, else the file's top folder: a report never has an unnamed group."""
    if file.area:
        return file.area
    parts = PurePosixPath(file.path).parts
    return parts[0] if len(parts) > 1 else NO_AREA


def role_of(layer: str, scan: ScanResult) -> str:
    if layer in scan.legacy:
        return "legacy"
    if layer in scan.target:
        return "target"
    return "other"


def _roles(names: Iterable[str]) -> str:
    return " + ".join(names) or "(none)"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def model_key(name: str) -> str:
    """`User`, `user`, `users`, `user_accounts` / `UserAccount`: one key per model across layers."""
    key = "".join(ch for ch in name.lower() if ch.isalnum())
    return key[:-1] if key.endswith("s") and len(key) > 3 else key


def source_side(name: str, scan: ScanResult) -> str:
    """"legacy" or "target" for a schema source whose name says which layer it belongs to
    (`prisma`, `prisma-migrations`, `drizzle`), else ""."""
    for role, layers in (("legacy", scan.legacy), ("target", scan.target)):
        if any(layer in name.lower() for layer in layers):
            return role
    return ""


def _models(scan: ScanResult, schema_sources: Sequence[tuple[str, Schema]], drift: Sequence[Any]) -> tuple[ModelProgress, ...]:
    legacy: Counter[str] = Counter()
    target: Counter[str] = Counter()
    files: dict[str, set[str]] = defaultdict(set)
    legacy_names: dict[str, str] = {}
    target_names: dict[str, str] = {}
    for file in scan.files:
        for site in file.sites:
            if site.model in ("", "unknown", "-"):  # "-": a client-level call ($transaction, $connect)
                continue
            role = role_of(site.layer, scan)
            if role == "other":
                continue
            key = model_key(site.model)
            (legacy if role == "legacy" else target)[key] += 1
            files[key].add(file.path)
            (legacy_names if role == "legacy" else target_names).setdefault(key, site.model)
    # A model's table in the target layer's schema is what "moved" needs; the legacy schema
    # declares every table already. Without a source of the target layer, any source answers.
    target_sources = [schema for name, schema in schema_sources if source_side(name, scan) == "target"]
    tables: dict[str, str] = {}
    for schema in target_sources or [schema for _, schema in schema_sources]:
        for ns, table in schema.tables():
            tables.setdefault(model_key(table.name), f"{ns}.{table.name}")
    changed: Counter[str] = Counter()
    for result in drift:
        for item in _drift_items(result):
            parts = item.path.split(".")
            if len(parts) >= 2:
                changed[model_key(parts[1])] += 1
    rows = []
    for key in set(legacy) | set(target):
        state = "moved" if not legacy[key] else "partly moved" if target[key] else "not started"
        name = legacy_names.get(key) or target_names.get(key) or key
        rows.append(ModelProgress(name, legacy[key], target[key], len(files[key]), state,
                                  tables.get(key, ""), changed[key]))
    return tuple(sorted(rows, key=lambda m: (-m.legacy_sites, -m.target_sites, m.model)))


def _drift_items(result: Any) -> list[DriftItem]:
    from migrator.render.checks import check_runs

    run = check_runs([result])[0]
    if run.diff is None:
        return []
    return [DriftItem(run.name, change.path, change.kind, change.severity, change.message, tuple(change.hazards))
            for change in run.diff.changes if change.severity in ("error", "warning", "info")]


def _summary(scan: ScanResult, legacy_files: list[FileScan]) -> str:
    """Counts files by their call sites: a file that only imports a layer (a schema module, the
    client's module, a migration) has not moved anywhere, so it is in neither the numerator nor
    the denominator. Files whose only calls are on another layer (raw SQL beside the two ORMs)
    are named after the percentage, so the three counts add up to its denominator."""
    target = sum(1 for f in scan.files if f.status == "target")
    mixed = sum(1 for f in legacy_files if f.status == "mixed")
    legacy_sites = sum(len(_sites_of_role(f, scan.legacy)) for f in legacy_files)
    calling = len(legacy_files) + target
    moved = calling and round(100 * target / calling)
    others = [f for f in scan.files if f.sites and f.status == "none"]
    other_layers = sorted({s.layer for f in others for s in f.sites})
    more = f"; {len(others)} more call only {_roles(other_layers)}" if others else ""
    target_sites = sum(len(_sites_of_role(f, scan.target)) for f in scan.files)
    all_sites = legacy_sites + target_sites
    share = all_sites and round(100 * target_sites / all_sites)
    models = _models(scan, (), ())
    states = Counter(m.state for m in models)
    return (
        f"{_plural(legacy_sites, 'legacy call site')} left, {target_sites} on {_roles(scan.target)} "
        f"({share}% of {_plural(all_sites, 'call site')}); models: {states['moved']} moved, "
        f"{states['partly moved']} partly, {states['not started']} not started; "
        f"files making database calls: {len(legacy_files) - mixed} on {_roles(scan.legacy)} only, {mixed} mixed, "
        f"{target} on {_roles(scan.target)} only ({moved}% moved{more})"
    )


def _without_calls(scan: ScanResult) -> tuple[RoleGroup, ...]:
    order = {name: i for i, name in enumerate([*scan.legacy, *scan.target])}
    groups = []
    for role, title in ROLE_TITLES:
        files = sorted((f for f in scan.files if not f.sites and f.role == role), key=lambda f: f.path)
        layers = sorted({layer for f in files for layer in f.imported}, key=lambda l: (order.get(l, len(order)), l))
        groups.append(RoleGroup(role, title, tuple(f.path for f in files), tuple(layers)))
    return tuple(groups)


def _sites_of_role(file: FileScan, layers: tuple[str, ...]) -> tuple[Site, ...]:
    return tuple(s for s in file.sites if s.layer in layers)


def _layers(scan: ScanResult) -> tuple[LayerUsage, ...]:
    names = list(dict.fromkeys([*scan.legacy, *scan.target, *(layer for f in scan.files for layer in f.layers),
                                *(e.layer for e in scan.entry_modules)]))
    rows = []
    for name in names:
        files = sum(1 for f in scan.files if name in f.layers or name in f.imported or f.sites_of(name))
        entries = tuple(
            EntryInfo(e.path, e.layer, tuple(e.exports), tuple(e.env), e.configured)
            for e in sorted(scan.entry_modules, key=lambda e: e.path) if e.layer == name
        )
        rows.append(LayerUsage(name, role_of(name, scan), files, len(scan.sites(name)), entries))
    order = {"legacy": 0, "target": 1, "other": 2}
    return tuple(sorted(rows, key=lambda r: (order[r.role], names.index(r.name))))


def _statuses(scan: ScanResult) -> tuple[StatusUsage, ...]:
    order = ("legacy", "mixed", "target", "none")
    assert set(order) == set(STATUSES)
    return tuple(
        StatusUsage(status, len(files := scan.by_status(status)), sum(len(f.sites) for f in files)) for status in order
    )


def _area_file(file: FileScan, layers: tuple[str, ...]) -> AreaFile:
    sites = _sites_of_role(file, layers)
    return AreaFile(
        path=file.path,
        status=file.status,
        sites=len(sites),
        models=tuple(sorted({s.model for s in sites} - {"-"})),  # "-": a client-level call, not a model
        layers=tuple(layer for layer in file.layers if layer in layers) or tuple(i for i in file.imported if i in layers),
        owners=file.owners,
        first_line=min((s.line for s in sites), default=None),
    )


def _areas(scan: ScanResult, role: str) -> tuple[Area, ...]:
    """Files on one side of the move, by area; most call sites first within an area, then by path."""
    layers = scan.legacy if role == "legacy" else scan.target
    wanted = ("legacy", "mixed") if role == "legacy" else ("target", "mixed")
    grouped: dict[str, list[AreaFile]] = defaultdict(list)
    for file in scan.files:
        if file.status in wanted:
            grouped[area_of(file)].append(_area_file(file, layers))
    return tuple(
        Area(name, tuple(sorted(files, key=lambda f: (-f.sites, f.path))), sum(f.sites for f in files))
        for name, files in sorted(grouped.items())
    )


def _schema_info(name: str, schema: Schema) -> SchemaSourceInfo:
    return SchemaSourceInfo(
        name=name,
        dialect=schema.dialect,
        tables=tuple(sorted(f"{ns}.{table.name}" for ns, table in schema.tables())),
        enums=sum(len(ns.enums) for ns in schema.namespaces),
        views=sum(len(ns.views) for ns in schema.namespaces),
    )


def _diff_command(result: Any, info: DriftInfo) -> str:
    """The `migrator diff` command that prints the SQL of one check's fix: its sources as the
    config writes them (a URL from the environment stays `"$VAR"`, never the URL) and its
    partial side, so that it reports what the check reported."""
    words = ["migrator", "diff"]
    for written, shown in ((getattr(result, "from_written", ""), info.source_from), (getattr(result, "to_written", ""), info.source_to)):
        spec = written or shown
        words.append(f'"{spec}"' if re.fullmatch(r"\$[A-Za-z_]\w*", spec) else shlex.quote(spec))
    partial = getattr(result, "partial", None)
    if partial:
        words += ["--partial", partial]
    return " ".join([*words, "--emit", "sql"])


def _drift_info(result: Any) -> DriftInfo:
    """A CheckResult (migrator.verify.checks) or a (name, Diff) pair, as one line."""
    from migrator.render.checks import check_runs, counts, summary_text

    run = check_runs([result])[0]
    source_from = getattr(result, "from_spec", "") or (run.diff.source_from if run.diff else "")
    source_to = getattr(result, "to_spec", "") or (run.diff.source_to if run.diff else "")
    if run.diff is None:
        return DriftInfo(run.name, source_from, source_to, "error", 0, 0, 0, 0, 0, run.error or "did not run")
    tally = counts([run.diff])
    findings = tally["error"] + tally["warning"] + tally["info"]
    return DriftInfo(
        run.name, source_from, source_to, "drift" if findings else "clean",
        tally["error"], tally["warning"], tally["info"], tally["possible"], len(run.diff.out_of_scope),
        summary_text(tally),
    )


def _finding_order(finding: Finding) -> tuple[int, str, int]:
    return (SEVERITY_ORDER.index(finding.severity), finding.file, finding.line)


def _infra(finding: Finding) -> InfraFinding:
    return InfraFinding(finding.file, finding.line, finding.severity, finding.rule, finding.message, finding.suggestion,
                        _mask_urls(getattr(finding, "fix", "")))


_ANY_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://[^\s\"'`]+")


def _mask_urls(text: str) -> str:
    """Every URL in a line with its password masked: a corrected Compose line may carry one."""
    return _ANY_URL.sub(lambda m: mask_url(m.group(0)), text)


def _progress(ratchet: Ratchet, baseline: ScanResult) -> Progress:
    def line(item: Any) -> ChangeLine:
        return ChangeLine(item.path, item.kind, item.before, item.after, item.message,
                          tuple(getattr(item, "sites", ())))

    improvements = tuple(line(i) for i in ratchet.improvements)
    regressions = tuple(line(r) for r in ratchet.regressions)
    return Progress(
        baseline_commit=baseline.commit,
        legacy_files_before=ratchet.legacy_files_before,
        legacy_files_after=ratchet.legacy_files_after,
        legacy_sites_before=ratchet.legacy_sites_before,
        legacy_sites_after=ratchet.legacy_sites_after,
        moved=tuple(i for i in improvements if i.kind == "moved"),
        improvements=improvements,
        new_legacy_files=tuple(r for r in regressions if r.kind == "new-legacy-file"),
        regressions=regressions,
    )


def _recommendations(scan: ScanResult, infra: Sequence[Finding] = (), drift: Sequence[Any] = (),
                     schema_sources: Sequence[tuple[str, Schema]] = (),
                     connections: ConnectionFacts | None = None,
                     codemod: Codemod | None = None) -> tuple[Recommendation, ...]:
    """What to do next, ranked by RECOMMENDATION_KINDS: strategic moves with their evidence, the fixes
    for what is wrong today (each with its exact line or command), then what to port next in three
    short lists — whole files that are cheapest to finish, the models that carry most legacy
    traffic, mixed files (two layers' worth of attention until done) — and last, retiring the
    legacy client."""
    target_models = {s.model for s in scan.sites() if s.layer in scan.target}
    out: list[tuple[str, str, str, int, tuple[str, ...], str]] = []
    legacy_entries = sorted((e for e in scan.entry_modules if e.layer in scan.legacy), key=lambda e: e.path)
    target_entries = sorted((e for e in scan.entry_modules if e.layer in scan.target), key=lambda e: e.path)

    # One edit that moves many files: the legacy entry module re-exports the target client.
    for entry in legacy_entries:
        callers = sorted({s.file for s in scan.sites() if s.via == entry.path and s.layer in scan.legacy})
        if not callers or not target_entries:
            continue
        target = target_entries[0]
        sites = sum(1 for s in scan.sites() if s.via == entry.path and s.layer in scan.legacy)
        reason = (f"{target.path} already exports the target client ({', '.join(target.exports) or 'a client'}) "
                  f"and {_plural(len(callers), 'file')} reach {_roles(scan.legacy)} through {entry.path}: "
                  f"point {entry.path} at it to move {_plural(len(callers), 'file')} at once "
                  f"(their {_plural(sites, 'call site')} must use the target's API first)")
        evidence = (f"{target.path} exports {', '.join(target.exports) or '(a client)'} on {target.layer}",
                    f"{entry.path} exports {', '.join(entry.exports) or '(a client)'} on {entry.layer}",
                    *(f"calls through it: {f}" for f in callers[:RECOMMEND_EACH]),
                    *([f"and {len(callers) - RECOMMEND_EACH} more files"] if len(callers) > RECOMMEND_EACH else []))
        action = _reexport_line(entry.path, entry.exports, target.path, target.exports) or (
            f"in {entry.path}: export {', '.join(entry.exports) or 'the client'} from {target.path} "
            f"({', '.join(target.exports) or 'its client'}) instead of creating a {entry.layer} client")
        out.append(("entry-module", entry.path, reason, sites, evidence, action))

    # The codemod: the sites `migrator rewrite` converts exactly, in one command, before any hand work.
    if codemod is not None and codemod.status == "ran" and codemod.converted:
        left = [f"{f.code}: {_plural(f.count, 'finding')}, e.g. {f.examples[0]}"
                for f in codemod.findings if f.kind == "left" and f.examples][:RECOMMEND_EACH]
        out.append(("codemod", codemod.rule_set,
                    f"{codemod.converted} of {_plural(codemod.legacy_sites, 'legacy site')} convert automatically: "
                    f"run `{codemod.patch_command}`, review the patch, then apply it "
                    f"({codemod.reported} left with a finding naming file:line and the reason)",
                    codemod.converted,
                    (f"{_plural(codemod.files_changed, 'file')} would change", *left), codemod.patch_command))

    for finding in sorted(infra, key=_finding_order):
        if finding.severity == "info":
            continue
        fix = _mask_urls(getattr(finding, "fix", ""))
        reason = f"{finding.message}; {finding.suggestion}" if finding.suggestion else finding.message
        out.append(("infra-fix", f"{finding.file}:{finding.line}", reason, 0,
                    (f"{finding.rule} ({finding.severity})",), fix.strip() or finding.suggestion))

    for result in drift:
        info = _drift_info(result)
        if info.status != "drift":
            continue
        items = _drift_items(result)
        evidence = tuple(f"{d.severity}: {d.message}" for d in items[:RECOMMEND_EACH]) + (
            (f"and {len(items) - RECOMMEND_EACH} more",) if len(items) > RECOMMEND_EACH else ())
        out.append(("drift-fix", info.name,
                    f"{info.source_from} and {info.source_to} differ ({info.text}): the SQL that makes "
                    f"{info.source_from} match {info.source_to} comes from the command; review it before applying",
                    0, evidence, _diff_command(result, info)))

    def side(name: str) -> str:
        return source_side(name, scan)

    checks = [i.name for i in map(_drift_info, drift) if i.status != "error"]
    legacy_src = [(n, sch) for n, sch in schema_sources if side(n) == "legacy"]
    target_src = [(n, sch) for n, sch in schema_sources if side(n) == "target"]
    if legacy_src and target_src:
        (ln, ls), (tn, ts) = legacy_src[0], target_src[0]
        shared = sorted({t.name for _, t in ls.tables()} & {t.name for _, t in ts.tables()})
        if shared:
            owner = (connections.prisma_schema if connections and connections.prisma_schema and "prisma" in ln else ln)
            out.append(("schema-source", owner,
                        f"{ln} and {tn} both declare {_plural(len(shared), 'table')}: keep one schema source of truth "
                        f"({ln} until the move ends, then {tn}) and check the other against it in CI "
                        f"rather than editing both",
                        0, (f"declared by both: {', '.join(shared[:10])}" + (" …" if len(shared) > 10 else ""),),
                        f"migrator check {checks[0]}" if checks else f"migrator diff {ln} {tn} --partial to"))

    # Entry modules create the client: they go last, when nothing imports them any more.
    entry_paths = {e.path for e in scan.entry_modules}
    legacy_only = sorted(
        (f for f in scan.by_status("legacy") if f.path not in entry_paths),
        key=lambda f: (len(_sites_of_role(f, scan.legacy)), f.path),
    )[:RECOMMEND_EACH]
    for file in legacy_only:
        # A legacy file has legacy call sites: status follows call sites alone.
        sites = _sites_of_role(file, scan.legacy)
        models = sorted({s.model for s in sites} - {"unknown", "-"})
        on = f" on {', '.join(models)}" if models else ""
        reason = f"{_plural(len(sites), 'legacy call site')}{on}: one of the smallest files to move whole"
        out.append(("small-file", file.path, reason, len(sites), (), ""))

    per_model: Counter[str] = Counter()
    files_per_model: dict[str, set[str]] = defaultdict(set)
    for site in scan.sites():
        # "-" is a client-level call ($transaction, $queryRaw): not a model to port.
        if site.layer in scan.legacy and site.model not in ("unknown", "-"):
            per_model[site.model] += 1
            files_per_model[site.model].add(site.file)
    for model, count in sorted(per_model.items(), key=lambda kv: (-kv[1], kv[0]))[:RECOMMEND_EACH]:
        already = " (already read through the target layer elsewhere)" if model in target_models else ""
        reason = f"{_plural(count, 'legacy call site')} in {_plural(len(files_per_model[model]), 'file')}{already}"
        out.append(("model", model, reason, count, (), ""))

    mixed = sorted(scan.by_status("mixed"), key=lambda f: (len(_sites_of_role(f, scan.legacy)), f.path))[:RECOMMEND_EACH]
    for file in mixed:
        legacy = len(_sites_of_role(file, scan.legacy))
        target = len(_sites_of_role(file, scan.target))
        reason = f"{_plural(legacy, 'legacy call site')} left beside {target} on {_roles(scan.target)}: finish the file"
        out.append(("mixed-file", file.path, reason, legacy, (), ""))

    legacy_sites = len([s for s in scan.sites() if s.layer in scan.legacy])
    files = len({s.file for s in scan.sites() if s.layer in scan.legacy})
    if connections is not None:
        reads = [(c.layer, v) for c in connections.clients for v, _ in c.env]
    else:
        reads = [(e.layer, v) for e in scan.entry_modules for v in e.env]
    still_read = {v for layer, v in reads if layer not in scan.legacy}
    for entry in legacy_entries:
        only = [v for v in dict.fromkeys(v for layer, v in reads if layer in scan.legacy) if v not in still_read]
        env = f"; the variables only {_roles(scan.legacy)} reads can go with it ({', '.join(only)})" if only else ""
        out.append(("retire-legacy", entry.path,
                    f"retire the {entry.layer} client once the {_plural(legacy_sites, 'call site')} on "
                    f"{_roles(scan.legacy)} in {_plural(files, 'file')} are gone{env}",
                    legacy_sites, (f"{entry.path} exports {', '.join(entry.exports) or '(a client)'}",), ""))

    order = {kind: i for i, kind in enumerate(RECOMMENDATION_KINDS)}
    out.sort(key=lambda r: order[r[0]])  # stable: each kind keeps its own order
    return tuple(Recommendation(rank, kind, subject, reason, sites, evidence, action)
                 for rank, (kind, subject, reason, sites, evidence, action) in enumerate(out, start=1))


def _codemod(scan: ScanResult, run: Any) -> Codemod:
    """The report's summary of a migrator.report.codemod.CodemodRun: counts, findings by code, models.

    A site is left when a finding other than a note on a converted call (codemod.note_codes()) sits at
    its position, or when its file could not be rewritten; every other site of a rewritten file
    converted (the engines give each site they leave a finding at its own line and column)."""
    from migrator.report.codemod import note_codes

    NOTE_CODES = note_codes()

    root = shlex.quote(run.root or ".")
    patch = f"migrator rewrite --rules {run.rule_set} {root} --patch {run.rule_set}.patch"
    apply = f"migrator rewrite --rules {run.rule_set} {root} --apply"
    command = f"`migrator rewrite --rules {run.rule_set}`"
    if run.status != "ran":
        what = {"unavailable": "cannot run here", "failed": "failed", "skipped": "was not run"}.get(run.status, run.status)
        return Codemod(run.rule_set, run.status, run.message, f"{command} {what}: {run.message}",
                       0, 0, 0, 0, 0, (), (), patch, apply)
    results = run.results
    by_code: dict[str, list[str]] = defaultdict(list)
    first_reason: dict[str, str] = {}
    for r in results:
        for f in r.findings:
            by_code[f.code].append(f"{r.path}:{f.line}")
            first_reason.setdefault(f.code, f.reason)
    findings = tuple(CodemodFinding(code, run.descriptions.get(code, ""), "note" if code in NOTE_CODES else "left",
                                    len(at), tuple(at[:CODEMOD_EXAMPLES]), first_reason[code])
                     for code, at in sorted(by_code.items(), key=lambda kv: (kv[0] in NOTE_CODES, -len(kv[1]), kv[0])))
    status = {r.path: r.status for r in results}
    left_at = {(r.path, f.line, f.column) for r in results for f in r.findings if f.code not in NOTE_CODES}
    names = {model_key(m.model): m.model for m in _models(scan, (), ())}
    tally: dict[str, list[int]] = {}
    for site in run.sites:
        client_level = site.model in ("", "unknown", "-")
        name = "(client calls)" if client_level else names.get(model_key(site.model), site.model)
        left = status.get(site.file) in ("skipped", "failed") or (site.file, site.line, site.column) in left_at
        tally.setdefault(name, [0, 0])[left] += 1
    models = tuple(CodemodModel(name, done, left) for name, (done, left) in
                   sorted(tally.items(), key=lambda kv: (-kv[1][0], -kv[1][1], kv[0])))
    sites = sum(r.sites for r in results)
    converted = sum(r.converted for r in results)
    changed = sum(1 for r in results if r.status == "changed")
    unrewritten = sum(1 for r in results if r.status in ("skipped", "failed"))
    headline = (f"A dry run of {command} (nothing written): {_plural(sites, 'legacy site')}, {converted} would be "
                f"converted, {sites - converted} reported with a reason; {_plural(changed, 'file')} would change"
                + (f", {unrewritten} could not be rewritten" if unrewritten else ""))
    return Codemod(run.rule_set, "ran", "", headline, sites, converted, sites - converted, changed, unrewritten,
                   findings, models, patch, apply)


def _reexport_line(path: str, exports: Sequence[str], target_path: str, target_exports: Sequence[str]) -> str:
    """The line that makes a JS/TS entry module hand out the target client under its old names:
    `export { drizzleDb as db } from './drizzle';`. "" for other languages or unknown exports."""
    js = (".ts", ".tsx", ".mts", ".cts", ".js", ".mjs", ".cjs", ".jsx")
    if not exports or not target_exports or not path.endswith(js) or not target_path.endswith(js):
        return ""
    here, there = PurePosixPath(path).parent, PurePosixPath(target_path)
    relative = PurePosixPath(os.path.relpath(there.with_suffix("").as_posix(), here.as_posix() or "."))
    spec = relative.as_posix() if relative.as_posix().startswith(".") else f"./{relative.as_posix()}"
    names = ", ".join(f"{target_exports[0]} as {name}" for name in exports)
    return f"export {{ {names} }} from '{spec}';"


POOLER_PORTS = ("6432",)
DIRECT_PORTS = ("5432", "3306")
_DB_URL = re.compile(r"^(?P<scheme>postgres(?:ql)?|mysql|mariadb)(?:\+\w+)?://(?:[^@/?#]*@)?(?P<host>[^:/?#]*)"
                     r"(?::(?P<port>\d+))?(?:/(?P<db>[^?#]*))?(?:\?(?P<query>[^#]*))?")


def _topology(scan: ScanResult, facts: ConnectionFacts | None) -> Topology:
    """Each client and its variables; each database variable's value: host, port, database, pooler or direct.

    Pooler: port 6432 (PgBouncer's), `pgbouncer=true` in the query, a host named like a pooler, or a
    localhost port a Compose pooler service publishes. Direct: port 5432/3306 or a port a Compose
    database service publishes. Passwords are masked (migrator.sqltext.mask_url)."""
    if facts is None:
        clients = tuple(ClientConnection(e.path, e.layer, role_of(e.layer, scan), e.path, tuple(e.env), ())
                        for e in sorted(scan.entry_modules, key=lambda e: e.path))
        return Topology(clients, (), ())
    readers: dict[str, list[str]] = defaultdict(list)
    for c in facts.clients:
        for var, _ in c.env:
            if c.name not in readers[var]:
                readers[var].append(c.name)
    published = {p: s for s in facts.services for p, _ in s.ports if p}
    variables = []
    for v in facts.env_values:
        match = _DB_URL.match(v.value.strip())
        if not match:
            continue
        host, port = match.group("host") or "", match.group("port") or ""
        query = (match.group("query") or "").lower()
        service = published.get(port) if host in ("localhost", "127.0.0.1", "0.0.0.0", "host.docker.internal") else None
        via = "published by"
        if service is None:
            service, via = next((s for s in facts.services if s.name == host), None), "Compose service"
        pool_why = [w for w, hit in ((f"port {port}", port in POOLER_PORTS),
                                     ("pgbouncer=true", "pgbouncer=true" in query),
                                     (f"host {host}", any(p in host.lower() for p in ("pgbouncer", "pooler", "pgcat",
                                                                                      "supavisor", "odyssey", "pgpool"))),
                                     (f"{via} {service.name if service else ''}",
                                      bool(service and service.pooler))) if hit]
        if pool_why:
            kind, why = "pooler", ", ".join(pool_why)
        elif port in DIRECT_PORTS or (service is not None and service.database) or (not port and match.group("scheme")):
            kind = "direct"
            why = ", ".join(w for w in (f"port {port or 'default'}",
                                        f"{via} {service.name}" if service else "") if w)
        else:
            kind, why = "unknown", f"port {port}"
        variables.append(EnvTarget(v.var, v.file, v.line, mask_url(v.value.strip()), host, port,
                                   (match.group("db") or "").split("/")[0], kind, why,
                                   service.name if service else "", tuple(readers.get(v.var, ()))))
    by_var: dict[str, list[EnvTarget]] = defaultdict(list)
    for t in variables:
        by_var[t.var].append(t)
    clients = []
    for c in facts.clients:
        reaches = tuple(f"{var} → {t.kind} {t.host}:{t.port or 'default'}/{t.database} ({t.file})"
                        for var, _ in c.env for t in by_var.get(var, ()))
        clients.append(ClientConnection(
            c.name, c.layer, role_of(c.layer, scan), f"{c.file}:{c.line}" if c.line else c.file,
            tuple(f"{var} ({what})" if what else var for var, what in c.env), reaches))
    return Topology(tuple(clients), tuple(variables), facts.env_files)


def _locations(scan: ScanResult, facts: ConnectionFacts | None) -> tuple[Location, ...]:
    """Where each concern lives: clients, schemas, migrations, configuration, Compose services, env files."""
    rows: list[Location] = []
    for role, layers in (("legacy", scan.legacy), ("target", scan.target)):
        for e in sorted(scan.entry_modules, key=lambda e: e.path):
            if e.layer in layers:
                rows.append(Location(f"{role} client ({e.layer}: {', '.join(e.exports) or 'client'})", e.path))
    for layer in (*scan.legacy, *scan.target):
        schema_files = sorted(f.path for f in scan.files if f.role == "schema" and layer in f.imported)
        where = []
        if facts and facts.prisma_schema and layer == "prisma":
            where.append(facts.prisma_schema)
        if len(schema_files) > 1:
            folders = {str(PurePosixPath(p).parent) for p in schema_files}
            exts = {PurePosixPath(p).suffix for p in schema_files}
            folder = min(folders, key=len) if len(folders) == 1 else str(PurePosixPath(*_common(schema_files)))
            where.append(f"{folder}/*{exts.pop() if len(exts) == 1 else ''}")
        elif schema_files:
            where.append(schema_files[0])
        if where:
            rows.append(Location(f"{layer} schema", ", ".join(where)))
    migration_files = sorted({str(PurePosixPath(f.path).parent) for f in scan.files if f.role == "migration"})
    dirs = list(dict.fromkeys([*(facts.migration_dirs if facts else ()), *migration_files]))
    if dirs:
        rows.append(Location("migrations", ", ".join(f"{d}/" for d in dirs)))
    if facts:
        for c in facts.clients:
            if c.name.startswith("Prisma datasource"):
                rows.append(Location("Prisma datasource (connection variables)", f"{c.file}:{c.line}"))
            elif c.name == "drizzle-kit":
                rows.append(Location("drizzle-kit config (dbCredentials)", f"{c.file}:{c.line}" if c.line else c.file))
        for s in facts.services:
            if s.database and not s.pooler:
                rows.append(Location(f"compose database service ({s.name})", f"{s.file}:{s.line}"))
            elif s.pooler:
                rows.append(Location(f"compose pooler service ({s.name})", f"{s.file}:{s.line}"))
        for name in facts.env_files:
            rows.append(Location("env template" if name.endswith((".example", ".sample", ".template")) else "env file",
                                 name))
    return tuple(rows)


def _common(paths: Sequence[str]) -> tuple[str, ...]:
    parts = [PurePosixPath(p).parent.parts for p in paths]
    common: list[str] = []
    for level in zip(*parts):
        if len(set(level)) != 1:
            break
        common.append(level[0])
    return tuple(common) or (".",)


def _quick_reference(scan: ScanResult) -> tuple[QuickRow, ...]:
    tally: dict[str, Counter[str]] = defaultdict(Counter)
    for file in scan.files:
        if file.status in ("legacy", "mixed", "target"):
            tally[area_of(file)][file.status] += 1
    return tuple(QuickRow(area, c["legacy"], c["mixed"], c["target"]) for area, c in sorted(tally.items()))


def _burndown(scan: ScanResult, baseline: ScanResult | None,
              history: Sequence[HistoryPoint] | None) -> tuple[BurndownPoint, ...]:
    """The history when there is one; else the baseline and now; else now alone."""
    if history:
        return tuple(BurndownPoint(p.commit[:8], p.commit, p.date, p.legacy_files, p.legacy_sites) for p in history)
    points = []
    if baseline is not None:
        b = point_of(baseline, baseline.commit or "", None)
        points.append(BurndownPoint("baseline", baseline.commit, None, b.legacy_files, b.legacy_sites))
    now = point_of(scan, scan.commit or "", None)
    points.append(BurndownPoint("now", scan.commit, None, now.legacy_files, now.legacy_sites))
    return tuple(points)

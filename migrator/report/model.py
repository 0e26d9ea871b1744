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
schema and migrations, infrastructure, progress since the baseline, recommendations, quick
reference.

Progress is counted in call sites and models: the headline gives the legacy call sites left, the
target's share of all call sites, and the models fully moved, partly moved and not started (a
per-model table follows); files count only by their calls, never by what they import (schema
files, client modules, migrations and type-only imports are their own groups and never "moved").
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import PurePosixPath
from typing import Any

from migrator.report.baseline import Ratchet, compare_to_baseline
from migrator.report.history import HistoryPoint, point_of
from migrator.report.infra import SEVERITY_ORDER, Finding
from migrator.scan.facts import Site
from migrator.scan.result import ROLES, STATUSES, FileScan, ScanResult
from migrator.schema import Schema

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
    target_table: str  # the table of that name in the configured schema sources, "" when none has it
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
    kind: str  # "small-file", "model", "mixed-file"
    subject: str  # a path or a model name
    reason: str
    sites: int


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
    quick_reference: tuple[QuickRow, ...]
    burndown: tuple[BurndownPoint, ...]
    notes: tuple[str, ...]

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
    title: str | None = None,
) -> Report:
    """The whole report for `scan`; every optional input adds its section's content (an absent
    one leaves the section empty, which each format says in words rather than leaving out)."""
    legacy_files = [f for f in scan.files if f.status in ("legacy", "mixed")]
    progress = _progress(compare_to_baseline(scan, baseline), baseline) if baseline is not None else None
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
        recommendations=_recommendations(scan),
        quick_reference=_quick_reference(scan),
        burndown=_burndown(scan, baseline, history),
        notes=tuple(scan.notes) + tuple(f"skipped {path}: {reason}" for path, reason in scan.skipped),
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
    tables: dict[str, str] = {}
    for _, schema in schema_sources:
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
    from migrator.render.report import check_runs

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


def _drift_info(result: Any) -> DriftInfo:
    """A CheckResult (migrator.verify.checks) or a (name, Diff) pair, as one line."""
    from migrator.render.report import check_runs, counts, summary_text

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
    return InfraFinding(finding.file, finding.line, finding.severity, finding.rule, finding.message, finding.suggestion)


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


def _recommendations(scan: ScanResult) -> tuple[Recommendation, ...]:
    """What to port next, in three short lists and this order: whole files that are cheapest to
    finish, the models that carry most legacy traffic, and mixed files, which cost two layers'
    worth of attention until they are done."""
    target_models = {s.model for s in scan.sites() if s.layer in scan.target}
    out: list[tuple[str, str, str, int]] = []

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
        out.append(("small-file", file.path, reason, len(sites)))

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
        out.append(("model", model, reason, count))

    mixed = sorted(scan.by_status("mixed"), key=lambda f: (len(_sites_of_role(f, scan.legacy)), f.path))[:RECOMMEND_EACH]
    for file in mixed:
        legacy = len(_sites_of_role(file, scan.legacy))
        target = len(_sites_of_role(file, scan.target))
        reason = f"{_plural(legacy, 'legacy call site')} left beside {target} on {_roles(scan.target)}: finish the file"
        out.append(("mixed-file", file.path, reason, legacy))

    return tuple(Recommendation(rank, kind, subject, reason, sites)
                 for rank, (kind, subject, reason, sites) in enumerate(out, start=1))


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

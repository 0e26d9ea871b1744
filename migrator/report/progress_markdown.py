"""A Report as progress.md: a findings document a team reads top to bottom or links from a PR.

Headings in a fixed order — Overview, Usage, Files without call sites, Target layer by area,
Legacy layer by area, Schema and migrations, Infrastructure, Connection topology, Progress since baseline,
Codemod (what `migrator rewrite` would convert now; only when a rule set moves the legacy layer),
Recommendations (each with the exact change and its evidence), Files by area, Quick reference (concern → location) — each present even when empty (with a sentence saying why), so documents from
different runs diff section by section. Layout only: every value comes from the Report,
and every cell is escaped (file names are user data).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from migrator.render.diff_markdown import _cell, _code
from migrator.report.model import Area, Report

LIST_FILES = 20  # paths a row of "Files without call sites" names; progress.json has them all


def _table(header: Sequence[str], rows: Iterable[Sequence[str]]) -> list[str]:
    return ["| " + " | ".join(header) + " |", "|" + " --- |" * len(header), *("| " + " | ".join(r) + " |" for r in rows)]


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _names(items: Iterable[str]) -> str:
    return ", ".join(_code(i) for i in items) or "—"


def _overview(report: Report) -> list[str]:
    out = ["## Overview", "", _cell(report.summary) + ".", ""]
    out.append(f"- legacy: {_names(report.legacy)}; target: {_names(report.target)}")
    out.append(f"- files looked at: {report.total_files}; using a layer: {report.files_using_layers}, "
               f"of which {report.files_making_calls} make database calls; skipped: {report.skipped}")
    if report.commit:
        out.append(f"- commit: {_code(report.commit)}")
    out.append("")
    entries = [(layer, e) for layer in report.layers for e in layer.entry_modules]
    if entries:
        out += _table(
            ["entry module", "layer", "role", "exports", "environment"],
            ([_code(e.path), _code(e.layer), layer.role, _names(e.exports),
              _names(e.env) + (" (configured)" if e.configured else "")] for layer, e in entries),
        )
    else:
        out.append("No entry modules found: clients are created where they are used.")
    return out + [""]


def _usage(report: Report) -> list[str]:
    out = ["## Usage", ""]
    out += _table(["layer", "role", "files", "call sites"],
                  ([_code(u.name), u.role, str(u.files), str(u.sites)] for u in report.layers))
    out.append("")
    out += _table(["status", "files", "call sites"], ([s.status, str(s.files), str(s.sites)] for s in report.statuses))
    return out + [""]


def _models(report: Report) -> list[str]:
    out = ["## Models", ""]
    if not report.models:
        return out + ["No call site names a model.", ""]
    have_tables = any(m.target_table for m in report.models) or bool(report.schema_sources)
    out += _table(["model", "state", "legacy sites", "target sites", "files", "target table", "drift"],
                  ([_code(m.model), m.state, str(m.legacy_sites), str(m.target_sites), str(m.files),
                    _code(m.target_table) if m.target_table else ("none" if have_tables else "—"),
                    str(m.drift) if report.drift else "—"] for m in report.models))
    return out + [""]


def _drift_items(report: Report) -> list[str]:
    if not report.drift_items:
        return []
    out = ["### Drift", ""]
    out += _table(["check", "object", "change", "severity", "what differs", "hazards"],
                  ([_cell(d.check), _code(d.path), _code(d.kind), d.severity, _cell(d.message),
                    _names(d.hazards)] for d in report.drift_items))
    return out + [""]


def _without_calls(report: Report) -> list[str]:
    out = ["## Files without call sites", ""]
    if not any(g.files for g in report.without_calls):
        return out + ["Every file that uses a layer makes database calls.", ""]
    out += ["They import a layer or a project's client but make no database calls, so they are "
            "neither legacy nor target and the overview does not count them.", ""]

    def which(files: Sequence[str]) -> str:
        shown = ", ".join(_code(f) for f in files[:LIST_FILES]) or "—"
        return shown + (f" and {len(files) - LIST_FILES} more" if len(files) > LIST_FILES else "")

    out += _table(["kind", "files", "layers", "which"],
                  ([g.title, str(len(g.files)), _names(g.layers), which(g.files)] for g in report.without_calls))
    return out + [""]


def _areas(title: str, areas: Sequence[Area], empty: str) -> list[str]:
    out = [f"## {title}", ""]
    if not areas:
        return out + [empty, ""]
    for area in areas:
        out += [f"### {_cell(area.name)} ({_plural(len(area.files), 'file')}, {_plural(area.sites, 'call site')})", ""]
        out += _table(
            ["file", "status", "call sites", "models", "owners"],
            ([_code(f.path + (f":{f.first_line}" if f.first_line else "")), f.status, str(f.sites),
              _names(f.models), _cell(" ".join(f.owners)) or "—"] for f in area.files),
        )
        out.append("")
    return out


def _schema(report: Report) -> list[str]:
    out = ["## Schema and migrations", ""]
    if report.schema_sources:
        out += _table(["source", "dialect", "tables", "enums", "views"],
                      ([_code(s.name), s.dialect, str(len(s.tables)), str(s.enums), str(s.views)]
                       for s in report.schema_sources))
        out.append("")
    else:
        out += ["No schema sources given.", ""]
    if report.drift:
        out += _table(["check", "from", "to", "status", "summary"],
                      ([_cell(d.name), _code(d.source_from), _code(d.source_to), d.status, _cell(d.text)]
                       for d in report.drift))
    else:
        out.append("No drift checks configured (`[[check]]` in migrator.toml).")
    return out + [""] + _drift_items(report)


def _infra(report: Report) -> list[str]:
    out = ["## Infrastructure", ""]
    if not report.infra:
        return out + ["No findings in the Compose files.", ""]
    out += _table(["severity", "where", "rule", "finding", "suggestion"],
                  ([f.severity, _code(f.location), _code(f.rule), _cell(f.message), _cell(f.suggestion)]
                   for f in report.infra))
    return out + [""]


def _progress(report: Report) -> list[str]:
    out = ["## Progress since baseline", ""]
    p = report.progress
    if p is None:
        return out + ["No baseline given (`write_baseline` saves one).", ""]
    since = f" ({_code(p.baseline_commit)})" if p.baseline_commit else ""
    out += [f"Since the baseline{since}: files using the legacy layer {p.legacy_files_before} → "
            f"{p.legacy_files_after}, legacy call sites {p.legacy_sites_before} → {p.legacy_sites_after}; "
            f"{len(p.moved)} moved, {len(p.regressions)} regressions.", ""]
    if p.regressions:
        out += ["### Regressions", ""]
        out += _table(["file", "what", "new call sites"],
                      ([_code(r.path), _cell(r.message),
                        ", ".join(_code(f"{s.file}:{s.line}") for s in r.sites) or "—"] for r in p.regressions))
        out.append("")
    if p.improvements:
        out += ["### Improvements", ""]
        out += _table(["file", "what", "legacy call sites"],
                      ([_code(i.path), _cell(i.message), f"{i.before} → {i.after}"] for i in p.improvements))
        out.append("")
    return out


def _codemod(report: Report) -> list[str]:
    c = report.codemod
    if c is None:
        return []
    out = ["## Codemod", ""]
    out += [_cell(c.headline) + ".", ""]
    if c.status != "ran":
        return out
    out += [f"- patch: {_code(c.patch_command)}", f"- apply: {_code(c.apply_command)}", ""]
    if c.models:
        out += _table(["model", "would convert", "left"], ([_code(m.model), str(m.converted), str(m.left)] for m in c.models))
        out.append("")
    if c.findings:
        out += _table(["code", "findings", "kind", "rule", "examples", "first example's reason"],
                      ([_code(f.code), str(f.count), f.kind, _cell(f.description), _names(f.examples), _cell(f.reason)]
                       for f in c.findings))
        out.append("")
    return out


def _recommendations(report: Report) -> list[str]:
    out = ["## Recommendations", ""]
    if not report.recommendations:
        return out + ["Nothing left on the legacy layer.", ""]
    for r in report.recommendations:
        out.append(f"{r.rank}. **{_cell(r.kind)}** {_code(r.subject)}: {_cell(r.reason)}")
        if r.action:
            out.append(f"    - do: {_code(r.action)}")  # 4 spaces: under "10." too
        out += [f"    - evidence: {_cell(e)}" for e in r.evidence]
    return out + [""]


def _topology(report: Report) -> list[str]:
    out = ["## Connection topology", ""]
    t = report.topology
    if not t.clients:
        return out + ["No database clients found.", ""]
    out += _table(["client", "layer", "role", "where", "reads", "reaches"],
                  ([_cell(c.client), _code(c.layer), c.role, _code(c.location), _names(c.env),
                    _cell("; ".join(c.reaches)) or "—"] for c in t.clients))
    out.append("")
    if not t.variables:
        read = ", ".join(_code(f) for f in t.env_files)
        return out + [(f"No database URL in {read}." if read else "No .env file to say where the variables point."), ""]
    out += _table(["variable", "where", "host", "port", "database", "kind", "why", "URL (password masked)", "read by"],
                  ([_code(v.var), _code(f"{v.file}:{v.line}"), _code(v.host), v.port or "—", _code(v.database),
                    v.kind, _cell(v.why), _code(v.url), _cell(", ".join(v.read_by)) or "—"] for v in t.variables))
    return out + [""]


def _locations(report: Report) -> list[str]:
    out = ["## Quick reference", ""]
    if not report.locations:
        return out + ["Nothing located.", ""]
    out += _table(["concern", "location"], ([_cell(q.concern), _code(q.location)] for q in report.locations))
    return out + [""]


def _quick(report: Report) -> list[str]:
    out = ["## Files by area", ""]
    if not report.quick_reference:
        return out + ["No files use either layer.", ""]
    out += _table(["area", "legacy", "mixed", "target"],
                  ([_cell(q.area), str(q.legacy), str(q.mixed), str(q.target)] for q in report.quick_reference))
    return out + [""]


def render_progress_markdown(report: Report) -> str:
    lines = [f"# {_cell(report.title)}", ""]
    lines += _overview(report)
    lines += _usage(report)
    lines += _models(report)
    lines += _without_calls(report)
    lines += _areas("Target layer by area", report.target_areas, "No file uses the target layer yet.")
    lines += _areas("Legacy layer by area", report.legacy_areas, "No file uses the legacy layer any more.")
    lines += _schema(report)
    lines += _infra(report)
    lines += _topology(report)
    lines += _progress(report)
    lines += _codemod(report)
    lines += _recommendations(report)
    lines += _quick(report)
    lines += _locations(report)
    if report.notes:
        lines += ["## Notes", "", *(f"- {_cell(n)}" for n in report.notes), ""]
    while lines and not lines[-1]:
        lines.pop()
    return "\n".join(lines) + "\n"

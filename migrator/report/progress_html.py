"""A Report as progress.html: one self-contained page to open from CI artifacts or a laptop.

Everything is inline — CSS, a little vanilla JavaScript, SVG — and a Content-Security-Policy
forbids any network request, so the page works offline and from a zip. It shows the same
sections as progress.md (a list of more than OPEN_FILES files without call sites collapsed in
a `<details>`), plus:

- a burndown chart (inline SVG): files using the legacy layer and legacy call sites over
  the report's burndown points (the history, else the baseline and now), the baseline dashed
  when it is not one of the points; a single point is shown as "now" bars against the totals;
- a stacked bar per area (legacy / mixed / target files), its length proportional to the area's files;
- sortable tables, filterable from FILTER_ROWS rows: click (or Enter on) a header to sort, type in
  the box above a long table to filter its rows. `#q=text&sort=tbl-legacy-areas-files:3:desc` in the
  address filters every table and sorts one on load, so a view can be shared as a link;
- Markdown code spans in text cells shown as code;
- a layout down to 360 px: tables scroll inside their own box, and on a narrow screen a table of
  CARD_COLUMNS or more columns shows each row as a card (bench/screenshot_report.py shoots it).

Every value is HTML-escaped (file names and messages are user data); the script never
parses markup from data (it moves rows and toggles `hidden`). Layout only: the Report
decides what is shown.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from html import escape

from migrator.report.model import Area, BurndownPoint, Report

CHART_W, CHART_H, PAD = 720, 240, 40
FILTER_ROWS = 10  # a table gets a filter box from this many rows on
CARD_COLUMNS = 5  # on a narrow screen, a table of this many columns shows each row as a card


def _e(value: object) -> str:
    return escape("" if value is None else str(value), quote=True)


_CODE_SPAN = re.compile(r"`([^`]+)`")


def _md(value: object) -> str:
    """Text with Markdown code spans (`x`) shown as <code>; everything else is escaped, as in _e."""
    text = "" if value is None else str(value)
    out, pos = [], 0
    for m in _CODE_SPAN.finditer(text):
        out.append(_e(text[pos:m.start()]) + f"<code>{_e(m.group(1))}</code>")
        pos = m.end()
    return "".join(out) + _e(text[pos:])


def _table(name: str, header: Sequence[str], rows: Iterable[Sequence[tuple[str, object]]],
           numeric: Sequence[int] = ()) -> str:
    """A sortable table, with a filter box from FILTER_ROWS rows on. Cells are (html, sort value): the
    html is escaped by callers.

    Its id is `tbl-<name>`: the prefix keeps table ids apart from the sections' anchors.
    """
    table_id = f"tbl-{name}"
    head = "".join(
        f'<th scope="col" tabindex="0" data-col="{i}"{" data-type=number" if i in numeric else ""}>{_e(h)}</th>'
        for i, h in enumerate(header)
    )
    # data-label: the column's name, shown before each cell when a narrow screen lays rows out as cards.
    labels = [_e(h) for h in header]
    trs = ["<tr>" + "".join(f'<td data-label="{labels[i] if i < len(labels) else ""}" data-sort="{_e(sort)}">'
                            f'<span class="v">{cell}</span></td>' for i, (cell, sort) in enumerate(row)) + "</tr>"
           for row in rows]
    cards = " cards" if len(header) >= CARD_COLUMNS else ""
    box = (f'<input type="search" class="filter" placeholder="filter rows" aria-label="filter {_e(table_id)}" '
           f'data-filter-for="{_e(table_id)}">' if len(trs) >= FILTER_ROWS else "")
    # The count is filled for tables with a box, and for the others only while a filter from the address hides rows.
    return (
        f'<div class="tablebox">{box}<span class="count" data-count-for="{_e(table_id)}"></span>'
        f'<div class="tablewrap{cards}"><table id="{_e(table_id)}" class="sortable"><thead><tr>{head}</tr></thead>'
        f'<tbody>{"".join(trs)}</tbody></table></div></div>'
    )


def _t(value: object) -> tuple[str, object]:
    """A text cell: Markdown code spans in it are shown as code (and sorted without their backticks)."""
    if isinstance(value, str):
        return _md(value), _CODE_SPAN.sub(r"\1", value)
    return _md(value), value if value is not None else ""


def _c(value: object) -> tuple[str, object]:
    """A code cell (paths, names): a long path may wrap after a slash on a narrow screen."""
    return f"<code>{_e(value).replace('/', '/<wbr>')}</code>", value if value is not None else ""


def _n(value: int) -> tuple[str, object]:
    return _e(value), value


def _section(title: str, anchor: str, body: str) -> str:
    return f'<section id="{anchor}"><h2>{_e(title)}</h2>{body}</section>'


def _p(text: str) -> str:
    return f"<p>{_e(text)}</p>"


def _burndown(points: Sequence[BurndownPoint], baseline: BurndownPoint | None, totals: tuple[int, int]) -> str:
    """Lines from 2 points on; a single point ("now") as bars against the totals instead.

    `baseline` (the baseline's counts when it is not one of the points) is drawn as a dashed mark;
    `totals` are the files making database calls and all call sites, the bars' full length.
    """
    if len(points) < 2:
        return _now_bars(points[-1] if points else None, baseline, totals)
    n = len(points)
    extra = [baseline] if baseline is not None else []
    max_files = max(p.legacy_files for p in (*points, *extra)) or 1
    max_sites = max(p.legacy_sites for p in (*points, *extra)) or 1
    inner_w, inner_h = CHART_W - 2 * PAD, CHART_H - 2 * PAD

    def x(i: int) -> float:
        return PAD + inner_w * i / (n - 1)

    def y(value: int, top: int) -> float:
        return PAD + inner_h * (1 - value / top)

    parts = [f'<svg id="burndown" viewBox="0 0 {CHART_W} {CHART_H}" role="img" '
             f'aria-label="legacy files and call sites over time" xmlns="http://www.w3.org/2000/svg">',
             f'<line class="axis" x1="{PAD}" y1="{CHART_H - PAD}" x2="{CHART_W - PAD}" y2="{CHART_H - PAD}"/>']
    for series, attr, top in (("files", "legacy_files", max_files), ("sites", "legacy_sites", max_sites)):
        if baseline is not None:
            by = y(getattr(baseline, attr), top)
            parts.append(f'<line class="baseline {series}" x1="{PAD}" y1="{by:.1f}" x2="{CHART_W - PAD}" y2="{by:.1f}">'
                         f'<title>baseline: {getattr(baseline, attr)} legacy {series}</title></line>')
        coords = [(x(i), y(getattr(p, attr), top)) for i, p in enumerate(points)]
        path = " ".join(f"{cx:.1f},{cy:.1f}" for cx, cy in coords)
        parts.append(f'<polyline class="{series}" points="{path}"/>')
        for (cx, cy), p in zip(coords, points):
            value = getattr(p, attr)
            parts.append(f'<circle class="{series}" cx="{cx:.1f}" cy="{cy:.1f}" r="4">'
                         f'<title>{_e(p.label)}: {value} legacy {series}</title></circle>')
            # Files above their point, call sites below: the two lines often meet at the top.
            # In em, so the gap follows the font size (larger on a narrow screen).
            dy = "-0.6em" if series == "files" else "1.4em"
            parts.append(f'<text class="{series}" x="{cx:.1f}" y="{cy:.1f}" dy="{dy}">{value}</text>')
    for i, p in enumerate(points):
        parts.append(f'<text class="label" x="{x(i):.1f}" y="{CHART_H - PAD + 16}">{_e(p.label)}</text>')
    parts.append("</svg>")
    legend = ('<p class="legend"><span class="key files"></span> files using the legacy layer '
              '<span class="key sites"></span> legacy call sites (each on its own scale'
              + ('; dashed: the baseline' if baseline is not None else '') + ')</p>')
    return "".join(parts) + legend


def _now_bars(now: BurndownPoint | None, baseline: BurndownPoint | None, totals: tuple[int, int]) -> str:
    """One point in time: a bar per series (HTML, so its text stays readable on a phone), its full length
    the total (all files making calls, all call sites), the baseline as a dashed mark when there is one."""
    if now is None:
        return _p("No burndown point.")
    rows = []
    for series, attr, total, what in (("files", "legacy_files", totals[0], "files using the legacy layer"),
                                      ("sites", "legacy_sites", totals[1], "legacy call sites")):
        value = getattr(now, attr)
        top = max(total, value, getattr(baseline, attr) if baseline is not None else 0) or 1
        mark = ""
        if baseline is not None:
            before = getattr(baseline, attr)
            mark = (f'<span class="base" style="left:{100 * before / top:.2f}%" '
                    f'title="baseline: {before} {_e(what)}"></span>')
        rows.append(f'<div class="nowrow"><span class="what">{_e(what)}</span><span class="lane"><span class="track">'
                    f'<span class="fill {series}" style="width:{100 * value / top:.2f}%" '
                    f'title="now: {value} of {total} {_e(what)}"></span>{mark}</span></span>'
                    f'<span class="val">now {value} of {total}'
                    + (f"; baseline {getattr(baseline, attr)}" if baseline is not None else "") + "</span></div>")
    legend = ('<p class="legend">Now, out of all files making database calls and all call sites'
              + (" (dashed: the baseline)" if baseline is not None else "")
              + '. A line needs two points in time: a baseline or the history.</p>')
    return f'<div id="burndown" class="now" role="img" aria-label="legacy files and call sites now">{"".join(rows)}</div>' + legend


def _bars(report: Report) -> str:
    """A bar per area, its length proportional to the area's files; legacy, mixed and target parts within."""
    widest = max((q.legacy + q.mixed + q.target for q in report.quick_reference), default=0) or 1
    rows = []
    for q in report.quick_reference:
        count = q.legacy + q.mixed + q.target
        total = count or 1
        segs = "".join(
            f'<span class="seg {kind}" style="width:{100 * n / total:.2f}%" title="{_e(q.area)}: {n} {kind}">'
            f"{n if n else ''}</span>"
            for kind, n in (("legacy", q.legacy), ("mixed", q.mixed), ("target", q.target))
        )
        rows.append(f'<div class="bar" data-total="{count}"><span class="area" title="{_e(q.area)}">{_e(q.area)}</span>'
                    f'<span class="n">{count}</span><span class="lane">'
                    f'<span class="track" style="width:{100 * count / widest:.2f}%">{segs}</span></span></div>')
    legend = ('<p class="legend"><span class="key legacy"></span> legacy <span class="key mixed"></span> mixed '
              '<span class="key target"></span> target (files per area; bar lengths to scale)</p>')
    return f'<div id="area-bars">{"".join(rows)}</div>{legend}' if rows else _p("No files use either layer.")


def _overview(report: Report) -> str:
    facts = [
        f"legacy: {', '.join(report.legacy) or '—'}; target: {', '.join(report.target) or '—'}",
        f"files looked at: {report.total_files}; using a layer: {report.files_using_layers}, of which "
        f"{report.files_making_calls} make database calls; skipped: {report.skipped}",
    ]
    if report.commit:
        facts.append(f"commit: {report.commit}")
    body = f'<p class="summary">{_e(report.summary)}.</p><ul>' + "".join(f"<li>{_e(f)}</li>" for f in facts) + "</ul>"
    entries = [(layer, e) for layer in report.layers for e in layer.entry_modules]
    if entries:
        body += _table("entry-modules", ["entry module", "layer", "role", "exports", "environment"], (
            [_c(e.path), _c(e.layer), _t(layer.role), _t(", ".join(e.exports)),
             _t(", ".join(e.env) + (" (configured)" if e.configured else ""))] for layer, e in entries))
    else:
        body += _p("No entry modules found: clients are created where they are used.")
    baseline = None
    if report.progress is not None and not any(p.label == "baseline" for p in report.burndown):
        p = report.progress
        baseline = BurndownPoint("baseline", p.baseline_commit, None, p.legacy_files_before, p.legacy_sites_before)
    totals = (report.files_making_calls, report.legacy_sites + report.target_sites)
    body += "<h3>Burndown</h3>" + _burndown(report.burndown, baseline, totals) + "<h3>Areas</h3>" + _bars(report)
    return _section("Overview", "overview", body)


def _usage(report: Report) -> str:
    body = _table("layers", ["layer", "role", "files", "call sites"],
                  ([_c(u.name), _t(u.role), _n(u.files), _n(u.sites)] for u in report.layers), numeric=(2, 3))
    body += _table("statuses", ["status", "files", "call sites"],
                   ([_t(s.status), _n(s.files), _n(s.sites)] for s in report.statuses), numeric=(1, 2))
    return _section("Usage", "usage", body)


def _models(report: Report) -> str:
    if not report.models:
        return _section("Models", "models", _p("No call site names a model."))
    have_tables = any(m.target_table for m in report.models) or bool(report.schema_sources)
    body = _table("models", ["model", "state", "legacy sites", "target sites", "files", "target table", "drift"], (
        [_c(m.model), _t(m.state), _n(m.legacy_sites), _n(m.target_sites), _n(m.files),
         _c(m.target_table) if m.target_table else _t("none" if have_tables else "—"),
         _n(m.drift) if report.drift else _t("—")] for m in report.models), numeric=(2, 3, 4))
    return _section("Models", "models", body)


OPEN_FILES = 5  # a longer list of files without call sites is collapsed in a <details>


def _without_calls(report: Report) -> str:
    title, anchor = "Files without call sites", "without-calls"
    if not any(g.files for g in report.without_calls):
        return _section(title, anchor, _p("Every file that uses a layer makes database calls."))

    def which(files: Sequence[str]) -> str:
        codes = ", ".join(f"<code>{_e(f)}</code>" for f in files) or "—"
        if len(files) <= OPEN_FILES:
            return codes
        return f"<details><summary>{len(files)} files</summary>{codes}</details>"

    rows = ([_t(g.title), _n(len(g.files)), _t(", ".join(g.layers) or "—"), (which(g.files), " ".join(g.files))]
            for g in report.without_calls)
    body = _p("They import a layer or a project's client but make no database calls, so they are neither legacy "
              "nor target and the overview does not count them.")
    return _section(title, anchor, body + _table("without-calls", ["kind", "files", "layers", "which"], rows,
                                                 numeric=(1,)))


def _areas(title: str, anchor: str, areas: Sequence[Area], empty: str) -> str:
    if not areas:
        return _section(title, anchor, _p(empty))
    rows = (
        [_t(area.name), _c(f.path + (f":{f.first_line}" if f.first_line else "")), _t(f.status), _n(f.sites),
         _t(", ".join(f.models)), _t(" ".join(f.owners))]
        for area in areas for f in area.files
    )
    return _section(title, anchor, _table(f"{anchor}-files", ["area", "file", "status", "call sites", "models", "owners"],
                                          rows, numeric=(3,)))


def _schema(report: Report) -> str:
    body = ""
    if report.schema_sources:
        body += _table("schema-sources", ["source", "dialect", "tables", "enums", "views"], (
            [_c(s.name), _t(s.dialect), _n(len(s.tables)), _n(s.enums), _n(s.views)] for s in report.schema_sources),
            numeric=(2, 3, 4))
    else:
        body += _p("No schema sources given.")
    if report.drift:
        body += _table("drift", ["check", "from", "to", "status", "summary"], (
            [_t(d.name), _c(d.source_from), _c(d.source_to), _t(d.status), _t(d.text)] for d in report.drift))
    else:
        body += _p("No drift checks configured ([[check]] in migrator.toml).")
    if report.drift_items:
        body += "<h3>Drift</h3>" + _table("drift-items", ["check", "object", "change", "severity", "what differs", "hazards"], (
            [_t(d.check), _c(d.path), _c(d.kind), _t(d.severity), _t(d.message), _t(", ".join(d.hazards) or "—")]
            for d in report.drift_items))
    return _section("Schema and migrations", "schema", body)


def _infra(report: Report) -> str:
    if not report.infra:
        return _section("Infrastructure", "infra", _p("No findings in the Compose files."))
    return _section("Infrastructure", "infra", _table("infra-findings", ["severity", "where", "rule", "finding", "suggestion"], (
        [_t(f.severity), _c(f.location), _c(f.rule), _t(f.message), _t(f.suggestion)] for f in report.infra)))


def _progress(report: Report) -> str:
    p = report.progress
    if p is None:
        return _section("Progress since baseline", "progress", _p("No baseline given."))
    body = _p(f"Since the baseline{' (' + p.baseline_commit + ')' if p.baseline_commit else ''}: files using the legacy "
              f"layer {p.legacy_files_before} → {p.legacy_files_after}, legacy call sites {p.legacy_sites_before} → "
              f"{p.legacy_sites_after}; {len(p.moved)} moved, {len(p.regressions)} regressions.")
    rows = [[_t("regression"), _c(r.path), _t(r.message), _t(", ".join(f"{s.file}:{s.line}" for s in r.sites)),
             _n(r.before), _n(r.after)] for r in p.regressions]
    rows += [[_t("improvement"), _c(i.path), _t(i.message), _t(""), _n(i.before), _n(i.after)] for i in p.improvements]
    if rows:
        body += _table("progress-files", ["", "file", "what", "new call sites", "before", "after"], rows, numeric=(4, 5))
    return _section("Progress since baseline", "progress", body)


def _codemod(report: Report) -> str:
    c = report.codemod
    if c is None:
        return ""
    body = f"<p>{_md(c.headline)}.</p>"
    if c.status != "ran":
        return _section("Codemod", "codemod", body)
    body += (f"<ul><li>patch: <code>{_e(c.patch_command)}</code></li>"
             f"<li>apply: <code>{_e(c.apply_command)}</code></li></ul>")
    if c.models:
        body += _table("codemod-models", ["model", "would convert", "left"], (
            [_c(m.model), _n(m.converted), _n(m.left)] for m in c.models), numeric=(1, 2))
    if c.findings:
        body += _table("codemod-findings", ["code", "findings", "kind", "rule", "examples", "first example's reason"], (
            [_c(f.code), _n(f.count), _t(f.kind), _t(f.description), _t(", ".join(f.examples)), _t(f.reason)]
            for f in c.findings),
            numeric=(1,))
    return _section("Codemod", "codemod", body)


def _recommendations(report: Report) -> str:
    if not report.recommendations:
        return _section("Recommendations", "recommendations", _p("Nothing left on the legacy layer."))
    return _section("Recommendations", "recommendations", _table("recommendations", ["rank", "kind", "subject", "reason"], (
        [_n(r.rank), _t(r.kind), _c(r.subject), _t(r.reason)] for r in report.recommendations), numeric=(0,)))


def _quick(report: Report) -> str:
    if not report.quick_reference:
        return _section("Files by area", "quick", _p("No files use either layer."))
    return _section("Files by area", "quick", _table("quick-reference", ["area", "legacy", "mixed", "target"], (
        [_t(q.area), _n(q.legacy), _n(q.mixed), _n(q.target)] for q in report.quick_reference), numeric=(1, 2, 3)))


def _topology(report: Report) -> str:
    t = report.topology
    if not t.clients:
        return _section("Connection topology", "topology", _p("No database clients found."))
    body = _table("topology-clients", ["client", "layer", "role", "where", "reads", "reaches"], (
        [_t(c.client), _c(c.layer), _t(c.role), _c(c.location), _t(", ".join(c.env)), _t("; ".join(c.reaches) or "—")]
        for c in t.clients))
    if t.variables:
        body += _table("topology-variables", ["variable", "where", "host", "port", "database", "kind", "why",
                                              "URL (password masked)", "read by"], (
            [_c(v.var), _c(f"{v.file}:{v.line}"), _c(v.host), _t(v.port or "—"), _c(v.database), _t(v.kind),
             _t(v.why), _c(v.url), _t(", ".join(v.read_by) or "—")] for v in t.variables))
    else:
        body += _p("No database URL in the .env files." if t.env_files else "No .env file to say where the variables point.")
    return _section("Connection topology", "topology", body)


def _actions(report: Report) -> str:
    rows = [[_n(r.rank), _t(r.kind), _c(r.subject), _c(r.action or "—"), _t("; ".join(r.evidence) or "—")]
            for r in report.recommendations if r.action or r.evidence]
    if not rows:
        return _section("Recommended changes", "actions", _p("No recommendation comes with a change to make."))
    return _section("Recommended changes", "actions", _table("actions", ["rank", "kind", "subject", "do", "evidence"],
                                                             rows, numeric=(0,)))


def _locations(report: Report) -> str:
    if not report.locations:
        return _section("Quick reference", "locations", _p("Nothing located."))
    return _section("Quick reference", "locations", _table("locations", ["concern", "location"], (
        [_t(q.concern), _c(q.location)] for q in report.locations)))


CSS = """
:root{--legacy:#c0392b;--mixed:#e6a23c;--target:#2e8b57;--ink:#1d1d1f;--muted:#666;--line:#ddd}
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;color:var(--ink);margin:0 auto;max-width:1100px;padding:1rem 1.5rem;overflow-wrap:break-word}
h1{font-size:1.5rem}h2{border-bottom:1px solid var(--line);padding-bottom:.2rem;margin-top:2rem}
nav{display:flex;flex-wrap:wrap;gap:.2rem .8rem}code{font:12px ui-monospace,monospace;background:#f4f4f4;padding:0 .2rem;border-radius:3px}
.summary{font-size:1.05rem}.tablebox{margin:.8rem 0}.tablewrap{overflow-x:auto;max-width:100%}
input.filter{padding:.25rem .4rem;border:1px solid #bbb;border-radius:4px;width:16rem;max-width:60%}.count{color:var(--muted);margin-left:.5rem}
td details{overflow-wrap:anywhere}svg#burndown{display:block;max-width:min(100%,720px)}
table{border-collapse:collapse;width:100%;margin-top:.4rem}th,td{border-bottom:1px solid var(--line);padding:.3rem .5rem;text-align:left;vertical-align:top}
th{cursor:pointer;user-select:none;background:#fafafa}th[aria-sort=ascending]::after{content:" \\25B2"}th[aria-sort=descending]::after{content:" \\25BC"}
svg{max-width:100%;height:auto;background:#fff}svg .axis{stroke:#999}svg polyline{fill:none;stroke-width:2}
svg .files{stroke:var(--legacy);fill:var(--legacy)}svg line.baseline{stroke-width:2;stroke-dasharray:6 4}
svg .sites{stroke:#7b4bb7;fill:#7b4bb7}svg polyline.files,svg polyline.sites{fill:none}
svg text{font-size:11px;stroke:none;text-anchor:middle}svg text.label{fill:var(--muted)}
.legend{color:var(--muted)}.key{display:inline-block;width:.8rem;height:.8rem;vertical-align:middle;margin:0 .2rem 0 .6rem}
.key.files,.key.legacy{background:var(--legacy)}.key.sites{background:#7b4bb7}.key.mixed{background:var(--mixed)}.key.target{background:var(--target)}
.bar{display:flex;align-items:center;margin:.2rem 0}.bar .area{width:14rem;flex:none;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
.bar .n{width:2.2rem;flex:none;text-align:right;padding-right:.5rem;color:var(--muted)}.lane{flex:1;min-width:0}
.track{display:flex;height:1.1rem;background:#eee;border-radius:3px;overflow:hidden}
.seg{color:#fff;font-size:11px;text-align:center;line-height:1.1rem;overflow:hidden}.seg.legacy{background:var(--legacy)}.seg.mixed{background:var(--mixed)}.seg.target{background:var(--target)}
.nowrow{display:flex;align-items:center;gap:.6rem;margin:.4rem 0}.nowrow .what{width:14rem;flex:none}
.nowrow .track{position:relative}.fill{display:block;height:100%}.fill.files{background:var(--legacy)}.fill.sites{background:#7b4bb7}
.nowrow .base{position:absolute;top:0;bottom:0;border-left:2px dashed var(--ink)}.nowrow .val{flex:none;min-width:7rem}
@media (max-width:600px){svg text{font-size:20px}svg text.label{font-size:18px}.nowrow{flex-wrap:wrap;gap:.1rem .6rem}.nowrow .what{width:100%}body{padding:.6rem .75rem}h1{font-size:1.25rem}
.cards table,.cards tbody,.cards tr{display:block}.cards tr[hidden]{display:none}
.cards thead tr{display:flex;flex-wrap:wrap;gap:.3rem;padding:.3rem 0;border-bottom:2px solid var(--line)}
.cards th{border:1px solid var(--line);border-radius:4px;padding:.1rem .4rem;font-weight:normal;font-size:12px}
.cards tbody tr{border-bottom:1px solid var(--line);padding:.3rem 0}
.cards td{display:grid;grid-template-columns:6rem minmax(0,1fr);gap:.5rem;border:0;padding:.05rem 0;overflow-wrap:anywhere}
.cards td::before{content:attr(data-label);color:var(--muted);font-size:12px;line-height:1.6}
.bar{flex-wrap:wrap}.bar .area{width:100%;font-size:12px}.bar .n{width:1.6rem;padding-left:0}}
"""

# Sorting compares numbers as numbers (data-type=number) and text case-insensitively; a sort
# is stable, so sorting by area then by count keeps areas grouped. Rows are moved, never rebuilt.
JS = """
(function () {
  "use strict";
  function value(row, col, numeric) {
    var cell = row.cells[col];
    var raw = cell ? cell.getAttribute("data-sort") : "";
    if (numeric) { var n = parseFloat(raw); return isNaN(n) ? -Infinity : n; }
    return (raw || "").toLowerCase();
  }
  function sortBy(table, col, dir) {
    var th = table.tHead.rows[0].cells[col];
    if (!th) { return; }
    var numeric = th.getAttribute("data-type") === "number";
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows).map(function (r, i) { return [r, i]; });
    rows.sort(function (a, b) {
      var x = value(a[0], col, numeric), y = value(b[0], col, numeric);
      var c = numeric ? x - y : (x < y ? -1 : x > y ? 1 : 0);
      return (dir === "descending" ? -c : c) || a[1] - b[1];
    });
    rows.forEach(function (pair) { body.appendChild(pair[0]); });
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (h) { h.removeAttribute("aria-sort"); });
    th.setAttribute("aria-sort", dir);
    table.setAttribute("data-sorted", col + ":" + dir);
  }
  function filter(table, text) {
    var needle = text.trim().toLowerCase(), shown = 0, rows = table.tBodies[0].rows;
    for (var i = 0; i < rows.length; i++) {
      var hide = needle !== "" && rows[i].textContent.toLowerCase().indexOf(needle) < 0;
      rows[i].hidden = hide;
      if (!hide) { shown++; }
    }
    var count = document.querySelector('[data-count-for="' + table.id + '"]');
    var boxed = !!document.querySelector('input.filter[data-filter-for="' + table.id + '"]');
    if (count) { count.textContent = boxed || shown < rows.length ? shown + " of " + rows.length + " rows" : ""; }
    table.setAttribute("data-shown", String(shown));
  }
  function sortable(id) {
    var el = document.getElementById(id || "");
    return el && el.tagName === "TABLE" && el.classList.contains("sortable") ? el : null;
  }
  var tables = document.querySelectorAll("table.sortable");
  Array.prototype.forEach.call(tables, function (table) {
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, col) {
      function toggle() {
        sortBy(table, col, th.getAttribute("aria-sort") === "ascending" ? "descending" : "ascending");
      }
      th.addEventListener("click", toggle);
      th.addEventListener("keydown", function (ev) { if (ev.key === "Enter" || ev.key === " ") { ev.preventDefault(); toggle(); } });
    });
    filter(table, "");
  });
  Array.prototype.forEach.call(document.querySelectorAll("input.filter"), function (input) {
    var table = sortable(input.getAttribute("data-filter-for"));
    if (table) { input.addEventListener("input", function () { filter(table, input.value); }); }
  });
  var params = {};
  location.hash.replace(/^#/, "").split("&").forEach(function (kv) {
    var i = kv.indexOf("=");
    if (i > 0) { try { params[kv.slice(0, i)] = decodeURIComponent(kv.slice(i + 1)); } catch (e) { /* a bad link */ } }
  });
  if (params.q) {  // every table, with a filter box or not (short tables have none)
    Array.prototype.forEach.call(document.querySelectorAll("input.filter"), function (input) { input.value = params.q; });
    Array.prototype.forEach.call(tables, function (table) { filter(table, params.q); });
  }
  if (params.sort) {
    var parts = params.sort.split(":"), table = sortable(parts[0]);
    if (table) {
      sortBy(table, parseInt(parts[1], 10) || 0, parts[2] === "desc" ? "descending" : "ascending");
    }
  }
  document.documentElement.setAttribute("data-js", "ready");
  document.documentElement.setAttribute("data-tables", String(tables.length));
})();
"""

# No network at all: styles and the script are inline, images are inline SVG.
CSP = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:"


def render_progress_html(report: Report) -> str:
    sections = [
        _overview(report), _usage(report), _models(report), _without_calls(report),
        _areas("Target layer by area", "target-areas", report.target_areas, "No file uses the target layer yet."),
        _areas("Legacy layer by area", "legacy-areas", report.legacy_areas, "No file uses the legacy layer any more."),
        _schema(report), _infra(report), _topology(report), _progress(report), _codemod(report),
        _recommendations(report), _actions(report), _quick(report), _locations(report),
    ]
    sections = [s for s in sections if s]  # the Codemod section only when a rule set moves the legacy layer
    if report.notes:
        sections.append(_section("Notes", "notes", "<ul>" + "".join(f"<li>{_e(n)}</li>" for n in report.notes) + "</ul>"))
    nav = "".join(f'<a href="#{a}">{_e(t)}</a>' for a, t in (
        ("overview", "Overview"), ("usage", "Usage"), ("models", "Models"), ("without-calls", "Without calls"), ("target-areas", "Target"), ("legacy-areas", "Legacy"),
        ("schema", "Schema"), ("infra", "Infrastructure"), ("topology", "Connections"), ("progress", "Progress"),
        *([("codemod", "Codemod")] if report.codemod is not None else []), ("recommendations", "Recommendations"), ("quick", "Files by area"), ("locations", "Quick reference")))
    return (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{_e(report.title)}</title><style>{CSS}</style></head>\n<body>"
        f"<h1>{_e(report.title)}</h1><nav>{nav}</nav>\n" + "\n".join(sections) + f"\n<script>{JS}</script></body></html>\n"
    )

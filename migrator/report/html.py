"""A Report as progress.html: one self-contained page to open from CI artifacts or a laptop.

Everything is inline — CSS, a little vanilla JavaScript, SVG — and a Content-Security-Policy
forbids any network request, so the page works offline and from a zip. It shows the same
sections as progress.md (a list of more than OPEN_FILES files without call sites collapsed in
a `<details>`), plus:

- a burndown chart (inline SVG): files using the legacy layer and legacy call sites over
  the report's burndown points (the history, else the baseline and now);
- a stacked bar per area (legacy / mixed / target files);
- sortable, filterable tables: click (or Enter on) a header to sort, type in the box above
  a table to filter its rows. `#q=text&sort=tbl-legacy-areas-files:3:desc` in the address applies
  a filter and a sort on load, so a view can be shared as a link.

Every value is HTML-escaped (file names and messages are user data); the script never
parses markup from data (it moves rows and toggles `hidden`). Layout only: the Report
decides what is shown.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from html import escape

from migrator.report.model import Area, BurndownPoint, Report

CHART_W, CHART_H, PAD = 720, 240, 40


def _e(value: object) -> str:
    return escape("" if value is None else str(value), quote=True)


def _table(name: str, header: Sequence[str], rows: Iterable[Sequence[tuple[str, object]]],
           numeric: Sequence[int] = ()) -> str:
    """A sortable, filterable table. Cells are (html, sort value): the html is escaped by callers.

    Its id is `tbl-<name>`: the prefix keeps table ids apart from the sections' anchors.
    """
    table_id = f"tbl-{name}"
    head = "".join(
        f'<th scope="col" tabindex="0" data-col="{i}"{" data-type=number" if i in numeric else ""}>{_e(h)}</th>'
        for i, h in enumerate(header)
    )
    body = "".join(
        "<tr>" + "".join(f'<td data-sort="{_e(sort)}">{cell}</td>' for cell, sort in row) + "</tr>" for row in rows
    )
    return (
        f'<div class="tablewrap"><input type="search" class="filter" placeholder="filter rows" '
        f'aria-label="filter {_e(table_id)}" data-filter-for="{_e(table_id)}">'
        f'<span class="count" data-count-for="{_e(table_id)}"></span>'
        f'<table id="{_e(table_id)}" class="sortable"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>'
    )


def _t(value: object) -> tuple[str, object]:
    """A plain text cell."""
    return _e(value), value if value is not None else ""


def _c(value: object) -> tuple[str, object]:
    """A code cell (paths, names)."""
    return f"<code>{_e(value)}</code>", value if value is not None else ""


def _n(value: int) -> tuple[str, object]:
    return _e(value), value


def _section(title: str, anchor: str, body: str) -> str:
    return f'<section id="{anchor}"><h2>{_e(title)}</h2>{body}</section>'


def _p(text: str) -> str:
    return f"<p>{_e(text)}</p>"


def _burndown(points: Sequence[BurndownPoint]) -> str:
    """Two lines on their own scales (call sites outnumber files), each point labelled with its value."""
    n = len(points)
    max_files = max((p.legacy_files for p in points), default=0) or 1
    max_sites = max((p.legacy_sites for p in points), default=0) or 1
    inner_w, inner_h = CHART_W - 2 * PAD, CHART_H - 2 * PAD

    def x(i: int) -> float:
        return PAD + (inner_w * i / (n - 1) if n > 1 else inner_w / 2)

    def y(value: int, top: int) -> float:
        return PAD + inner_h * (1 - value / top)

    parts = [f'<svg id="burndown" viewBox="0 0 {CHART_W} {CHART_H}" role="img" '
             f'aria-label="legacy files and call sites over time" xmlns="http://www.w3.org/2000/svg">',
             f'<line class="axis" x1="{PAD}" y1="{CHART_H - PAD}" x2="{CHART_W - PAD}" y2="{CHART_H - PAD}"/>']
    for series, attr, top in (("files", "legacy_files", max_files), ("sites", "legacy_sites", max_sites)):
        coords = [(x(i), y(getattr(p, attr), top)) for i, p in enumerate(points)]
        if n > 1:
            path = " ".join(f"{cx:.1f},{cy:.1f}" for cx, cy in coords)
            parts.append(f'<polyline class="{series}" points="{path}"/>')
        for (cx, cy), p in zip(coords, points):
            value = getattr(p, attr)
            parts.append(f'<circle class="{series}" cx="{cx:.1f}" cy="{cy:.1f}" r="4">'
                         f'<title>{_e(p.label)}: {value} legacy {series}</title></circle>')
            # Files above their point, call sites below: the two lines often meet at the top.
            dy = -8 if series == "files" else 16
            parts.append(f'<text class="{series}" x="{cx:.1f}" y="{cy + dy:.1f}">{value}</text>')
    for i, p in enumerate(points):
        parts.append(f'<text class="label" x="{x(i):.1f}" y="{CHART_H - PAD + 16}">{_e(p.label)}</text>')
    parts.append("</svg>")
    legend = ('<p class="legend"><span class="key files"></span> files using the legacy layer '
              '<span class="key sites"></span> legacy call sites (each on its own scale)</p>')
    return "".join(parts) + legend


def _bars(report: Report) -> str:
    rows = []
    for q in report.quick_reference:
        total = q.legacy + q.mixed + q.target or 1
        segs = "".join(
            f'<span class="seg {kind}" style="width:{100 * count / total:.2f}%" title="{_e(q.area)}: {count} {kind}">'
            f"{count if count else ''}</span>"
            for kind, count in (("legacy", q.legacy), ("mixed", q.mixed), ("target", q.target))
        )
        rows.append(f'<div class="bar"><span class="area">{_e(q.area)}</span><span class="track">{segs}</span></div>')
    legend = ('<p class="legend"><span class="key legacy"></span> legacy <span class="key mixed"></span> mixed '
              '<span class="key target"></span> target (files per area)</p>')
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
    body += "<h3>Burndown</h3>" + _burndown(report.burndown) + "<h3>Areas</h3>" + _bars(report)
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
    body = _table("models", ["model", "state", "legacy sites", "target sites", "files", "table in the schema sources", "drift"], (
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


def _recommendations(report: Report) -> str:
    if not report.recommendations:
        return _section("Recommendations", "recommendations", _p("Nothing left on the legacy layer."))
    return _section("Recommendations", "recommendations", _table("recommendations", ["rank", "kind", "subject", "reason"], (
        [_n(r.rank), _t(r.kind), _c(r.subject), _t(r.reason)] for r in report.recommendations), numeric=(0,)))


def _quick(report: Report) -> str:
    if not report.quick_reference:
        return _section("Quick reference", "quick", _p("No files use either layer."))
    return _section("Quick reference", "quick", _table("quick-reference", ["area", "legacy", "mixed", "target"], (
        [_t(q.area), _n(q.legacy), _n(q.mixed), _n(q.target)] for q in report.quick_reference), numeric=(1, 2, 3)))


CSS = """
:root{--legacy:#c0392b;--mixed:#e6a23c;--target:#2e8b57;--ink:#1d1d1f;--muted:#666;--line:#ddd}
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;color:var(--ink);margin:0 auto;max-width:1100px;padding:1rem 1.5rem}
h1{font-size:1.5rem}h2{border-bottom:1px solid var(--line);padding-bottom:.2rem;margin-top:2rem}
nav a{margin-right:.8rem}code{font:12px ui-monospace,monospace;background:#f4f4f4;padding:0 .2rem;border-radius:3px}
.summary{font-size:1.05rem}.tablewrap{margin:.8rem 0;overflow-x:auto}
input.filter{padding:.25rem .4rem;border:1px solid #bbb;border-radius:4px;min-width:16rem}.count{color:var(--muted);margin-left:.5rem}
table{border-collapse:collapse;width:100%;margin-top:.4rem}th,td{border-bottom:1px solid var(--line);padding:.3rem .5rem;text-align:left;vertical-align:top}
th{cursor:pointer;user-select:none;background:#fafafa}th[aria-sort=ascending]::after{content:" \\25B2"}th[aria-sort=descending]::after{content:" \\25BC"}
svg{max-width:100%;height:auto;background:#fff}svg .axis{stroke:#999}svg polyline{fill:none;stroke-width:2}
svg .files{stroke:var(--legacy);fill:var(--legacy)}svg .sites{stroke:#7b4bb7;fill:#7b4bb7}svg polyline.files,svg polyline.sites{fill:none}
svg text{font-size:11px;stroke:none;text-anchor:middle}svg text.label{fill:var(--muted)}
.legend{color:var(--muted)}.key{display:inline-block;width:.8rem;height:.8rem;vertical-align:middle;margin:0 .2rem 0 .6rem}
.key.files,.key.legacy{background:var(--legacy)}.key.sites{background:#7b4bb7}.key.mixed{background:var(--mixed)}.key.target{background:var(--target)}
.bar{display:flex;align-items:center;margin:.2rem 0}.bar .area{width:14rem;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
.track{display:flex;flex:1;height:1.1rem;background:#eee;border-radius:3px;overflow:hidden}
.seg{color:#fff;font-size:11px;text-align:center;line-height:1.1rem;overflow:hidden}.seg.legacy{background:var(--legacy)}.seg.mixed{background:var(--mixed)}.seg.target{background:var(--target)}
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
    if (count) { count.textContent = shown + " of " + rows.length + " rows"; }
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
  if (params.q) {
    Array.prototype.forEach.call(document.querySelectorAll("input.filter"), function (input) {
      input.value = params.q;
      var table = sortable(input.getAttribute("data-filter-for"));
      if (table) { filter(table, params.q); }
    });
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
        _schema(report), _infra(report), _progress(report), _recommendations(report), _quick(report),
    ]
    if report.notes:
        sections.append(_section("Notes", "notes", "<ul>" + "".join(f"<li>{_e(n)}</li>" for n in report.notes) + "</ul>"))
    nav = "".join(f'<a href="#{a}">{_e(t)}</a>' for a, t in (
        ("overview", "Overview"), ("usage", "Usage"), ("models", "Models"), ("without-calls", "Without calls"), ("target-areas", "Target"), ("legacy-areas", "Legacy"),
        ("schema", "Schema"), ("infra", "Infrastructure"), ("progress", "Progress"),
        ("recommendations", "Recommendations"), ("quick", "Quick reference")))
    return (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{_e(report.title)}</title><style>{CSS}</style></head>\n<body>"
        f"<h1>{_e(report.title)}</h1><nav>{nav}</nav>\n" + "\n".join(sections) + f"\n<script>{JS}</script></body></html>\n"
    )

"""migrator's default rewrite against a maintainers' SQLAlchemy 2.0 conversion.

For a manifest entry with a `conversion` key (the commit holding the maintainers' port; the
entry's pinned commit is the state just before it), this script takes the Python files under
the entry's counted folder (`count_under`, else `subpath`, else the whole checkout) that the
maintainers' diff (pinned..conversion) or migrator's rewrite changes, and compares the two
per hunk:

    reproduced  migrator wrote the same code as the maintainers (whitespace, backslash
                continuations and comments aside)
    differs     both changed the same lines, differently: equivalent or not needs reading,
                so each one is printed (old / maintainers / migrator) for a human
    missed      the maintainers changed a legacy site (a `sqlalchemy-legacy` site of the scan or
                of [entry.rewrite] scan_missed) that migrator left unchanged
    extra       migrator changed lines the maintainers did not change, or only stripped of
                comments (a conversion the maintainers did not make: their code kept the 1.x
                form, or did it elsewhere)
    other       maintainers' hunks touching no legacy site (typing, mapper, engine plumbing),
                or touching one only in comments (`# type: ignore` dropped): counted, not a miss
    extra-import  migrator's import-only hunks (`from sqlalchemy import select`) the maintainers
                did not write: counted apart from extra

Hunks are difflib's line blocks of old->new on each side; hunks of the two sides that
overlap (on old line numbers) are compared together as one cluster. A legacy site spans
the statement holding its line (for an `if`/`for`/`with`, the header only).

    MIGRATOR_REALWORLD=/work/realworld python bench/realworld/compare_commit.py ckan-model
    ... compare_commit.py ckan-model --show differs,missed,extra   # print those clusters

It runs the rewrite on a temporary copy of the checkout (never on the checkout itself).
"""
from __future__ import annotations

import argparse
import ast
import difflib
import io
import os
import re
import shutil
import subprocess
import sys
import tempfile
import textwrap
import tokenize
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import run  # noqa: E402  (the harness: manifest, scan, migrator command)


@dataclass
class Hunk:
    side: str          # "maint" or "migr"
    i1: int            # old lines [i1, i2), 0-based
    i2: int
    new: list[str]


@dataclass
class Cluster:
    path: str
    lo: int
    hi: int
    hunks: list[Hunk] = field(default_factory=list)
    kind: str = ""
    old: list[str] = field(default_factory=list)
    maint: list[str] = field(default_factory=list)
    migr: list[str] = field(default_factory=list)
    sites: list[int] = field(default_factory=list)


def hunks(side: str, old: list[str], new: list[str]) -> list[Hunk]:
    sm = difflib.SequenceMatcher(None, old, new, autojunk=False)
    return [Hunk(side, i1, i2, new[j1:j2]) for tag, i1, i2, j1, j2 in sm.get_opcodes() if tag != "equal"]


def overlaps(a: Hunk | Cluster, b: Hunk) -> bool:
    """Old-line ranges that share a line; an insertion overlaps a range it falls strictly
    inside, or an insertion at the same point (an import added next to a changed line is a
    hunk of its own)."""
    a1, a2 = (a.i1, a.i2) if isinstance(a, Hunk) else (a.lo, a.hi)
    if a1 == a2 and b.i1 == b.i2:
        return a1 == b.i1
    if a1 == a2:
        return b.i1 < a1 < b.i2
    if b.i1 == b.i2:
        return a1 < b.i1 < a2
    return max(a1, b.i1) < min(a2, b.i2)


def new_span(old: list[str], side: list[Hunk], lo: int, hi: int) -> list[str]:
    """The new text of old lines [lo, hi) on one side: the old lines with that side's hunks
    of the cluster applied."""
    out, pos = [], lo
    for h in sorted(side, key=lambda h: (h.i1, h.i2)):
        out += old[pos:h.i1] + h.new
        pos = h.i2
    return out + old[pos:hi]


def code_only(lines: list[str]) -> str:
    """The lines' Python tokens without comments, line breaks and indentation (tokenized;
    for a fragment tokenize cannot read, a regex strips `# …` not preceded by a quote)."""
    text = textwrap.dedent("".join(lines))
    toks: list[str] = []
    try:
        for tok in tokenize.generate_tokens(io.StringIO(text).readline):
            if tok.type not in (tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.INDENT,
                                tokenize.DEDENT, tokenize.ENDMARKER):
                toks.append(tok.string)
        return "".join(toks)
    except tokenize.TokenError:
        if toks:  # an unclosed bracket at the end of the fragment: what was read is the code
            return "".join(toks)
    except (IndentationError, SyntaxError):
        pass
    kept = []
    for line in lines:
        line = re.sub(r"\s*#\s*type:\s*ignore.*$", "", line.rstrip("\n"))
        line = re.sub(r"\\$", "", line)
        i = line.find("#")
        if i >= 0 and "'" not in line[:i] and '"' not in line[:i]:
            line = line[:i]
        kept.append(line)
    return norm(kept)


def statement_spans(source: str) -> list[tuple[int, int]]:
    """(first, last) 1-based lines of every simple statement and compound-statement header."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return []
    spans = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.stmt):
            continue
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.stmt):
            spans.append((node.lineno, max(node.lineno, body[0].lineno - 1)))
        else:
            spans.append((node.lineno, node.end_lineno or node.lineno))
    return spans


def site_span(spans: list[tuple[int, int]], line: int) -> tuple[int, int]:
    holding = [s for s in spans if s[0] <= line <= s[1]]
    return min(holding, key=lambda s: s[1] - s[0]) if holding else (line, line)


def norm(lines: list[str]) -> str:
    return "".join("".join(lines).split())


def is_import_only(lines: list[str]) -> bool:
    text = [l.strip() for l in lines if l.strip()]
    return bool(text) and all(l.startswith(("import ", "from ")) for l in text)


def compare(entry: dict, base: Path, show: set[str]) -> int:
    checkout = base / run.checkout_name(entry)
    pinned, conversion = entry["commit"], entry["conversion"]
    root = checkout / entry["subpath"] if entry.get("subpath") else checkout
    under = (entry.get("count_under") or "").strip("/")
    prefix = (entry.get("subpath") or "").strip("/")

    def git(*args: str) -> str:
        return subprocess.run(["git", "-C", str(checkout), *args], capture_output=True, text=True, check=True).stdout

    def in_scope(rel: str) -> bool:
        return rel.endswith(".py") and run._under(rel, under)

    scan, err = run.run_scan(root)
    if scan is None:
        print(f"scan failed: {err}", file=sys.stderr)
        return 2
    sites: dict[str, set[int]] = {}
    for f in scan.get("files", []):
        for s in f.get("sites", []):
            if s["layer"] == "sqlalchemy-legacy" and in_scope(f["path"]):
                sites.setdefault(f["path"], set()).add(s["line"])
    for at in (entry.get("rewrite") or {}).get("scan_missed") or []:
        p, _, line = at.rpartition(":")
        sites.setdefault(p, set()).add(int(line))

    maint_files = {
        p[len(prefix) + 1:] if prefix else p
        for p in git("diff", "--name-only", "--diff-filter=M", pinned, conversion, "--", prefix or ".").split()
    }
    with tempfile.TemporaryDirectory(prefix="migrator-compare-") as tmp:
        copy = Path(tmp) / root.name
        shutil.copytree(root, copy, ignore=run.COPY_IGNORE, symlinks=True)
        proc = subprocess.run(run.migrator_cmd() + ["rewrite", "--apply", "."], capture_output=True, text=True, cwd=copy)
        if proc.returncode not in (0, 1, 3):  # 3: a rule failed on some file, the others are written
            print(f"rewrite --apply failed: {proc.stderr.strip()[-500:]}", file=sys.stderr)
            return 2
        files = sorted(p for p in maint_files if in_scope(p))
        migr_new: dict[str, list[str]] = {}
        for rel in sorted({*files, *sites}):
            old_text = (root / rel).read_text(encoding="utf-8") if (root / rel).exists() else ""
            new_text = (copy / rel).read_text(encoding="utf-8") if (copy / rel).exists() else ""
            if new_text != old_text:
                migr_new[rel] = new_text.splitlines(keepends=True)
        files = sorted({*files, *migr_new})

        clusters: list[Cluster] = []
        for rel in files:
            old_text = (root / rel).read_text(encoding="utf-8")
            old = old_text.splitlines(keepends=True)
            gitpath = f"{prefix}/{rel}" if prefix else rel
            try:
                maint = git("show", f"{conversion}:{gitpath}").splitlines(keepends=True)
            except subprocess.CalledProcessError:
                continue  # deleted by the maintainers: out of scope
            migr = migr_new.get(rel, old)
            spans = statement_spans(old_text)
            site_lines = {ln: site_span(spans, ln) for ln in sites.get(rel, ())}
            all_hunks = sorted(hunks("maint", old, maint) + hunks("migr", old, migr), key=lambda h: (h.i1, h.i2))
            file_clusters: list[Cluster] = []
            for h in all_hunks:
                hit = [c for c in file_clusters if overlaps(c, h)]
                if hit:
                    c = hit[0]
                    for other in hit[1:]:
                        c.hunks += other.hunks
                        c.lo, c.hi = min(c.lo, other.lo), max(c.hi, other.hi)
                        file_clusters.remove(other)
                    c.hunks.append(h)
                    c.lo, c.hi = min(c.lo, h.i1), max(c.hi, h.i2)
                else:
                    file_clusters.append(Cluster(rel, h.i1, h.i2, [h]))
            for c in file_clusters:
                c.old = old[c.lo:c.hi]
                c.maint = new_span(old, [h for h in c.hunks if h.side == "maint"], c.lo, c.hi)
                c.migr = new_span(old, [h for h in c.hunks if h.side == "migr"], c.lo, c.hi)
                # a site is in the cluster when its statement overlaps the cluster's old lines
                c.sites = sorted(ln for ln, (a, b) in site_lines.items()
                                 if max(a - 1, c.lo) < min(b, c.hi) or (c.lo == c.hi and a - 1 <= c.lo < b))
                sides = {h.side for h in c.hunks}
                if sides == {"maint", "migr"}:
                    if code_only(c.maint) == code_only(c.migr):
                        c.kind = "reproduced"
                    elif code_only(c.old) == code_only(c.maint):
                        c.kind = "extra"      # the maintainers only dropped comments there
                    else:
                        c.kind = "differs"
                elif sides == {"maint"}:
                    # comments only (`# type: ignore` dropped) is no conversion of the site
                    c.kind = "missed" if c.sites and code_only(c.old) != code_only(c.maint) else "other"
                else:
                    c.kind = "extra-import" if is_import_only(c.migr) and (not c.old or is_import_only(c.old)) else "extra"
            clusters += file_clusters

    counts = {k: sum(c.kind == k for c in clusters) for k in ("reproduced", "differs", "missed", "extra", "extra-import", "other")}
    print(f"{entry['name']}: maintainers' conversion {pinned[:10]}..{conversion[:10]}, files in scope {len(files)} "
          f"(maintainers changed {len([p for p in maint_files if in_scope(p)])}, migrator {len(migr_new)})")
    print(f"  reproduced {counts['reproduced']}  differs (read: equivalent?) {counts['differs']}  missed {counts['missed']}  "
          f"extra {counts['extra']} (+ {counts['extra-import']} import-only)  maintainers' other hunks {counts['other']}")
    print(f"  legacy sites in scope {sum(len(v) for v in sites.values())}: in a maintainers' hunk "
          f"{len({(c.path, s) for c in clusters if any(h.side == 'maint' for h in c.hunks) for s in c.sites})}, "
          f"in a migrator hunk {len({(c.path, s) for c in clusters if any(h.side == 'migr' for h in c.hunks) for s in c.sites})}")
    for c in clusters:
        if c.kind not in show:
            continue
        print(f"\n== {c.kind}: {c.path}:{c.lo + 1}-{max(c.hi, c.lo + 1)}" + (f"  legacy sites at {', '.join(map(str, c.sites))}" if c.sites else ""))
        print("-- old");         print("".join(c.old).rstrip("\n") or "(nothing)")
        print("-- maintainers"); print("".join(c.maint).rstrip("\n") or "(nothing)")
        print("-- migrator");    print("".join(c.migr).rstrip("\n") or "(nothing)")
    return 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("entries", nargs="*", help="entries with a `conversion` (default: all of them)")
    ap.add_argument("--manifest", type=Path, default=run.MANIFEST)
    ap.add_argument("--show", default="differs,missed", help="comma-separated kinds to print in full "
                    "(reproduced, differs, missed, extra, extra-import, other; default: differs,missed)")
    args = ap.parse_args(argv)
    base_env = os.environ.get(run.ENV)
    if not base_env:
        print(f"{run.ENV} is not set", file=sys.stderr)
        return 2
    entries = [e for e in run.load_manifest(args.manifest) if e.get("conversion")]
    if args.entries:
        entries = [e for e in entries if e["name"] in args.entries]
    if not entries:
        print("no entry with a `conversion` commit", file=sys.stderr)
        return 2
    status = 0
    for e in entries:
        status = max(status, compare(e, Path(base_env), {s.strip() for s in args.show.split(",") if s.strip()}))
    return status


if __name__ == "__main__":
    sys.exit(main())

"""`migrator rewrite --format-with prettier`: the files a TypeScript/JavaScript rewrite touched, formatted
with the project's own prettier, when it has one.

Never required. Each changed file looks for `node_modules/.bin/prettier` in its folder and every folder
above it (the install that `npx prettier` would run there); the files that share one install are
formatted by one Node process through prettier's API, each with the configuration prettier itself
resolves for that path (.prettierrc*, package.json "prettier", .editorconfig) and skipped when the
project's .prettierignore lists it. The result replaces the conversion's text before anything is shown
or written, so the dry-run diff, `--patch` and `--apply` (still one atomic write per file) all carry the
formatted text. No prettier found: one line says so and the conversion stays as it is. Prettier failing
on a file: that file keeps its unformatted conversion and a line names it with prettier's first error
line. The exit code never changes.
"""

from __future__ import annotations

import difflib
import json
import os
import shutil
import subprocess
from dataclasses import replace
from pathlib import Path
from typing import Optional

from migrator.rewrite.engine import FileResult

TOOLS = ("prettier",)
TIMEOUT = 300

# Runs in the project's Node: formats every file of the request through the project's prettier (v2's
# API and v3's, both awaited), one answer per file: {formatted} | {ignored} | {error}.
_SCRIPT = r"""
const fs = require("fs");
const path = require("path");
const [pkg, ignorePath] = process.argv.slice(1);
(async () => {
  const prettier = require(pkg);
  const files = JSON.parse(fs.readFileSync(0, "utf8"));
  const out = [];
  for (const f of files) {
    try {
      const info = await prettier.getFileInfo(f.filepath, ignorePath ? { ignorePath } : {});
      if (info && info.ignored) { out.push({ ignored: true }); continue; }
      const config = (await prettier.resolveConfig(f.filepath, { editorconfig: true })) || {};
      out.push({ formatted: await prettier.format(f.text, { ...config, filepath: f.filepath }) });
    } catch (e) {
      const first = String((e && e.message) || e).split("\n").find((l) => l.trim()) || String(e);
      out.push({ error: first.trim() });
    }
  }
  process.stdout.write(JSON.stringify(out));
})().catch((e) => { console.error(String((e && e.message) || e).split("\n")[0]); process.exit(2); });
"""


def find_prettier(start: Path) -> Optional[tuple[Path, Path]]:
    """(the prettier package, the project folder holding its node_modules) of the nearest
    `node_modules/.bin/prettier` at or above `start` (a folder)."""
    for folder in (start, *start.parents):
        binary = folder / "node_modules" / ".bin" / "prettier"
        if binary.exists():
            package = _package_of(binary)
            if package is not None:
                return package, folder
    return None


def _package_of(binary: Path) -> Optional[Path]:
    """The package folder a .bin entry belongs to: its link's target's package.json named prettier, else
    node_modules/prettier beside .bin."""
    for folder in (binary.resolve().parent, *binary.resolve().parents):
        manifest = folder / "package.json"
        if manifest.is_file():
            try:
                if json.loads(manifest.read_text(encoding="utf-8")).get("name") == "prettier":
                    return folder
            except (OSError, ValueError):
                pass
            break
    beside = binary.parent.parent / "prettier"
    return beside if (beside / "package.json").is_file() else None


def check_tool(tool: str) -> None:
    """BadInput for a formatter this option does not know."""
    if tool not in TOOLS:
        from migrator.errors import BadInput

        raise BadInput(f"--format-with: unknown formatter {tool!r} (known: {', '.join(TOOLS)})")


def format_results(results: list[FileResult], base: Path, tool: str = "prettier") -> tuple[list[FileResult], list[str]]:
    """The results with every changed file's text (and diff) formatted, and the lines to tell the user."""
    check_tool(tool)
    changed = [(i, r) for i, r in enumerate(results) if r.status == "changed" and r.new_text is not None]
    if not changed:
        return results, []
    groups: dict[tuple[Path, Path], list[tuple[int, FileResult, Path]]] = {}
    missing: list[str] = []
    node = shutil.which("node")
    for i, r in changed:
        target = (base / r.path).resolve() if not Path(r.path).is_absolute() else Path(r.path)
        found = find_prettier(target.parent) if node else None
        if found is None:
            missing.append(r.path)
            continue
        groups.setdefault(found, []).append((i, r, target))
    out = list(results)
    messages: list[str] = []
    if missing:
        why = "Node.js is not installed" if not node else "no node_modules/.bin/prettier in its folder or above"
        more = f" and {len(missing) - 1} other file(s)" if len(missing) > 1 else ""
        messages.append(f"--format-with prettier: prettier was not found for {missing[0]}{more} ({why}): "
                        f"left as converted, unformatted")
    for (package, root), items in groups.items():
        answers, failure = _run(node, package, root, [(target, r.new_text or "") for _, r, target in items])
        for n, (i, r, target) in enumerate(items):
            answer = answers[n] if answers is not None else {"error": failure}
            if "formatted" in answer:
                out[i] = _with_text(r, answer["formatted"], target)
            elif "error" in answer:
                messages.append(f"{r.path}: prettier failed, left unformatted: {answer['error']}")
    return out, messages


def _run(node: str, package: Path, root: Path, files: list[tuple[Path, str]]) -> tuple[Optional[list[dict]], str]:
    """Prettier's answers for the files (run in the project folder `root`, as `npx prettier` would be),
    or None and why the whole run failed."""
    ignore = root / ".prettierignore"
    payload = json.dumps([{"filepath": str(target), "text": text} for target, text in files])
    try:
        done = subprocess.run([node, "-e", _SCRIPT, str(package), str(ignore) if ignore.is_file() else ""],
                              input=payload, capture_output=True, text=True, cwd=root, timeout=TIMEOUT,
                              env={**os.environ, "NODE_OPTIONS": ""})
    except (OSError, subprocess.TimeoutExpired) as exc:
        return None, f"could not run prettier ({exc})"
    if done.returncode != 0:
        first = next((line for line in done.stderr.splitlines() if line.strip()), f"exit code {done.returncode}")
        return None, first.strip()
    try:
        answers = json.loads(done.stdout)
    except ValueError:
        return None, "prettier gave no answer"
    if not isinstance(answers, list) or len(answers) != len(files):
        return None, "prettier gave no answer"
    return answers, ""


def _with_text(result: FileResult, text: str, target: Path) -> FileResult:
    """The result carrying `text`, its diff made again against the file on disk (none: a new file)."""
    if text == result.new_text:
        return result
    head = result.diff.splitlines()[:2]
    old_label = head[0][4:] if head and head[0].startswith("--- ") else f"a/{result.path}"
    new_label = head[1][4:] if len(head) > 1 and head[1].startswith("+++ ") else f"b/{result.path}"
    old = ""
    if old_label != "/dev/null" and target.exists():
        with open(target, encoding="utf-8", newline="") as handle:
            old = handle.read()
    diff = "".join(difflib.unified_diff(old.splitlines(True), text.splitlines(True), old_label.rstrip("\n"),
                                        new_label.rstrip("\n")))
    return replace(result, new_text=text, diff=diff)

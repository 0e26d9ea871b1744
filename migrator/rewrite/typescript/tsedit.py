"""What the TypeScript rewrite engines share (prisma-drizzle: migrator/rewrite/typescript/engine.py;
sql-drizzle: migrator/rewrite/sql_drizzle/engine.py): files, project root, parsing, calls by
position, where a name is bound, adding and dropping imports."""

from __future__ import annotations

import os
import re
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Optional

SUFFIXES = (".ts", ".tsx", ".js", ".mts", ".cts", ".jsx", ".mjs", ".cjs")
SKIP_DIRS = {".git", "node_modules", ".next", "dist", "build", ".migrator", "coverage", ".turbo", "out"}
PROJECT_MARKERS = ("package.json", ".git", "migrator.toml")


def short(text: str, limit: int = 60) -> str:
    """One line of at most `limit` characters, for messages."""
    one = " ".join(text.split())
    return one if len(one) <= limit else one[:limit - 1] + "…"


def source_files(paths: Iterable[Path]) -> list[Path]:
    """Every TypeScript/JavaScript file under the paths (declaration files aside), sorted."""
    from migrator.rewrite.engine import files_under

    return files_under(paths, SUFFIXES, (".d.ts",), SKIP_DIRS)


def project_root(paths: list[Path]) -> Path:
    """The nearest folder at or above the first path holding package.json, .git or migrator.toml."""
    start = paths[0].resolve() if paths else Path.cwd().resolve()
    start = start if start.is_dir() else start.parent
    for folder in (start, *start.parents):
        if any((folder / m).exists() for m in PROJECT_MARKERS):
            return folder
    return start


def language(path: str) -> str:
    return "tsx" if path.endswith((".tsx", ".jsx")) else "javascript" if path.endswith((".js", ".mjs", ".cjs")) else "typescript"


def has_error(text: str, path: str) -> bool:
    """tree-sitter's word (migrator.tsparse, the scan's parser): ERROR or MISSING nodes anywhere."""
    from migrator.tsparse import parser_for

    return parser_for(path).parse(text.encode("utf-8")).root_node.has_error


def calls_at(root) -> dict[tuple[int, int], list]:
    out: dict[tuple[int, int], list] = {}
    for call in root.find_all(kind="call_expression"):
        start = call.range().start
        out.setdefault((start.line, start.column), []).append(call)
    return out


_BINDING_PARENTS = {"variable_declarator": "name", "required_parameter": "pattern", "optional_parameter": "pattern",
                    "arrow_function": "parameter", "function_declaration": "name", "class_declaration": "name",
                    "assignment_pattern": "left", "pair_pattern": "value"}


def bindings(root, name: str) -> list[tuple[str, object]]:
    """Where `name` is bound: [("import" | "top" | "local", node)]."""
    out = []
    for kind in ("identifier", "shorthand_property_identifier_pattern"):
        for node in root.find_all(kind=kind):
            if node.text() != name:
                continue
            parent = node.parent()
            if parent is None:
                continue
            pk = parent.kind()
            if kind == "shorthand_property_identifier_pattern" or pk in ("array_pattern", "rest_pattern"):
                out.append(("local", node))
            elif pk == "import_specifier":
                alias = parent.field("alias")
                if (alias is not None and alias.range() == node.range()) or alias is None:
                    out.append(("import", node))
            elif pk in ("import_clause", "namespace_import"):
                out.append(("import", node))
            elif pk in _BINDING_PARENTS:
                bound = parent.field(_BINDING_PARENTS[pk])
                if bound is not None and bound.range() == node.range():
                    top = pk == "variable_declarator" and top_level(parent)
                    out.append(("top" if top else "local", node))
    return out


def top_level(declarator) -> bool:
    decl = declarator.parent()
    holder = decl.parent() if decl is not None else None
    if holder is not None and holder.kind() == "export_statement":
        holder = holder.parent()
    return holder is not None and holder.kind() == "program"


def client_taken(root, client: str, module: str) -> bool:
    for kind, node in bindings(root, client):
        if kind != "import":
            return True
        stmt = next((a for a in node.ancestors() if a.kind() == "import_statement"), None)
        if stmt is None or stmt.field("source").text()[1:-1] != module:
            return True
    return False


def add_import(text: str, path: str, module: str, client: str) -> str:
    from ast_grep_py import SgRoot

    root = SgRoot(text, language(path)).root()
    imports = [c for c in root.children() if c.kind() == "import_statement"]
    for stmt in imports:
        if stmt.field("source").text()[1:-1] == module and any(
                kind == "import" for kind, _ in bindings(stmt, client)):
            return text
    quote = imports[0].field("source").text()[0] if imports else '"'
    semi = ";" if not imports or imports[-1].text().rstrip().endswith(";") else ""
    line = f"import {{ {client} }} from {quote}{module}{quote}{semi}"
    nl = "\r\n" if "\r\n" in text else "\n"
    if imports:
        end = imports[-1].range().end.index
        return text[:end] + nl + line + text[end:]
    at = 0
    for child in root.children():  # after a shebang, leading comments and directives ("use server")
        if child.kind() in ("hash_bang_line", "comment") or (
                child.kind() == "expression_statement" and child.child(0) is not None and child.child(0).kind() == "string"):
            at = child.range().end.index
            continue
        break
    if at == 0:
        return line + nl + text
    return text[:at] + nl + line + text[at:]


def drop_unused_imports(text: str, path: str, names: set[str]) -> tuple[str, list[tuple[int, int, str]]]:
    """Remove the import of each converted client name nothing else in the file uses. Returns the
    text and the unused imports left in place (line, column, name)."""
    from ast_grep_py import SgRoot

    kept: list[tuple[int, int, str]] = []
    for name in sorted(names):
        root = SgRoot(text, language(path)).root()
        uses = [n for kind in ("identifier", "shorthand_property_identifier")
                for n in root.find_all(kind=kind) if n.text() == name
                and not any(a.kind() == "import_statement" for a in n.ancestors())]
        if uses:
            continue
        spec = next((n for kind, n in bindings(root, name) if kind == "import"), None)
        if spec is None:
            continue
        stmt = next(a for a in spec.ancestors() if a.kind() == "import_statement")
        clause = stmt.find(kind="import_clause")
        parts = [c for c in clause.children() if c.kind() not in (",",)] if clause is not None else []
        named = clause.find(kind="named_imports") if clause is not None else None
        specifiers = [c for c in named.children() if c.kind() == "import_specifier"] if named is not None else []
        sole = (len(parts) == 1 and (named is None or len(specifiers) == 1))
        if sole:
            start, end = stmt.range().start.index, stmt.range().end.index
            if text[end:end + 2] == "\r\n":
                end += 2
            elif text[end:end + 1] == "\n":
                end += 1
            text = text[:start] + text[end:]
        elif spec.parent().kind() == "import_specifier" and len(specifiers) > 1:
            node = spec.parent()
            i = specifiers.index(next(s for s in specifiers if s.range() == node.range()))
            if i + 1 < len(specifiers):
                start, end = node.range().start.index, specifiers[i + 1].range().start.index
            else:
                start, end = specifiers[i - 1].range().end.index, node.range().end.index
            text = text[:start] + text[end:]
        else:
            pos = spec.range().start
            kept.append((pos.line + 1, pos.column + 1, name))
    return text, kept


def module_for_file(module: str, path: Path, base: Path) -> str:
    """A relative module given on the command line (`./src/db`) is a path from the folder the command
    runs in: the file at `path` imports it relative to its own folder. Aliases stay as they are."""
    if not module.startswith(("./", "../")):
        return module
    rel = os.path.relpath((base / module).resolve(), path.resolve().parent).replace(os.sep, "/")
    return rel if rel.startswith(".") else "./" + rel


def check_options(rule_set: str, drizzle_schema: str, drizzle_client: str, example_client: str,
                  select: tuple[str, ...] = (), ignore: tuple[str, ...] = (), unsupported: tuple[str, ...] = ()) -> None:
    """BadInput for what a TypeScript rule set cannot do yet or is missing (before any file is read)."""
    from migrator.errors import BadInput
    from migrator.rewrite.typescript.rulebase import parse_client

    if select or ignore:
        raise BadInput(f"--select/--ignore are not supported with --rules {rule_set} yet")
    if unsupported:
        raise BadInput(f"{', '.join(unsupported)}: not supported with --rules {rule_set} yet")
    if not drizzle_schema:
        raise BadInput(f"--rules {rule_set} needs --drizzle-schema drizzle:PATH (the project's Drizzle schema)")
    if not drizzle_client:
        raise BadInput(f"--rules {rule_set} needs --drizzle-client MODULE:NAME (e.g. {example_client})")
    parse_client(drizzle_client)


def triage(files: list[Path], sites: dict, unread: dict[Path, str], base: Path, what: str) -> tuple[list, list]:
    """Files the scan could not read (skipped, their `what` calls unknown) and files without sites
    (unchanged) as results; the others as (file, display path, sites) to rewrite."""
    from migrator.rewrite.engine import FileResult
    from migrator.rewrite.project import relative_path

    results, todo = [], []
    for f in files:
        display = relative_path(f, base)
        if f.resolve() in unread:
            results.append(FileResult(display, "skipped", reason=f"the scan could not read it ({unread[f.resolve()]}): "
                                                                 f"its {what} calls are unknown"))
            continue
        found = sites.get(f.resolve(), [])
        if not found:
            results.append(FileResult(display, "unchanged"))
            continue
        todo.append((f, display, found))
    return results, todo


def indent_step(text: str) -> str:
    """The file's own indentation unit (a tab, or its smallest run of leading spaces; two when the
    file does not say), so that the lines a rewrite adds look like the lines around them."""
    smallest = 0
    for line in text.splitlines()[:400]:
        stripped = line.lstrip(" \t")
        if not stripped or len(stripped) == len(line) or stripped.startswith(("*", "//")):
            continue
        if line.startswith("\t"):
            return "\t"
        spaces = len(line) - len(line.lstrip(" "))
        if spaces and (smallest == 0 or spaces < smallest):
            smallest = spaces
    return " " * (smallest or 2)


def scan_sites(root: Path, files: list[Path], layer: str, jobs: Optional[int] = None,
               skipped: Optional[dict[Path, str]] = None) -> dict[Path, list]:
    """The scan's sites of `layer` in `files` (by its value flow), by resolved path; `skipped` gets
    the files the scan could not read (syntax errors, minified, binary) with the reason: their
    sites are unknown, and the engines report them."""
    from migrator.scan.engine import ScanOptions, scan

    result = scan(root, ScanOptions(legacy=(layer,), target=("drizzle",), jobs=jobs))
    wanted = {f.resolve() for f in files}
    if skipped is not None:
        for path, reason in result.skipped:
            if (root / path).resolve() in wanted:
                skipped[(root / path).resolve()] = reason
    out: dict[Path, list] = {}
    for site in result.sites(layer):
        path = (root / site.file).resolve()
        if path in wanted:
            out.setdefault(path, []).append(site)
    return out


@lru_cache(maxsize=64)
def module_text(path: str) -> Optional[str]:
    """A project module's text (read once per run), None when it cannot be read."""
    try:
        return Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None


_DRIZZLE_DRIVER = re.compile(r"""(?:from\s*|require\(\s*)["']drizzle-orm/([\w-]+)["']""")


def client_driver(module: str, base: Path, root: Path) -> Optional[str]:
    """The drizzle-orm driver (`better-sqlite3`, `libsql`, `node-postgres`, …) the Drizzle client module
    imports, the module found as the rewritten files import it (relative to `base`, or through the
    project's tsconfig paths); None when it cannot be read or imports none or several."""
    from migrator.scan.engine import _ts_paths

    stems: list[Path] = []
    if module.startswith("."):
        stems.append(base / module)
    else:
        for pattern, targets in _ts_paths(root):
            for target in targets:
                if pattern.endswith("/*") and target.endswith("/*") and module.startswith(pattern[:-1]):
                    stems.append(root / (target[:-1] + module[len(pattern) - 1:]))
                elif pattern == module:
                    stems.append(root / target)
    for stem in stems:
        for candidate in (stem, *(stem.with_name(stem.name + s) for s in SUFFIXES),
                          *(stem / f"index{s}" for s in SUFFIXES)):
            if candidate.is_file():
                found = set(_DRIZZLE_DRIVER.findall(module_text(str(candidate.resolve())) or ""))
                return found.pop() if len(found) == 1 else None
    return None

"""`migrator rewrite --rules prisma-drizzle`: Prisma Client calls → Drizzle relational queries.

1. `migrator scan` (its value flow) lists the Prisma sites of every .ts/.tsx/.js file: line,
   column, model, operation; `tx` of `$transaction(async (tx) => …)` included.
2. Each site's call expression is found with ast-grep at that position; the operation's rule
   (PD001–PD003) converts it through the clause rules (PD004–PD007), or a rule refuses it and the
   site becomes a finding with its code and reason (PD100–PD103 for what no rule takes).
3. Edits replace exactly the call expression's text, back to front; then the Drizzle client's
   import is added and the Prisma client's import dropped when nothing else in the file uses it.
   A second run changes nothing: converted calls are no Prisma sites any more, and the others
   are refused the same way again.
"""

from __future__ import annotations

import difflib
import json
import os
import sys
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Optional

from migrator.errors import BadInput
from migrator.rewrite.engine import FileResult, apply as apply_results
from migrator.rewrite.rules import Finding
from migrator.rewrite.typescript.convert import Context, Refusal, short
from migrator.rewrite.typescript.mapping import NameMap

RULE_SET = "prisma-drizzle"
SUFFIXES = (".ts", ".tsx", ".js", ".mts", ".cts", ".jsx", ".mjs", ".cjs")
SKIP_DIRS = {".git", "node_modules", ".next", "dist", "build", ".migrator", "coverage", ".turbo", "out"}
PROJECT_MARKERS = ("package.json", ".git", "migrator.toml")


@dataclass(frozen=True)
class Options:
    drizzle_schema: str  # drizzle:PATH
    drizzle_client: str  # MODULE:NAME, e.g. @/lib/db/drizzle:drizzleDb
    prisma_schema: Optional[str] = None  # a .prisma file or folder; default: where Prisma looks under the project

    def client(self) -> tuple[str, str]:
        module, sep, name = self.drizzle_client.rpartition(":")
        if not sep or not module or not name.isidentifier():
            raise BadInput(f"--drizzle-client: expected MODULE:NAME (e.g. @/lib/db/drizzle:drizzleDb), "
                           f"got {self.drizzle_client!r}")
        return module, name


@dataclass(frozen=True)
class PrismaSite:
    line: int
    column: int
    model: str
    operation: str
    via: Optional[str] = None  # the project module the client came from (the scan's entry module)


@lru_cache(maxsize=1)
def _rules() -> tuple:
    from migrator.rewrite.rules.prisma_drizzle import rules as found

    return tuple(found())


def rules() -> list:
    return list(_rules())


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


def prisma_sites(root: Path, files: list[Path], jobs: Optional[int] = None,
                 skipped: Optional[dict[Path, str]] = None) -> dict[Path, list[PrismaSite]]:
    """The Prisma sites of `files` by the scan's value flow; `skipped` gets the files the scan could
    not read (syntax errors, minified, binary) with the reason: their sites are unknown."""
    from migrator.scan.engine import ScanOptions, scan

    result = scan(root, ScanOptions(legacy=("prisma",), target=("drizzle",), jobs=jobs))
    wanted = {f.resolve() for f in files}
    if skipped is not None:
        for path, reason in result.skipped:
            if (root / path).resolve() in wanted:
                skipped[(root / path).resolve()] = reason
    out: dict[Path, list[PrismaSite]] = {}
    for site in result.sites("prisma"):
        path = (root / site.file).resolve()
        if path in wanted:
            via = str(root / site.via) if site.via else None
            out.setdefault(path, []).append(PrismaSite(site.line, site.column, site.model, site.operation, via))
    return out


# ---------------------------------------------------------------------------
# One file


def _language(path: str) -> str:
    return "tsx" if path.endswith((".tsx", ".jsx")) else "javascript" if path.endswith((".js", ".mjs", ".cjs")) else "typescript"


def _has_error(text: str, path: str) -> bool:
    """tree-sitter's word (migrator.tsparse, the scan's parser): ERROR or MISSING nodes anywhere."""
    from migrator.tsparse import parser_for

    return parser_for(path).parse(text.encode("utf-8")).root_node.has_error


def _calls_at(root) -> dict[tuple[int, int], list]:
    out: dict[tuple[int, int], list] = {}
    for call in root.find_all(kind="call_expression"):
        start = call.range().start
        out.setdefault((start.line, start.column), []).append(call)
    return out


def _locate(calls: dict, site: PrismaSite):
    """The call expression of `site`: it starts at the site's position and calls `.model.operation`."""
    best = None
    for call in calls.get((site.line - 1, site.column - 1), []):
        fn = call.field("function")
        if fn is None or fn.kind() != "member_expression" or fn.field("property").text() != site.operation:
            continue
        obj = fn.field("object")
        if obj is None or obj.kind() != "member_expression" or obj.field("property").text() != site.model:
            continue
        if best is None or len(call.text()) < len(best.text()):
            best = call
    return best


def _receiver_text(calls: dict, site: PrismaSite) -> str:
    """The client expression of a site's call (`prisma`, `tx`), for messages; "" when not found."""
    for call in calls.get((site.line - 1, site.column - 1), []):
        fn = call.field("function")
        if fn is None or fn.kind() != "member_expression" or fn.field("property").text() != site.operation:
            continue
        obj = fn.field("object")
        if site.model not in ("-", "", "unknown") and obj.kind() == "member_expression":
            obj = obj.field("object")
        return short(obj.text())
    return ""


_BINDING_PARENTS = {"variable_declarator": "name", "required_parameter": "pattern", "optional_parameter": "pattern",
                    "arrow_function": "parameter", "function_declaration": "name", "class_declaration": "name",
                    "assignment_pattern": "left", "pair_pattern": "value"}


def _bindings(root, name: str) -> list[tuple[str, object]]:
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
                    top = pk == "variable_declarator" and _top_level(parent)
                    out.append(("top" if top else "local", node))
    return out


def _top_level(declarator) -> bool:
    decl = declarator.parent()
    holder = decl.parent() if decl is not None else None
    if holder is not None and holder.kind() == "export_statement":
        holder = holder.parent()
    return holder is not None and holder.kind() == "program"


def _in_transaction(call) -> bool:
    for anc in call.ancestors():
        if anc.kind() == "call_expression":
            fn = anc.field("function")
            if fn is not None and fn.kind() == "member_expression" and fn.field("property").text() in (
                    "$transaction", "$extends"):
                return True
    return False


def _identifiers(node) -> frozenset[str]:
    names = {n.text() for n in node.find_all(kind="identifier")}
    names |= {n.text() for n in node.find_all(kind="shorthand_property_identifier")}
    return frozenset(names)


def _indent_of(text: str, index: int) -> str:
    start = text.rfind("\n", 0, index) + 1
    line = text[start:index]
    return line[:len(line) - len(line.lstrip())]


def _convert(text: str, call, site: PrismaSite, names: NameMap, client: str, ops_rules: dict) -> str:
    """The Drizzle text for `call`, or Refusal."""
    from migrator.rewrite.typescript.query import pairs

    rule = ops_rules[site.operation]
    model = names.model(site.model)
    if model is None:
        raise Refusal("PD102", f"`{site.model}` is no model of the Prisma schema")
    if model.export is None:
        raise Refusal("PD102", f"model {model.prisma} (table {model.table}) has no table in the Drizzle schema: "
                               f"port it first")
    if call.field("type_arguments") is not None:
        raise Refusal("PD103", "the call has type arguments; convert it by hand")
    args = [c for c in call.field("arguments").children() if c.kind() not in ("(", ")", ",")]
    if any(c.kind() == "comment" for c in args) or call.field("arguments").find(kind="comment") is not None:
        raise Refusal("PD103", "comments inside the call would be lost; move them above the call, then rerun")
    if len(args) > 1:
        raise Refusal("PD103", "more than one argument")
    ctx = Context(names, _identifiers(call.field("arguments")), operation=site.operation)
    found: list[tuple[str, str]] = []
    if args:
        if args[0].kind() != "object":
            raise Refusal("PD103", f"the argument `{short(args[0].text())}` is not an object literal: what it holds "
                                   f"is known only at run time")
        found = pairs(ctx, model, args[0], "", top=True)
    head = f"{client}.query.{model.export}.{rule.target}"
    if not found:
        body = "()"
    else:
        one_line = "{ " + ", ".join(f"{k}: {v}" for k, v in found) + " }"
        start = call.range().start
        indent = _indent_of(text, start.index)
        if "\n" not in args[0].text() and start.column + len(head) + len(one_line) + 2 <= 100:
            body = f"({one_line})"
        else:
            inner = indent + "  "
            nl = "\r\n" if "\r\n" in text else "\n"
            body = "({" + nl + "".join(f"{inner}{k}: {v},{nl}" for k, v in found) + indent + "})"
    tail = ".then((row) => row ?? null)" if rule.null_for_none else ""
    return head + body + tail


def rewrite_text(text: str, path: str, sites: list[PrismaSite], names: NameMap, options: Options) -> FileResult:
    """Convert the Prisma `sites` of one file's `text` (nothing written)."""
    from ast_grep_py import SgRoot

    module, client = options.client()
    op_rules = {op: r for r in rules() if hasattr(r, "operations") for op in r.operations}
    from migrator.rewrite.rules.prisma_drizzle.pd100_operation import UnsupportedOperation

    root = SgRoot(text, _language(path)).root()
    broken = root.find(kind="ERROR")
    if broken is not None or _has_error(text, path):
        where = broken.range().start if broken is not None else None
        at = f" at {where.line + 1}:{where.column + 1}" if where is not None else ""
        return FileResult(path, "skipped", reason=f"syntax error{at}: nothing converted in this file",
                          findings=[Finding(s.line, s.column, "PD103", f"`{s.model}.{s.operation}()` not converted: "
                                            f"the file has a syntax error{at}") for s in sites], sites=len(sites))
    calls = _calls_at(root)
    findings: list[Finding] = []
    located: list[tuple[PrismaSite, object]] = []
    for site in sorted(sites, key=lambda s: (s.line, s.column)):
        if site.operation not in op_rules or site.model in ("-", "", "unknown"):
            findings.append(Finding(site.line, site.column, UnsupportedOperation.code,
                                    UnsupportedOperation.reason(_receiver_text(calls, site), site.model, site.operation)))
            continue
        call = _locate(calls, site)
        if call is None:
            findings.append(Finding(site.line, site.column, "PD103",
                                    f"`{site.model}.{site.operation}()`: the call expression could not be taken apart "
                                    f"(type arguments, optional chaining or an unusual shape); convert it by hand"))
            continue
        located.append((site, call))
    spans = [(c.range().start.index, c.range().end.index) for _, c in located]
    client_taken = _client_taken(root, client, module)
    edits: list[tuple[int, int, str]] = []
    receivers: set[str] = set()
    bindings: dict[str, list] = {}
    for site, call in located:
        start, end = call.range().start.index, call.range().end.index
        receiver = call.field("function").field("object").field("object")
        label = f"`{short(receiver.text())}.{site.model}.{site.operation}()`"
        try:
            if any(start <= a and b <= end and (a, b) != (start, end) for a, b in spans):
                raise Refusal("PD103", "its argument holds another Prisma call; convert the two by hand (or take the "
                                       "inner one out into a variable first)")
            if any(a <= start and end <= b and (a, b) != (start, end) for a, b in spans):
                raise Refusal("PD103", "it sits in the argument of another Prisma call; convert the two by hand (or "
                                       "take this one out into a variable first)")
            name = _receiver(root, call, receiver, bindings)
            _plain_client(text, site)
            if client_taken:
                raise Refusal("PD103", f"the name `{client}` of the Drizzle client is already bound in this file to "
                                       f"something else")
            new = _convert(text, call, site, names, client, op_rules)
        except Refusal as refusal:
            findings.append(Finding(site.line, site.column, refusal.code, f"{label} not converted: {refusal.reason}"))
            continue
        edits.append((start, end, new))
        receivers.add(name)
    new_text = text
    for start, end, new in sorted(edits, reverse=True):
        new_text = new_text[:start] + new + new_text[end:]
    if edits:
        new_text = _add_import(new_text, path, module, client)
        new_text, kept = _drop_unused_imports(new_text, path, receivers)
        for line, column, name in kept:
            findings.append(Finding(line, column, "PD101", f"the Prisma client import `{name}` is no longer used but "
                                                           f"not removed (a default or namespace import beside others); "
                                                           f"remove it by hand"))
    findings.sort(key=lambda f: (f.line, f.column, f.code))
    counts = {"sites": len(sites), "converted": len(edits)}
    if new_text == text:
        return FileResult(path, "unchanged", findings=findings, **counts)
    diff = "".join(difflib.unified_diff(text.splitlines(True), new_text.splitlines(True), f"a/{path}", f"b/{path}"))
    return FileResult(path, "changed", findings=findings, diff=diff, new_text=new_text, **counts)


def _receiver(root, call, receiver, cache: Optional[dict] = None) -> str:
    """The client's name when it can become the Drizzle client: a module-level name (imported or
    declared at the top), bound nowhere else in the file, outside any `$transaction`."""
    from migrator.rewrite.rules.prisma_drizzle.pd101_receiver import Receiver

    if _in_transaction(call):
        raise Receiver.refuse(f"`{receiver.text()}` runs inside a Prisma `$transaction`: as a Drizzle call it would "
                              f"leave the transaction; move the transaction to `db.transaction(async (tx) => …)` first")
    if receiver.kind() != "identifier":
        raise Receiver.refuse(f"the client `{short(receiver.text())}` is not a module-level name (an attribute, a "
                              f"call); convert by hand")
    name = receiver.text()
    if cache is not None and name in cache:
        bound = cache[name]
    else:
        bound = _bindings(root, name)
        if cache is not None:
            cache[name] = bound
    if any(kind == "local" for kind, _ in bound):
        raise Receiver.refuse(f"`{name}` is a parameter or local variable here (or bound so elsewhere in the file): "
                              f"a client passed in may be a transaction or a test double")
    if not bound:
        raise Receiver.refuse(f"`{name}` is not bound in this file (a global?)")
    return name


_EXTENDED = ("$extends(", "$use(")


@lru_cache(maxsize=64)
def _module_text(path: str) -> Optional[str]:
    try:
        return Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def _plain_client(text: str, site: PrismaSite) -> None:
    """Refuse a client that a Prisma extension or middleware wraps (soft deletes, computed fields,
    query overrides): the Drizzle call would skip what they do. Read from the module the client
    comes from (the scan's entry module), or this file when it makes the client itself."""
    from migrator.rewrite.rules.prisma_drizzle.pd101_receiver import Receiver

    sources = [("this file", text)]
    if site.via:
        source = _module_text(site.via)
        if source is None:
            raise Receiver.refuse(f"the module the client comes from ({site.via}) cannot be read")
        sources.append((Path(site.via).name, source))
    for where, source in sources:
        used = [marker[:-1] for marker in _EXTENDED if marker in source]
        if used:
            raise Receiver.refuse(f"the client is extended with `{used[0]}()` in {where}: Prisma extensions and "
                                  f"middleware change what a query does, a Drizzle call would skip them")


def _client_taken(root, client: str, module: str) -> bool:
    for kind, node in _bindings(root, client):
        if kind != "import":
            return True
        stmt = next((a for a in node.ancestors() if a.kind() == "import_statement"), None)
        if stmt is None or stmt.field("source").text()[1:-1] != module:
            return True
    return False


def _add_import(text: str, path: str, module: str, client: str) -> str:
    from ast_grep_py import SgRoot

    root = SgRoot(text, _language(path)).root()
    imports = [c for c in root.children() if c.kind() == "import_statement"]
    for stmt in imports:
        if stmt.field("source").text()[1:-1] == module and any(
                kind == "import" for kind, _ in _bindings(stmt, client)):
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


def _drop_unused_imports(text: str, path: str, names: set[str]) -> tuple[str, list[tuple[int, int, str]]]:
    """Remove the import of each converted client name nothing else in the file uses. Returns the
    text and the unused imports left in place (line, column, name)."""
    from ast_grep_py import SgRoot

    kept: list[tuple[int, int, str]] = []
    for name in sorted(names):
        root = SgRoot(text, _language(path)).root()
        uses = [n for kind in ("identifier", "shorthand_property_identifier")
                for n in root.find_all(kind=kind) if n.text() == name
                and not any(a.kind() == "import_statement" for a in n.ancestors())]
        if uses:
            continue
        spec = next((n for kind, n in _bindings(root, name) if kind == "import"), None)
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


# ---------------------------------------------------------------------------
# Many files, the command


def rewrite_paths(paths: list[Path], options: Options, base: Optional[Path] = None,
                  names: Optional[NameMap] = None, jobs: Optional[int] = None) -> list[FileResult]:
    from migrator.rewrite.project import relative_path
    from migrator.rewrite.typescript import mapping

    options.client()
    paths = list(paths) or [Path(".")]
    base = base or Path.cwd()
    files = source_files(paths)
    root = project_root(paths)
    if names is None:
        names = mapping.load(options.drizzle_schema, options.prisma_schema, root)
    unread: dict[Path, str] = {}
    sites = prisma_sites(root, files, jobs, unread) if files else {}
    results = []
    tasks = []
    for f in files:
        display = relative_path(f, base)
        if f.resolve() in unread:
            results.append(FileResult(display, "skipped", reason=f"the scan could not read it ({unread[f.resolve()]}): "
                                                                 f"its Prisma calls are unknown"))
            continue
        found = sites.get(f.resolve(), [])
        if not found:
            results.append(FileResult(display, "unchanged"))
            continue
        tasks.append((str(f), display, found, names, _for_file(options, f, base)))
    workers = jobs or os.cpu_count() or 1
    if len(tasks) >= PARALLEL_THRESHOLD and workers > 1:
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(max_workers=workers) as pool:
            results.extend(pool.map(_rewrite_file, tasks, chunksize=max(1, len(tasks) // (workers * 4))))
    else:
        results.extend(_rewrite_file(task) for task in tasks)
    return sorted(results, key=lambda r: r.path)


PARALLEL_THRESHOLD = 32  # below this, starting workers costs more than it saves


def _rewrite_file(task) -> FileResult:
    path, display, found, names, options = task
    try:
        with open(path, encoding="utf-8", newline="") as handle:  # CRLF stays CRLF: every other byte untouched
            text = handle.read()
    except (OSError, UnicodeDecodeError) as exc:
        return FileResult(display, "skipped", reason=f"cannot read: {exc}")
    try:
        return rewrite_text(text, display, found, names, options)
    except Exception as exc:  # a rule bug must not take the other files down
        return FileResult(display, "failed", reason=f"{type(exc).__name__}: {exc}", sites=len(found))


def _for_file(options: Options, path: Path, base: Path) -> Options:
    """A relative `--drizzle-client` module (`./src/db:drizzleDb`) is a path from the folder the
    command runs in: each file imports it relative to its own folder."""
    from dataclasses import replace

    module, name = options.client()
    if not module.startswith(("./", "../")):
        return options
    target = (base / module).resolve()
    rel = os.path.relpath(target, path.resolve().parent).replace(os.sep, "/")
    return replace(options, drizzle_client=f"{rel if rel.startswith('.') else './' + rel}:{name}")


def check(options: Options, select: tuple[str, ...] = (), ignore: tuple[str, ...] = (),
          unsupported: tuple[str, ...] = ()) -> None:
    """BadInput for what this rule set cannot do yet or is missing (before any file is read)."""
    if select or ignore:
        raise BadInput("--select/--ignore are not supported with --rules prisma-drizzle yet")
    if unsupported:
        raise BadInput(f"{', '.join(unsupported)}: not supported with --rules prisma-drizzle yet")
    if not options.drizzle_schema:
        raise BadInput("--rules prisma-drizzle needs --drizzle-schema drizzle:PATH (the project's Drizzle schema)")
    if not options.drizzle_client:
        raise BadInput("--rules prisma-drizzle needs --drizzle-client MODULE:NAME (e.g. @/lib/db/drizzle:drizzleDb)")
    options.client()  # MODULE:NAME, or BadInput naming it

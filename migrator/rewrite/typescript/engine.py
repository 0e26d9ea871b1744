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
from migrator.rewrite.typescript.rulebase import parse_client
from migrator.rewrite.typescript.tsedit import (
    check_options, indent_step, scan_sites, module_for_file, triage,
    PROJECT_MARKERS, SKIP_DIRS, SUFFIXES, source_files, project_root, language as _language, has_error as _has_error, calls_at as _calls_at, bindings as _bindings, top_level as _top_level, client_taken as _client_taken, add_import as _add_import, drop_unused_imports as _drop_unused_imports,
)

RULE_SET = "prisma-drizzle"


@dataclass(frozen=True)
class Options:
    drizzle_schema: str  # drizzle:PATH
    drizzle_client: str  # MODULE:NAME, e.g. @/lib/db/drizzle:drizzleDb
    prisma_schema: Optional[str] = None  # a .prisma file or folder; default: where Prisma looks under the project
    # The module converted writes import the Drizzle tables from (MODULE, relative to the folder the
    # command runs in, or an alias); default: each table's own file, relative to the converted file.
    drizzle_schema_module: Optional[str] = None
    # The prisma-compat module (oneOrThrow, foundOrThrow, insertOrSelect …); default: the Drizzle client
    # module's folder + "/prisma-compat". Written there when it does not exist and a converted site uses it.
    compat_module: Optional[str] = None
    source_dir: Optional[str] = None  # the converted file's folder (set per file)

    def compat(self) -> str:
        if self.compat_module:
            return self.compat_module
        module, _ = self.client()
        folder = module.rpartition("/")[0] if "/" in module else "."
        return f"{folder}/prisma-compat"

    def client(self) -> tuple[str, str]:
        return parse_client(self.drizzle_client)


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


def prisma_sites(root: Path, files: list[Path], jobs: Optional[int] = None,
                 skipped: Optional[dict[Path, str]] = None) -> dict[Path, list[PrismaSite]]:
    """The Prisma sites of `files` by the scan's value flow (tsedit.scan_sites)."""
    return {path: [PrismaSite(s.line, s.column, s.model, s.operation, str(root / s.via) if s.via else None) for s in sites]
            for path, sites in scan_sites(root, files, "prisma", jobs, skipped).items()}


# ---------------------------------------------------------------------------
# One file


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


def _used(call) -> bool:
    """Whether the call's value is used: not a bare `call;` or `await call;` statement."""
    parent = call.parent()
    if parent is not None and parent.kind() == "await_expression":
        parent = parent.parent()
    while parent is not None and parent.kind() == "parenthesized_expression":
        parent = parent.parent()
    return not (parent is not None and parent.kind() == "expression_statement")


def _convert(text: str, call, site: PrismaSite, names: NameMap, client: str, ops_rules: dict):
    """The Drizzle text for `call` and the names it needs imported (write.Needs), or Refusal."""
    from migrator.rewrite.typescript.query import pairs
    from migrator.rewrite.typescript.write import WriteCall

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
    if getattr(rule, "write", False):
        if args and args[0].kind() != "object":
            raise Refusal("PD103", f"the argument `{short(args[0].text())}` is not an object literal: what it holds "
                                   f"is known only at run time")
        start = call.range().start
        write = WriteCall(ctx, model, args[0] if args else None, client, _used(call), site.operation, start.column,
                          _indent_of(text, start.index), "\r\n" if "\r\n" in text else "\n", step=indent_step(text))
        return rule.convert(write), write.needs
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
            inner = indent + indent_step(text)
            nl = "\r\n" if "\r\n" in text else "\n"
            body = "({" + nl + "".join(f"{inner}{k}: {v},{nl}" for k, v in found) + indent + "})"
    needs = ctx.needs  # what the clause rules asked for (a relation filter's tables, a guard's helper)
    tail = ".then((row) => row ?? null)" if rule.null_for_none else ""
    if getattr(rule, "or_throw", False):
        from migrator.rewrite.typescript.convert import js_string

        needs.compat.add("foundOrThrow")
        tail = f".then((row) => foundOrThrow(row, {js_string(model.prisma + '.' + site.operation)}))"
    return head + body + tail, needs


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
    from migrator.rewrite.rules.prisma_drizzle.pd017_error_handling import ErrorHandling

    calls = _calls_at(root)
    findings: list[Finding] = []
    located: list[tuple[PrismaSite, object]] = []
    transactions: list[_Transaction] = []
    for site in sorted(sites, key=lambda s: (s.line, s.column)):
        if site.operation == "$transaction":
            found_tx = _transaction(calls, site)
            if found_tx is not None and found_tx.refusal is None and names.dialect == "sqlite":
                from migrator.rewrite.rules.prisma_drizzle.pd016_transaction import Transaction

                found_tx.param = None
                found_tx.refusal = Transaction.refuse(
                    "the Drizzle schema is SQLite: with better-sqlite3 (a synchronous driver) db.transaction() "
                    "rejects an async callback (\"Transaction function cannot return a promise\"); convert by "
                    "hand for the project's driver (libsql and D1 take an async callback)")
            if found_tx is not None:
                transactions.append(found_tx)
                continue
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
    imports: dict[str, set[str]] = {}  # module -> names the converted calls need from it
    names_seen: dict = {}  # _name_free's cache (the file's bindings of each imported name)
    for site, call in located:
        start, end = call.range().start.index, call.range().end.index
        receiver = call.field("function").field("object").field("object")
        label = f"`{short(receiver.text())}.{site.model}.{site.operation}()`"
        owner = next((t for t in transactions if t.param is not None and receiver.kind() == "identifier" and (
            (t.elements is None and receiver.text() == t.param and t.start <= start and end <= t.end)
            or (t.elements is not None and (start, end) in t.elements
                and receiver.text() == t.call.field("function").field("object").text()))), None)
        if owner is not None:
            try:
                if any((a, b) != (start, end) and (start <= a and b <= end or a <= start and end <= b) for a, b in spans):
                    raise Refusal("PD103", "it holds, or sits in, another Prisma call's argument; convert by hand")
                if client_taken:
                    raise Refusal("PD103", f"the name `{client}` of the Drizzle client is already bound in this file "
                                           f"to something else")
                ErrorHandling.check(call)
                new, needs = _convert(text, call, site, names, owner.param, op_rules)
                wanted = _modules(needs, names, options, path)
                for module_name, imported in wanted.items():
                    for imported_name in imported:
                        if not _name_free(root, imported_name, module_name, start, names_seen):
                            raise Refusal("PD103", f"the converted call needs `{imported_name}` (from "
                                                   f"\"{module_name}\"), but this file already uses that name for "
                                                   f"something else")
            except Refusal as refusal:
                owner.blocked.append(f"`{label[1:-1]}` at {site.line}:{site.column} ({refusal.code})")
                findings.append(Finding(site.line, site.column, refusal.code, f"{label} not converted: {refusal.reason}"))
                continue
            owner.edits.append((site, (start, end, new), wanted, receiver.range().start.index))
            continue
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
            ErrorHandling.check(call)
            new, needs = _convert(text, call, site, names, client, op_rules)
            wanted = _modules(needs, names, options, path)
            for module_name, imported in wanted.items():
                for imported_name in imported:
                    if not _name_free(root, imported_name, module_name, start, names_seen):
                        raise Refusal("PD103", f"the converted call needs `{imported_name}` (from \"{module_name}\"), "
                                               f"but this file already uses that name for something else")
        except Refusal as refusal:
            findings.append(Finding(site.line, site.column, refusal.code, f"{label} not converted: {refusal.reason}"))
            continue
        edits.append((start, end, new))
        receivers.add(name)
        for module_name, imported in wanted.items():
            imports.setdefault(module_name, set()).update(imported)
    merged = 0  # sites converted inside one edit (the array form of $transaction)
    for tx in transactions:
        merged += _finish_transaction(tx, root, text, client, client_taken, bindings, findings, edits, receivers,
                                      imports)
    new_text = text
    for start, end, new in sorted(edits, reverse=True):
        new_text = new_text[:start] + new + new_text[end:]
    if edits:
        new_text = _add_import(new_text, path, module, client)
        for module_name, imported in imports.items():
            new_text = _add_names(new_text, path, module_name, sorted(imported))
        new_text, kept = _drop_unused_imports(new_text, path, receivers)
        for line, column, name in kept:
            findings.append(Finding(line, column, "PD101", f"the Prisma client import `{name}` is no longer used but "
                                                           f"not removed (a default or namespace import beside others); "
                                                           f"remove it by hand"))
    findings.sort(key=lambda f: (f.line, f.column, f.code))
    counts = {"sites": len(sites), "converted": len(edits) + merged}
    if new_text == text:
        return FileResult(path, "unchanged", findings=findings, **counts)
    diff = "".join(difflib.unified_diff(text.splitlines(True), new_text.splitlines(True), f"a/{path}", f"b/{path}"))
    return FileResult(path, "changed", findings=findings, diff=diff, new_text=new_text, **counts)


@dataclass
class _Transaction:
    """`prisma.$transaction(async (tx) => { … })`: converted when every `tx` call in it converts."""

    site: PrismaSite
    call: object
    start: int  # the callback's span
    end: int
    param: Optional[str]  # the callback's parameter (None: refused)
    refusal: Optional[Refusal] = None
    blocked: list = None  # type: ignore[assignment]
    edits: list = None  # type: ignore[assignment]
    elements: Optional[list] = None  # the array form `$transaction([a, b])`: the calls' spans

    def __post_init__(self) -> None:
        self.blocked = []
        self.edits = []


def _transaction(calls: dict, site: PrismaSite) -> Optional[_Transaction]:
    """The `$transaction` call of `site` with what its callback is; None when it is not found."""
    from migrator.rewrite.rules.prisma_drizzle.pd016_transaction import Transaction

    for call in calls.get((site.line - 1, site.column - 1), []):
        fn = call.field("function")
        if fn is None or fn.kind() != "member_expression" or fn.field("property").text() != "$transaction":
            continue
        args = [c for c in call.field("arguments").children() if c.kind() not in ("(", ")", ",")]
        start, end = call.range().start.index, call.range().end.index
        try:
            if call.field("type_arguments") is not None:
                raise Transaction.refuse("the call has type arguments")
            if len(args) != 1:
                raise Transaction.refuse("transaction options (isolationLevel, maxWait, timeout) are not converted: "
                                         "Drizzle's take other names (db.transaction(fn, { isolationLevel }))"
                                         if len(args) > 1 else "no callback")
            body = args[0]
            if body.kind() == "array":
                items = [c for c in body.children() if c.kind() not in ("[", "]", ",")]
                if not items or any(c.kind() != "call_expression" for c in items):
                    raise Transaction.refuse("the array holds something other than Prisma calls written here (a "
                                             "spread, a variable, a comment)" if items else "an empty array")
                taken = {n.text() for n in body.find_all(kind="identifier")}
                name = next(n for n in ("tx", "trx", "tx1", "tx2", "transaction") if n not in taken)
                tx = _Transaction(site, call, start, end, name)
                tx.elements = [(c.range().start.index, c.range().end.index) for c in items]
                return tx
            if body.kind() not in ("arrow_function", "function_expression", "function"):
                raise Transaction.refuse(f"the argument `{short(body.text())}` is not a callback written here")
            if not body.text().startswith("async"):
                raise Transaction.refuse("the callback is not `async`")
            single = body.field("parameter")
            if single is not None:
                param = single.text()
            else:
                params = [c for c in body.field("parameters").children() if c.kind() not in ("(", ")", ",")]
                if len(params) != 1 or params[0].kind() != "required_parameter":
                    raise Transaction.refuse("the callback does not take exactly one parameter")
                if params[0].field("type") is not None:
                    raise Transaction.refuse(f"the parameter `{short(params[0].text())}` has a Prisma type; remove "
                                             f"the annotation (Drizzle infers its own), then rerun")
                pattern = params[0].field("pattern")
                if pattern is None or pattern.kind() != "identifier":
                    raise Transaction.refuse("the callback's parameter is destructured")
                param = pattern.text()
            return _Transaction(site, call, body.range().start.index, body.range().end.index, param)
        except Refusal as refusal:
            return _Transaction(site, call, start, end, None, refusal)
    return None


def _finish_transaction(tx: _Transaction, root, text: str, client: str, client_taken: bool, bindings: dict,
                        findings: list, edits: list, receivers: set, imports: dict) -> int:
    """Add the transaction's edits (its callee and every `tx` call), or its finding and those of its calls.
    Returns how many sites one edit converts beyond the one it counts for (the array form)."""
    from migrator.rewrite.rules.prisma_drizzle.pd016_transaction import Transaction
    from migrator.rewrite.rules.prisma_drizzle.pd017_error_handling import ErrorHandling

    call = tx.call
    receiver = call.field("function").field("object")
    label = f"`{short(receiver.text())}.$transaction()`"
    try:
        if tx.refusal is not None:
            raise tx.refusal
        name = _receiver(root, call, receiver, bindings)
        _plain_client(text, tx.site)
        ErrorHandling.check(call)
        if client_taken:
            raise Refusal("PD103", f"the name `{client}` of the Drizzle client is already bound in this file to "
                                   f"something else")
        used = {at for _, _, _, at in tx.edits}
        others = []
        if tx.elements is None:
            callback = next(n for n in call.field("arguments").children() if n.range().start.index == tx.start)
            body = callback.field("body")
            others = [n for n in body.find_all(kind="identifier") if n.text() == tx.param
                      and n.range().start.index not in used]
            others += [n for n in body.find_all(kind="shorthand_property_identifier") if n.text() == tx.param]
        elif len(tx.edits) != len(tx.elements) and not tx.blocked:
            raise Transaction.refuse("an element of the array is not a Prisma model call")
        if tx.blocked:
            what = "call in the array" if tx.elements is not None else f"`{tx.param}` call in it"
            raise Transaction.refuse(f"not every {what} converts: {', '.join(tx.blocked)}")
        if others:
            pos = others[0].range().start
            raise Transaction.refuse(f"`{tx.param}` is used otherwise at {pos.line + 1}:{pos.column + 1} (passed on, "
                                     f"a raw query, …): it would be a Drizzle transaction there")
        if not tx.edits:
            raise Transaction.refuse(f"no `{tx.param}` call in it converts")
    except Refusal as refusal:
        findings.append(Finding(tx.site.line, tx.site.column, refusal.code, f"{label} not converted: {refusal.reason}"))
        held = receiver.text() if tx.elements is not None else tx.param
        for site, _, _, _ in tx.edits:
            findings.append(Finding(site.line, site.column, "PD101",
                                    f"`{held}.{site.model}.{site.operation}()` not converted: it runs in a "
                                    f"`$transaction` that is not converted (see {tx.site.line}:{tx.site.column})"))
        return 0
    fn = call.field("function")
    receivers.add(name)
    if tx.elements is not None:
        start, end = call.range().start.index, call.range().end.index
        parts = [text[a:b] for a, b in tx.elements]
        for _, (a, b, new), _, _ in tx.edits:
            parts[tx.elements.index((a, b))] = new
        head = f"{client}.transaction(async ({tx.param}) => ["
        one = head + ", ".join(f"await {p}" for p in parts) + "])"
        line_start = text.rfind("\n", 0, start) + 1
        if "\n" in one or start - line_start + len(one) > 100:
            indent = _indent_of(text, start)
            nl = "\r\n" if "\r\n" in text else "\n"
            step = indent_step(text)
            inner = indent + step
            one = head + "".join(f"{nl}{inner}await {p.replace(nl + inner, nl + inner + step)}," for p in parts) + \
                f"{nl}{indent}])"
        edits.append((start, end, one))
        for _, _, wanted, _ in tx.edits:
            for module_name, imported in wanted.items():
                imports.setdefault(module_name, set()).update(imported)
        return len(tx.edits)
    else:
        edits.append((fn.range().start.index, fn.range().end.index, f"{client}.transaction"))
        for _, edit, _, _ in tx.edits:
            edits.append(edit)
    for _, _, wanted, _ in tx.edits:
        for module_name, imported in wanted.items():
            imports.setdefault(module_name, set()).update(imported)
    return 0


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


def _modules(needs, names: NameMap, options: Options, path: str) -> dict[str, set[str]]:
    """{module: names} the converted text needs: tables, drizzle-orm operators, prisma-compat helpers."""
    out: dict[str, set[str]] = {}
    for table in sorted(needs.tables):
        model = next((m for m in names.models.values() if m.export == table), None)
        out.setdefault(_schema_module(options, model, path), set()).add(table)
    if needs.ops:
        out.setdefault("drizzle-orm", set()).update(needs.ops)
    if needs.compat:
        out.setdefault(options.compat(), set()).update(needs.compat)
    return out


def _schema_module(options: Options, model, path: str) -> str:
    if options.drizzle_schema_module:
        return options.drizzle_schema_module
    if model is None or not model.module:
        raise Refusal("PD102", "the Drizzle table's file is not known: pass the schema module (drizzle_schema_module)")
    folder = Path(options.source_dir) if options.source_dir else Path(path).resolve().parent
    rel = os.path.relpath(Path(model.module).resolve(), folder).replace(os.sep, "/")
    for suffix in (".ts", ".tsx", ".mts", ".cts", ".js", ".mjs", ".cjs", ".jsx"):
        if rel.endswith(suffix):
            rel = rel[:-len(suffix)]
            break
    return rel if rel.startswith(".") else "./" + rel


_SCOPES = ("arrow_function", "function_expression", "function", "function_declaration", "method_definition",
           "generator_function", "generator_function_declaration", "statement_block", "for_statement",
           "for_in_statement", "catch_clause", "class_body")


def _name_free(root, name: str, module: str, at: Optional[int] = None, cache: Optional[dict] = None) -> bool:
    """`name` may be imported from `module` for a call at index `at`: bound nowhere in the file but by an
    import from it, or locally in a scope that does not hold `at` (a callback's `{ eq }` elsewhere); and
    not used as a global."""
    if cache is not None and ("bind", name) in cache:
        bound = cache[("bind", name)]
    else:
        bound = _bindings(root, name)
        if cache is not None:
            cache[("bind", name)] = bound
    for kind, node in bound:
        if kind == "local" and at is not None:
            scope = next((a for a in node.ancestors() if a.kind() in _SCOPES), None)
            if scope is not None and not (scope.range().start.index <= at < scope.range().end.index):
                continue
        if kind != "import":
            return False
        stmt = next((a for a in node.ancestors() if a.kind() == "import_statement"), None)
        if stmt is None or stmt.field("source").text()[1:-1] != module:
            return False
    if not bound:
        if cache is not None and ("used", name) in cache:
            return not cache[("used", name)]
        used = any(n.text() == name for kind in ("identifier", "shorthand_property_identifier")
                   for n in root.find_all(kind=kind))
        if cache is not None:
            cache[("used", name)] = used
        return not used
    return True


def _add_names(text: str, path: str, module: str, names: list[str]) -> str:
    """Import `names` from `module`: into its existing `import { … }` (not `import type`), else a new line
    after the last import."""
    from ast_grep_py import SgRoot

    root = SgRoot(text, _language(path)).root()
    imports = [c for c in root.children() if c.kind() == "import_statement"]
    for stmt in imports:
        if stmt.field("source").text()[1:-1] != module or stmt.text().startswith("import type"):
            continue
        named = stmt.find(kind="named_imports")
        if named is None:
            continue
        have = {kind_node.text() for kind_node in named.find_all(kind="identifier")}
        missing = [n for n in names if n not in have]
        if not missing:
            return text
        specifiers = [c for c in named.children() if c.kind() == "import_specifier"]
        if specifiers:
            at = specifiers[-1].range().end.index
            return text[:at] + "".join(f", {n}" for n in missing) + text[at:]
        at = named.range().start.index + 1
        return text[:at] + " " + ", ".join(missing) + " " + text[at:]
    quote = imports[0].field("source").text()[0] if imports else '"'
    semi = ";" if not imports or imports[-1].text().rstrip().endswith(";") else ""
    line = f"import {{ {', '.join(names)} }} from {quote}{module}{quote}{semi}"
    nl = "\r\n" if "\r\n" in text else "\n"
    if imports:
        end = imports[-1].range().end.index
        return text[:end] + nl + line + text[end:]
    return line + nl + text


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
    results, todo = triage(files, sites, unread, base, "Prisma")
    tasks = [(str(f), display, found, names, _for_file(options, f, base)) for f, display, found in todo]
    workers = jobs or os.cpu_count() or 1
    if len(tasks) >= PARALLEL_THRESHOLD and workers > 1:
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(max_workers=workers) as pool:
            results.extend(pool.map(_rewrite_file, tasks, chunksize=max(1, len(tasks) // (workers * 4))))
    else:
        results.extend(_rewrite_file(task) for task in tasks)
    results.extend(_compat_file(results, options, base))
    return sorted(results, key=lambda r: r.path)


def _compat_file(results: list[FileResult], options: Options, base: Path) -> list[FileResult]:
    """prisma-compat.ts, as a new file, when a converted site imports it and it does not exist yet (a
    relative module only: an alias such as `@/lib/prisma-compat` cannot be placed on disk here)."""
    from migrator.rewrite.compat import prisma_compat_module
    from migrator.rewrite.project import relative_path

    spec = options.compat()
    if not spec.startswith(("./", "../")):
        return []
    target = (base / spec).resolve()
    if target.suffix not in (".ts", ".tsx", ".mts", ".cts"):
        target = target.with_name(target.name + ".ts")
    if target.exists():
        return []
    module_name = target.with_suffix("").name
    uses = any(r.status == "changed" and r.new_text is not None and (
        f"/{module_name}\"" in r.new_text or f"/{module_name}'" in r.new_text) for r in results)
    if not uses:
        return []
    text = prisma_compat_module()
    display = relative_path(target, base)
    diff = "".join(difflib.unified_diff([], text.splitlines(True), "/dev/null", f"b/{display}"))
    return [FileResult(display, "changed", reason="new file: the helpers converted sites import", diff=diff,
                       new_text=text)]


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
    return replace(options, drizzle_client=f"{module_for_file(module, path, base)}:{name}",
                   compat_module=module_for_file(options.compat(), path, base),
                   drizzle_schema_module=module_for_file(options.drizzle_schema_module, path, base)
                   if options.drizzle_schema_module else None, source_dir=str(path.resolve().parent))


def check(options: Options, select: tuple[str, ...] = (), ignore: tuple[str, ...] = (),
          unsupported: tuple[str, ...] = ()) -> None:
    """BadInput for what this rule set cannot do yet or is missing (before any file is read)."""
    check_options("prisma-drizzle", options.drizzle_schema, options.drizzle_client, "@/lib/db/drizzle:drizzleDb",
                  select, ignore, unsupported)

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
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Optional

from migrator.errors import BadInput
from migrator.rewrite.engine import FileResult, apply as apply_results  # noqa: F401 (the CLI writes through it)
from migrator.rewrite.rules import Finding
from migrator.rewrite.typescript.convert import Context, Refusal, short
from migrator.rewrite.typescript.mapping import NameMap
from migrator.rewrite.typescript.rulebase import parse_client
from migrator.rewrite.typescript.tsedit import (
    add_import as _add_import, bindings as _bindings, calls_at as _calls_at, check_options, client_driver,
    client_taken as _client_taken, drop_unused_imports as _drop_unused_imports, has_error as _has_error, indent_step,
    language as _language, module_for_file, project_root, scan_sites, source_files, triage,
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
    # The relational query API reads are written for: "v1" (drizzle-orm 0.x: callbacks, query.py), "v2"
    # (drizzle-orm 1.0: object where/orderBy, query_v2.py), or "auto": from the project's package.json
    # (drizzle_version.detect), made concrete per file by _for_file.
    relational: str = "auto"
    # the drizzle-orm driver the Drizzle client module imports (`libsql`, `better-sqlite3`, …; tsedit.client_driver),
    # filled by rewrite_paths; None when not known
    client_driver: Optional[str] = None

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


_CLIENT_LEVEL = ("-", "", "unknown")  # the scan's model for a client-level site (`prisma.$queryRaw`)


def _value_note(site: PrismaSite, call, label: str, findings: list, names: NameMap) -> None:
    """PD023's note on a converted call whose used rows hold fields of another JS type than Prisma's."""
    model = names.model(site.model) if site.model not in _CLIENT_LEVEL else None
    if model is None or not _used(call):
        return
    from migrator.rewrite.rules.prisma_drizzle.pd023_value_types import ValueTypes

    args = [c for c in call.field("arguments").children() if c.kind() not in ("(", ")", ",", "comment")]
    fields = ValueTypes.differences(names, model, args[0] if args else None, site.operation)
    if fields:
        findings.append(Finding(site.line, site.column, ValueTypes.code, ValueTypes.reason(label, fields)))


def _raw_note(site: PrismaSite, call, label: str, findings: list) -> None:
    """PD022's note on a converted `$queryRaw` whose rows are used: the column types that may still differ."""
    if site.model in _CLIENT_LEVEL and site.operation == "$queryRaw" and _used(call):
        from migrator.rewrite.rules.prisma_drizzle.pd022_raw_result_types import RawResultTypes

        findings.append(Finding(site.line, site.column, RawResultTypes.code, RawResultTypes.reason(label)))


@lru_cache(maxsize=1)
def _client_rules() -> dict:
    """Operation → the rule that converts it on the client itself (no model): `client_operations`."""
    return {op: r for r in _rules() for op in getattr(r, "client_operations", ())}


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


def _reference(root, site: PrismaSite):
    """The member expression `….model.operation` at the site's position when nothing calls it (passed
    as a value: `vi.mocked(prisma.user.findMany)`); None otherwise."""
    for node in root.find_all(kind="member_expression"):
        start = node.range().start
        if (start.line, start.column) != (site.line - 1, site.column - 1):
            continue
        if node.field("property").text() != site.operation:
            continue
        parent = node.parent()
        called = parent.field("function") if parent is not None and parent.kind() == "call_expression" else None
        if called is not None and called.range().start.index == node.range().start.index \
                and called.range().end.index == node.range().end.index:
            return None  # the callee of a call (one _locate could not take apart): not a reference
        return node
    return None


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


def _in_transaction(call) -> str:
    """"$transaction" when the call sits in a Prisma `$transaction(…)`'s argument, "$extends" in an extension's
    definition (a method an extension adds), "" otherwise."""
    for anc in call.ancestors():
        if anc.kind() == "call_expression":
            fn = anc.field("function")
            if fn is not None and fn.kind() == "member_expression" and fn.field("property").text() in (
                    "$transaction", "$extends"):
                return fn.field("property").text()
    return ""


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


# Operations whose result holds no row of the model (a count, a batch's { count }, aggregates: PD019/PD020
# refuse Json there themselves).
_NO_ROWS = frozenset({"count", "createMany", "updateMany", "deleteMany", "aggregate", "groupBy"})


def _json_rows(names: NameMap, model, arg, operation: str) -> None:
    """On SQLite, a call whose rows hold a Json field (the model's, or a related model's that a key of the
    argument names: include/select/with) is refused when the field's Drizzle column does not parse the
    JSON text as Prisma does: `migrator generate drizzle` writes a customType "jsonb" without fromDriver,
    whose reads return the text where Prisma returns the parsed value."""
    from migrator.rewrite.typescript.write import json_column_reason

    keys = {k.text().strip("'\"") for k in arg.find_all(kind="property_identifier")} | \
        {k.text() for k in arg.find_all(kind="shorthand_property_identifier")} if arg is not None else set()
    models, seen = [model], {model.prisma}
    for m in models:  # grows while read: the relations the argument names, at any depth
        for r in m.relations.values():
            target = names.by_prisma(r.target) if r.prisma in keys and r.target not in seen else None
            if target is not None:
                seen.add(target.prisma)
                models.append(target)
    for m in models:
        if m is model and operation in _NO_ROWS:
            continue
        for name in sorted(m.json):
            reason = json_column_reason(m, name, names.dialect)
            if reason is not None:
                raise Refusal("PD102", f"its rows hold the Json field {m.prisma}.{name}, and {reason}; declare the "
                                       f"column text(\"…\", {{ mode: \"json\" }}), then rerun")


def _convert(text: str, call, site: PrismaSite, names: NameMap, client: str, ops_rules: dict,
             relational: str = "v1", tables: Optional[dict] = None):
    """The Drizzle text for `call` and the names it needs imported (write.Needs), or Refusal. Reads are
    written for drizzle-orm 0.x's relational queries (query.py) or, `relational == "v2"`, 1.0's (query_v2.py):
    the one place the two are chosen."""
    if relational == "v2":
        from migrator.rewrite.typescript.query_v2 import pairs
    else:
        from migrator.rewrite.typescript.query import pairs
    from migrator.rewrite.typescript.write import WriteCall

    if site.model in _CLIENT_LEVEL:  # a client-level operation (raw SQL): its rule takes the call as it is
        from migrator.rewrite.typescript.convert import Needs

        needs = Needs()
        return _client_rules()[site.operation].convert(text, call, site.operation, client, needs, names.dialect), needs
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
    args = [c for c in args if c.kind() != "comment"]  # the engine moves the call's comments above it
    if len(args) > 1:
        raise Refusal("PD103", "more than one argument")
    if names.dialect == "sqlite":
        _json_rows(names, model, args[0] if args else None, site.operation)
    ctx = Context(names, _identifiers(call.field("arguments")), operation=site.operation, client=client,
                  tables=dict(tables or {}))
    if getattr(rule, "write", False):
        if args and args[0].kind() != "object":
            raise Refusal("PD103", f"the argument `{short(args[0].text())}` is not an object literal: what it holds "
                                   f"is known only at run time")
        start = call.range().start
        write = WriteCall(ctx, model, args[0] if args else None, client, _used(call), site.operation, start.column,
                          _indent_of(text, start.index), "\r\n" if "\r\n" in text else "\n", step=indent_step(text),
                          relational=relational)
        converted = rule.convert(write)
        if write.used:
            keys = _prisma_keys(names, model, site.operation, args[0] if args else None, write.needs)
            converted = _append(converted, [keys] if keys else [], text, call)
        return converted, write.needs
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
            if relational == "v2":  # object values (where, with) one property a line when too long
                from migrator.rewrite.typescript.query_v2 import layout

                step = indent_step(text)
                found = [(k, layout(v, inner, step, nl, len(inner) + len(k) + 3)) for k, v in found]
            body = "({" + nl + "".join(f"{inner}{k}: {v},{nl}" for k, v in found) + indent + "})"
    needs = ctx.needs  # what the clause rules asked for (a relation filter's tables, a guard's helper)
    tail = ".then((row) => row ?? null)" if rule.null_for_none else ""
    if getattr(rule, "or_throw", False):
        from migrator.rewrite.typescript.convert import js_string

        needs.compat.add("foundOrThrow")
        tail = f".then((row) => foundOrThrow(row, {js_string(model.prisma + '.' + site.operation)}))"
    if ctx.counts or ctx.nested_counts:  # relation counts (PD005): `_count_<relation>` extras → `_count: { … }`
        if rule.target == "findMany":
            tail = f".then((rows) => rows.map((row) => {_with_counts('row', ctx)}))"
        elif getattr(rule, "or_throw", False):
            from migrator.rewrite.typescript.convert import js_string

            what = js_string(model.prisma + '.' + site.operation)
            tail = f".then((found) => {_with_counts(f'foundOrThrow(found, {what})', ctx)})"
            if ctx.nested_counts:  # the row is named once: its relations are read from it
                tail = f".then((found) => foundOrThrow(found, {what})).then((row) => {_with_counts('row', ctx)})"
        else:
            tail = f".then((row) => (row === undefined ? null : {_with_counts('row', ctx)}))"
    keys = _prisma_keys(names, model, site.operation, args[0] if args else None, needs)
    return _append(head + body, [t for t in (tail, keys) if t], text, call), needs


def _append(converted: str, tails: list[str], text: str, call) -> str:
    """`converted` followed by the `.then(…)` calls `tails`: on its last line when that stays within 100
    columns, else one a line, indented one step deeper than the call's line."""
    if not tails:
        return converted
    last = converted.rsplit("\n", 1)
    chained = len(last) > 1 and last[-1].lstrip().startswith(".")  # a chain laid out one call a line
    if not chained and (call.range().start.column if len(last) == 1 else 0) + len(last[-1]) + sum(
            len(t) for t in tails) <= 100:
        return converted + "".join(tails)
    nl = "\r\n" if "\r\n" in text else "\n"
    inner = _indent_of(text, call.range().start.index) + indent_step(text)
    return converted + "".join(f"{nl}{inner}{t}" for t in tails)


def _with_counts(var: str, ctx) -> str:
    """The expression that nests a read's row `var` (its `_count_<relation>` extras, the query's own and its
    relations') as Prisma's `_count: { relation: n }`: withCount at each level, through the relations by path
    (a list relation's rows mapped, a to-one relation's row when it is not null)."""
    def level(expr: str, path: tuple, depth: int) -> str:
        names = ctx.counts if not path else [n for p, n in ctx.nested_counts if p == path]
        below = sorted({p[len(path)] for p, _ in ctx.nested_counts if len(p) > len(path) and p[:len(path)] == path})
        if below:
            parts = []
            for key, many in below:
                inner = f"{expr}.{key}"
                if many:
                    item = f"x{depth}"
                    parts.append(f"{key}: {inner}.map(({item}) => {_body(level(item, path + ((key, many),), depth + 1))})")
                else:
                    parts.append(f"{key}: {inner} && {level(inner, path + ((key, many),), depth + 1)}")
            expr = "{ ..." + expr + ", " + ", ".join(parts) + " }"
        if names:
            expr = f"withCount({expr}, [" + ", ".join(f'"{n}"' for n in names) + "])"
        return expr

    ctx.needs.compat.add("withCount")
    return _body(level(var, (), 1))


def _body(expr: str) -> str:
    """An arrow function's body: an object literal in parentheses (else it reads as a block)."""
    return f"({expr})" if expr.startswith("{") else expr


def _prisma_keys(names: NameMap, model, operation: str, arg, needs) -> str:
    """`.then((row) => prismaKeys(row, { displayName: "name" }))` when the result's keys differ from
    Prisma's (result_keys); "" when they are the same."""
    from migrator.rewrite.typescript import result_keys

    if operation not in result_keys.ROW_OPERATIONS:
        return ""
    found = result_keys.spec(names, model, arg)
    if found is None:
        return ""
    needs.compat.add("prismaKeys")
    value = "rows" if operation == "findMany" else "row"
    return f".then(({value}) => prismaKeys({value}, {found}))"


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
            if found_tx is not None and found_tx.refusal is None and names.dialect == "sqlite" and \
                    options.client_driver not in _ASYNC_SQLITE_TX:
                found_tx.param = None
                found_tx.refusal = _sqlite_transaction_refusal(options.client_driver)
            if found_tx is not None:
                transactions.append(found_tx)
                continue
        client_level = site.model in ("-", "", "unknown")
        if client_level and site.operation in _client_rules():  # `prisma.$queryRaw…` (PD021): no model
            call = next((c for c in calls.get((site.line - 1, site.column - 1), []) if c.field("function") is not None
                         and c.field("function").kind() == "member_expression"
                         and c.field("function").field("property").text() == site.operation), None)
            if call is not None:
                located.append((site, call))
                continue
            findings.append(Finding(site.line, site.column, "PD021",
                                    f"`{site.operation}` not converted: the call could not be taken apart (a type "
                                    f"argument on a tagged template, `$queryRaw<T>`…``, reads as comparisons to the "
                                    f"parser); convert it by hand: queryRaw<T>(db, sql`…`) from prisma-compat"))
            continue
        if site.operation not in op_rules or client_level:
            findings.append(Finding(site.line, site.column, UnsupportedOperation.code,
                                    UnsupportedOperation.reason(_receiver_text(calls, site), site.model, site.operation)))
            continue
        call = _locate(calls, site)
        if call is None:
            reference = _reference(root, site)
            findings.append(Finding(site.line, site.column, "PD103", (
                f"`{short(reference.text())}` is a reference to the Prisma method, not a call (a test double such as "
                f"`vi.mocked(…)`/`jest.spyOn`, or a callback): rewrite it for Drizzle by hand" if reference is not None
                else f"`{site.model}.{site.operation}()`: the call expression could not be taken apart (type "
                     f"arguments, optional chaining or an unusual shape); convert it by hand")))
            continue
        located.append((site, call))
    spans = [(c.range().start.index, c.range().end.index) for _, c in located]
    client_taken = _client_taken(root, client, module)
    edits: list[tuple[int, int, str]] = []
    receivers: set[str] = set()
    bindings: dict = {_FILE: Path(options.source_dir) / Path(path).name if options.source_dir else Path(path).resolve(),
                      _NOTES: [], _DIALECT: names.dialect}  # _bindings' cache per name; the file's path, the
    # clients' notes (_plain_client), the Drizzle schema's dialect (_finish_transaction)
    imports: dict[str, set[str]] = {}  # module -> names the converted calls need from it
    names_seen: dict = {}  # _name_free's cache (the file's bindings of each imported name)
    call_comments: dict = {}  # a converted call's span -> (where its comments go, their lines)
    for site, call in located:
        start, end = call.range().start.index, call.range().end.index
        receiver = call.field("function").field("object")
        if site.model not in _CLIENT_LEVEL:
            receiver = receiver.field("object")
        label = f"`{short(receiver.text())}.{site.model + '.' if site.model not in _CLIENT_LEVEL else ''}{site.operation}()`"
        owner = next((t for t in transactions if t.param is not None and receiver.kind() == "identifier" and (
            (t.elements is None and receiver.text() == t.param and t.start <= start and end <= t.end)
            or (t.elements is not None and (start, end) in t.elements
                and receiver.text() == t.call.field("function").field("object").text()))), None)
        try:
            if any(start <= a and b <= end and (a, b) != (start, end) for a, b in spans):
                raise Refusal("PD103", "its argument holds another Prisma call; convert the two by hand (or take the "
                                       "inner one out into a variable first)")
            if any(a <= start and end <= b and (a, b) != (start, end) for a, b in spans):
                raise Refusal("PD103", "it sits in the argument of another Prisma call; convert the two by hand (or "
                                       "take this one out into a variable first)")
            if owner is None:  # a transaction's `tx` is the Drizzle transaction's: its receiver is known
                name = _receiver(root, call, receiver, bindings)
                _plain_client(text, site, call, receiver, bindings)
            if client_taken:
                raise Refusal("PD103", f"the name `{client}` of the Drizzle client is already bound in this file to "
                                       f"something else")
            ErrorHandling.check(call)
            if owner is not None and owner.elements is not None and \
                    call.field("arguments").find(kind="comment") is not None:
                raise Refusal("PD103", "comments inside a call of a `$transaction([…])` array would be lost; move "
                                       "them above the transaction, then rerun")
            new, wanted = _convert_imported(text, call, site, names, owner.param if owner is not None else client,
                                            op_rules, options, path, root, names_seen)
        except Refusal as refusal:
            if owner is not None:
                owner.blocked.append(f"`{label[1:-1]}` at {site.line}:{site.column} ({refusal.code})")
            findings.append(Finding(site.line, site.column, refusal.code, f"{label} not converted: {refusal.reason}"))
            continue
        _note_comments(text, call, call_comments)
        _raw_note(site, call, label, findings)
        _value_note(site, call, label, findings, names)
        if owner is not None:  # applied by _finish_transaction when every call of the transaction converts
            owner.edits.append((site, (start, end, new), wanted, receiver.range().start.index))
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
    for start, end, new in sorted(edits + _comment_lines(edits, call_comments), reverse=True):
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
    return FileResult(path, "changed", findings=findings, diff=diff, new_text=new_text, notes=bindings[_NOTES], **counts)


_STATEMENTS = ("lexical_declaration", "variable_declaration", "export_statement")


def _note_comments(text: str, call, call_comments: dict) -> None:
    """The comments inside a converted call's argument, to be kept on their own lines above the
    statement that holds the call (its text replaces the argument's, comments and all)."""
    found = list(call.field("arguments").find_all(kind="comment"))
    if not found:
        return
    statement = next((a for a in call.ancestors() if a.kind().endswith("_statement") or a.kind() in _STATEMENTS),
                     None)
    at = (statement or call).range().start.index
    line_start = text.rfind("\n", 0, at) + 1
    indent = _indent_of(text, at)
    nl = "\r\n" if "\r\n" in text else "\n"
    lines = "".join(f"{indent}{c.text()}{nl}" for c in found)
    call_comments[(call.range().start.index, call.range().end.index)] = (line_start, lines)


def _comment_lines(edits: list, call_comments: dict) -> list[tuple[int, int, str]]:
    """Insertions of the comments of the calls `edits` convert (in the calls' order, one per line)."""
    at: dict[int, list] = {}
    for start, end, _ in edits:
        if (start, end) in call_comments:
            line_start, lines = call_comments[(start, end)]
            at.setdefault(line_start, []).append((start, lines))
    return [(pos, pos, "".join(lines for _, lines in sorted(blocks))) for pos, blocks in at.items()]


# SQLite drivers whose db.transaction(async (tx) => …) is Prisma's: libsql (drizzle-orm/libsql: BEGIN on a
# connection of its own, COMMIT, or ROLLBACK when the callback throws; proven by the equivalence tests).
_ASYNC_SQLITE_TX = frozenset({"libsql"})
_SYNC_SQLITE = frozenset({"better-sqlite3", "bun-sqlite", "expo-sqlite", "op-sqlite", "durable-sqlite"})


def _sqlite_transaction_refusal(driver: Optional[str]) -> Refusal:
    """Why a `$transaction` is not converted for a SQLite Drizzle schema with the client module's `driver`."""
    from migrator.rewrite.rules.prisma_drizzle.pd016_transaction import Transaction

    if driver in _SYNC_SQLITE:
        return Transaction.refuse(
            f"the Drizzle client (drizzle-orm/{driver}) is synchronous: its db.transaction() rejects an async "
            f"callback (\"Transaction function cannot return a promise\"); convert by hand")
    if driver is None:
        return Transaction.refuse(
            "the Drizzle schema is SQLite and the Drizzle client module's driver is not known (it imports no "
            "drizzle-orm/<driver>, or several): with a synchronous one (better-sqlite3) db.transaction() rejects "
            "an async callback; converted for drizzle-orm/libsql only")
    return Transaction.refuse(
        f"the Drizzle client's driver drizzle-orm/{driver} runs BEGIN and COMMIT as separate statements through "
        f"the driver, not proven to hold one connection; converted for drizzle-orm/libsql only")


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
    options: Optional[tuple] = None  # (start, end, Drizzle's config text) of a second argument `{ isolationLevel }`

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
            if len(args) not in (1, 2):
                raise Transaction.refuse("more than two arguments" if args else "no callback")
            options = _transaction_options(args[1]) if len(args) == 2 else None
            body = args[0]
            if body.kind() == "array":
                items = [c for c in body.children() if c.kind() not in ("[", "]", ",")]
                if not items or any(c.kind() != "call_expression" for c in items):
                    raise Transaction.refuse("the array holds something other than Prisma calls written here (a "
                                             "spread, a variable, a comment)" if items else "an empty array")
                taken = {n.text() for n in body.find_all(kind="identifier")}
                name = next(n for n in ("tx", "trx", "tx1", "tx2", "transaction") if n not in taken)
                tx = _Transaction(site, call, start, end, name, options=options)
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
            return _Transaction(site, call, body.range().start.index, body.range().end.index, param, options=options)
        except Refusal as refusal:
            return _Transaction(site, call, start, end, None, refusal)
    return None


# Prisma's TransactionIsolationLevel (PostgreSQL's four) -> drizzle-orm pg-core's PgTransactionConfig.isolationLevel.
_ISOLATION_LEVELS = {"ReadUncommitted": "read uncommitted", "ReadCommitted": "read committed",
                     "RepeatableRead": "repeatable read", "Serializable": "serializable"}


def _transaction_options(node) -> tuple[int, int, str]:
    """`$transaction(…, { isolationLevel })`: the span of the options and Drizzle's config for them. `timeout`
    and `maxWait` have no Drizzle equivalent (db.transaction() sets no time limit and waits for a connection as
    long as the pool does), so they are refused, as is anything not written out here."""
    from migrator.rewrite.rules.prisma_drizzle.pd016_transaction import Transaction

    if node.kind() != "object":
        raise Transaction.refuse(f"the transaction options `{short(node.text())}` are not an object literal: what "
                                 f"they hold is known only at run time")
    out = []
    for child in node.children():
        if child.kind() in ("{", "}", ","):
            continue
        key = child.field("key") if child.kind() == "pair" else None
        name = key.text().strip("'\"") if key is not None and key.kind() in ("property_identifier", "string") else ""
        if name in ("timeout", "maxWait"):
            what = ("Prisma rolls the transaction back when it runs longer; db.transaction() sets no time limit"
                    if name == "timeout" else "Prisma gives up waiting to start the transaction after it; "
                    "db.transaction() waits as long as the driver's pool does")
            raise Transaction.refuse(f"the transaction option `{name}` has no Drizzle equivalent ({what}): convert "
                                     f"by hand, keeping the limit another way (e.g. SET LOCAL statement_timeout), "
                                     f"or remove the option knowingly, then rerun")
        if name != "isolationLevel":
            raise Transaction.refuse(f"the transaction options hold `{short(child.text())}`, not converted")
        value = child.field("value")
        level = None
        if value.kind() == "string":
            level = value.text()[1:-1]
        elif value.kind() == "member_expression" and value.field("object").text() in (
                "Prisma.TransactionIsolationLevel", "TransactionIsolationLevel"):
            level = value.field("property").text()
        if level not in _ISOLATION_LEVELS:
            raise Transaction.refuse(f"the isolation level `{short(value.text())}` is not one of PostgreSQL's four "
                                     f"written out ({', '.join(_ISOLATION_LEVELS)})")
        out.append(f'isolationLevel: "{_ISOLATION_LEVELS[level]}"')
    return node.range().start.index, node.range().end.index, "{ " + ", ".join(out) + " }" if out else "{}"


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
        if tx.options is not None and tx.options[2] != "{}" and bindings.get(_DIALECT) != "postgresql":
            raise Transaction.refuse(f"an isolation level is converted for a PostgreSQL Drizzle schema only (this one: "
                                     f"{bindings.get(_DIALECT) or 'not known'})")
        name = _receiver(root, call, receiver, bindings)
        _plain_client(text, tx.site, call, receiver, bindings)
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
        config = f", {tx.options[2]}" if tx.options is not None else ""
        one = head + ", ".join(f"await {p}" for p in parts) + "]" + config + ")"
        line_start = text.rfind("\n", 0, start) + 1
        if "\n" in one or start - line_start + len(one) > 100:
            indent = _indent_of(text, start)
            nl = "\r\n" if "\r\n" in text else "\n"
            step = indent_step(text)
            inner = indent + step
            one = head + "".join(f"{nl}{inner}await {p.replace(nl + inner, nl + inner + step)}," for p in parts) + \
                f"{nl}{indent}]{config})"
        edits.append((start, end, one))
        for _, _, wanted, _ in tx.edits:
            for module_name, imported in wanted.items():
                imports.setdefault(module_name, set()).update(imported)
        return len(tx.edits)
    else:
        edits.append((fn.range().start.index, fn.range().end.index, f"{client}.transaction"))
        if tx.options is not None:
            edits.append(tx.options)
        for _, edit, _, _ in tx.edits:
            edits.append(edit)
    for _, _, wanted, _ in tx.edits:
        for module_name, imported in wanted.items():
            imports.setdefault(module_name, set()).update(imported)
    return -1 if tx.options is not None else 0  # the options' edit converts no site of its own


_FILE = ("file",)  # keys of rewrite_text's per-file cache (the `bindings` dict): the file's path,
_NOTES = ("notes",)  # the notes of the clients its converted sites used (said once per run)
_DIALECT = ("dialect",)  # the Drizzle schema's


def _receiver(root, call, receiver, cache: Optional[dict] = None) -> str:
    """The client's name when it can become the Drizzle client: a module-level name (imported or
    declared at the top), bound nowhere else in the file, outside any `$transaction`; or a client a
    class holds (`this.prisma`, `this` in a PrismaClient subclass, see _held_client): "this"."""
    from migrator.rewrite.rules.prisma_drizzle.pd101_receiver import Receiver

    inside = _in_transaction(call)
    if inside == "$transaction":
        raise Receiver.refuse(f"`{receiver.text()}` runs inside a Prisma `$transaction`: as a Drizzle call it would "
                              f"leave the transaction; move the transaction to `db.transaction(async (tx) => …)` first")
    if inside == "$extends":
        raise Receiver.refuse(f"it sits inside an extension's definition (`$extends(…)`): it is part of a method the "
                              f"extension adds; convert the extension by hand")
    if receiver.kind() == "this" or (receiver.kind() == "member_expression"
                                     and receiver.field("object").kind() == "this"):
        held = _held_client(root, call, receiver, cache if cache is not None else {})
        if cache is not None:
            cache[("this", receiver.range().start.index)] = held
        return "this"
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


def _held_client(root, call, receiver, cache: dict) -> tuple[Path, str]:
    """(module, class) of the PrismaClient (sub)class a class holds its client as: `this.<member>`, a
    constructor parameter property or a field typed so (or `= new C()`), which the class never reassigns and
    no decorator chooses (`@Inject(TOKEN)`); or `this` in a class that extends PrismaClient. In production
    a DI container passes the one instance it makes, the same database as the module-level Drizzle client;
    a test that puts a double in its place (clients.replaced_in_tests) would be bypassed: refused, naming it."""
    from migrator.rewrite.rules.prisma_drizzle.pd101_receiver import Receiver
    from migrator.rewrite.typescript import clients

    path = cache.get(_FILE) or Path(".")
    project = clients.project_root(Path(path))
    shown = short(receiver.text())
    cls = None
    for anc in call.ancestors():
        if anc.kind() in ("function_expression", "function", "function_declaration", "generator_function",
                          "generator_function_declaration"):
            raise Receiver.refuse(f"`{shown}` is used in a `function` (its own `this`): convert by hand")
        if anc.kind() in ("method_definition", "public_field_definition") and (
                anc.parent() is None or anc.parent().kind() != "class_body"
                or any(c.kind() == "static" for c in anc.children())):
            raise Receiver.refuse(f"`{shown}` is used in an object's method or a static member (another `this`): "
                                  f"convert by hand")
        if anc.kind() in ("class_declaration", "abstract_class_declaration", "class"):
            cls = anc
            break
    if cls is None or cls.field("name") is None:
        raise Receiver.refuse(f"`{shown}` is not in a named class: convert by hand")
    if cls.parent() is None or (cls.parent().kind() != "program" and not (
            cls.parent().kind() == "export_statement" and cls.parent().parent() is not None
            and cls.parent().parent().kind() == "program")):
        raise Receiver.refuse(f"`{shown}` is in a class declared inside a function: convert by hand")
    class_name = cls.field("name").text()
    if receiver.kind() == "this":
        heritage = cls.find(kind="extends_clause")
        base = next((c for c in heritage.children() if c.kind() == "identifier"), None) if heritage else None
        if base is None or clients.client_class(Path(path), root, base.text(), project) is None:
            raise Receiver.refuse(f"`this` is a `{class_name}`, which does not extend PrismaClient")
        model = call.field("function").field("object").field("property").text()
        if clients.member_of_class(cls, model) is not None or any(
                m.kind() == "method_definition" and m.field("name").text() == model for m in cls.field("body").children()):
            raise Receiver.refuse(f"class {class_name} declares its own `{model}`: it is not Prisma's model accessor")
        return Path(path), class_name
    member = receiver.field("property").text()
    declared = clients.member_of_class(cls, member)
    if declared is None:
        raise Receiver.refuse(f"`{shown}` is not declared in class {class_name} (inherited, or set from outside): "
                              f"what it holds is not known")
    if declared[0] == "decorated":
        raise Receiver.refuse(f"`{shown}` is injected with a decorator (`{short(declared[1])}`): which provider it "
                              f"gets is configured elsewhere")
    type_name = declared[1]
    if declared[0] == "field" and declared[2] is not None:
        value = declared[2]
        made = value.field("constructor") if value.kind() == "new_expression" else None
        if made is None or made.kind() != "identifier" or (type_name and type_name != made.text()):
            raise Receiver.refuse(f"`{shown}` is set to `{short(value.text())}`, not a new PrismaClient")
        type_name = made.text()
    elif declared[0] == "field":
        raise Receiver.refuse(f"`{shown}` is a field without a value: what is assigned to it is not followed")
    if not type_name:
        raise Receiver.refuse(f"`{shown}` has no type: what it holds is not known")
    found = clients.client_class(Path(path), root, type_name, project)
    if found is None:
        raise Receiver.refuse(f"`{shown}` is a `{type_name}`, which is not PrismaClient or a project class extending "
                              f"it")
    line = clients.assigned_in_class(cls, member)
    if line is not None:
        raise Receiver.refuse(f"`{shown}` is assigned again at line {line}: it may hold another client")
    double = clients.replaced_in_tests(str(project), found[1])
    if double is not None:
        raise Receiver.refuse(f"the project's tests put a double in the place of `{found[1]}` ({double}): converted, "
                              f"this call would bypass it and reach the database; move those tests to a test "
                              f"database (or a Drizzle double) first, then rerun")
    return found


def _plain_client(text: str, site: PrismaSite, call=None, receiver=None, cache: Optional[dict] = None) -> None:
    """Refuse a client whose extensions or middleware change what the standard operations do (query
    overrides, computed fields, `$use`): the Drizzle call would skip them. The client's value is followed
    from this file through imports and re-exports to the declarations it is built from (clients.py);
    extensions that only add methods (`model`, `client`) or are known not to change results keep it
    convertible, their notes said once per run."""
    from migrator.rewrite.rules.prisma_drizzle.pd101_receiver import Receiver
    from migrator.rewrite.typescript import clients

    cache = cache if cache is not None else {}
    path = cache.get(_FILE)
    if path is None or receiver is None:
        return
    held = cache.get(("this", receiver.range().start.index))
    if held is not None:
        verdict = clients.client_verdict(held[0], held[1])
    elif receiver.kind() == "identifier":
        program = next((a for a in receiver.ancestors() if a.kind() == "program"), None)
        verdict = clients.client_verdict(Path(path), receiver.text(), tree=program)
    else:
        return
    if not verdict.refusal and site.via and str(Path(site.via).resolve()) not in verdict.paths:
        verdict = clients.module_verdict(Path(site.via))  # where the scan saw the client made, not reached above
    if verdict.refusal:
        raise Receiver.refuse(verdict.refusal)
    model = site.model[:1].lower() + site.model[1:]
    if model in verdict.models or (site.operation == "$transaction" and verdict.models):
        # a `query`/`result` component for one model: its calls, and any transaction (which may call it)
        raise Receiver.refuse(verdict.models.get(model) or next(iter(verdict.models.values())))
    args = call.field("arguments") if call is not None else None
    first = next((c for c in args.children() if c.kind() == "object"), None) if args is not None else None
    for key, reason in verdict.call_keys:
        if first is not None and any(p.kind() == "pair" and p.field("key").text().strip("'\"") == key
                                     for p in first.children()):
            raise Receiver.refuse(reason)
    notes = cache.setdefault(_NOTES, [])
    said = verdict.notes + (verdict.tx_notes if site.operation == "$transaction" else [])
    notes.extend(n for n in said if n not in notes)


def _convert_imported(text: str, call, site: PrismaSite, names: NameMap, client: str, op_rules: dict,
                      options: Options, path: str, root, names_seen: dict):
    """`_convert`, and {module: import specifiers} its text needs. A table whose name the file already
    uses for something else (`const team = …` beside `prisma.team`) is imported under another name
    (`team as teamTable`) and the call converted again with it; another name that clashes (an
    operator, a prisma-compat helper) is a Refusal."""
    start = call.range().start.index
    tables: dict[str, str] = {}
    for _ in range(2):
        new, needs = _convert(text, call, site, names, client, op_rules, options.relational, tables)
        wanted = _modules(needs, names, options, path, tables)
        clashes = []
        for module_name, imported in wanted.items():
            for spec in imported:
                local = spec.rpartition(" as ")[2]
                table = spec.partition(" as ")[0] in needs.tables
                # A table is imported under another name when the file binds its name anywhere else
                # (one name for the table in the whole file); an operator only when it is bound here.
                if _name_free(root, local, module_name, None if table else start, names_seen if local == spec else None,
                              spec.partition(" as ")[0] if local != spec else None):
                    continue
                if spec.partition(" as ")[0] in needs.tables and spec.partition(" as ")[0] not in tables:
                    clashes.append(spec)
                    continue
                raise Refusal("PD103", f"the converted call needs `{local}` (from \"{module_name}\"), but this file "
                                       f"already uses that name for something else")
        if not clashes:
            return new, wanted
        for spec in clashes:
            module_name = next(m for m, imported in wanted.items() if spec in imported)
            tables[spec] = _free_alias(root, spec, module_name, start, names_seen)
    raise Refusal("PD103", "the converted call's table names clash with this file's names")  # not reached


def _free_alias(root, table: str, module: str, at: int, names_seen: dict) -> str:
    """`teamTable` (or `teamTable2` …): a name the file does not use, or already imports the table as."""
    for n in range(1, 100):
        alias = f"{table}Table" + (str(n) if n > 1 else "")
        if _name_free(root, alias, module, at, None, table):
            return alias
    raise Refusal("PD103", f"no free name to import the table `{table}` as")


def _modules(needs, names: NameMap, options: Options, path: str,
             tables: Optional[dict] = None) -> dict[str, set[str]]:
    """{module: names} the converted text needs: tables, drizzle-orm operators, prisma-compat helpers."""
    out: dict[str, set[str]] = {}
    for table in sorted(needs.tables):
        model = next((m for m in (*names.models.values(), *names.joins.values()) if m.export == table), None)
        local = (tables or {}).get(table, table)
        out.setdefault(_schema_module(options, model, path), set()).add(table if local == table else f"{table} as {local}")
    if needs.ops:
        out.setdefault("drizzle-orm", set()).update(needs.ops)
    for module, imported in needs.modules.items():
        out.setdefault(module, set()).update(imported)
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


def _name_free(root, name: str, module: str, at: Optional[int] = None, cache: Optional[dict] = None,
               imported: Optional[str] = None) -> bool:
    """`name` may be imported from `module` for a call at index `at`: bound nowhere in the file but by an
    import from it (of `imported`, when given: `team as teamTable`), or locally in a scope that does not
    hold `at` (a callback's `{ eq }` elsewhere); and not used as a global."""
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
        if imported is not None:
            spec = next((a for a in node.ancestors() if a.kind() == "import_specifier"), None)
            if spec is None or spec.field("name") is None or spec.field("name").text() != imported:
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
        have = {" ".join(spec.text().split()) for spec in named.children() if spec.kind() == "import_specifier"}
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
    from migrator.rewrite.typescript import mapping

    options.client()
    paths = list(paths) or [Path(".")]
    base = base or Path.cwd()
    files = source_files(paths)
    root = project_root(paths)
    if names is None:
        names = mapping.load(options.drizzle_schema, options.prisma_schema, root)
    if options.client_driver is None:
        from dataclasses import replace

        options = replace(options, client_driver=client_driver(options.client()[0], base, root))
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
    results.extend(_compat_file(results, options, base, root))
    from migrator.rewrite.engine import PROJECT_NOTES

    PROJECT_NOTES.clear()  # once per run (a client's extension a converted site leaves out), not per site
    PROJECT_NOTES.extend(dict.fromkeys(n for r in results if r.status == "changed" for n in r.notes))
    return sorted(results, key=lambda r: r.path)


def _compat_file(results: list[FileResult], options: Options, base: Path, root: Optional[Path] = None) -> list[FileResult]:
    """prisma-compat.ts, as a new file, when a converted site imports it and it does not exist yet: a
    relative module from `base`, or an alias (`@/lib/db/prisma-compat`) where the project's tsconfig
    `paths` put it (an alias they do not map is not placed: the converted files would not load)."""
    from migrator.rewrite.compat import prisma_compat_module
    from migrator.rewrite.project import relative_path

    spec = options.compat()
    if spec.startswith(("./", "../")):
        target = (base / spec).resolve()
    else:
        target = _alias_file(spec, root or base)
        if target is None:
            return []
    if target.suffix not in (".ts", ".tsx", ".mts", ".cts"):
        target = target.with_name(target.name + ".ts")
    module_name = target.with_suffix("").name
    if target.exists():
        return _compat_completed(results, target, module_name, base)
    uses = any(r.status == "changed" and r.new_text is not None and (
        f"/{module_name}\"" in r.new_text or f"/{module_name}'" in r.new_text) for r in results)
    if not uses:
        return []
    text = prisma_compat_module()
    display = relative_path(target, base)
    diff = "".join(difflib.unified_diff([], text.splitlines(True), "/dev/null", f"b/{display}"))
    return [FileResult(display, "changed", reason="new file: the helpers converted sites import", diff=diff,
                       new_text=text)]


def _compat_completed(results: list[FileResult], target: Path, module_name: str, base: Path) -> list[FileResult]:
    """The project's prisma-compat module exists (an earlier run wrote it, maybe an older version): the
    helpers the converted files import from it and it lacks are appended to it, from the shipped module
    (with the helpers they call and the drizzle-orm names they import); the rest of it stays as it is."""
    import re

    from ast_grep_py import SgRoot

    from migrator.rewrite.compat import prisma_compat_module
    from migrator.rewrite.project import relative_path

    try:
        with open(target, encoding="utf-8", newline="") as handle:
            existing = handle.read()
    except (OSError, UnicodeDecodeError):
        return []
    wanted: set[str] = set()
    pattern = re.compile(r"import\s*\{([^}]*)\}\s*from\s*[\"'][^\"']*/" + re.escape(module_name) + r"[\"']")
    for r in results:
        if r.status == "changed" and r.new_text is not None:
            for names in pattern.findall(r.new_text):
                wanted |= {n.strip().split(" as ")[0] for n in names.split(",") if n.strip()}
    have = set(re.findall(r"^export\s+(?:async\s+)?(?:function|const|class|let)\s+([A-Za-z_$][\w$]*)", existing, re.M))
    missing = wanted - have
    if not missing:
        return []
    shipped = SgRoot(prisma_compat_module(), "typescript").root()
    blocks: dict[str, object] = {}  # top-level declaration name -> its statement
    for stmt in shipped.children():
        inner = stmt.field("declaration") if stmt.kind() == "export_statement" else stmt
        name = inner.field("name") if inner is not None else None
        if name is None and inner is not None and inner.kind() == "lexical_declaration":
            name = next((d.field("name") for d in inner.children() if d.kind() == "variable_declarator"), None)
        if name is not None:
            blocks[name.text()] = stmt
    todo, chosen = sorted(missing & blocks.keys()), set()
    while todo:
        name = todo.pop()
        if name in chosen:
            continue
        chosen.add(name)
        used = {n.text() for kind in ("identifier", "type_identifier") for n in blocks[name].find_all(kind=kind)}
        todo.extend(n for n in used if n in blocks and n not in chosen and n not in have and n not in _declared(existing))
    text = prisma_compat_module()
    added = []
    for name, stmt in blocks.items():
        if name in chosen:
            start = stmt.range().start.index
            doc = stmt.prev()
            if doc is not None and doc.kind() == "comment" and text[doc.range().end.index:start].count("\n") <= 1:
                start = doc.range().start.index
            added.append(text[start:stmt.range().end.index])
    nl = "\r\n" if "\r\n" in existing else "\n"
    new_text = existing.rstrip() + nl + nl + (nl + nl).join(a.replace("\n", nl) for a in added) + nl
    imported = set()
    for stmt in shipped.children():
        if stmt.kind() == "import_statement" and stmt.field("source").text()[1:-1] == "drizzle-orm":
            for spec in stmt.find_all(kind="import_specifier"):
                local = spec.field("name").text()
                if any(local in {n.text() for n in SgRoot(a, "typescript").root().find_all(kind="identifier")}
                       | {n.text() for n in SgRoot(a, "typescript").root().find_all(kind="type_identifier")}
                       for a in added) and local not in _declared(existing):
                    imported.add(("type " if spec.text().startswith("type ") else "") + local)
    if imported:
        new_text = _add_names(new_text, str(target), "drizzle-orm", sorted(imported, key=lambda n: n.split()[-1]))
    display = relative_path(target, base)
    diff = "".join(difflib.unified_diff(existing.splitlines(True), new_text.splitlines(True), f"a/{display}",
                                        f"b/{display}"))
    return [FileResult(display, "changed", reason=f"the helpers converted sites import and it lacks: "
                                                  f"{', '.join(sorted(chosen))}", diff=diff, new_text=new_text)]


def _declared(text: str) -> set[str]:
    """Names a module binds at its top (imports and declarations), roughly: to leave them alone."""
    import re

    names = set(re.findall(r"^(?:export\s+)?(?:async\s+)?(?:function|const|class|let|var|type|interface)\s+"
                           r"([A-Za-z_$][\w$]*)", text, re.M))
    for specs in re.findall(r"import\s*(?:type\s*)?\{([^}]*)\}", text):
        names |= {n.strip().split(" as ")[-1].replace("type ", "").strip() for n in specs.split(",") if n.strip()}
    return names


def _alias_file(spec: str, root: Path) -> Optional[Path]:
    """The file an aliased module names through the root tsconfig/jsconfig `paths` (the scan's reading of
    them): the first target whose folder exists; None when no pattern maps it."""
    from migrator.scan.analyzers.typescript import _alias_targets
    from migrator.scan.engine import _ts_paths

    for candidate in _alias_targets(spec, _ts_paths(root)):
        path = (root / candidate).resolve()
        if path.parent.is_dir():
            return path
    return None


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
                   if options.drizzle_schema_module else None, source_dir=str(path.resolve().parent),
                   relational=_relational(options.relational, path))


def _relational(choice: str, path: Path) -> str:
    from migrator.rewrite.typescript.drizzle_version import resolve

    return resolve(choice, path)


def check(options: Options, select: tuple[str, ...] = (), ignore: tuple[str, ...] = (),
          unsupported: tuple[str, ...] = ()) -> None:
    """BadInput for what this rule set cannot do yet or is missing (before any file is read)."""
    from migrator.rewrite.typescript.drizzle_version import CHOICES

    if options.relational not in CHOICES:
        raise BadInput(f"--drizzle-queries: expected one of {', '.join(CHOICES)}, got {options.relational!r}")
    check_options("prisma-drizzle", options.drizzle_schema, options.drizzle_client, "@/lib/db/drizzle:drizzleDb",
                  select, ignore, unsupported)

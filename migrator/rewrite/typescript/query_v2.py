"""A Prisma read query's argument → drizzle-orm 1.0's relational query config ("relational queries
v2": object `where`, object `orderBy`, relations from `defineRelations`).

The v1 writer (query.py) makes callbacks (`where: (t, { eq }) => eq(t.id, id)`); this one makes the
objects drizzle-orm 1.0 reads (drizzle-orm/relations.js, relationsFilterToSQL):

- a column key takes a value (`= value`) or an operator object `{ eq, ne, gt, gte, lt, lte, in,
  notIn, like, ilike, notLike, notIlike, isNull: true, isNotNull: true, NOT, OR, AND }`;
- a relation key takes a filter on the related table: EXISTS (a related row matching it), `true`
  (one exists) or `false` (none exists), to-one and to-many alike;
- `OR`, `AND` (arrays) and `NOT` (one filter) combine filters;
- a key whose value is `undefined` is skipped, as Prisma skips it: a variable that holds undefined
  at run time drops its condition on both sides.

Where drizzle-orm 1.0 and Prisma read the same object differently, the text keeps Prisma's reading
or the call is refused (the rule codes are those of the v1 clause rules, PD004–PD007):

- `null` on a column: Prisma means IS NULL, drizzle-orm would throw (Object.entries(null)); a
  literal null becomes `{ isNull: true }`, and a variable on a nullable column becomes
  `x === null ? { isNull: true } : { eq: x }` (another expression, read once: prisma-compat's
  `whereEquals(expr)`, `whereNotEquals(expr)`);
- a variable is always wrapped as `{ eq: x }`: a bare object value (a Date) would be read as an
  operator object with no operator, and its condition dropped;
- an empty `OR: []` ("no row" to Prisma, skipped — "every row" — by drizzle-orm 1.0). An OR none of
  whose branches surely holds a condition (their values may all be undefined) gets a last branch
  that is always false (`{ RAW: (_, { sql }) => sql`1 = 0` }`): both drop a branch left empty
  (Prisma 7, checked on both databases), and an OR left with none is then "no row" in both;
- a findUnique key that may be undefined: Prisma throws, drizzle-orm would drop the condition and
  read another row: `k === undefined ? { in: [] } : { eq: k }` (`whereKey(expr)`) reads no row;
- refused: `every: {}`, `isNot: {}` (and those whose values may all be undefined), empty relation
  filters (`author: {}`), `is: null` on a compound foreign key (Prisma tests every key field IS
  NULL), filters on Json fields.

Prisma's relation filters map exactly: to-many `some: F` → `rel: F`, `none: F` → `NOT: { rel: F }`,
`every: F` → `NOT: { rel: { NOT: F } }`; to-one `is: F` (or `rel: F`) → `rel: F`, `isNot: F` →
`OR: [{ rel: false }, { rel: { NOT: F } }]`, `is: null` → `rel: false`, `isNot: null` → `rel: true`
(the semantics Prisma 7 emits, as read from its query log for PD018).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from migrator.rewrite.typescript.convert import (
    Context, Entry, Refusal, entries, field_key, is_undefined, js_string, short, string_value)
from migrator.rewrite.typescript.mapping import ModelMap

_COMPARE = ("lt", "lte", "gt", "gte")
_LIKE = {"contains": ("%", "%"), "startsWith": ("", "%"), "endsWith": ("%", "")}
_WILDCARDS = ("%", "_", "\\")
# Values that are never null or undefined at run time: a condition holding one is always there.
_LITERALS = ("string", "number", "true", "false", "template_string", "new_expression", "array", "regex")


def _code(name: str) -> str:
    from migrator.rewrite.rules.prisma_drizzle.pd004_where import Where
    from migrator.rewrite.rules.prisma_drizzle.pd005_select_include import SelectInclude
    from migrator.rewrite.rules.prisma_drizzle.pd006_order_by import OrderBy
    from migrator.rewrite.rules.prisma_drizzle.pd007_take_skip import TakeSkip

    return {"where": Where.code, "shape": SelectInclude.code, "orderBy": OrderBy.code, "take": TakeSkip.code}[name]


# A filter that matches no row (drizzle-orm 1.0's RAW takes a callback given the table and its operators).
_FALSE = "{ RAW: (_, { sql }) => sql`1 = 0` }"


def _where_refusal(reason: str) -> Refusal:
    return Refusal(_code("where"), reason)


def _literal(node) -> bool:
    if node.kind() in _LITERALS:
        return True
    text = node.text().lstrip()
    if node.kind() == "unary_expression" and text[:1] in "-+" and text[1:].strip()[:1].isdigit():
        return True
    return False


@dataclass
class Filter:
    """One level of a v2 filter: its (key, value text) items in Prisma's order, and whether it holds a
    condition whatever the variables hold at run time (`sure`)."""

    items: list
    sure: bool = False

    def add(self, key: str, text: str, sure: bool) -> None:
        self.items.append((key, text))
        self.sure = self.sure or sure

    def text(self) -> str:
        """`{ a: 1, b: { gt: 2 } }`; the same key twice (a field filtered twice):
        `{ AND: [{ a: … }, { a: … }] }`."""
        if not self.items:
            return "{}"
        keys = [k for k, _ in self.items]
        if len(set(keys)) == len(keys):
            return "{ " + ", ".join(f"{k}: {v}" for k, v in self.items) + " }"
        return "{ AND: [" + ", ".join(f"{{ {k}: {v} }}" for k, v in self.items) + "] }"


# ---------------------------------------------------------------------------
# where


def where_object(ctx: Context, model: ModelMap, node, label: str = "where") -> Optional[str]:
    """The v2 `where` object for Prisma's where `node`; None when it holds no condition (`{}`)."""
    found = _filter(ctx, model, node, label)
    return found.text() if found.items else None


def _filter(ctx: Context, model: ModelMap, node, label: str) -> Filter:
    out = Filter([])
    for e in entries(node, label, _code("where")):
        where = f"{label}.{e.key}"
        if not e.shorthand and is_undefined(e.value):
            continue  # Prisma ignores it; so would drizzle-orm 1.0 (`key: undefined` is skipped)
        if e.key in ("AND", "OR", "NOT"):
            _logical(ctx, model, e, where, out)
        elif e.key in model.relations:
            _relation(ctx, model, e, where, out)
        elif e.key in model.fields:
            key = field_key(model, e.key, _code("where"))
            if e.key in getattr(model, "json", ()):
                raise _where_refusal(f"`{where}` filters the Json field {model.prisma}.{e.key}: Prisma's Json filters "
                                     f"(equals by value, path, string_contains …) have no drizzle-orm 1.0 operator")
            text, sure = _field(ctx, model, e, where)
            if label == "where" and any(e.key in u for u in model.uniques):
                text, sure = _unique_guard(ctx, e, text, sure, where)
            out.add(key, text, sure)
        else:
            compound = _compound(ctx, model, e, where)
            if compound is None:
                raise _where_refusal(f"`{e.key}` in `{label}` is not a field of {model.prisma}")
            inner = {x.key: x for x in entries(e.value, where, _code("where"))}
            for (key, text, sure), name in zip(compound, inner):
                if label == "where":
                    text, sure = _unique_guard(ctx, inner[name], text, sure, f"{where}.{name}")
                out.add(key, text, sure)
    return out


def _unique_guard(ctx: Context, e: Entry, text: str, sure: bool, label: str) -> tuple[str, bool]:
    """findUnique's (or a delete's re-read's) unique key value that may be undefined at run time: Prisma throws
    a validation error, drizzle-orm 1.0 would drop the condition and read another row; `{ in: [] }` (no row)
    then, as the v1 writer's plain eq() gives — never another row."""
    if sure or not (ctx.operation.startswith("findUnique") or ctx.operation == "delete") or (
            not e.shorthand and e.kind == "object"):
        return text, sure
    node = e.value
    if node.kind() not in ("identifier", "member_expression", "shorthand_property_identifier"):
        ctx.needs.compat.add("whereKey")  # read once: prisma-compat's whereKey makes the same object
        return f"whereKey({node.text()})", True
    return f"{node.text()} === undefined ? {{ in: [] }} : {text}", True


def _items(e: Entry, where: str) -> list:
    if e.shorthand:
        raise _where_refusal(f"`{where}` is held in a variable: what it holds is known only at run time")
    if e.kind == "array":
        items = [c for c in e.value.children() if c.kind() not in ("[", "]", ",", "comment")]
        for item in items:
            if item.kind() == "spread_element":
                raise _where_refusal(f"`{where}` spreads `{short(item.text())}`: its conditions are known only at "
                                     f"run time")
        return items
    return [e.value]


def _logical(ctx: Context, model: ModelMap, e: Entry, where: str, out: Filter) -> None:
    items = _items(e, where)
    if e.key == "OR" and e.kind != "array":
        raise _where_refusal(f"`{where}` is not an array")
    parts = [_filter(ctx, model, item, f"{where}[{i}]" if e.kind == "array" else where) for i, item in enumerate(items)]
    if e.key == "OR":
        if not parts:
            raise _where_refusal(f"`{where}: []`: Prisma reads an empty OR as \"no row\", drizzle-orm skips it "
                                 f"(\"every row\"); write it by hand")
        # Prisma 7 drops a branch left with no condition (its values undefined at run time), as drizzle-orm
        # 1.0 does; but an OR with no branch left matches no row in Prisma and every row in drizzle-orm
        # (it skips the OR): a branch that is always false keeps Prisma's reading.
        texts = [p.text() for p in parts]
        if not any(part.sure for part in parts):
            texts.append(_FALSE)
        out.add("OR", "[" + ", ".join(texts) + "]", True)
    elif e.key == "AND":
        if parts:
            out.add("AND", "[" + ", ".join(p.text() for p in parts) + "]", any(p.sure for p in parts))
    else:
        if e.kind == "array" and not parts:
            raise _where_refusal(f"`{where}: []` is empty; write the condition by hand")
        # A NOT left with no condition is dropped by both (Prisma 7 and drizzle-orm 1.0).
        if len(parts) == 1:
            out.add("NOT", parts[0].text(), parts[0].sure)
        else:
            # Prisma's NOT: [a, b] is NOT a AND NOT b
            out.add("AND", "[" + ", ".join(f"{{ NOT: {p.text()} }}" for p in parts) + "]",
                    any(p.sure for p in parts))


def _relation(ctx: Context, model: ModelMap, e: Entry, where: str, out: Filter) -> None:
    rel = model.relations[e.key]
    if rel.drizzle is None:
        raise _where_refusal(f"relation {model.prisma}.{e.key} has no relation in the Drizzle schema's "
                             f"`defineRelations(…)` for `{model.export}`")
    target = ctx.names.by_prisma(rel.target)
    if target is None or target.export is None:
        raise _where_refusal(f"model {rel.target} has no table in the Drizzle schema")
    if e.shorthand:
        raise _where_refusal(f"`{where}` is held in a variable: what it holds is known only at run time")
    name = rel.drizzle

    def no_related(label: str, negated: bool) -> None:
        # Prisma reads `is: null` on the side holding the key as "every key field IS NULL"; NOT EXISTS of the
        # related row is the same for a one-field key (a NULL key joins nothing) but not for a compound
        # key that is NULL in part.
        if len(getattr(rel, "fields", ()) or ()) > 1:
            raise _where_refusal(f"`{label}` on a compound foreign key: Prisma tests every key field IS NULL, a row "
                                 f"whose key is NULL in part has no related row either; write it by hand")
        out.add(name, "true" if negated else "false", True)

    if e.kind == "null":
        if rel.many:
            raise _where_refusal(f"`{where}: null` on a to-many relation")
        no_related(f"{where}: null", False)
        return
    if e.kind != "object":
        raise _where_refusal(f"`{where}` is `{short(e.text)}`, not an object literal: what it holds is known only "
                             f"at run time")
    found = entries(e.value, where, _code("where"))
    keys = [x.key for x in found]
    if not found:
        raise _where_refusal(f"`{where}: {{}}` is an empty relation filter; say what is meant")
    words = ("some", "every", "none") if rel.many else ("is", "isNot")
    if rel.many and any(k not in words for k in keys):
        bad = next(k for k in keys if k not in words)
        raise _where_refusal(f"`{where}.{bad}`: a to-many relation filter takes `some`, `every` or `none`")
    if not rel.many and not any(k in words for k in keys):
        inner = _filter(ctx, target, e.value, where)  # `author: { … }` is Prisma's `author: { is: { … } }`
        out.add(name, inner.text() if inner.items else "true", True)
        return
    if not rel.many and any(k not in words for k in keys):
        raise _where_refusal(f"`{where}` mixes `is`/`isNot` with fields")
    for x in found:
        label = f"{where}.{x.key}"
        if x.shorthand:
            raise _where_refusal(f"`{label}` is held in a variable: what it holds is known only at run time")
        if is_undefined(x.value):
            continue
        if x.kind == "null":
            if x.key in ("is", "isNot"):
                no_related(f"{label}: null", x.key == "isNot")
            else:
                raise _where_refusal(f"`{label}: null` is not a filter")
            continue
        inner = _filter(ctx, target, x.value, label)
        text = inner.text()
        if x.key in ("some", "is"):
            out.add(name, text if inner.items else "true", True)
        elif x.key == "none":
            out.add("NOT", f"{{ {name}: {text if inner.items else 'true'} }}", True)
        elif x.key == "every":
            if not inner.sure:
                raise _where_refusal(
                    f"`{label}` may hold no condition at run time (`every: {{}}` is true for every row in Prisma; "
                    f"NOT EXISTS of a missing condition is not): give it a condition that is always there")
            out.add("NOT", f"{{ {name}: {{ NOT: {text} }} }}", True)
        else:
            # Prisma 7: (NOT C) OR related id IS NULL over a LEFT JOIN — no related row, or one for which NOT C
            # is true (a related row whose C is NULL matches neither).
            if not inner.sure:
                raise _where_refusal(f"`{label}` may hold no condition at run time (its values may all be "
                                     f"undefined), which Prisma and drizzle-orm 1.0 read differently; write it by hand")
            out.add("OR", f"[{{ {name}: false }}, {{ {name}: {{ NOT: {text} }} }}]", True)


def _compound(ctx: Context, model: ModelMap, e: Entry, where: str) -> Optional[list]:
    """`email_tenantId: { email, tenantId }`: a compound unique key, one condition per field."""
    if e.shorthand or e.kind != "object":
        return None
    inner = entries(e.value, where, _code("where"))
    keys = [x.key for x in inner]
    if not inner or "_".join(keys) != e.key and sorted(e.key.split("_")) != sorted(keys):
        return None
    if not all(k in model.fields for k in keys):
        return None
    out = []
    for x in inner:
        if not x.shorthand and (is_undefined(x.value) or x.kind in ("null", "object")):
            raise _where_refusal(f"`{e.key}.{x.key}` must be a value for a compound unique key")
        text, sure = _field(ctx, model, x, f"{where}.{x.key}")
        out.append((field_key(model, x.key, _code("where")), text, sure))
    return out


def _nullable(model: ModelMap, name: str) -> bool:
    return model.nullable is None or name in model.nullable


def _defined(node) -> bool:
    """The value is never undefined at run time (definedness.maybe: a literal, a typed name …)."""
    from migrator.rewrite.typescript.definedness import maybe

    return not maybe(node)[0]


def _compare(ctx: Context, model: ModelMap, name: str, value: str, node, label: str,
             op: str = "eq") -> tuple[Optional[str], str, bool]:
    """A value compared with `op` (eq, ne) that is no literal: (op, value, sure) for `{ eq: x }`; on a nullable
    column Prisma reads a null `x` as IS NULL (IS NOT NULL for `not`), so (None, `x === null ? { isNull: true }
    : { eq: x }`, sure) unless the value cannot be null (definedness.maybe). `sure`: it cannot be undefined."""
    from migrator.rewrite.typescript.definedness import maybe

    undefined, null = maybe(node)
    if not _nullable(model, name) or not null:
        return op, value, not undefined
    if node is None or node.kind() not in ("identifier", "member_expression", "shorthand_property_identifier"):
        # Read once (a call, say): prisma-compat's whereEquals/whereNotEquals make the same object at run time.
        helper = "whereEquals" if op == "eq" else "whereNotEquals"
        ctx.needs.compat.add(helper)
        return None, f"{helper}({value})", not undefined
    test = "isNull" if op == "eq" else "isNotNull"
    return None, f"{value} === null ? {{ {test}: true }} : {{ {op}: {value} }}", not undefined


def _value(ctx: Context, model: ModelMap, name: str, value: str, node, label: str) -> tuple[str, bool]:
    """`field: x` (x no literal) as the v2 column value: `{ eq: x }` or the null-aware conditional."""
    op, text, sure = _compare(ctx, model, name, value, node, label)
    return (f"{{ {op}: {text} }}" if op else text), sure


def _field(ctx: Context, model: ModelMap, e: Entry, label: str) -> tuple[str, bool]:
    """(the v2 value of a column key, sure) for Prisma's `field: value` or `field: { operators }`."""
    if e.shorthand:
        return _value(ctx, model, e.key, e.key, e.value, label)
    if e.kind == "null":
        return "{ isNull: true }", True
    if e.kind == "object":
        return _operators(ctx, model, e.key, e.value, label)
    if e.kind == "array":
        raise _where_refusal(f"`{label}` is a list: not converted (scalar lists)")
    if _literal(e.value) and e.kind not in ("new_expression", "regex"):
        return e.text, True
    if e.kind == "new_expression":
        return f"{{ eq: {e.text} }}", True
    return _value(ctx, model, e.key, e.text, e.value, label)


def _operators(ctx: Context, model: ModelMap, name: str, node, label: str) -> tuple[str, bool]:
    items = entries(node, label, _code("where"))
    mode = None
    for x in items:
        if x.key == "mode":
            mode = string_value(x.value) if not x.shorthand else None
            if mode not in ("insensitive", "default"):
                raise _where_refusal(f"`{label}.mode` must be the literal \"insensitive\" or \"default\"")
    parts: list[tuple[Optional[str], str]] = []  # (operator key, value) or (None, a whole filter expression)
    sure = False
    for x in items:
        if x.key == "mode":
            continue
        where = f"{label}.{x.key}"
        if not x.shorthand and is_undefined(x.value):
            continue  # Prisma ignores it, drizzle-orm 1.0 skips it
        value = x.key if x.shorthand else x.text
        node_ = x.value
        is_null = not x.shorthand and x.kind == "null"
        literal = not x.shorthand and _literal(x.value)
        defined = _defined(x.value)
        if x.key == "equals":
            if mode == "insensitive":
                raise _where_refusal(f"`{label}`: `equals` with `mode: \"insensitive\"` has no exact Drizzle "
                                     f"operator (ilike would read `%` and `_` as wildcards)")
            if is_null:
                parts.append(("isNull", "true"))
                sure = True
            elif literal:
                parts.append(("eq", value))
                sure = True
            else:
                op, text, value_sure = _compare(ctx, model, name, value, node_, where)
                parts.append((op, text))
                sure = sure or value_sure
        elif x.key in ("in", "notIn"):
            if is_null:
                raise _where_refusal(f"`{where}: null` is not a list")
            parts.append((x.key, value))
            sure = sure or defined
        elif x.key == "not":
            if is_null:
                parts.append(("isNotNull", "true"))
                sure = True
            elif not x.shorthand and x.kind == "object":
                inner, inner_sure = _operators(ctx, model, name, x.value, f"{where}")
                parts.append(("NOT", inner))  # left with no condition: dropped by both
                sure = sure or inner_sure
            elif literal:
                parts.append(("ne", value))
                sure = True
            else:
                op, text, value_sure = _compare(ctx, model, name, value, node_, where, op="ne")
                parts.append((op, text))
                sure = sure or value_sure
        elif x.key in _COMPARE:
            if is_null:
                raise _where_refusal(f"`{where}: null` compares with NULL")
            parts.append((x.key, value))
            sure = sure or defined
        elif x.key in _LIKE:
            text = None if x.shorthand else string_value(x.value)
            if text is None:
                raise _where_refusal(f"`{where}` is not a string literal: Prisma matches it literally, a LIKE pattern "
                                     f"built from it would read `%` and `_` in it as wildcards")
            if any(w in text for w in _WILDCARDS):
                raise _where_refusal(f"`{where}` holds a LIKE wildcard (`%`, `_` or `\\`), which Prisma matches "
                                     f"literally")
            before, after = _LIKE[x.key]
            parts.append(("ilike" if mode == "insensitive" else "like", js_string(before + text + after)))
            sure = True
        elif x.key in ("some", "every", "none", "is", "isNot"):
            raise _where_refusal(f"`{where}`: {name} is a field, not a relation")
        else:
            raise _where_refusal(f"filter `{x.key}` in `{label}` has no drizzle-orm 1.0 operator this rewrite knows")
    if not parts:
        raise _where_refusal(f"`{label}` has no condition")
    keys = [k for k, _ in parts]
    if None not in keys and len(set(keys)) == len(keys):
        return "{ " + ", ".join(f"{k}: {v}" for k, v in parts) + " }", sure
    if len(parts) == 1:
        return parts[0][1], sure
    return "{ AND: [" + ", ".join(v if k is None else f"{{ {k}: {v} }}" for k, v in parts) + "] }", sure


# ---------------------------------------------------------------------------
# orderBy, select/include, the config


def order_object(model: ModelMap, node, label: str = "orderBy") -> str:
    """`orderBy: { createdAt: "desc" }` or `[{ a: "asc" }, { b: "desc" }]` → `{ createdAt: "desc" }` /
    `{ a: "asc", b: "desc" }` (drizzle-orm 1.0 orders by the object's keys in order)."""
    code = _code("orderBy")
    items = [node]
    if node.kind() == "array":
        items = [c for c in node.children() if c.kind() not in ("[", "]", ",", "comment")]
    terms: list[tuple[str, str]] = []
    for item in items:
        if item.kind() != "object":
            raise Refusal(code, f"`{label}` holds `{short(item.text())}`, not an object literal: the order is known "
                                f"only at run time")
        found = entries(item, label, code)
        if len(found) != 1:
            raise Refusal(code, f"`{label}` has an object with {len(found)} keys; Prisma wants one key per object "
                                f"(use an array to order by several fields)")
        e = found[0]
        if e.key not in model.fields:
            raise Refusal(code, f"`{label}.{e.key}` is not a field of {model.prisma} (ordering by a relation or an "
                                f"aggregate has no relational-query form)")
        direction = None if e.shorthand else string_value(e.value)
        if direction not in ("asc", "desc"):
            raise Refusal(code, f"`{label}.{e.key}` is `{short(e.text)}`, not the literal \"asc\" or \"desc\"")
        key = field_key(model, e.key, code)
        if key in (k for k, _ in terms):
            raise Refusal(code, f"`{label}` orders by {e.key} twice")
        if key.isdigit():
            raise Refusal(code, f"`{label}.{e.key}`: a numeric key would be ordered first by JavaScript")
        terms.append((key, js_string(direction)))
    if not terms:
        raise Refusal(code, f"`{label}` is empty")
    return "{ " + ", ".join(f"{k}: {v}" for k, v in terms) + " }"


def shape(ctx: Context, model: ModelMap, select, include, top: bool = False) -> list[tuple[str, str]]:
    """[("columns", "{ … }"), ("with", "{ … }"), ("extras", "{ … }")] for Prisma's select or include node (as
    PD005 for v1); `top`: the query's own (not a relation's), where `_count` converts."""
    code = _code("shape")
    if select is not None and include is not None:
        raise Refusal(code, "`select` and `include` together: Prisma refuses the call")
    columns: list[str] = []
    withs: list[str] = []
    extras: list[str] = []
    node = select if select is not None else include
    label = "select" if select is not None else "include"
    for e in entries(node, label, code):
        if e.key == "_count":
            from migrator.rewrite.rules.prisma_drizzle.pd005_select_include import _READS

            if not top and ctx.operation not in _READS:
                raise Refusal(code, f"`{label}._count` inside a relation's {label} of a write: relation counts "
                                    f"convert there only in the write's own select/include")
            # PD005's correlated count (prisma-compat's relationCount; the engine nests the `_count_<relation>`
            # values back as Prisma's `_count`), as a drizzle-orm 1.0 `extras` callback given the table.
            from migrator.rewrite.rules.prisma_drizzle.pd005_select_include import SelectInclude

            p = ctx.param_name()
            for entry in SelectInclude.counts(ctx, model, e, label):
                key, _, expr = entry.partition(": ")
                expr = expr[:-len(f'.as("{key}")')] if expr.endswith(f'.as("{key}")') else expr
                extras.append(f"{key}: ({p}) => {expr}")
            continue
        if e.shorthand or e.kind not in ("true", "false", "object"):
            raise Refusal(code, f"`{label}.{e.key}` is `{e.text}`, not true, false or an object literal: whether it "
                                f"is loaded is known only at run time")
        if e.key in model.relations:
            if e.kind == "false":
                continue
            rel = model.relations[e.key]
            if rel.drizzle is None:
                raise Refusal(code, f"relation {model.prisma}.{e.key} has no relation in the Drizzle schema's "
                                    f"`defineRelations(…)` for `{model.export}`")
            if e.kind == "true":
                withs.append(f"{rel.drizzle}: true")
            else:
                target = ctx.names.by_prisma(rel.target)
                if target is None or target.export is None:
                    raise Refusal(code, f"model {rel.target} has no table in the Drizzle schema")
                ctx.path.append((rel.drizzle, rel.many))  # where a nested `_count` sits in the result (PD005)
                try:
                    inner = config(ctx, target, e.value, f"{label}.{e.key}", relation_many=rel.many)
                finally:
                    ctx.path.pop()
                withs.append(f"{rel.drizzle}: {inner or 'true'}")
        elif e.key in model.fields:
            if label == "include":
                raise Refusal(code, f"`include.{e.key}`: {e.key} is a field, not a relation")
            if e.kind == "object":
                raise Refusal(code, f"`select.{e.key}` is an object, but {e.key} is a field")
            if e.kind == "true":
                columns.append(f"{field_key(model, e.key, code)}: true")
        else:
            raise Refusal(code, f"`{label}.{e.key}` is neither a field nor a relation of {model.prisma}")
    out: list[tuple[str, str]] = []
    if label == "select":
        if not columns and not withs and not extras:
            raise Refusal(code, "`select` selects nothing (no field or relation is true): Prisma refuses the call")
        # Only relations: `columns: {}` selects no column (drizzle-orm 1.0, as 0.x, reads an empty `columns`
        # as "none" and an absent one as "all"): the row holds exactly the relations, as Prisma's.
        out.append(("columns", "{ " + ", ".join(columns) + " }" if columns else "{}"))
    if withs:
        out.append(("with", "{ " + ", ".join(withs) + " }"))
    if extras:
        out.append(("extras", "{ " + ", ".join(extras) + " }"))
    return out


def _v2():
    from migrator.rewrite.typescript.query import Clauses

    return Clauses(where=where_object, shape=shape,
                   order_by=lambda ctx, model, node, label: order_object(model, node, label),
                   to_one="Prisma takes only `select`/`include` there")


def pairs(ctx: Context, model: ModelMap, node, label: str, relation_many: bool = True,
          top: bool = False) -> list[tuple[str, str]]:
    """[(drizzle key, text)] in the order of Prisma's keys (as query.pairs, for drizzle-orm 1.0)."""
    from migrator.rewrite.typescript.query import walk

    return walk(_v2(), ctx, model, node, label, relation_many, top)


def config(ctx: Context, model: ModelMap, node, label: str, relation_many: bool = True) -> Optional[str]:
    """A nested (relation) config, on one line: `{ columns: { … }, with: { … } }`; None when empty."""
    from migrator.rewrite.typescript.query import one_line

    return one_line(pairs(ctx, model, node, label, relation_many))


# ---------------------------------------------------------------------------
# Layout: a long object value over several lines


def layout(value: str, indent: str, step: str, nl: str, used: int, width: int = 100) -> str:
    """`value` (an object or array literal this module wrote) as it stands when it fits in `width`
    columns after `used` columns; else one property (element) a line, indented by `step` under
    `indent`, each laid out the same way. Text it cannot split safely stays on one line."""
    if used + len(value) <= width or value[:1] not in "{[" or value in ("{}", "[]"):
        return value
    items = _split(value[1:-1])
    if items is None or not items:
        return value
    inner = indent + step
    lines = []
    for item in items:
        key, sep, rest = _key(item)
        head = f"{key}{sep}" if sep else ""
        body = layout(rest if sep else item, inner, step, nl, len(inner) + len(head) + 1, width)
        lines.append(f"{inner}{head}{body},")
    return value[0] + nl + nl.join(lines) + nl + indent + ("}" if value[0] == "{" else "]")


def _key(item: str) -> tuple[str, str, str]:
    """`key: value` → (key, ": ", value); an item with no top-level `key:` → (item, "", "")."""
    depth = 0
    quote = ""
    for i, ch in enumerate(item):
        if quote:
            if ch == quote and item[i - 1] != "\\":
                quote = ""
            continue
        if ch in "\"'`":
            quote = ch
        elif ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        elif ch == ":" and depth == 0 and item[i + 1:i + 2] == " " and \
                item[:i].replace("_", "").replace("$", "").isalnum():
            return item[:i], ": ", item[i + 2:]
        elif ch in "?=" and depth == 0:
            break  # a conditional or comparison: no key
    return item, "", ""


def _split(body: str) -> "list[str] | None":
    """The top-level comma-separated items of an object/array body; None when the brackets or quotes do
    not balance (a template string with substitutions, say)."""
    items: list[str] = []
    depth = 0
    quote = ""
    start = 0
    i = 0
    while i < len(body):
        ch = body[i]
        if quote:
            if ch == "\\":
                i += 2
                continue
            if ch == quote:
                quote = ""
            elif quote == "`" and ch == "$" and body[i + 1:i + 2] == "{":
                return None
        elif ch in "\"'`":
            quote = ch
        elif ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
            if depth < 0:
                return None
        elif ch == "," and depth == 0:
            items.append(body[start:i].strip())
            start = i + 1
        i += 1
    if quote or depth:
        return None
    last = body[start:].strip()
    if last:
        items.append(last)
    return items

"""The keys of a converted call's result, back to Prisma's.

Drizzle returns a row under its schema's property keys and relation names (`displayName`,
`tutor`); Prisma under the model's field and relation names (`name`, `tutorProfile`). When the
project's Drizzle schema names a field or relation differently, every converted read or write
whose result the code uses would hand it objects with other keys — `user.tutorProfile` silently
`undefined`. The converted call ends in `.then((r) => prismaKeys(r, SPEC))` instead, where SPEC
(written here from the call's own `select`/`include` and the NameMap) renames exactly the keys the
result holds that differ: `{ displayName: "name", tutor: ["tutorProfile", { … }] }`. With a schema
`migrator generate drizzle` wrote the names are Prisma's, SPEC is empty and nothing is added.
"""

from __future__ import annotations

from typing import Optional

from migrator.rewrite.typescript.convert import entries, js_string
from migrator.rewrite.typescript.mapping import ModelMap, NameMap

# The operations whose result is a row (or rows) of the model.
ROW_OPERATIONS = ("findMany", "findFirst", "findUnique", "findFirstOrThrow", "findUniqueOrThrow", "create", "update",
                  "delete", "upsert")


def spec(names: NameMap, model: ModelMap, arg) -> Optional[str]:
    """The SPEC literal for a call on `model` with the argument object `arg` (or None); None when
    every key the result holds is the same in both schemas."""
    select = include = None
    if arg is not None and arg.kind() == "object":
        for e in entries(arg, "the argument", "PD103"):
            if e.key == "select" and not e.shorthand:
                select = e.value
            elif e.key == "include" and not e.shorthand:
                include = e.value
    found = _shape(names, model, select, include, 0)
    return _literal(found) if found else None


def _shape(names: NameMap, model: ModelMap, select, include, depth: int) -> dict:
    """{drizzle key: prisma key | (prisma key, nested)} for the keys that differ."""
    if depth > 8:
        return {}
    out: dict = {}
    if select is not None and select.kind() == "object":
        chosen = entries(select, "select", "PD005")
        scalars = [e.key for e in chosen if e.key in model.fields and _on(e)]
        related = [e for e in chosen if e.key in model.relations and _on(e)]
    else:
        scalars = list(model.fields)
        related = [e for e in entries(include, "include", "PD005") if e.key in model.relations and _on(e)] \
            if include is not None and include.kind() == "object" else []
    for name in scalars:
        key = model.fields.get(name)
        if key is not None and key != name:
            out[key] = name
    for e in related:
        relation = model.relations[e.key]
        target = names.by_prisma(relation.target)
        if target is None or relation.drizzle is None:
            continue
        nested_select = nested_include = None
        if not e.shorthand and e.kind == "object":
            for x in entries(e.value, e.key, "PD005"):
                if x.key == "select" and not x.shorthand:
                    nested_select = x.value
                elif x.key == "include" and not x.shorthand:
                    nested_include = x.value
        inner = _shape(names, target, nested_select, nested_include, depth + 1)
        if inner:
            out[relation.drizzle] = (e.key, inner)
        elif relation.drizzle != e.key:
            out[relation.drizzle] = e.key
    return out


def _on(e) -> bool:
    """A select/include entry that loads something (`false` does not)."""
    return e.shorthand or e.kind != "false"


def _literal(found: dict) -> str:
    parts = []
    for key, to in found.items():
        if isinstance(to, tuple):
            parts.append(f"{_key(key)}: [{js_string(to[0])}, {_literal(to[1])}]")
        else:
            parts.append(f"{_key(key)}: {js_string(to)}")
    return "{ " + ", ".join(parts) + " }"


def _key(name: str) -> str:
    return name if name.replace("_", "a").replace("$", "a").isalnum() and not name[0].isdigit() else js_string(name)

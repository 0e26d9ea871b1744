"""What the write rules (PD008–PD014) share: one call's conversion state (the table, the names the
converted text needs imported), `data` objects → Drizzle values, `where` → a Drizzle condition on
the table (no callback: the query builder takes an SQL expression), and laying out a method chain.

The converted text uses the table export (`users`), drizzle-orm's operators (`eq`, `and`, `sql`)
and prisma-compat's helpers (`oneOrThrow`): the engine imports each name the text needs, from
the Drizzle schema module, "drizzle-orm" and the prisma-compat module, and refuses the call when
the file already binds one of those names to something else.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from migrator.rewrite.typescript.convert import Context, Entry, Needs, Refusal, entries, is_undefined, short  # noqa: F401 (Needs: imported from here too)
from migrator.rewrite.typescript.mapping import ModelMap


@dataclass
class WriteCall:
    """One Prisma write (or OrThrow/count) call being converted."""

    ctx: Context
    model: ModelMap
    arg: object  # the argument's object node, or None
    client: str  # the Drizzle client's name
    used: bool  # the call's value is used (not a bare `await call;` statement)
    operation: str
    column: int  # where the call starts on its line
    indent: str  # the indentation of the call's line
    nl: str = "\n"
    needs: Needs = None  # type: ignore[assignment]  # default: the context's (one set of imports per call)
    step: str = "  "  # the file's indentation unit (tsedit.indent_step)

    def __post_init__(self) -> None:
        if self.needs is None:
            self.needs = self.ctx.needs

    @property
    def table(self) -> str:
        self.needs.tables.add(self.model.export or "")
        return self.model.export or ""

    @property
    def what(self) -> str:
        return f"{self.model.prisma}.{self.operation}"

    def args(self, code: str, allowed: tuple[str, ...], required: tuple[str, ...] = ()) -> dict[str, Entry]:
        """The argument's properties by key; any key outside `allowed` is a Refusal naming it."""
        if self.arg is None:
            if required:
                raise Refusal(code, f"`{self.operation}()` without an argument")
            return {}
        found = entries(self.arg, "the argument", "PD103")
        out: dict[str, Entry] = {}
        for e in found:
            if e.key not in allowed:
                raise Refusal(code, _KEY_REASONS.get(e.key, f"`{e.key}` in `{self.operation}()` is not converted "
                                                            f"(only {', '.join(allowed)})"))
            if e.shorthand:
                raise Refusal(code, f"`{e.key}` is held in a variable: what it holds is known only at run time")
            if is_undefined(e.value):
                raise Refusal(code, f"`{e.key}: undefined`: say what is meant")
            out[e.key] = e
        for key in required:
            if key not in out:
                raise Refusal(code, f"`{self.operation}()` without `{key}`")
        return out

    def condition(self, node, label: str = "where") -> Optional[str]:
        """Prisma's where `node` as a Drizzle condition on the table (`eq(users.id, id)`); None for `{}`."""
        from migrator.rewrite.rules.prisma_drizzle.pd004_where import Where

        text = Where._object(self.ctx, self.model, node, self.table, self.needs.ops, label)
        return text

    def chain(self, head: str, calls: list[str]) -> str:
        """`head.call1.call2`, on one line when it fits in 100 columns, else one call a line."""
        one = head + "".join(calls)
        if "\n" not in one and self.column + len(one) <= 100:
            return one
        inner = self.indent + self.step
        return head + "".join(f"{self.nl}{inner}{c}" for c in calls)


_KEY_REASONS = {
    "select": "`select` on a write: Drizzle's .returning() gives every column (a partial .returning({ … }) is "
              "not converted yet)",
    "include": "`include` on a write: Drizzle's .returning() cannot load relations; re-read the row with "
               "db.query…findFirst({ with }) by hand",
    "omit": "`omit` on a write is not converted yet",
    "relationLoadStrategy": "`relationLoadStrategy` has no Drizzle equivalent",
}

_UPDATE_OPS = {"increment": "+", "decrement": "-", "multiply": "*", "divide": "/"}


def values(call: WriteCall, node, label: str, update: bool = False) -> list[tuple[str, str]]:
    """Prisma's `data` object → [(property key, value text)]; update operators → sql`…` (update only).

    Refused (PD015): a data object held in a variable, spreads or computed keys, relation fields
    (nested create/connect/…), fields the Drizzle table lacks, object values other than one update
    operator (a Json value, a composite), an empty update.
    """
    from migrator.rewrite.rules.prisma_drizzle.pd015_data import Data

    model = call.model
    if node.kind() != "object":
        raise Data.refuse(f"`{label}` is `{short(node.text())}`, not an object literal: its fields are known only at "
                          f"run time")
    out: list[tuple[str, str]] = []
    for e in entries(node, label, Data.code):
        if e.key in model.relations:
            raise Data.refuse(f"`{label}.{e.key}` writes the relation {model.prisma}.{e.key} (a nested "
                              f"create/connect/…): Drizzle has no nested writes; write the related rows by hand "
                              f"(in a db.transaction)")
        if e.key not in model.fields:
            raise Data.refuse(f"`{label}.{e.key}` is not a field of {model.prisma}")
        key = model.fields[e.key]
        if key is None:
            raise Data.refuse(f"field {model.prisma}.{e.key} has no column in the Drizzle table `{model.export}`")
        if e.shorthand:
            out.append((key, e.key))
            continue
        if is_undefined(e.value):
            continue  # Prisma leaves a field whose value is undefined (its default on create): so does dropping it
        if e.kind == "object":
            if not update:
                raise Data.refuse(f"`{label}.{e.key}` is an object (a Json value or a composite): not converted, its "
                                  f"serialization differs between the two clients")
            ops = entries(e.value, f"{label}.{e.key}", Data.code)
            if len(ops) != 1 or ops[0].key not in (*_UPDATE_OPS, "set"):
                raise Data.refuse(f"`{label}.{e.key}` is not one of Prisma's update operators (increment, decrement, "
                                  f"multiply, divide, set)")
            op = ops[0]
            value = op.key if op.shorthand else op.text
            if not op.shorthand and is_undefined(op.value):
                raise Data.refuse(f"`{label}.{e.key}.{op.key}: undefined`: Prisma leaves the field; say what is meant")
            if op.key == "set":
                out.append((key, value))
            else:
                call.needs.ops.add("sql")
                out.append((key, f"sql`${{{call.table}.{key}}} {_UPDATE_OPS[op.key]} ${{{value}}}`"))
            continue
        out.append((key, e.text))
    if update and not out:
        raise Data.refuse(f"`{label}` is empty: Drizzle refuses an update with nothing to set")
    return out


def obj(pairs: list[tuple[str, str]]) -> str:
    if not pairs:
        return "{}"
    return "{ " + ", ".join(k if k == v else f"{k}: {v}" for k, v in pairs) + " }"


def unique_keys(call: WriteCall, node, code: str) -> Optional[tuple[tuple[str, ...], dict[str, str]]]:
    """When Prisma's where `node` is exactly one unique key of the table (plain `field: value` pairs or
    a compound key `a_b: { a, b }`): (its fields, {field: value text}); else None."""
    found = entries(node, "where", code)
    values: dict[str, str] = {}
    for e in found:
        if e.key in call.model.fields:
            if not e.shorthand and (is_undefined(e.value) or e.kind in ("object", "null")):
                return None
            values[e.key] = e.key if e.shorthand else e.text
        elif not e.shorthand and e.kind == "object":
            inner = entries(e.value, f"where.{e.key}", code)
            keys = [x.key for x in inner]
            if "_".join(keys) != e.key and sorted(e.key.split("_")) != sorted(keys):
                return None
            for x in inner:
                if x.key not in call.model.fields or (not x.shorthand and (is_undefined(x.value) or x.kind in (
                        "object", "null"))):
                    return None
                values[x.key] = x.key if x.shorthand else x.text
        else:
            return None
    for unique in call.model.uniques:
        if set(unique) == set(values):
            return unique, values
    return None


def has_unique(call: WriteCall, node, code: str) -> bool:
    """Prisma's where `node` holds one unique key of the table by equality (and maybe other filters)."""
    found = entries(node, "where", code)
    equal: set[str] = set()
    for e in found:
        if e.key in call.model.fields and (e.shorthand or (not is_undefined(e.value) and e.kind not in (
                "object", "null"))):
            equal.add(e.key)
        elif not e.shorthand and e.kind == "object" and e.key not in call.model.fields:
            inner = entries(e.value, f"where.{e.key}", code)
            keys = [x.key for x in inner]
            if "_".join(keys) == e.key or sorted(e.key.split("_")) == sorted(keys):
                equal |= set(keys)
    return any(set(u) <= equal for u in call.model.uniques)

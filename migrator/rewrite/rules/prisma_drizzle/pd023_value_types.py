"""PD023: fields whose values a converted call gives in another JS type than Prisma Client (a note on a converted site)."""

from __future__ import annotations

from typing import Optional

from migrator.rewrite.typescript.convert import PrismaRule

# Operations whose result holds no row of the model (counts, batch counts, aggregates: their own rules).
_NO_ROWS = frozenset({"count", "createMany", "updateMany", "deleteMany", "aggregate", "groupBy"})


# What the driver itself gives for a customType with no fromDriver, per dialect and column kind (node-postgres
# parses by type OID: int8 and numeric as strings, and drizzle-orm has it leave timestamp/date/interval as text;
# better-sqlite3 gives SQLite's storage classes); a kind not
# listed: what Prisma gives (text-like kinds: strings on both). "driver": text or a number, as stored.
DRIVER_VALUES: dict[str, dict[str, str]] = {
    "postgresql": {"bigint": "string", "numeric": "string", "timestamp": "string", "date": "string", "time": "string",
                   "boolean": "boolean", "bytes": "Buffer", "json": "json", "jsonb": "json"},
    "sqlite": {"bigint": "number", "boolean": "number", "numeric": "number", "timestamp": "driver", "date": "driver",
               "time": "driver", "bytes": "Buffer", "json": "string", "jsonb": "string"},
}


def prisma_js_type(kind: str) -> str:
    """The JS type Prisma Client gives for a column of canonical kind `kind` ("[]" for lists: the element's)."""
    from migrator.generate.mapping import PRISMA_JS_TYPES

    return PRISMA_JS_TYPES.get(kind.removesuffix("[]"), "string")


class ValueTypes(PrismaRule):
    """A converted call whose rows hold a field the Drizzle column gives as another JS type than Prisma does.

    Never changes code; its finding sits on a converted site whose value is used. The Drizzle side's
    types come from the Drizzle schema (migrator.inspect's reader: builder, mode, a customType's
    `data` when it has a fromDriver); Prisma's from the Prisma schema's column kinds
    (migrator.generate.mapping.PRISMA_JS_TYPES). The schema `migrator generate drizzle` writes from a
    Prisma schema gives every scalar as Prisma does except Decimal (a string: drizzle-orm has no
    decimal.js), so on it this names the Decimal fields; on a hand-written schema also a bigint in
    mode "number", a timestamp in mode "string", an SQLite DateTime/Boolean/BigInt column without
    conversion, bytes as a Buffer; and a nullable scalar list (PostgreSQL), which Prisma reads as []
    where the column is NULL (drizzle-orm: null). The fields: the model's (its `select` keys when the argument has
    one) and every field of each related model a key of the argument names (include/select/with).
    """

    code = "PD023"
    note = True
    safety = "report"

    @staticmethod
    def differences(names, model, arg, operation: str) -> list[str]:
        """`Model.field (Prisma T, Drizzle U)` for each field of the call's rows whose JS types differ."""
        if operation in _NO_ROWS:
            return []
        keys = {k.text().strip("'\"") for k in arg.find_all(kind="property_identifier")} | \
            {k.text() for k in arg.find_all(kind="shorthand_property_identifier")} if arg is not None else set()
        selected = _select_keys(arg)
        models, seen = [model], {model.prisma}
        for m in models:  # grows while read: the relations the argument names, at any depth
            for r in m.relations.values():
                target = names.by_prisma(r.target) if r.prisma in keys and r.target not in seen else None
                if target is not None:
                    seen.add(target.prisma)
                    models.append(target)
        out = []
        for m in models:
            for field, kind in m.types.items():
                if m is model and selected is not None and field not in selected:
                    continue
                drizzle = m.values.get(field, "")
                prisma = prisma_js_type(kind)
                if drizzle == "driver":
                    drizzle = DRIVER_VALUES.get(names.dialect, {}).get(kind.removesuffix("[]"), prisma)
                if drizzle and drizzle != prisma:
                    out.append(f"{m.prisma}.{field} (Prisma: {_said(prisma)}, Drizzle: {_said(drizzle)})")
                elif kind.endswith("[]") and (m.nullable is None or field in m.nullable):
                    # Prisma Client reads a NULL scalar list as []; drizzle-orm gives null.
                    out.append(f"{m.prisma}.{field} (Prisma: [] for a NULL list, Drizzle: null)")
        return out

    @staticmethod
    def reason(label: str, fields: list[str]) -> str:
        return (f"{label} converted; its rows hold values of another JS type than Prisma gives: {', '.join(fields)}; "
                f"check the code that uses them")


def _said(js: str) -> str:
    return {"Decimal": "a Decimal", "json": "parsed JSON", "driver": "the stored text or number (no fromDriver)",
            "unknown": "an unknown type",
            "string": "a string", "number": "a number", "boolean": "a boolean", "bigint": "a bigint"}.get(js, f"a {js}")


def _select_keys(arg) -> Optional[set[str]]:
    """The keys of the argument's top-level `select: { … }` object; None when it has none."""
    if arg is None or arg.kind() != "object":
        return None
    for pair in arg.children():
        if pair.kind() != "pair" or pair.field("key") is None or pair.field("key").text().strip("'\"") != "select":
            continue
        value = pair.field("value")
        if value is None or value.kind() != "object":
            return None
        return {c.field("key").text().strip("'\"") for c in value.children() if c.kind() == "pair" and c.field("key")} | \
            {c.text() for c in value.children() if c.kind() == "shorthand_property_identifier"}
    return None

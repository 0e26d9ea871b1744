"""What the write rules (PD008–PD014) share: one call's conversion state (the table, the names the
converted text needs imported), `data` objects → Drizzle values, `where` → a Drizzle condition on
the table (no callback: the query builder takes an SQL expression), and laying out a method chain.

The converted text uses the table export (`users`), drizzle-orm's operators (`eq`, `and`, `sql`)
and prisma-compat's helpers (`oneOrThrow`): the engine imports each name the text needs, from
the Drizzle schema module, "drizzle-orm" and the prisma-compat module, and refuses the call when
the file already binds one of those names to something else.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

from migrator.rewrite.typescript.convert import Context, Entry, Needs, Refusal, entries, is_undefined, short, string_value  # noqa: F401 (Needs: imported from here too)
from migrator.rewrite.typescript.definedness import maybe
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
    # The reads of the rows a nested `connect` names (written as the foreign key): each must find its
    # row before the write runs (prisma-compat afterConnect), as Prisma throws P2025 otherwise.
    connects: list = field(default_factory=list)
    # The update's property keys whose value may be undefined at run time (definedness.maybe): Prisma
    # leaves such a field, as Drizzle's .set() does, but with every value undefined Prisma only reads the
    # row where .set() throws (see settled).
    unsettled: set = field(default_factory=set)
    relational: str = "v1"  # the relational query API re-reads are written for ("v2": drizzle-orm 1.0)

    def __post_init__(self) -> None:
        if self.needs is None:
            self.needs = self.ctx.needs

    @property
    def table(self) -> str:
        return self.ctx.table(self.model.export or "")

    @property
    def what(self) -> str:
        return f"{self.model.prisma}.{self.operation}"

    def args(self, code: str, allowed: tuple[str, ...], required: tuple[str, ...] = (),
             held: tuple[str, ...] = ()) -> dict[str, Entry]:
        """The argument's properties by key; any key outside `allowed` is a Refusal naming it, and so is
        a shorthand (`{ data }`: held in a variable) unless the key is in `held`."""
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
            if e.shorthand and e.key not in held:
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


def values(call: WriteCall, node, label: str, update: bool = False, spreads: bool = False,
           connect: bool = False, overrides: bool = False, maybe_empty: bool = False) -> list[tuple[str, str]]:
    """Prisma's `data` object → [(property key, value text)]; update operators → sql`…` (update only).
    A conditional spread of object literals (`...(cond && { name })`, `...(c ? { a } : { b })`) is
    kept as ("...", text) with its literals converted the same way (their keys are known). With
    `spreads` (createMany's rows, which hold only scalar fields), any other spread `...row` is kept
    when the model's rows may pass through as they are (scalar_rows). `overrides`: the object is
    spread over others, so a `key: undefined` stays (it overrides what came before). `maybe_empty`:
    an update whose fields all come from conditional spreads is the caller's to guard (updateOrRead).

    Refused (PD015): a data object held in a variable, spreads or computed keys, relation fields
    (nested create/connect/…), fields the Drizzle table lacks, object values other than one update
    operator on a field that is not Json (a Json field's value: _json_value), an empty update.
    """
    from migrator.rewrite.rules.prisma_drizzle.pd015_data import Data

    model = call.model
    if node.kind() != "object":
        raise Data.refuse(f"`{label}` is `{short(node.text())}`, not an object literal: its fields are known only at "
                          f"run time, and it may hold nested writes Prisma performs (Drizzle would drop them)")
    out: list[tuple[str, str]] = []
    found = entries(node, label, Data.code, spreads=True)
    spread = overrides or any(e.key == "..." for e in found)
    for e in found:
        if e.key == "...":
            conditional = _conditional_spread(call, e.value, label, update)
            if conditional is not None:
                out.append(("...", conditional))
                continue
            if not spreads:
                raise Data.refuse(f"`{label}` spreads `{short(e.text)}`: the keys it adds (or leaves out) are known "
                                  f"only at run time, and it may hold nested writes Prisma performs")
            reason = scalar_rows(call.model)
            if reason is not None:
                raise Data.refuse(f"`{label}` spreads `{short(e.text)}`: {reason}")
            out.append(("...", e.text))
            continue
        if e.key in model.relations and connect and _connects(e):
            out.extend(connect_fk(call, e, label))
            continue
        if e.key in model.relations:
            raise Data.refuse(f"`{label}.{e.key}` writes the relation {model.prisma}.{e.key} (a nested "
                              f"create/connect/…): Drizzle has no nested writes; write the related rows by hand "
                              f"(in a db.transaction)")
        if e.key not in model.fields:
            raise Data.refuse(f"`{label}.{e.key}` is not a field of {model.prisma}")
        key = model.fields[e.key]
        if key is None:
            raise Data.refuse(f"field {model.prisma}.{e.key} has no column in the Drizzle table `{model.export}`")
        if update and maybe(e.value)[0]:
            call.unsettled.add(key)
        if e.shorthand:
            out.append((key, e.key))
            continue
        if is_undefined(e.value):
            if spread:  # it overrides what a spread gave that key: undefined (the default) for both clients
                out.append((key, e.text))
            continue  # Prisma leaves a field whose value is undefined (its default on create): so does dropping it
        if e.key in model.json:
            value = _json_value(call, e, label)
            if value is not None:
                out.append((key, value))
            continue
        if e.kind == "object":
            if not update:
                raise Data.refuse(f"`{label}.{e.key}` is an object (a composite?): not converted, its serialization "
                                  f"differs between the two clients")
            ops = entries(e.value, f"{label}.{e.key}", Data.code)
            if len(ops) != 1 or ops[0].key not in (*_UPDATE_OPS, "set"):
                raise Data.refuse(f"`{label}.{e.key}` is not one of Prisma's update operators (increment, decrement, "
                                  f"multiply, divide, set)")
            op = ops[0]
            value = op.key if op.shorthand else op.text
            if not op.shorthand and is_undefined(op.value):
                raise Data.refuse(f"`{label}.{e.key}.{op.key}: undefined`: Prisma leaves the field; say what is meant")
            if op.key != "set" and maybe(op.value)[0]:
                raise Data.refuse(f"`{label}.{e.key}.{op.key}` may be undefined at run time: Prisma then leaves the "
                                  f"field, sql`… + ${{undefined}}` would not; say what is meant")
            if op.key == "set" and maybe(op.value)[0]:
                call.unsettled.add(key)
            if op.key == "set":
                out.append((key, value))
            else:
                call.needs.ops.add("sql")
                out.append((key, f"sql`${{{call.table}.{key}}} {_UPDATE_OPS[op.key]} ${{{value}}}`"))
            continue
        out.append((key, e.text))
    if not update and model.now_defaults and (model.updated_at or call.ctx.names.dialect == "sqlite"):
        # Prisma sets @default(now()) itself: one instant with the row's @updatedAt fields, and on SQLite in
        # the format it stores DateTime in (drizzle-orm would use the column's database default first,
        # CURRENT_TIMESTAMP: "YYYY-MM-DD HH:MM:SS" text, which compares and sorts apart from Prisma's
        # values; and $onUpdate's `new Date()` is another instant). The converted insert sets them from
        # prisma-compat's instant(), as Prisma does; a value given wins.
        given = {k for k, _ in out}
        stamped = [f for f in (*model.now_defaults, *model.updated_at) if model.fields.get(f)
                   and model.fields[f] not in given]
        if stamped:
            call.needs.compat.add("instant")
            out = [(model.fields[f], "instant()") for f in dict.fromkeys(stamped)] + out
    if update and not overrides and not settled(out, call) and not (maybe_empty and out):
        raise Data.refuse(f"`{label}` is empty, or sets fields only through conditional spreads or values that may "
                          f"be undefined at run time: Drizzle refuses an update with nothing to set, where Prisma "
                          f"returns the row")
    keys = [k for k, _ in out if k != "..."]
    twice = sorted({k for k in keys if keys.count(k) > 1})
    if twice:
        raise Data.refuse(f"`{label}` sets `{twice[0]}` both as a field and through a relation's `connect`: "
                          f"Prisma refuses the call")
    return out


_JSON_NULLS = ("JsonNull", "DbNull", "AnyNull")


def _json_value(call: WriteCall, e: Entry, label: str) -> Optional[str]:
    """The value given to a Json field, as Drizzle's. An object or array literal is Prisma's Json value,
    never an update operator: written as it is when the Drizzle column serializes it as Prisma does
    (json_column). Refused: a bare `null` (Prisma rejects it: Prisma.JsonNull or Prisma.DbNull say which
    null) and those names (Drizzle writes SQL NULL for a null). Anything else is passed on as before."""
    from migrator.rewrite.rules.prisma_drizzle.pd015_data import Data

    model = call.model
    if e.shorthand:
        return e.key
    text = e.text
    if e.kind == "null":
        raise Data.refuse(f"`{label}.{e.key}: null` on the Json field {model.prisma}.{e.key}: Prisma rejects a bare "
                          f"null there (it asks for Prisma.JsonNull or Prisma.DbNull), Drizzle would write SQL NULL")
    if (e.kind == "member_expression" and text.rsplit(".", 1)[-1] in _JSON_NULLS) or text in _JSON_NULLS:
        raise Data.refuse(f"`{label}.{e.key}` is `{short(text)}`: Prisma's Json nulls (a JSON null, SQL NULL) have no "
                          f"Drizzle value written the same way; not converted")
    if e.kind in ("object", "array"):
        inner = next((n.text() for n in e.value.find_all(kind="identifier") if n.text() in _JSON_NULLS), None) or \
            next((n.text() for n in e.value.find_all(kind="property_identifier") if n.text() in _JSON_NULLS), None)
        if inner is not None:
            raise Data.refuse(f"`{label}.{e.key}` holds `{inner}`, a Prisma Json null, inside: not converted")
        reason = json_column(call, e.key)
        if reason is not None:
            raise Data.refuse(f"`{label}.{e.key}` is a Json value: {reason}")
    if e.kind == "string" and call.ctx.names.dialect == "postgresql" and _parses_as_json(string_value(e.value)):
        raise Data.refuse(f"`{label}.{e.key}` is the JSON string {short(text)}, which reads back as JSON itself: "
                          f"drizzle-orm's json/jsonb columns parse a string value once more (\"42\" → 42), Prisma "
                          f"returns the string")
    return text


def _parses_as_json(value: Optional[str]) -> bool:
    import json

    if value is None:
        return True  # not known: a template or an escape this reading does not decode
    try:
        json.loads(value)
    except ValueError:
        return False
    return True


def json_column(call: WriteCall, field_name: str) -> Optional[str]:
    return json_column_reason(call.model, field_name, call.ctx.names.dialect)


def json_column_reason(model: ModelMap, field_name: str, dialect: str) -> Optional[str]:
    """None when the Drizzle column of the Json field writes and reads a value as Prisma does:
    JSON.stringify of it, JSON.parse back, with drizzle-orm's json/jsonb (PostgreSQL) or text({ mode:
    "json" }) (SQLite) — proven equal for objects, arrays, nested values, strings with quotes and unicode,
    numbers, booleans, null and undefined inside, a Date inside (its ISO string), read back with both
    clients. Else why not."""
    import re

    from migrator.rewrite.typescript.tsedit import module_text

    if dialect == "sqlite" and model.values.get(field_name) == "json":
        return None  # a customType whose toDriver/fromDriver are JSON.stringify/JSON.parse (migrator generate drizzle's)
    prop = model.fields.get(field_name)
    where = f"the Drizzle column {model.export}.{prop}"
    source = module_text(model.module) if model.module else None
    if not source or not model.export or not prop:
        return f"{where} could not be read to see how it serializes a value; convert by hand"
    start = re.search(rf"\bexport\s+const\s+{re.escape(model.export)}\b", source)
    if start is None:
        return f"{where} could not be read to see how it serializes a value; convert by hand"
    nxt = re.search(r"\bexport\s+const\s+", source[start.end():])
    body = source[start.end(): start.end() + nxt.start() if nxt else len(source)]
    found = re.search(rf"""(?:^|[\s,{{]){re.escape(prop)}\s*:\s*([\w$.]+)\(\s*(?:["'`][^"'`]*["'`]\s*,?\s*)?"""
                      rf"""(\{{[^{{}}]*\}})?""", body)
    if found is None:
        return f"{where} could not be read to see how it serializes a value; convert by hand"
    builder = found.group(1).rsplit(".", 1)[-1]
    mode = re.search(r"""\bmode\s*:\s*["'](\w+)["']""", found.group(2) or "")
    if dialect == "postgresql" and builder in ("json", "jsonb"):
        return None
    if dialect == "sqlite" and builder == "text" and mode is not None and mode.group(1) == "json":
        return None
    wanted = {"postgresql": "json()/jsonb()", "sqlite": 'text(…, { mode: "json" })'}.get(dialect, "")
    return (f"{where} is `{builder}(…)`{' with mode ' + repr(mode.group(1)) if mode else ''}, not "
            f"{wanted or 'a JSON column of PostgreSQL or SQLite'}: it would not write the value as Prisma's "
            f"JSON text, nor parse it on read (a customType without toDriver/fromDriver passes the object to "
            f"the driver as it is and reads the JSON text back)")


def settled(pairs: list[tuple[str, str]], call: Optional[WriteCall] = None) -> bool:
    """An update's values set at least one field whatever happens at run time: one is neither a
    conditional spread, a literal `undefined` (kept only to override a spread), nor a value that may
    be undefined at run time (`call.unsettled`)."""
    unsettled = call.unsettled if call is not None else set()
    return any(k != "..." and v != "undefined" and k not in unsettled for k, v in pairs)


def _conditional_spread(call: WriteCall, node, label: str, update: bool) -> Optional[str]:
    """`...(cond && { … })` / `...(cond ? { … } : { … })` with the literals' keys converted; None for
    another spread."""
    inner = node.children()[-1] if node.children() else None  # the spread element's expression
    while inner is not None and inner.kind() == "parenthesized_expression":
        inner = next((c for c in inner.children() if c.kind() not in ("(", ")")), None)
    if inner is None:
        return None
    if inner.kind() == "binary_expression" and inner.field("operator").text() == "&&":
        right = inner.field("right")
        if right.kind() != "object":
            return None
        body = obj(values(call, right, f"{label} (spread)", update, overrides=True))
        return f"...({inner.field('left').text()} && {body})"
    if inner.kind() == "ternary_expression":
        yes, no = inner.field("consequence"), inner.field("alternative")
        if yes.kind() != "object" or no.kind() != "object":
            return None
        a = obj(values(call, yes, f"{label} (spread)", update, overrides=True))
        b = obj(values(call, no, f"{label} (spread)", update, overrides=True))
        return f"...({inner.field('condition').text()} ? {a} : {b})"
    return None


def _connects(e: Entry) -> bool:
    """`relation: { connect: … }` (only a connect)."""
    if e.shorthand or e.kind != "object":
        return False
    inner = entries(e.value, e.key, "PD015")
    return len(inner) == 1 and inner[0].key == "connect"


def _plain(node) -> bool:
    """A value read twice without a difference (the check, then the write): a name, a property path
    (`link.teamId`, `user!.id`), a string or number literal; no call, await or optional chain."""
    kind = node.kind()
    if kind in ("identifier", "property_identifier", "string", "number", "this", ".", "!"):
        return kind != "string" or string_value(node) is not None
    if kind in ("member_expression", "non_null_expression"):
        return all(_plain(c) for c in node.children())
    return False


def connect_fk(call: WriteCall, e: Entry, label: str) -> list[tuple[str, str]]:
    """`author: { connect: { id: v } }` on the side holding the foreign key → [("authorId", "v")], when
    the connect names exactly the fields the foreign key references; the read of the connected row goes
    to `call.connects` (Prisma throws P2025 "No record found for a nested connect" when it does not
    exist, where the insert would fail on the foreign key with another error, or not at all on SQLite
    without foreign_keys)."""
    from migrator.rewrite.rules.prisma_drizzle.pd015_data import Data

    model = call.model
    rel = model.relations[e.key]
    where = f"{label}.{e.key}.connect"
    if not rel.fields:
        raise Data.refuse(f"`{where}`: {model.prisma}.{e.key} holds no foreign key here (the back side of the "
                          f"relation, or a many-to-many through a join table): connecting means writing those rows; "
                          f"write it by hand")
    conn = entries(e.value, f"{label}.{e.key}", Data.code)[0]
    if conn.shorthand or conn.kind != "object":
        raise Data.refuse(f"`{where}` is not an object literal: which row it connects is known only at run time")
    given = {x.key: x for x in entries(conn.value, where, Data.code)}
    if set(given) != set(rel.references):
        raise Data.refuse(f"`{where}` names {', '.join(sorted(given)) or 'nothing'}, not the referenced key "
                          f"({', '.join(rel.references)}) the foreign key holds: write the lookup by hand")
    target = call.ctx.names.by_prisma(rel.target)
    if target is None or target.export is None:
        raise Data.refuse(f"model {rel.target} has no table in the Drizzle schema")
    out: list[tuple[str, str]] = []
    parts: list[str] = []
    table = call.ctx.table(target.export)
    for name, ref in zip(rel.fields, rel.references):
        x = given[ref]
        value = x.key if x.shorthand else x.text
        if not x.shorthand and (is_undefined(x.value) or x.kind == "null" or not _plain(x.value)):
            raise Data.refuse(f"`{where}.{ref}` is `{short(value)}`: a name, a property or a literal is needed (it "
                              f"is read twice: the check that the row exists, then the foreign key)")
        fk, key = model.fields.get(name), target.fields.get(ref)
        if fk is None or key is None:
            raise Data.refuse(f"the foreign key {model.prisma}.{name} → {rel.target}.{ref} has no column in the "
                              f"Drizzle schema")
        out.append((fk, value))
        parts.append(f"eq({table}.{key}, {value})")
    call.needs.ops.update({"eq"} | ({"and"} if len(parts) > 1 else set()))
    body = parts[0] if len(parts) == 1 else f"and({', '.join(parts)})"
    first = target.fields[rel.references[0]]
    # A query-builder select (not yet run: afterConnect awaits it before the write), whatever the
    # relational query API.
    call.connects.append(f"{call.client}.select({{ {first}: {table}.{first} }}).from({table}).where({body}).limit(1)")
    return out


def after_connect(call: WriteCall, write: str) -> str:
    """`afterConnect([<selects>], <write>, "M.op")` when the data connects rows (else `write`): the write
    runs once each connected row is found (P2025 otherwise). `write` must be a query builder not yet
    run (no `.then`): Drizzle runs it when the helper awaits it."""
    if not call.connects:
        return write
    from migrator.rewrite.typescript.convert import js_string

    call.needs.compat.add("afterConnect")
    reads = "[" + ", ".join(call.connects) + "]"
    return helper_call(call, "afterConnect", [reads, write, js_string(call.what)])


def obj(pairs: list[tuple[str, str]]) -> str:
    if not pairs:
        return "{}"
    return "{ " + ", ".join(v if k == "..." else k if k == v else f"{k}: {v}" for k, v in pairs) + " }"


def scalar_rows(model: ModelMap) -> Optional[str]:
    """None when a row object known only at run time (createMany's `data: rows`, a spread in a row)
    can go to Drizzle's values() as it is: every Prisma field is the Drizzle property of the same
    name, and no field is Json (Prisma and Drizzle serialize Json values differently). Else why not."""
    renamed = sorted(name for name, key in model.fields.items() if key != name)
    if renamed:
        missing = [n for n in renamed if model.fields[n] is None]
        if missing:
            return (f"{model.prisma}.{missing[0]} has no column in the Drizzle table `{model.export}`, and the rows "
                    f"known only at run time may set it")
        return (f"the Drizzle table `{model.export}` names {model.prisma}.{renamed[0]} "
                f"`{model.fields[renamed[0]]}`: the rows' keys, known only at run time, would need renaming")
    if model.json:
        return (f"{model.prisma}.{sorted(model.json)[0]} is Json, and the rows known only at run time may set it to "
                f"Prisma.JsonNull or Prisma.DbNull, which Drizzle does not write the same way")
    return None


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


@dataclass
class Returned:
    """What a write returns when it has `select` or `include`: `returning` is the argument of
    `.returning(…)` (`{ id: users.id }` for a select of fields only; "" for the whole row), and
    `read` the relational-query config of the re-read (`[("columns", …), ("with", …)]`) when
    relations are returned: the written row is read again by its primary key."""

    returning: str = ""
    read: Optional[list[tuple[str, str]]] = None


def returned(call: WriteCall, args: dict[str, Entry]) -> Returned:
    """The result shape of a write's `select`/`include` (Prisma returns exactly the selected keys;
    an include returns the row and its relations). Refused as PD005 refuses the read's."""
    from migrator.rewrite.rules.prisma_drizzle.pd005_select_include import SelectInclude
    from migrator.rewrite.typescript.convert import field_key

    sel, inc = args.get("select"), args.get("include")
    if sel is None and inc is None:
        return Returned()
    node = sel.value if sel is not None else inc.value
    if sel is not None and inc is None and node.kind() == "object":
        found = entries(node, "select", SelectInclude.code)
        # Fields only (a relation or _count set to false selects nothing): a partial .returning().
        if found and all(not e.shorthand and (e.key in call.model.fields and e.kind in ("true", "false") or (
                e.key in call.model.relations or e.key == "_count") and e.kind == "false") for e in found):
            keys = [field_key(call.model, e.key, SelectInclude.code) for e in found
                    if e.kind == "true" and e.key in call.model.fields]
            if not keys:
                raise SelectInclude.refuse("`select` selects nothing (no field or relation is true): Prisma refuses "
                                           "the call")
            return Returned(returning="{ " + ", ".join(f"{k}: {call.table}.{k}" for k in keys) + " }")
    if call.relational == "v2":  # drizzle-orm 1.0's relational queries (query_v2): the same shape, as objects
        from migrator.rewrite.typescript.query_v2 import shape as shape_v2

        shape = shape_v2(call.ctx, call.model, sel.value if sel else None, inc.value if inc else None, top=True)
    else:
        shape = SelectInclude.shape(call.ctx, call.model, sel.value if sel else None, inc.value if inc else None,
                                    top=True)
    if all(k == "columns" for k, _ in shape):
        if sel is not None:  # not reached (fields only is the partial .returning() above); never guess
            raise SelectInclude.refuse("`select` on a write: its shape is not one the rewrite knows")
        return Returned()  # an include whose relations are all false: the row, as without it
    if not call.model.primary:
        raise SelectInclude.refuse(f"`{'select' if sel is not None else 'include'}` returns relations: the written "
                                   f"row is re-read by its primary key, and {call.model.prisma} has none declared "
                                   f"in both schemas")
    return Returned(read=shape)


def primary_returning(call: WriteCall) -> str:
    """`{ id: posts.id }`: the primary key of the written row, for the re-read."""
    keys = [call.model.fields[name] for name in call.model.primary]
    return "{ " + ", ".join(f"{k}: {call.table}.{k}" for k in keys) + " }"


def _free(ctx: Context, candidates: tuple[str, ...], taken: tuple[str, ...] = ()) -> str:
    for name in candidates:
        if name not in ctx.identifiers and name not in taken:
            return name
    raise Refusal("PD103", f"every name the rewrite would use for the written row ({', '.join(candidates)}) is taken "
                           f"by the call's own identifiers")


def reread(call: WriteCall, read: list[tuple[str, str]], where: Optional[str] = None) -> str:
    """The re-read of the written row with its relations: `(written) => db.query.t.findFirst({ … })`
    by the primary key the write returned; with `where` (a relational where callback), `() =>
    db.query.t.findFirst({ where, … })` (delete reads the row before it is gone)."""
    param = call.ctx.param_name()
    if where is None and call.relational == "v2":  # drizzle-orm 1.0: an object where
        key = _free(call.ctx, ("written", "row", "key", "created"))
        props = [call.model.fields[name] for name in call.model.primary]
        where = "{ " + ", ".join(f"{prop}: {{ eq: {key}.{prop} }}" for prop in props) + " }"
        head = f"({key}) => "
    elif where is None:
        key = _free(call.ctx, ("written", "row", "key", "created"), (param,))
        ops: set[str] = set()
        parts = []
        for name in call.model.primary:
            prop = call.model.fields[name]
            parts.append(f"eq({param}.{prop}, {key}.{prop})")
            ops.add("eq")
        body = parts[0] if len(parts) == 1 else f"and({', '.join(parts)})"
        if len(parts) > 1:
            ops.add("and")
        where = call.ctx.callback(ops, body)
        head = f"({key}) => "
    else:
        head = "() => "
    config = [("where", where), *read]
    # Relation counts (PD005's `_count` → `_count_<relation>` extras): nested back as Prisma's `_count`.
    counts = getattr(call.ctx, "counts", None)
    tail = ""
    if counts:
        call.needs.compat.add("withCount")
        counted = "[" + ", ".join(f'"{name}"' for name in counts) + "]"
        tail = f".then((row) => (row === undefined ? undefined : withCount(row, {counted})))"
    one = head + f"{call.client}.query.{call.model.export}.findFirst(" + \
        "{ " + ", ".join(f"{k}: {v}" for k, v in config) + " })" + tail
    if len(call.indent) + len(call.step) + len(one) + 1 <= 100:
        return one
    # One key a line, indented as an argument of the helper call (helper_call shifts it one step in).
    inner = call.indent + call.step
    return head + f"{call.client}.query.{call.model.export}.findFirst({{" + "".join(
        f"{call.nl}{inner}{k}: {v}," for k, v in config) + f"{call.nl}{call.indent}}})" + tail


def _breaks_template(text: str) -> bool:
    """A line break falls inside a template literal (an odd number of unescaped backticks before it)."""
    ticks = 0
    for i, ch in enumerate(text):
        if ch == "`" and (i == 0 or text[i - 1] != "\\"):
            ticks += 1
        elif ch == "\n" and ticks % 2:
            return True
    return False


def helper_call(call: WriteCall, helper: str, args: list[str], keep: tuple[int, ...] = ()) -> str:
    """`helper(a, b, "what")` on one line when it fits, else one argument a line (a multi-line
    argument indented one step deeper, except those in `keep`: the project's own text, whose lines
    already sit that deep inside the Prisma call's argument object)."""
    one = f"{helper}({', '.join(args)})"
    if "\n" not in one and call.column + len(one) <= 100:
        return one
    nl, inner = call.nl, call.indent + call.step
    # A template literal's lines are its value: an argument with a line break inside one keeps its lines.
    parts = [a if i in keep or _breaks_template(a) else a.replace(nl, nl + call.step) for i, a in enumerate(args)]
    return f"{helper}({nl}" + "".join(f"{inner}{a},{nl}" for a in parts) + f"{call.indent})"

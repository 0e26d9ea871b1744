"""Expressions compared as PostgreSQL sees them: the server prints both spellings back.

A model file keeps the user's spelling of an expression and a live database keeps
PostgreSQL's: `(type = 'x' AND id IS NOT NULL) OR (…)` reads back as `type = 'x'::text
AND id IS NOT NULL OR …`. The text key (migrator.verify.textkey) settles most of these;
what it leaves, a server settles: it parses both spellings and prints them back in its
one canonical form.

`settle(a, b, server)` finds the expressions whose keys still differ between the two
schemas — CHECK expressions, index predicates and expression keys, generated columns and
column defaults — and has PostgreSQL deparse them all in one batch:

- one transaction, always rolled back: nothing the probe creates survives;
- a temporary table per column signature of the model tables that hold an expression,
  its columns typed from the model (enum types are created for the transaction; a type the
  server lacks becomes a `text` stand-in, and an expression naming such a column stays
  unsettled);
- each expression becomes a scratch object — a CHECK constraint (index keys and generated
  expressions wrapped in `(…) IS NOT NULL`: an index or a stored column would create
  files), or a column DEFAULT — and is read back with pg_get_expr at once, each in its own
  subtransaction that is then rolled back: one expression the server cannot parse (an
  unknown function or type) fails alone, and the transaction never piles up DDL;
- all of that runs in one temporary server-side function called once.

Three round trips whatever the number of expressions (bench/bench_expressions.py).
Expressions whose prints are equal are rewritten to that print on both sides, so compare()
sees them equal; those the server printed differently are real differences; those it
could not parse keep their difference, unsettled. `mark_unsettled` then gives the changes
that only spelling may separate (textkey.plausibly_same) and no server decided (none
available, or it failed) severity info and the message "expressions differ in spelling;
equal? unknown without a server" (or "… the server could not parse them").
"""

from __future__ import annotations

import dataclasses
import itertools
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Union

from migrator import schema as model
from migrator.errors import ConnectionFailed
from migrator.sqltext import mask_url
from migrator.types import render_type
from migrator.verify import normalize as norm
from migrator.verify.textkey import plausibly_same

UNKNOWN_WITHOUT_SERVER = "expressions differ in spelling; equal? unknown without a server"
UNKNOWN_SERVER_FAILED = "expressions differ in spelling; equal? unknown (the server could not parse them)"

# A URL, or a function giving one when first needed (None: no server can be had).
Server = Union[str, Callable[[], Union[str, None]], None]

_PREFIX = "migrator_x_"


@dataclass(frozen=True)
class Probe:
    """One expression to print back: its kind, its text and the table whose columns it names.

    kind: check | where (an index predicate) | key (an index expression) | generated | default.
    column: for generated and default, the column whose type the expression has.
    """

    kind: str
    text: str
    table: model.Table
    column: model.Column | None = None


@dataclass
class Printed:
    """What the server printed: one entry per probe, the text or None when it failed."""

    texts: list[str | None]
    errors: dict[int, str] = field(default_factory=dict)
    round_trips: int = 0


# ---------------------------------------------------------------------------
# The batch deparser


_RUNNER = f"""
CREATE FUNCTION pg_temp.{_PREFIX}run(ids int[], stmts text[], reads text[], after int[])
RETURNS TABLE (id int, printed text, message text) LANGUAGE plpgsql AS $fn$
DECLARE
  failed int[] := '{{}}';
  got text;
  err text;
  i int;
BEGIN
  FOR i IN 1 .. coalesce(array_length(ids, 1), 0) LOOP
    -- A step that only stands in for a failed one (a text column for an unknown type).
    IF after[i] IS NOT NULL AND NOT (after[i] = ANY (failed)) THEN
      CONTINUE;
    END IF;
    got := NULL;
    err := NULL;
    BEGIN
      EXECUTE stmts[i];
      IF reads[i] IS NOT NULL THEN
        EXECUTE reads[i] INTO got;
        -- Undo the scratch object at once: a transaction that keeps piling up DDL slows
        -- every later statement down (its catalog invalidations keep growing).
        RAISE SQLSTATE 'MGX01';
      END IF;
    EXCEPTION
      WHEN SQLSTATE 'MGX01' THEN NULL;
      WHEN others THEN
        failed := failed || ids[i];
        err := SQLERRM;
    END;
    IF reads[i] IS NOT NULL OR err IS NOT NULL THEN
      id := ids[i];
      printed := got;
      message := err;
      RETURN NEXT;
    END IF;
  END LOOP;
END
$fn$
"""


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def connect(url: str, connection_class: Any = None) -> Any:
    """A connection for deparsing, or ConnectionFailed with the password masked."""
    import psycopg

    from migrator.inspect._scratch import _libpq_url

    cls = connection_class or psycopg.Connection
    try:
        return cls.connect(_libpq_url(url), connect_timeout=10, autocommit=True, application_name="migrator")
    except psycopg.Error as exc:
        raise ConnectionFailed(f"could not connect to {mask_url(url)}: {str(exc).strip().splitlines()[0]}") from None


def deparse(conn: Any, probes: list[Probe], enums: Iterable[tuple[str, model.EnumType]] = ()) -> Printed:
    """PostgreSQL's print of every probe, in one rolled-back transaction on `conn` (autocommit)."""
    printed = Printed([None] * len(probes))
    if not probes:
        return printed
    steps: list[tuple[int, str, int | None]] = []  # (id, statement, run only if this id failed)
    next_id = len(probes)

    def step(statement: str, after: int | None = None) -> int:
        nonlocal next_id
        next_id += 1
        steps.append((next_id, statement, after))
        return next_id

    # Enum types the columns use, created for the transaction (one already there is kept).
    merged: dict[tuple[str, str], list[str]] = {}
    for ns, enum in enums:
        values = merged.setdefault((ns, enum.name), [])
        values.extend(v for v in enum.values if v not in values)
    for ns in sorted({ns for ns, _ in merged}):
        step(f"CREATE SCHEMA IF NOT EXISTS {_ident(ns)}")
    for (ns, name), values in sorted(merged.items()):
        step(f"CREATE TYPE {_ident(ns)}.{_ident(name)} AS ENUM ({', '.join(_literal(v) for v in values)})")

    # One temporary table per column signature: both sides' spelling of a table usually
    # share one, and creating relations is what costs on the server.
    tables: dict[tuple[tuple[str, str], ...], str] = {}
    stand_ins: dict[tuple[tuple[str, str], ...], dict[int, str]] = {}  # table -> {typed column step: column name}
    signatures = [tuple((c.name, render_type(c.type, "postgresql")) for c in probe.table.columns) for probe in probes]
    for signature in signatures:
        if signature in tables:
            continue
        temp = f"{_PREFIX}t{len(tables)}"
        tables[signature] = temp
        columns = list(signature)
        whole = step(f"CREATE TEMP TABLE {_ident(temp)} ({', '.join(f'{_ident(n)} {t}' for n, t in columns)})")
        step(f"CREATE TEMP TABLE {_ident(temp)} ()", after=whole)
        for name, sql_type in columns:
            typed = step(f"ALTER TABLE {_ident(temp)} ADD COLUMN {_ident(name)} {sql_type}", after=whole)
            step(f"ALTER TABLE {_ident(temp)} ADD COLUMN {_ident(name)} text", after=typed)
            stand_ins.setdefault(signature, {})[typed] = name

    reads: dict[int, str] = {}
    for i, probe in enumerate(probes):
        temp = _ident(tables[signatures[i]])
        name = f"{_PREFIX}{i}"
        obj = _ident(name)
        relation = _literal(f"pg_temp.{temp}")
        if probe.kind in ("check", "where", "key", "generated"):
            # Index keys and generated expressions are printed inside a CHECK too (wrapped in
            # IS NOT NULL, unwrapped after): an index or a stored column would create files.
            body = probe.text if probe.kind in ("check", "where") else f"({probe.text}) IS NOT NULL"
            statement = f"ALTER TABLE {temp} ADD CONSTRAINT {obj} CHECK ({body})"
            reads[i] = (f"SELECT pg_catalog.pg_get_expr(conbin, conrelid) FROM pg_catalog.pg_constraint "
                        f"WHERE conrelid = {relation}::regclass AND conname = {_literal(name)}")
        else:
            col = probe.column
            sql_type = render_type(col.type, "postgresql") if col is not None else "text"
            statement = f"ALTER TABLE {temp} ADD COLUMN {obj} {sql_type} DEFAULT ({probe.text})"
            reads[i] = (f"SELECT pg_catalog.pg_get_expr(d.adbin, d.adrelid) FROM pg_catalog.pg_attrdef d "
                        f"JOIN pg_catalog.pg_attribute a ON a.attrelid = d.adrelid AND a.attnum = d.adnum "
                        f"WHERE d.adrelid = {relation}::regclass AND a.attname = {_literal(name)}")
        steps.append((i, statement, None))

    try:
        conn.execute(f"BEGIN; SET LOCAL statement_timeout = '120s'; {_RUNNER}")
        printed.round_trips += 1
        rows = conn.execute(
            f"SELECT id, printed, message FROM pg_temp.{_PREFIX}run(%s, %s, %s, %s)",
            ([s[0] for s in steps], [s[1] for s in steps], [reads.get(s[0]) if s[0] < len(probes) else None for s in steps],
             [s[2] for s in steps]),
        ).fetchall()
        printed.round_trips += 1
        failed = {int(r[0]): r[2] for r in rows if r[2] is not None}
        for r_id, text, _ in rows:
            if 0 <= r_id < len(probes) and text is not None:
                wrapped = probes[r_id].kind in ("key", "generated")
                printed.texts[r_id] = _unwrap_not_null(text) if wrapped else text
    finally:
        conn.execute("ROLLBACK")
        printed.round_trips += 1
    # Columns that became text stand-ins: an expression naming one is not settled.
    standing: dict[tuple[tuple[str, str], ...], set[str]] = {}
    for table_id, typed_steps in stand_ins.items():
        names = {name for step_id, name in typed_steps.items() if step_id in failed}
        if names:
            standing[table_id] = names
    for i, probe in enumerate(probes):
        if i in failed:
            printed.texts[i] = None
            printed.errors[i] = failed[i].splitlines()[0] if failed[i] else "failed"
            continue
        names = standing.get(signatures[i], set())
        hit = next((n for n in sorted(names) if _names(probe.text, n)), None)
        if hit is not None:
            printed.texts[i] = None
            printed.errors[i] = f"column {hit} has a type the server does not know"
    return printed


def _unwrap_not_null(printed: str) -> str:
    """`X` of PostgreSQL's print `(X IS NOT NULL)`."""
    suffix = " IS NOT NULL)"
    if printed.startswith("(") and printed.endswith(suffix):
        return printed[1 : -len(suffix)]
    return printed


def _names(text: str, column: str) -> bool:
    return re.search(r'(?<![\w$])(?:"' + re.escape(column) + r'"|' + re.escape(column) + r")(?![\w$])", text, re.IGNORECASE) is not None


# ---------------------------------------------------------------------------
# Which expressions to ask about, and rewriting the schemas


@dataclass
class Settlement:
    """The server's verdicts, by (side, namespace, table, kind, text): the print, or None when it failed."""

    printed: dict[tuple[str, str, str, str, str], str | None] = field(default_factory=dict)
    errors: dict[tuple[str, str, str, str, str], str] = field(default_factory=dict)
    asked: bool = False
    round_trips: int = 0

    def decided(self, ns: str | None, table: str | None, kind: str, old: str | None, new: str | None) -> bool:
        """True when the server printed both (so a remaining difference is real)."""
        if not self.asked or old is None or new is None:
            return False
        return (self.printed.get(("a", ns, table, kind, old)) is not None
                and self.printed.get(("b", ns, table, kind, new)) is not None)


@dataclass
class _Ask:
    side: str
    ns: str
    table: model.Table
    kind: str
    text: str
    column: model.Column | None = None
    group: int = 0  # asks whose prints may meet: a pair by name, or a table's leftovers

    @property
    def slot(self) -> str:
        """The kind as the settlement keys it: defaults and generated expressions per column."""
        return f"{self.kind}:{self.column.name}" if self.column is not None else self.kind


def candidates(a: model.Schema, b: model.Schema) -> list[_Ask]:
    """The expressions whose keys differ between `a` and `b`, both spellings of each."""
    ctx = norm.context_for(a, b)
    asks: list[_Ask] = []
    if ctx.cross_dialect or a.dialect != "postgresql":
        return asks
    ns_b = {ns.name: ns for ns in b.namespaces}
    for na in a.namespaces:
        nb = ns_b.get(na.name)
        if nb is None:
            continue
        tables_b = {norm.name_key(t.name, ctx): t for t in nb.tables}
        owned_a, owned_b = norm.owned_sequences(na), norm.owned_sequences(nb)
        for ta in na.tables:
            tb = tables_b.get(norm.name_key(ta.name, ctx))
            if tb is None or ta == tb:
                continue
            asks += _table_asks(na.name, ta, tb, ctx, owned_a, owned_b)
    return asks


_GROUPS = itertools.count(1)


def _table_asks(ns: str, ta: model.Table, tb: model.Table, ctx: norm.Context,
                owned_a: frozenset[str], owned_b: frozenset[str]) -> list[_Ask]:
    asks: list[_Ask] = []
    groups = _GROUPS

    def both(kind: str, x: str, y: str, ca: model.Column | None = None, cb: model.Column | None = None) -> None:
        group = next(groups)
        asks.append(_Ask("a", ns, ta, kind, x, ca, group))
        asks.append(_Ask("b", ns, tb, kind, y, cb, group))

    cols_b = {norm.name_key(c.name, ctx): c for c in tb.columns}
    for ca in ta.columns:
        cb = cols_b.get(norm.name_key(ca.name, ctx))
        if cb is None:
            continue
        if _default_question(ca, cb, ctx, owned_a, owned_b):
            both("default", ca.default.value, cb.default.value, ca, cb)
        if ca.generated and cb.generated and norm.expression_key(ca.generated) != norm.expression_key(cb.generated):
            both("generated", ca.generated, cb.generated, ca, cb)

    # Checks: a pair by name whose expressions differ, and every leftover no key pairs.
    pairs, left_a, left_b = _pairs(ta.checks, tb.checks, ctx, norm.check_key)
    for x, y in pairs:
        if norm.check_key(x) != norm.check_key(y):
            both("check", x.expression, y.expression)
    if left_a and left_b:
        group = next(groups)
        asks += [_Ask("a", ns, ta, "check", c.expression, group=group) for c in left_a]
        asks += [_Ask("b", ns, tb, "check", c.expression, group=group) for c in left_b]

    pairs, left_a, left_b = _pairs(ta.indexes, tb.indexes, ctx, norm.index_key)
    for x, y in pairs:
        if x.where and y.where and norm.expression_key(x.where) != norm.expression_key(y.where):
            both("where", x.where, y.where)
        if len(x.elements) == len(y.elements):
            for ex, ey in zip(x.elements, y.elements):
                if ex.expression and ey.expression and norm.expression_key(ex.expression) != norm.expression_key(ey.expression):
                    both("key", ex.expression, ey.expression)
    if left_a and left_b:
        group = next(groups)
        for side, table, items in (("a", ta, left_a), ("b", tb, left_b)):
            for idx in items:
                if idx.where:
                    asks.append(_Ask(side, ns, table, "where", idx.where, group=group))
                for e in idx.elements:
                    if e.expression:
                        asks.append(_Ask(side, ns, table, "key", e.expression, group=group))
    return asks


def _default_question(ca: model.Column, cb: model.Column, ctx: norm.Context,
                      owned_a: frozenset[str], owned_b: frozenset[str]) -> bool:
    """Both columns have database defaults whose keys differ, and one is an expression."""
    da, db = ca.default, cb.default
    asked = ("expression", "literal", "current_timestamp")
    if da is None or db is None or da.kind not in asked or db.kind not in asked:
        return False
    if "expression" not in (da.kind, db.kind):
        return False
    return norm.default_key(ca, ctx, owned_a) != norm.default_key(cb, ctx, owned_b)


def _pairs(left: Iterable[Any], right: Iterable[Any], ctx: norm.Context, key: Callable[[Any], Any]):
    """Pairs by name, then the leftovers no key equality pairs (those compare() pairs itself)."""
    by_name = {norm.name_key(o.name, ctx): o for o in right if o.name}
    pairs, rest_a, used = [], [], set()
    for o in left:
        partner = by_name.get(norm.name_key(o.name, ctx)) if o.name else None
        if partner is not None and id(partner) not in used:
            used.add(id(partner))
            pairs.append((o, partner))
        else:
            rest_a.append(o)
    rest_b = [o for o in right if id(o) not in used]
    keys_b = Counter(key(o) for o in rest_b)
    keys_a = Counter(key(o) for o in rest_a)
    left_a = [o for o in rest_a if keys_b[key(o)] == 0]
    left_b = [o for o in rest_b if keys_a[key(o)] == 0]
    return pairs, left_a, left_b


_NOW = re.compile(r"\bnow\(\)|\bCURRENT_TIMESTAMP\b|\btransaction_timestamp\(\)", re.IGNORECASE)


def same_print(x: str, y: str) -> bool:
    """Two server prints of one expression. PostgreSQL keeps CURRENT_TIMESTAMP and now() apart
    in print, though both are the transaction's start time."""
    return x == y or _NOW.sub("now()", x) == _NOW.sub("now()", y)


def resolve(server: Server) -> str | None:
    return server() if callable(server) else server


def settle(a: model.Schema, b: model.Schema, server: Server, *, connection_class: Any = None
           ) -> tuple[model.Schema, model.Schema, Settlement]:
    """`a` and `b` with every expression the server prints alike rewritten to that print.

    The server (a URL, or a function giving one) is asked only when some expression keys
    differ; when it gives None, nothing is settled.
    """
    settlement = Settlement()
    asks = candidates(a, b)
    if not asks:
        return a, b, settlement
    url = resolve(server)
    if not url:
        return a, b, settlement
    unique: dict[tuple[str, int, str, str, str | None], int] = {}
    probes: list[Probe] = []
    for ask in asks:
        k = (ask.side, id(ask.table), ask.kind, ask.text, ask.column.name if ask.column else None)
        if k not in unique:
            unique[k] = len(probes)
            probes.append(Probe(ask.kind, ask.text, ask.table, ask.column))
    enums = [(ns.name, e) for s in (a, b) for ns in s.namespaces for e in ns.enums]
    import psycopg

    conn = connect(url, connection_class)
    try:
        printed = deparse(conn, probes, enums)
    except psycopg.Error as exc:
        # The batch itself failed (no TEMP privilege, PL/pgSQL missing): nothing is settled.
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        printed = Printed([None] * len(probes), {i: reason for i in range(len(probes))})
    finally:
        conn.close()
    settlement.asked = True
    settlement.round_trips = printed.round_trips
    for ask in asks:
        i = unique[(ask.side, id(ask.table), ask.kind, ask.text, ask.column.name if ask.column else None)]
        key = (ask.side, ask.ns, ask.table.name, ask.slot, ask.text)
        settlement.printed[key] = printed.texts[i]
        if i in printed.errors:
            settlement.errors[key] = printed.errors[i]
    rewrites = _rewrites(asks, settlement)
    for (side, ns, table, slot, _), text in rewrites.items():
        # A rewritten text is its own print: the changes compare() finds carry it.
        settlement.printed[(side, ns, table, slot, text)] = text
    return _rewrite(a, "a", rewrites), _rewrite(b, "b", rewrites), settlement


def _rewrites(asks: list[_Ask], settlement: Settlement) -> dict[tuple[str, str, str, str, str], str]:
    """(side, ns, table, kind, text) -> the text to put instead: prints that meet a print of the other side."""
    by_group: dict[tuple[str, str, str], dict[str, list[tuple[str, str]]]] = {}
    for ask in asks:
        printed = settlement.printed.get((ask.side, ask.ns, ask.table.name, ask.slot, ask.text))
        if printed is None:
            continue
        group = by_group.setdefault((ask.ns, ask.slot, ask.group), {"a": [], "b": []})
        group[ask.side].append((ask.text, printed, ask.table.name))
    out: dict[tuple[str, str, str, str, str], str] = {}
    for (ns, slot, _), sides in by_group.items():
        for text_a, print_a, table_a in sides["a"]:
            for text_b, print_b, table_b in sides["b"]:
                if same_print(print_a, print_b):
                    out[("a", ns, table_a, slot, text_a)] = print_a
                    out[("b", ns, table_b, slot, text_b)] = print_a
    return out


def _rewrite(schema: model.Schema, side: str, rewrites: dict[tuple[str, str, str, str, str], str]) -> model.Schema:
    if not any(k[0] == side for k in rewrites):
        return schema

    def text(ns: str, table: str, kind: str, value: str | None) -> str | None:
        if value is None:
            return None
        return rewrites.get((side, ns, table, kind, value), value)

    namespaces = []
    for ns in schema.namespaces:
        tables = []
        for t in ns.tables:
            columns = []
            for c in t.columns:
                default = c.default
                slot = (side, ns.name, t.name, f"default:{c.name}", default.value if default is not None else None)
                if slot in rewrites:
                    default = model.Default("expression", rewrites[slot])
                generated = text(ns.name, t.name, f"generated:{c.name}", c.generated)
                columns.append(dataclasses.replace(c, default=default, generated=generated))
            checks = [dataclasses.replace(ch, expression=text(ns.name, t.name, "check", ch.expression)) for ch in t.checks]
            indexes = [
                dataclasses.replace(
                    idx,
                    where=text(ns.name, t.name, "where", idx.where),
                    elements=tuple(dataclasses.replace(e, expression=text(ns.name, t.name, "key", e.expression))
                                   for e in idx.elements),
                )
                for idx in t.indexes
            ]
            tables.append(dataclasses.replace(t, columns=tuple(columns), checks=tuple(checks), indexes=tuple(indexes)))
        namespaces.append(dataclasses.replace(ns, tables=tuple(tables)))
    return dataclasses.replace(schema, namespaces=tuple(namespaces)).canonical()


# ---------------------------------------------------------------------------
# What no server decided


def mark_unsettled(changes: list[Any], settlement: Settlement | None) -> tuple[list[Any], int]:
    """`changes` with those only spelling may separate (textkey.plausibly_same) and no server
    decided made severity info, with the message saying so; and how many there were."""
    settlement = settlement or Settlement()
    message = UNKNOWN_SERVER_FAILED if settlement.asked else UNKNOWN_WITHOUT_SERVER
    out = list(changes)
    marked = 0

    def mark(i: int) -> None:
        nonlocal marked
        c = out[i]
        out[i] = dataclasses.replace(c, severity="info", message=f"{c.message}: {message}")
        marked += 1

    by_path: dict[str, dict[str, int]] = {}
    for i, c in enumerate(out):
        if c.kind == "alter_column_default":
            old, new = c.old, c.new
            if (old is not None and new is not None and "expression" in (old.kind, new.kind)
                    and old.kind != "client" and new.kind != "client"
                    and not settlement.decided(c.namespace, c.table, f"default:{c.name}", old.value, new.value)
                    and plausibly_same(old.value, new.value)):
                mark(i)
        elif c.kind == "alter_column_generated":
            if not settlement.decided(c.namespace, c.table, f"generated:{c.name}", c.old, c.new) and plausibly_same(c.old, c.new):
                mark(i)
        elif c.kind in ("drop_check", "add_check", "drop_index", "add_index") and not c.possible:
            by_path.setdefault(c.path, {})[c.kind] = i
    for path, kinds in by_path.items():
        for what in ("check", "index"):
            di, ai = kinds.get(f"drop_{what}"), kinds.get(f"add_{what}")
            if di is None or ai is None:
                continue
            old, new = out[di].old, out[ai].new
            if what == "check":
                undecided = (not settlement.decided(out[ai].namespace, out[ai].table, "check", old.expression, new.expression)
                             and plausibly_same(old.expression, new.expression))
            else:
                undecided = _index_undecided(old, new, out[ai].namespace, out[ai].table, settlement)
            if undecided:
                mark(di)
                mark(ai)
    return out, marked


def _index_undecided(x: model.Index, y: model.Index, ns: str | None, table: str | None, settlement: Settlement) -> bool:
    shape = lambda i: (i.unique, i.method or "btree", i.include, i.nulls_not_distinct,  # noqa: E731
                       tuple((e.column, e.descending, e.nulls_first, e.opclass, e.expression is None) for e in i.elements),
                       i.where is None)
    if shape(x) != shape(y):
        return False
    pairs = [("where", x.where, y.where)] + [("key", ex.expression, ey.expression) for ex, ey in zip(x.elements, y.elements)]
    differing = [(k, p, q) for k, p, q in pairs if p is not None and norm.expression_key(p) != norm.expression_key(q)]
    if not differing:
        return False
    return all(not settlement.decided(ns, table, k, p, q) and plausibly_same(p, q) for k, p, q in differing)


def unsettled_notes(count: int, settlement: Settlement | None) -> tuple[str, ...]:
    """The note a diff carries when some expression changes are undecided."""
    if not count:
        return ()
    if settlement is not None and settlement.asked:
        return (f"{count} expression change(s) differ in spelling and the server could not parse them: equal? unknown",)
    return (f"{count} expression change(s) differ in spelling; equal? unknown without a server "
            "(give --dev-url, or install PostgreSQL so migrator can start one)",)


def server_for(dev_url: str | None, no_server: bool = False) -> Server:
    """The server the CLI lets compare() ask: none with --no-server, else --dev-url, else
    migrator's scratch cluster — started only when an expression needs it, and only when
    PostgreSQL is installed (otherwise the text rule decides alone)."""
    if no_server:
        return None
    if dev_url:
        return dev_url
    state: dict[str, str | None] = {}

    def scratch() -> str | None:
        if "url" not in state:
            from migrator import pgcluster
            from migrator.errors import EngineUnavailable

            state["url"] = None
            if pgcluster.available():
                from migrator.inspect._scratch import shared_cluster

                try:
                    state["url"] = shared_cluster().url
                except EngineUnavailable:
                    pass
        return state["url"]

    return scratch

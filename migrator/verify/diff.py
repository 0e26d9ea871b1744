"""Compare two schemas into a Diff: match objects, compare their normalized keys, emit typed changes.

compare(a, b) answers "what would turn FROM (a) into TO (b)?". Objects are matched by
name and then, for constraints and indexes whose names one side leaves unset or
spells differently, by structure (migrator.verify.normalize gives the keys). Only
differences a database would notice become changes; the changes carry the original
objects, so renderers can write DDL from them.

Object kinds one side cannot describe (CHECK constraints in a Prisma schema) are listed
once in Diff.not_modeled and never compared. A drop and an add that look like a rename
keep their drop and add (that is what the schemas say) and gain a `possible` rename
hint; a rename confirmed in CompareOptions.renames is one rename change instead.
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass, field, replace
from typing import Any, Iterable

from migrator import schema as model
from migrator.verify import normalize as norm
from migrator.verify.changes import KINDS, Change, Diff

_KIND_ORDER = {name: i for i, name in enumerate(KINDS)}


@dataclass(frozen=True)
class CompareOptions:
    """What a comparison is told.

    renames: confirmed renames, old path -> new path ("public.users.name" ->
        "public.users.full_name", "public.people" -> "public.users"); a confirmed rename is
        a rename change, not a drop and an add.
    ignore: fnmatch patterns of object paths to leave out ("public.spatial_ref_sys*").
    severity: overrides by change kind ("alter_column_default" -> "info"); overrides by
        hazard code are applied once hazards are known (migrator.verify.checks).
    partial: "to" or "from" when that side declares only some of the objects.
    """

    renames: tuple[tuple[str, str], ...] = ()
    ignore: tuple[str, ...] = ()
    severity: tuple[tuple[str, str], ...] = ()
    detect_renames: bool = True
    # "to" (or "from"): that side declares only part of the schema, so whole tables, enums,
    # views and sequences it lacks are out of scope, not drift.
    partial: str | None = None
    server_url: str | None = field(default=None, compare=False)  # reserved: ask a server about default expressions


def compare(a: model.Schema, b: model.Schema, options: CompareOptions | None = None) -> Diff:
    """The changes that turn `a` into `b`, in a deterministic order."""
    options = options or CompareOptions()
    a, b = a.canonical(), b.canonical()
    comparer = _Comparer(a, b, options)
    changes = comparer.run()
    overrides = dict(options.severity)
    if overrides:
        changes = [c.with_severity(overrides[c.kind]) if c.kind in overrides else c for c in changes]
    if options.ignore:
        changes = [c for c in changes if not _ignored(c.path, options.ignore)]
    out_of_scope: list[str] = []
    if options.partial in ("to", "from"):
        missing = _WHOLE_DROPS if options.partial == "to" else _WHOLE_ADDS
        side = "TO" if options.partial == "to" else "FROM"
        out_of_scope = [f"{c.path}: not in {side}" for c in changes if c.kind in missing]
        changes = [c for c in changes if c.kind not in missing and not (c.possible and c.kind == "rename_table")]
    changes.sort(key=lambda c: (c.path, _KIND_ORDER[c.kind], c.possible))
    return Diff(
        source_from=a.source,
        source_to=b.source,
        changes=tuple(changes),
        not_modeled=tuple(comparer.not_modeled()),
        notes=tuple(a.notes) + tuple(n for n in b.notes if n not in a.notes),
        out_of_scope=tuple(sorted(out_of_scope)),
    )


# Objects a partial side leaves out as a whole (their parts would still be compared).
_WHOLE_DROPS = frozenset({"drop_table", "drop_enum", "drop_view", "drop_sequence", "drop_namespace"})
_WHOLE_ADDS = frozenset({"add_table", "add_enum", "add_view", "add_sequence", "add_namespace"})


def _ignored(path: str, patterns: Iterable[str]) -> bool:
    parts = path.split(".")
    prefixes = [".".join(parts[: i + 1]) for i in range(len(parts))]
    return any(fnmatch.fnmatchcase(p, pat) for pat in patterns for p in prefixes)


def _match(
    left: list[Any], right: list[Any], name: Any, key: Any
) -> tuple[list[tuple[Any, Any]], list[Any], list[Any]]:
    """Pair objects by name, then the rest by key. Returns (pairs, only_left, only_right).

    Two objects with one name but different keys are a pair too: the caller sees the
    difference and reports it as a drop and an add.
    """
    pairs: list[tuple[Any, Any]] = []
    by_name = {}
    for r in right:
        n = name(r)
        if n is not None:
            by_name.setdefault(n, []).append(r)
    rest_left = []
    used: set[int] = set()
    for item in left:
        n = name(item)
        candidates = [r for r in by_name.get(n, []) if id(r) not in used] if n is not None else []
        if candidates:
            partner = next((r for r in candidates if key(r) == key(item)), candidates[0])
            used.add(id(partner))
            pairs.append((item, partner))
        else:
            rest_left.append(item)
    rest_right = [r for r in right if id(r) not in used]
    by_key: dict[Any, list[Any]] = {}
    for r in rest_right:
        by_key.setdefault(key(r), []).append(r)
    only_left = []
    for item in rest_left:
        bucket = by_key.get(key(item))
        if bucket:
            partner = bucket.pop(0)
            used.add(id(partner))
            pairs.append((item, partner))
        else:
            only_left.append(item)
    only_right = [r for r in rest_right if id(r) not in used]
    return pairs, only_left, only_right


class _Comparer:
    def __init__(self, a: model.Schema, b: model.Schema, options: CompareOptions) -> None:
        self.a, self.b, self.options = a, b, options
        self.ctx = norm.context_for(a, b)
        self.caps_a, self.caps_b = norm.capabilities(a), norm.capabilities(b)
        self.caps = self.caps_a & self.caps_b
        self.renames = dict(options.renames)
        self.changes: list[Change] = []
        # Cross-dialect, each side's default namespace is the same place (SQLite's main is PostgreSQL's public).
        self.ns_alias: dict[str, str] = {}
        if self.ctx.cross_dialect:
            default_a = "public" if a.dialect == "postgresql" else "main"
            default_b = "public" if b.dialect == "postgresql" else "main"
            self.ns_alias[default_b] = default_a

    # -- plumbing ------------------------------------------------------------

    def add(self, kind: str, path: str, **fields: Any) -> None:
        self.changes.append(Change(kind, path, **fields))

    def not_modeled(self) -> list[str]:
        lines = []
        for kind in sorted((self.caps_a | self.caps_b) - self.caps):
            lacking, having = (self.a, self.b) if kind not in self.caps_a else (self.b, self.a)
            count = _count(having, kind)
            if count:
                label = norm.KIND_LABELS.get(kind, kind)
                lines.append(f"{label}: not modeled by {lacking.source or lacking.dialect} ({count} in {having.source or having.dialect})")
        return lines

    # -- schema level ----------------------------------------------------------

    def run(self) -> list[Change]:
        ns_a = {ns.name: ns for ns in self.a.namespaces}
        ns_b = {self.ns_alias.get(ns.name, ns.name): ns for ns in self.b.namespaces}
        for name in sorted(set(ns_a) | set(ns_b)):
            na, nb = ns_a.get(name), ns_b.get(name)
            if na is None:
                self._whole_namespace(nb, name, added=True)
            elif nb is None:
                self._whole_namespace(na, name, added=False)
            else:
                self._namespace(name, na, nb)
        if "extensions" in self.caps:
            ext_a = {e.name: e for e in self.a.extensions}
            ext_b = {e.name: e for e in self.b.extensions}
            for n in sorted(set(ext_a) - set(ext_b)):
                self.add("drop_extension", n, name=n, old=ext_a[n], origin_old=ext_a[n].origin)
            for n in sorted(set(ext_b) - set(ext_a)):
                self.add("add_extension", n, name=n, new=ext_b[n], origin_new=ext_b[n].origin)
        return self.changes

    def _whole_namespace(self, ns: model.Namespace, name: str, added: bool) -> None:
        empty = model.Namespace(name)
        if _is_empty(ns):
            return  # an empty schema (PostgreSQL's public in a SQLite comparison) changes nothing
        self.add("add_namespace" if added else "drop_namespace", name, namespace=name,
                 new=ns if added else None, old=None if added else ns)
        if added:
            self._namespace(name, empty, ns)
        else:
            self._namespace(name, ns, empty)

    def _namespace(self, ns: str, na: model.Namespace, nb: model.Namespace) -> None:
        owned_a, owned_b = norm.owned_sequences(na), norm.owned_sequences(nb)
        tables_b = {norm.name_key(t.name, self.ctx): t for t in nb.tables}
        tables_a = {norm.name_key(t.name, self.ctx): t for t in na.tables}
        # Confirmed table renames: pair FROM's old name with TO's new one.
        for old_path, new_path in self.renames.items():
            old_ns, _, old = old_path.rpartition(".")
            new_ns, _, new = new_path.rpartition(".")
            if old_ns == ns and new_ns == ns and old in tables_a and new in tables_b and old not in tables_b:
                ta = tables_a.pop(old)
                tb = tables_b.pop(new)
                self.add("rename_table", f"{ns}.{new}", namespace=ns, table=tb.name, old=ta.name, new=tb.name,
                         origin_old=ta.origin, origin_new=tb.origin)
                self._table(ns, ta, tb, owned_a, owned_b, path_table=tb.name)
        for key in sorted(set(tables_a) | set(tables_b)):
            ta, tb = tables_a.get(key), tables_b.get(key)
            if ta is not None and tb is not None:
                if ta != tb or self.ctx.cross_dialect:
                    self._table(ns, ta, tb, owned_a, owned_b)
            elif ta is not None:
                self.add("drop_table", f"{ns}.{ta.name}", namespace=ns, table=ta.name, old=ta, origin_old=ta.origin)
            else:
                self.add("add_table", f"{ns}.{tb.name}", namespace=ns, table=tb.name, new=tb, origin_new=tb.origin)
        if self.options.detect_renames:
            self._possible_table_renames(ns, [t for k, t in tables_a.items() if k not in tables_b],
                                         [t for k, t in tables_b.items() if k not in tables_a])
        self._enums(ns, na, nb)
        if "views" in self.caps:
            self._simple(ns, na.views, nb.views, "view", norm.view_key)
        if "sequences" in self.caps:
            self._simple(ns, [s for s in na.sequences if not s.owned_by], [s for s in nb.sequences if not s.owned_by],
                         "sequence", norm.sequence_key)

    def _simple(self, ns: str, left: Iterable[Any], right: Iterable[Any], what: str, key: Any) -> None:
        la = {o.name: o for o in left}
        lb = {o.name: o for o in right}
        for n in sorted(set(la) | set(lb)):
            oa, ob = la.get(n), lb.get(n)
            path = f"{ns}.{n}"
            if oa is None:
                self.add(f"add_{what}", path, namespace=ns, table=n, new=ob, origin_new=ob.origin)
            elif ob is None:
                self.add(f"drop_{what}", path, namespace=ns, table=n, old=oa, origin_old=oa.origin)
            elif key(oa) != key(ob):
                self.add(f"alter_{what}", path, namespace=ns, table=n, old=oa, new=ob,
                         origin_old=oa.origin, origin_new=ob.origin)

    def _enums(self, ns: str, na: model.Namespace, nb: model.Namespace) -> None:
        if "enums" not in self.caps:
            return
        ea = {e.name: e for e in na.enums}
        eb = {e.name: e for e in nb.enums}
        for n in sorted(set(ea) | set(eb)):
            a, b = ea.get(n), eb.get(n)
            path = f"{ns}.{n}"
            if a is None:
                self.add("add_enum", path, namespace=ns, table=n, new=b, origin_new=b.origin)
                continue
            if b is None:
                self.add("drop_enum", path, namespace=ns, table=n, old=a, origin_old=a.origin)
                continue
            if a.values == b.values:
                continue
            removed = [v for v in a.values if v not in b.values]
            added = [v for v in b.values if v not in a.values]
            for v in removed:
                self.add("remove_enum_value", f"{path}.{v}", namespace=ns, table=n, name=v, old=a.values, new=b.values,
                         origin_old=a.origin, origin_new=b.origin)
            for v in added:
                i = b.values.index(v)
                self.add("add_enum_value", f"{path}.{v}", namespace=ns, table=n, name=v, old=a.values, new=b.values,
                         origin_old=a.origin, origin_new=b.origin,
                         context=(("after", b.values[i - 1] if i else None), ("before", b.values[i + 1] if i + 1 < len(b.values) else None)))
            kept_a = [v for v in a.values if v in b.values]
            kept_b = [v for v in b.values if v in a.values]
            if kept_a != kept_b:
                self.add("reorder_enum_values", path, namespace=ns, table=n, old=a.values, new=b.values,
                         origin_old=a.origin, origin_new=b.origin)

    def _possible_table_renames(self, ns: str, dropped: list[model.Table], added: list[model.Table]) -> None:
        for ta in dropped:
            cols_a = {c.name for c in ta.columns}
            for tb in added:
                if cols_a and cols_a == {c.name for c in tb.columns}:
                    self.add("rename_table", f"{ns}.{tb.name}", namespace=ns, table=tb.name, old=ta.name, new=tb.name,
                             severity="info", possible=True, origin_old=ta.origin, origin_new=tb.origin,
                             message=f"table {ns}.{ta.name} may have been renamed to {tb.name}; "
                                     f'confirm with renames: "{ns}.{ta.name}" = "{ns}.{tb.name}"')
                    break

    # -- tables ------------------------------------------------------------------

    def _table(self, ns: str, ta: model.Table, tb: model.Table, owned_a: frozenset[str], owned_b: frozenset[str],
               path_table: str | None = None) -> None:
        tname = path_table or tb.name
        tpath = f"{ns}.{tname}"
        base = dict(namespace=ns, table=tname)
        pk_a = set(ta.primary_key.columns) if ta.primary_key else set()
        pk_b = set(tb.primary_key.columns) if tb.primary_key else set()

        cols_a = {norm.name_key(c.name, self.ctx): c for c in ta.columns}
        cols_b = {norm.name_key(c.name, self.ctx): c for c in tb.columns}
        for old_path, new_path in self.renames.items():
            if old_path.rpartition(".")[0] == f"{ns}.{ta.name}" and new_path.rpartition(".")[0] == tpath:
                old, new = old_path.rpartition(".")[2], new_path.rpartition(".")[2]
                if old in cols_a and new in cols_b and old not in cols_b:
                    ca, cb = cols_a.pop(old), cols_b.pop(new)
                    self.add("rename_column", f"{tpath}.{new}", name=new, old=old, new=new,
                             origin_old=ca.origin, origin_new=cb.origin, **base)
                    self._column(tpath, base, ca, cb, pk_a, pk_b, owned_a, owned_b)
        for key in [k for k in cols_a if k in cols_b] + [k for k in cols_b if k not in cols_a] + [k for k in cols_a if k not in cols_b]:
            ca, cb = cols_a.get(key), cols_b.get(key)
            if ca is not None and cb is not None:
                self._column(tpath, base, ca, cb, pk_a, pk_b, owned_a, owned_b)
            elif ca is not None:
                self.add("drop_column", f"{tpath}.{ca.name}", name=ca.name, old=ca, origin_old=ca.origin,
                         context=(("column_old", ca),), **base)
            else:
                self.add("add_column", f"{tpath}.{cb.name}", name=cb.name, new=cb, origin_new=cb.origin,
                         context=(("column_new", cb),), **base)
        if self.options.detect_renames:
            dropped = [c for k, c in cols_a.items() if k not in cols_b]
            added = [c for k, c in cols_b.items() if k not in cols_a]
            for ca in dropped:
                for cb in added:
                    if norm.type_key(ca.type, self.ctx) == norm.type_key(cb.type, self.ctx) and ca.nullable == cb.nullable:
                        self.add("rename_column", f"{tpath}.{cb.name}", name=cb.name, old=ca.name, new=cb.name,
                                 severity="info", possible=True, origin_old=ca.origin, origin_new=cb.origin,
                                 message=f"column {tpath}.{ca.name} may have been renamed to {cb.name}; "
                                         f'confirm with renames: "{tpath}.{ca.name}" = "{tpath}.{cb.name}"', **base)
                        added.remove(cb)
                        break

        if "comments" in self.caps and (ta.comment or None) != (tb.comment or None):
            self.add("alter_table_comment", tpath, old=ta.comment, new=tb.comment,
                     origin_old=ta.origin, origin_new=tb.origin, **base)
        if "primary_keys" in self.caps:
            self._primary_key(tpath, base, ta, tb)
        self._uniques_and_indexes(tpath, base, ns, ta, tb)
        if "foreign_keys" in self.caps:
            self._constraints(tpath, base, ta.foreign_keys, tb.foreign_keys, "foreign_key",
                              lambda fk: norm.foreign_key_key(fk, ns, self.ctx))
        if "checks" in self.caps:
            self._constraints(tpath, base, ta.checks, tb.checks, "check", norm.check_key)

    def _column(self, tpath: str, base: dict, ca: model.Column, cb: model.Column, pk_a: set, pk_b: set,
                owned_a: frozenset[str], owned_b: frozenset[str]) -> None:
        path = f"{tpath}.{cb.name}"
        ctx = self.ctx
        common = dict(name=cb.name, origin_old=ca.origin, origin_new=cb.origin,
                      context=(("column_old", ca), ("column_new", cb)), **base)
        if norm.type_key(ca.type, ctx) != norm.type_key(cb.type, ctx):
            self.add("alter_column_type", path, old=ca.type, new=cb.type, **common)
        # Primary-key columns are NOT NULL whatever a source says (SQLite lets some be NULL by accident).
        null_a = ca.nullable and ca.name not in pk_a
        null_b = cb.nullable and cb.name not in pk_b
        if null_a != null_b:
            self.add("alter_column_nullable", path, old=null_a, new=null_b, **common)
        auto_a = norm.autoincrement_key(ca, ctx, owned_a)
        auto_b = norm.autoincrement_key(cb, ctx, owned_b)
        if auto_a != auto_b:
            self.add("alter_column_identity", path, old=ca.identity or _serial(ca, owned_a),
                     new=cb.identity or _serial(cb, owned_b), **common)
        dk_a = norm.default_key(ca, ctx, owned_a)
        dk_b = norm.default_key(cb, ctx, owned_b)
        if dk_a == ("autoincrement",):
            dk_a = None
        if dk_b == ("autoincrement",):
            dk_b = None
        if dk_a != dk_b:
            self.add("alter_column_default", path, old=_db_default(ca), new=_db_default(cb), **common)
        if "generated" in self.caps and norm.expression_key(ca.generated) != norm.expression_key(cb.generated):
            self.add("alter_column_generated", path, old=ca.generated, new=cb.generated, **common)
        if "comments" in self.caps and (ca.comment or None) != (cb.comment or None):
            self.add("alter_column_comment", path, old=ca.comment, new=cb.comment, **common)

    def _primary_key(self, tpath: str, base: dict, ta: model.Table, tb: model.Table) -> None:
        pa, pb = ta.primary_key, tb.primary_key
        if pa is None and pb is None:
            return
        cols = lambda pk: tuple(norm.name_key(c, self.ctx) for c in pk.columns)  # noqa: E731
        label = lambda pk: pk.name or f"({','.join(pk.columns)})"  # noqa: E731
        if pa is not None and pb is not None and cols(pa) == cols(pb):
            if pa.name and pb.name and norm.name_key(pa.name, self.ctx) != norm.name_key(pb.name, self.ctx):
                self.add("rename_constraint", f"{tpath}.{pa.name}", name=pa.name, old=pa.name, new=pb.name,
                         origin_old=pa.origin, origin_new=pb.origin, context=(("object", "primary_key"),), **base)
            return
        if pa is not None:
            self.add("drop_primary_key", f"{tpath}.{label(pa)}", name=pa.name, old=pa, origin_old=pa.origin, **base)
        if pb is not None:
            self.add("add_primary_key", f"{tpath}.{label(pb)}", name=pb.name, new=pb, origin_new=pb.origin, **base)

    def _uniques_and_indexes(self, tpath: str, base: dict, ns: str, ta: model.Table, tb: model.Table) -> None:
        """UNIQUE constraints and indexes are matched together: a unique constraint and a
        unique index on the same columns are the same thing to the database."""
        def entries(t: model.Table, caps: frozenset[str]) -> list[tuple[str, Any]]:
            out: list[tuple[str, Any]] = [("unique", u) for u in t.uniques]
            out += [("index", i) for i in t.indexes if i.unique or "indexes" in self.caps]
            return out

        def key(entry: tuple[str, Any]) -> Any:
            kind, obj = entry
            k = norm.unique_as_index_key(obj) if kind == "unique" else norm.index_key(obj)
            return (k[0], k[1], tuple((norm.name_key(e[0], self.ctx),) + e[1:] for e in k[2]), k[3], k[4])

        def name(entry: tuple[str, Any]) -> str | None:
            return norm.name_key(entry[1].name, self.ctx)

        pairs, only_a, only_b = _match(entries(ta, self.caps_a), entries(tb, self.caps_b), name, key)
        for ea, eb in pairs:
            if key(ea) != key(eb):
                only_a.append(ea)
                only_b.append(eb)
            elif ea[1].name and eb[1].name and name(ea) != name(eb):
                self.add("rename_constraint", f"{tpath}.{ea[1].name}", name=ea[1].name, old=ea[1].name, new=eb[1].name,
                         origin_old=ea[1].origin, origin_new=eb[1].origin, context=(("object", eb[0]),), **base)
        for kind, obj in only_a:
            self.add(f"drop_{kind}", f"{tpath}.{_label(obj)}", name=obj.name, old=obj, origin_old=obj.origin, **base)
        for kind, obj in only_b:
            self.add(f"add_{kind}", f"{tpath}.{_label(obj)}", name=obj.name, new=obj, origin_new=obj.origin, **base)

    def _constraints(self, tpath: str, base: dict, left: Iterable[Any], right: Iterable[Any], what: str, key: Any) -> None:
        def name(obj: Any) -> str | None:
            return norm.name_key(obj.name, self.ctx)

        pairs, only_a, only_b = _match(list(left), list(right), name, key)
        for oa, ob in pairs:
            if key(oa) != key(ob):
                only_a.append(oa)
                only_b.append(ob)
            elif oa.name and ob.name and name(oa) != name(ob):
                self.add("rename_constraint", f"{tpath}.{oa.name}", name=oa.name, old=oa.name, new=ob.name,
                         origin_old=oa.origin, origin_new=ob.origin, context=(("object", what),), **base)
        for obj in only_a:
            self.add(f"drop_{what}", f"{tpath}.{_label(obj)}", name=obj.name, old=obj, origin_old=obj.origin, **base)
        for obj in only_b:
            self.add(f"add_{what}", f"{tpath}.{_label(obj)}", name=obj.name, new=obj, origin_new=obj.origin, **base)


def _label(obj: Any) -> str:
    if obj.name:
        return obj.name
    cols = getattr(obj, "columns", None)
    if cols:
        return "(" + ",".join(str(c) for c in cols) + ")"
    expression = getattr(obj, "expression", None)
    return f"({expression})" if expression else "(unnamed)"


def _serial(col: model.Column, owned: frozenset[str]) -> model.Identity | None:
    if col.default is not None and col.default.kind == "sequence" and col.default.value in owned:
        return model.Identity("serial")
    return None


def _db_default(col: model.Column) -> model.Default | None:
    return col.default if col.default is not None and col.default.kind != "client" else None


def _is_empty(ns: model.Namespace) -> bool:
    return not (ns.tables or ns.enums or ns.views or [s for s in ns.sequences if not s.owned_by])


def _count(schema: model.Schema, kind: str) -> int:
    total = 0
    for ns in schema.namespaces:
        if kind == "checks":
            total += sum(len(t.checks) for t in ns.tables)
        elif kind == "views":
            total += len(ns.views)
        elif kind == "sequences":
            total += sum(1 for s in ns.sequences if not s.owned_by)
        elif kind == "comments":
            total += sum(1 for t in ns.tables if t.comment) + sum(1 for t in ns.tables for c in t.columns if c.comment)
        elif kind == "generated":
            total += sum(1 for t in ns.tables for c in t.columns if c.generated)
        elif kind == "enums":
            total += len(ns.enums)
        elif kind == "indexes":
            total += sum(1 for t in ns.tables for i in t.indexes if not i.unique)
    if kind == "extensions":
        total = len(schema.extensions)
    return total

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
    # A PostgreSQL server that prints expressions back (migrator.verify.canonical): a URL, or a
    # function giving one, called only when some expression keys still differ.
    server_url: Any = field(default=None, compare=False)
    # Compare client-side defaults too (by the generator they name: migrator.defaults.client_generator):
    # two code sources (a Prisma schema and the Drizzle generated from it) should agree on them;
    # a database never holds one, so by default they are left out.
    client_defaults: bool = False


def compare(a: model.Schema, b: model.Schema, options: CompareOptions | None = None) -> Diff:
    """The changes that turn `a` into `b`, in a deterministic order."""
    options = options or CompareOptions()
    a, b = a.canonical(), b.canonical()
    from migrator.verify import canonical

    settlement = None
    if options.server_url is not None:
        a, b, settlement = canonical.settle(a, b, options.server_url)
    comparer = _Comparer(a, b, options)
    changes = comparer.run()
    changes, unsettled = canonical.mark_unsettled(changes, settlement)
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
        notes=tuple(a.notes) + tuple(n for n in b.notes if n not in a.notes) + canonical.unsettled_notes(unsettled, settlement),
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


class _OptionsComparer:
    """Options and comments (issue 12), mixed into _Comparer: constraint flags, unique
    constraint vs unique index, identity and sequence options, view options and indexes,
    comments on every commentable object, empty schemas.

    Decisions:
    - NULLS NOT DISTINCT changes which rows a unique accepts: it is part of the unique's
      key (a drop and an add), as its columns are.
    - DEFERRABLE, INITIALLY DEFERRED, MATCH FULL, NO INHERIT and NOT VALID are one
      `alter_constraint` change on a constraint that is otherwise the same; the renderer
      uses ALTER CONSTRAINT (foreign-key deferrability) or VALIDATE CONSTRAINT (TO valid,
      FROM NOT VALID) where PostgreSQL can, else drops and adds the constraint.
    - FROM valid, TO NOT VALID: the database already checks more than TO asks, so the
      change is `info` (drift gates ignore it); the fix drops the constraint and adds it
      NOT VALID (no table scan), which is what TO is.
    - A UNIQUE constraint and a unique index on the same columns stay equal for drift; the
      fix still makes what TO has: an info `alter_unique_kind`.
    - A view whose definition differs is recreated (alter_view) with all of TO's options,
      indexes and comment, so those are compared only for views defined alike.
    """

    a: model.Schema
    b: model.Schema
    caps: frozenset[str]
    ctx: norm.Context
    add: Any

    @property
    def _index_caps(self) -> frozenset[str]:
        """What both sides say of an index's storage parameters and key collations (PostgreSQL only)."""
        return frozenset() if self.ctx.cross_dialect else self.caps & {"table_options", "collations"}

    @property
    def _ocaps(self) -> frozenset[str]:
        """What both sides describe; across dialects none of these PostgreSQL options (SQLite
        keeps no comments, identity options, view options or deferrable uniques)."""
        return self.caps - norm.OPTION_KINDS if self.ctx.cross_dialect else self.caps

    # -- schemas ---------------------------------------------------------------

    def _keeps_empty_namespace(self, ns: model.Namespace) -> bool:
        """An empty schema only one side has is a change, when both sides model schemas.

        Not across dialects (PostgreSQL's empty public has SQLite's main as its
        counterpart) and not for "public", which every PostgreSQL database has.
        """
        return "namespaces" in self._ocaps and not self.ctx.cross_dialect and ns.name != "public"

    def _namespace_comment(self, name: str, na: model.Namespace, nb: model.Namespace) -> None:
        if "object_comments" in self._ocaps and (na.comment or None) != (nb.comment or None):
            self.add("alter_namespace_comment", name, namespace=name, old=na.comment, new=nb.comment)

    def _namespace_extras(self, ns: str, na: model.Namespace, nb: model.Namespace) -> None:
        comments = "object_comments" in self._ocaps
        if comments and "enums" in self._ocaps:
            eb = {e.name: e for e in nb.enums}
            for ea in na.enums:
                other = eb.get(ea.name)
                if other is not None and (ea.comment or None) != (other.comment or None):
                    self.add("alter_enum_comment", f"{ns}.{ea.name}", namespace=ns, table=ea.name,
                             old=ea.comment, new=other.comment, origin_old=ea.origin, origin_new=other.origin)
        if "sequences" in self._ocaps:
            sb = {s.name: s for s in norm.standalone_sequences(nb)}
            for sa_ in norm.standalone_sequences(na):
                other = sb.get(sa_.name)
                if other is None:
                    continue
                path = f"{ns}.{sa_.name}"
                if ("sequence_options" in self._ocaps and sa_.cache != other.cache
                        and norm.sequence_key(sa_) == norm.sequence_key(other) and sa_.owned_by == other.owned_by):
                    self.add("alter_sequence", path, namespace=ns, table=sa_.name, old=sa_, new=other,
                             origin_old=sa_.origin, origin_new=other.origin)
                if comments and (sa_.comment or None) != (other.comment or None):
                    self.add("alter_sequence_comment", path, namespace=ns, table=sa_.name, old=sa_.comment,
                             new=other.comment, origin_old=sa_.origin, origin_new=other.origin)
        if "views" in self._ocaps:
            vb = {v.name: v for v in nb.views}
            for va in na.views:
                other = vb.get(va.name)
                if other is not None and norm.view_key(va) == norm.view_key(other):
                    self._view_extras(ns, va, other)

    def _view_extras(self, ns: str, va: model.View, vb: model.View) -> None:
        path = f"{ns}.{va.name}"
        base = dict(namespace=ns, table=va.name, origin_old=va.origin, origin_new=vb.origin,
                    context=(("object_old", va), ("object_new", vb)))
        if "view_options" in self._ocaps:
            if norm.view_options(va) != norm.view_options(vb):
                self.add("alter_view_options", path, old=va.options, new=vb.options, **base)
            ia = {i.name: i for i in va.indexes}
            ib = {i.name: i for i in vb.indexes}
            for n in sorted(set(ia) | set(ib), key=str):
                xa, xb = ia.get(n), ib.get(n)
                ipath = f"{path}.{_label(xb or xa)}"
                same = xa is not None and xb is not None and (
                    norm.index_key(xa), xa.nulls_not_distinct, norm.index_extras_key(xa, self._index_caps)) == (
                    norm.index_key(xb), xb.nulls_not_distinct, norm.index_extras_key(xb, self._index_caps))
                if same:
                    if "object_comments" in self._ocaps and (xa.comment or None) != (xb.comment or None):
                        self.add("alter_index_comment", ipath, namespace=ns, table=va.name, name=n, old=xa.comment,
                                 new=xb.comment, context=(("object_old", xa), ("object_new", xb)))
                    continue
                if xa is not None:
                    self.add("drop_view_index", ipath, namespace=ns, table=va.name, name=n, old=xa, origin_old=xa.origin)
                if xb is not None:
                    self.add("add_view_index", ipath, namespace=ns, table=va.name, name=n, new=xb, origin_new=xb.origin)
        if "object_comments" in self._ocaps and (va.comment or None) != (vb.comment or None):
            self.add("alter_view_comment", path, old=va.comment, new=vb.comment, **base)

    # -- tables ------------------------------------------------------------------

    def _constraint_extras(self, tpath: str, base: dict, what: str, oa: Any, ob: Any) -> None:
        """A primary key, unique, foreign key or check that both sides have alike: its options and comment."""
        path = f"{tpath}.{_label(ob)}"
        context = (("object", what), ("object_old", oa), ("object_new", ob))
        words_a, words_b = norm.constraint_options(oa, self._ocaps), norm.constraint_options(ob, self._ocaps)
        if words_a != words_b:
            # Only TO is NOT VALID: the database already checks every row, more than TO asks.
            weaker = [w for w in words_b if w not in words_a] == ["NOT VALID"] and set(words_a) <= set(words_b)
            self.add("alter_constraint", path, name=ob.name, old=" ".join(words_a) or "without options",
                     new=" ".join(words_b) or "without options", severity="info" if weaker else "",
                     origin_old=oa.origin, origin_new=ob.origin, context=context, **base)
        if "object_comments" in self._ocaps and (oa.comment or None) != (ob.comment or None):
            self.add("alter_constraint_comment", path, name=ob.name, old=oa.comment, new=ob.comment,
                     origin_old=oa.origin, origin_new=ob.origin, context=context, **base)

    def _unique_extras(self, tpath: str, base: dict, ea: tuple[str, Any], eb: tuple[str, Any]) -> None:
        """A UNIQUE constraint or index both sides have alike (the same key)."""
        (kind_a, a), (kind_b, b) = ea, eb
        if kind_a != kind_b:
            if "unique_kind" not in self._ocaps or self.ctx.cross_dialect:
                return  # one side cannot tell them apart (Prisma, SQLite's unique indexes)
            # Equal for drift; the fix still makes what TO has (the comment and options come with it).
            label = {"unique": "unique constraint", "index": "unique index"}
            self.add("alter_unique_kind", f"{tpath}.{_label(b)}", name=b.name, old=label[kind_a], new=label[kind_b],
                     origin_old=a.origin, origin_new=b.origin,
                     context=(("object", kind_b), ("object_old", a), ("object_new", b)), **base)
            return
        if kind_a == "unique":
            self._constraint_extras(tpath, base, "unique", a, b)
        elif "object_comments" in self._ocaps and (a.comment or None) != (b.comment or None):
            self.add("alter_index_comment", f"{tpath}.{_label(b)}", name=b.name, old=a.comment, new=b.comment,
                     origin_old=a.origin, origin_new=b.origin, context=(("object_old", a), ("object_new", b)), **base)

    def _table_extras(self, tpath: str, base: dict, ta: model.Table, tb: model.Table) -> None:
        """Identity options of the columns both tables have under one name."""
        if "identity_options" not in self._ocaps:
            return
        cols_a = {c.name: c for c in ta.columns}
        for cb in tb.columns:
            ca = cols_a.get(cb.name)
            if ca is None or ca.identity is None or cb.identity is None or ca.identity.generation != cb.identity.generation:
                continue  # a different numbering is alter_column_identity's, options included
            oa, ob = norm.identity_options(ca.identity), norm.identity_options(cb.identity)
            if oa is not None and ob is not None and oa != ob:
                self.add("alter_identity_options", f"{tpath}.{cb.name}", name=cb.name,
                         old=_identity_text(ca.identity), new=_identity_text(cb.identity),
                         origin_old=ca.origin, origin_new=cb.origin,
                         context=(("column_old", ca), ("column_new", cb)), **base)


def _identity_text(identity: model.Identity) -> str:
    words = []
    if identity.min_value is not None:
        words.append(f"MINVALUE {identity.min_value}")
    if identity.max_value is not None:
        words.append(f"MAXVALUE {identity.max_value}")
    if identity.cache not in (None, 1):
        words.append(f"CACHE {identity.cache}")
    if identity.cycle:
        words.append("CYCLE")
    return " ".join(words) or "default options"


def _count_options(schema: model.Schema, kind: str) -> int:
    """How many objects of an option kind `schema` has (for Diff.not_modeled)."""
    total = 0
    for ns in schema.namespaces:
        tables = ns.tables
        if kind == "constraint_options":
            total += sum(1 for t in tables for c in (t.primary_key, *t.uniques, *t.foreign_keys, *t.checks)
                         if c is not None and norm.constraint_options(c, norm.ALL_KINDS))
        elif kind == "nulls_not_distinct":
            total += sum(1 for t in tables for c in (*t.uniques, *t.indexes) if c.nulls_not_distinct)
        elif kind == "identity_options":
            total += sum(1 for t in tables for c in t.columns
                         if norm.identity_options(c.identity) not in (None, (None, None, None, False)))
        elif kind == "sequence_options":
            total += sum(1 for s in norm.standalone_sequences(ns) if s.cache != 1)
        elif kind == "view_options":
            total += sum(1 for v in ns.views if v.options) + sum(len(v.indexes) for v in ns.views)
        elif kind == "object_comments":
            total += (1 if ns.comment else 0) + sum(1 for e in ns.enums if e.comment)
            total += sum(1 for v in ns.views if v.comment) + sum(1 for v in ns.views for i in v.indexes if i.comment)
            total += sum(1 for s in ns.sequences if s.comment)
            total += sum(1 for t in tables for c in (t.primary_key, *t.uniques, *t.indexes, *t.foreign_keys, *t.checks)
                         if c is not None and c.comment)
        elif kind == "namespaces":
            # Schemas with objects are seen through their objects; only empty ones go unseen.
            total += 1 if ns.name not in ("public", "main") and _is_empty(ns) else 0
    # unique_kind is a distinction, not objects: no "not modeled" line.
    return 0 if kind == "unique_kind" else total


class _ObjectsComparer:
    """Fingerprints (issue 12), mixed into _Comparer: the objects the model has no structure
    for (model.DatabaseObject: functions, triggers, policies, grants, domains, ...), matched
    by (kind, name) in each namespace and database-wide, equal when their digests are.

    Paths are `ns.<name>` (`public.f(integer)`, `public.users.audit` for a trigger) and, for
    database-wide objects (publications, event triggers), the name. Compared only when both
    sides read them (the "objects" capability); otherwise not_modeled counts them.
    """

    caps: frozenset[str]
    add: Any

    def _holds_objects(self, ns: model.Namespace) -> bool:
        """A schema holding only functions (or other fingerprinted objects) is not empty, where they are compared."""
        return bool(ns.objects) and "objects" in self.caps

    def _objects(self, ns: str | None, left: Iterable[model.DatabaseObject], right: Iterable[model.DatabaseObject]) -> None:
        if "objects" not in self.caps:
            return
        la = {(o.kind, o.name): o for o in left}
        lb = {(o.kind, o.name): o for o in right}
        for key in sorted(set(la) | set(lb)):
            oa, ob = la.get(key), lb.get(key)
            kind, name = key
            path = f"{ns}.{name}" if ns is not None else name
            fields: dict[str, Any] = dict(namespace=ns, table=_object_table(kind, name), name=name)
            if oa is None:
                self.add("add_object", path, new=ob, origin_new=ob.origin, **fields)
            elif ob is None:
                self.add("drop_object", path, old=oa, origin_old=oa.origin, **fields)
            elif norm.object_key(oa) != norm.object_key(ob):
                self.add("alter_object", path, old=oa, new=ob, origin_old=oa.origin, origin_new=ob.origin, **fields)


# Fingerprinted kinds named `table.object`: their changes are grouped with their table.
_TABLE_OBJECT_KINDS = frozenset({"trigger", "policy", "rule"})


def _object_table(kind: str, name: str) -> str:
    return name.split(".", 1)[0] if kind in _TABLE_OBJECT_KINDS else name


class _PostgresTables:
    """Table options, partitions and exclusion constraints (PostgreSQL only), mixed into _Comparer."""

    caps: frozenset[str]
    add: Any
    _constraints: Any

    def _comparable_tables(self, ns: model.Namespace) -> tuple[model.Table, ...]:
        """The tables to compare: partitions only when both sides can describe them."""
        if "partitions" in self.caps:
            return ns.tables
        return tuple(t for t in ns.tables if not t.partition_of)

    @staticmethod
    def _compared_columns(t: model.Table, other: model.Table) -> tuple[model.Column, ...]:
        """A partition's columns are its parent's (PostgreSQL refuses to alter them on the
        partition): between two partitions they are compared once, on the parents."""
        return () if t.partition_of and other.partition_of else t.columns

    def _postgres_table(self, tpath: str, base: dict, ta: model.Table, tb: model.Table) -> None:
        caps = self.caps
        tables = dict(origin_old=ta.origin, origin_new=tb.origin, context=(("table_old", ta), ("table_new", tb)), **base)
        if "exclusions" in caps:
            self._constraints(tpath, base, ta.exclusions, tb.exclusions, "exclusion", norm.exclusion_key)
        if "partitions" in caps:
            key_a, key_b = norm.partition_text_key(ta.partition_by), norm.partition_text_key(tb.partition_by)
            if key_a != key_b:
                # PostgreSQL cannot change a partition key: the DDL renderer recreates the table.
                self.add("alter_partition_key", tpath, old=ta.partition_by, new=tb.partition_by, **tables)
            if (ta.partition_of, norm.partition_text_key(ta.partition_bound)) != (
                tb.partition_of, norm.partition_text_key(tb.partition_bound)
            ):
                self.add("alter_partition", tpath, old=norm.partition_state(ta), new=norm.partition_state(tb), **tables)
            self._index_attachments(base["namespace"], ta, tb)
        if "table_options" in caps:
            if ta.unlogged != tb.unlogged:
                self.add("alter_table_logged", tpath, old=_logged(ta), new=_logged(tb), **tables)
            if ta.replica_identity != tb.replica_identity:
                self.add("alter_replica_identity", tpath, old=ta.replica_identity or "default",
                         new=tb.replica_identity or "default", **tables)
            if sorted(ta.options) != sorted(tb.options):
                self.add("alter_table_options", tpath, old=_options(ta), new=_options(tb), **tables)
        if "row_security" in caps and (ta.row_security, ta.force_row_security) != (tb.row_security, tb.force_row_security):
            self.add("alter_row_security", tpath, old=norm.row_security_state(ta), new=norm.row_security_state(tb), **tables)


    def _index_attachments(self, ns: str, ta: model.Table | None, tb: model.Table) -> None:
        """Which index of partition `tb` each parent index has attached (IndexAttachment).

        Compared per parent index: another name in FROM, or a local PRIMARY KEY or UNIQUE
        constraint's index in TO where FROM has another index (or none), is one
        alter_index_attachment change on the partition. A partition or parent index new in TO
        gets an index PostgreSQL creates and names itself, so there only an attached index
        that is a local constraint's, or is not named the way PostgreSQL would name it, is a
        change. What FROM has attached that TO no longer has goes with its parent index.
        """
        if "partitions" not in self.caps or not tb.partition_of or not tb.index_attachments:
            return
        same_parent = ta is not None and ta.partition_of == tb.partition_of
        was = {x.parent: x for x in ta.index_attachments} if same_parent else {}
        for att in tb.index_attachments:
            old = was.get(att.parent)
            if old is not None and norm.name_key(old.name, self.ctx) == norm.name_key(att.name, self.ctx):
                continue
            # Only a partition or parent index new in TO gets an index PostgreSQL names.
            fresh = not same_parent or not _has_index(self.a, str(tb.partition_of), att.parent)
            if old is None and fresh and not _backing_constraint(tb, att.name) and _auto_attached_name(self.b, tb, att):
                continue
            self.add("alter_index_attachment", f"{ns}.{tb.name}.{att.name}", namespace=ns, table=tb.name, name=att.name,
                     old=_attachment_label(ta if same_parent else None, old), new=_attachment_label(tb, att),
                     origin_old=ta.origin if ta is not None else None, origin_new=tb.origin,
                     context=(("object_old", old), ("object_new", att), ("table_old", ta if same_parent else None),
                              ("table_new", tb)))


def _backing_constraint(t: model.Table | None, name: str) -> str | None:
    """"primary key" or "unique constraint" when index `name` of `t` is its local constraint's."""
    if t is None:
        return None
    if t.primary_key is not None and t.primary_key.name == name:
        return "primary key"
    if any(u.name == name for u in t.uniques):
        return "unique constraint"
    return None


def _has_index(schema: model.Schema, table: str, name: str) -> bool:
    """Whether `table` ("schema.name") of `schema` has an index or key named `name`."""
    try:
        t = schema.table(table)
    except KeyError:
        return False
    return any(o.name == name for o in (*t.indexes, *t.uniques, *t.exclusions)) or (
        t.primary_key is not None and t.primary_key.name == name)


def _attachment_label(t: model.Table | None, att: model.IndexAttachment | None) -> str | None:
    if att is None:
        return None
    return f"{_backing_constraint(t, att.name) or 'index'} {att.name} attached to {att.parent}"


def _object_name(name1: str, name2: str | None, label: str) -> str:
    """PostgreSQL's makeObjectName: name1_name2_label, each part cut to fit 63 bytes."""
    n1, n2 = len(name1), len(name2 or "")
    room = 63 - (len(label) + 1 if label else 0) - (1 if name2 else 0)
    while n1 + n2 > room:
        if n1 > n2:
            n1 -= 1
        else:
            n2 -= 1
    parts = [name1[:n1]] + ([name2[:n2]] if name2 else []) + ([label] if label else [])
    return "_".join(parts)


def _auto_attached_name(schema: model.Schema, t: model.Table, att: model.IndexAttachment) -> bool:
    """Whether `att.name` is a name PostgreSQL gives the index it creates on partition `t`
    for its parent's index `att.parent` (ChooseIndexName: table_columns_idx, _key, _pkey,
    _excl, with a number on a clash); True when the parent index is not found."""
    try:
        parent = schema.table(str(t.partition_of))
    except KeyError:
        return True
    elements: tuple[model.IndexElement, ...] | tuple[str, ...] | None = None
    label, include = "idx", ()
    if parent.primary_key is not None and parent.primary_key.name == att.parent:
        elements, label = (), "pkey"
    for u in parent.uniques:
        if u.name == att.parent:
            elements, label = u.columns, "key"
    for x in parent.exclusions:
        if x.name == att.parent:
            elements, label, include = x.elements, "excl", x.include
    for i in parent.indexes:
        if i.name == att.parent:
            elements, include = i.elements, i.include
    if elements is None:
        return True
    names: list[str] = []
    for e in (*elements, *include):
        base = e if isinstance(e, str) else (e.column if e.column is not None else "expr")
        name, n = base, 0
        while name in names:  # ChooseIndexColumnNames: a repeated name gets a number
            n += 1
            name = f"{base}{n}"
        names.append(name)
    joined = "_".join(names)[:63] if names else None
    return any(att.name == _object_name(t.name, joined, label + (str(k) if k else "")) for k in range(10))


class _SerialSequences:
    """Sequences of serial columns (issue 12), mixed into _Comparer.

    A serial column's sequence is not compared as an object of its own (its name is
    PostgreSQL's choice: `users_id_seq`, or `users_id_seq1` when that was taken), but its
    type and options still decide which values the column gets: `bigserial` turned into
    `serial` leaves `AS bigint` behind unless the sequence is altered too. So these
    sequences are matched through the column that owns them (Sequence.owned_by) and
    compared without their names.
    """

    caps: frozenset[str]
    ctx: norm.Context
    add: Any

    def _serial_sequences(self, ns: str, na: model.Namespace, nb: model.Namespace) -> None:
        if "sequences" not in self.caps or self.ctx.cross_dialect:
            return

        def serial(n: model.Namespace) -> dict[str, model.Sequence]:
            standalone = {id(s) for s in norm.standalone_sequences(n)}
            return {s.owned_by: s for s in n.sequences if s.owned_by and id(s) not in standalone}

        owned_a, owned_b = serial(na), serial(nb)
        for owner in sorted(set(owned_a) & set(owned_b)):
            sa_, sb = owned_a[owner], owned_b[owner]
            if norm.serial_sequence_key(sa_, self.caps) == norm.serial_sequence_key(sb, self.caps):
                continue
            words_a, words_b = _sequence_words(sa_, self.caps), _sequence_words(sb, self.caps)
            shown = [i for i, (x, y) in enumerate(zip(words_a, words_b)) if x != y]
            old, new = " ".join(words_a[i] for i in shown), " ".join(words_b[i] for i in shown)
            self.add("alter_serial_sequence", f"{ns}.{sb.name}", namespace=ns, table=sb.name, name=owner,
                     old=sa_, new=sb, origin_old=sa_.origin, origin_new=sb.origin,
                     message=f"sequence {ns}.{sb.name} of serial column {owner} is {old} in FROM, {new} in TO")


def _sequence_owners(schema: model.Schema) -> dict[str, str]:
    """Each sequence ("ns.seq") -> the table of the column that owns it ("" for none)."""
    return {f"{n.name}.{s.name}": (s.owned_by or "").rpartition(".")[0] for n in schema.namespaces for s in n.sequences}


def _owned_by_table(owners: dict[str, str], owned: frozenset[str], table: str) -> frozenset[str]:
    """The sequences of `owned` that a column of `table` owns."""
    return frozenset(s for s in owned if owners.get(s) == table)


def _sequence_words(s: model.Sequence, caps: frozenset[str]) -> list[str]:
    """A sequence's type and options as words, one per option, in a fixed order."""
    words = [f"AS {s.data_type}", f"START {s.start}", f"INCREMENT {s.increment}",
             f"MINVALUE {s.min_value}" if s.min_value is not None else "NO MINVALUE",
             f"MAXVALUE {s.max_value}" if s.max_value is not None else "NO MAXVALUE",
             "CYCLE" if s.cycle else "NO CYCLE"]
    return words + ([f"CACHE {s.cache}"] if "sequence_options" in caps else [])


class _PartitionColumns:
    """What a partition's columns hold of their own (issue 12), mixed into _Comparer.

    A partition's columns are its parent's (_PostgresTables._compared_columns), but
    PostgreSQL lets a partition be stricter than its parent: NOT NULL on a column its
    parent leaves nullable, and a default of its own. Between two partitions those are
    compared, as alter_column_nullable and alter_column_default of the partition's column.
    A partition that only follows its parent (its column is as the parent's in FROM and
    in TO) is not reported again: ALTER TABLE on the parent recurses to its partitions.
    """

    a: model.Schema
    b: model.Schema
    caps: frozenset[str]
    ctx: norm.Context
    add: Any

    def _partition_columns(self, tpath: str, base: dict, ta: model.Table, tb: model.Table) -> None:
        if "partitions" not in self.caps or not (ta.partition_of and tb.partition_of) or self.ctx.cross_dialect:
            return
        owned_a = frozenset().union(*(norm.owned_sequences(n) for n in self.a.namespaces))
        owned_b = frozenset().union(*(norm.owned_sequences(n) for n in self.b.namespaces))
        parent_a, parent_b = _table_or_none(self.a, ta.partition_of), _table_or_none(self.b, tb.partition_of)
        cols_b = {c.name: c for c in tb.columns}

        def default(col: model.Column | None, owned: frozenset[str]) -> Any:
            key = norm.default_key(col, self.ctx, owned) if col is not None else None
            return None if key == ("autoincrement",) else key

        for ca in ta.columns:
            cb = cols_b.get(ca.name)
            if cb is None:
                continue
            pa = _column_or_none(parent_a, ca.name)
            pb = _column_or_none(parent_b, ca.name)
            common = dict(name=cb.name, origin_old=ca.origin, origin_new=cb.origin,
                          context=(("column_old", ca), ("column_new", cb)), **base)
            path = f"{tpath}.{cb.name}"
            follows = pa is not None and pb is not None and (ca.nullable, cb.nullable) == (pa.nullable, pb.nullable)
            if ca.nullable != cb.nullable and not follows:
                self.add("alter_column_nullable", path, old=ca.nullable, new=cb.nullable, **common)
            dk_a, dk_b = default(ca, owned_a), default(cb, owned_b)
            follows = (pa is not None and pb is not None
                       and (dk_a, dk_b) == (default(pa, owned_a), default(pb, owned_b)))
            if dk_a != dk_b and not follows:
                self.add("alter_column_default", path, old=_db_default(ca), new=_db_default(cb), **common)


def _table_or_none(schema: model.Schema, qualified: str | None) -> model.Table | None:
    try:
        return schema.table(qualified) if qualified else None
    except KeyError:
        return None


def _column_or_none(table: model.Table | None, name: str) -> model.Column | None:
    return next((c for c in table.columns if c.name == name), None) if table is not None else None


class _Comparer(_PostgresTables, _OptionsComparer, _ObjectsComparer, _SerialSequences, _PartitionColumns):
    def __init__(self, a: model.Schema, b: model.Schema, options: CompareOptions) -> None:
        self.a, self.b, self.options = a, b, options
        self.ctx = norm.context_for(a, b)
        self.caps_a, self.caps_b = norm.capabilities(a), norm.capabilities(b)
        self.caps = self.caps_a & self.caps_b
        self.sequence_owners_a, self.sequence_owners_b = _sequence_owners(a), _sequence_owners(b)
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
                label = norm.objects_label(having) if kind == "objects" else norm.KIND_LABELS.get(kind, kind)
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
                self._namespace_comment(name, na, nb)
        if "extensions" in self.caps:
            ext_a = {e.name: e for e in self.a.extensions}
            ext_b = {e.name: e for e in self.b.extensions}
            for n in sorted(set(ext_a) - set(ext_b)):
                self.add("drop_extension", n, name=n, old=ext_a[n], origin_old=ext_a[n].origin)
            for n in sorted(set(ext_b) - set(ext_a)):
                self.add("add_extension", n, name=n, new=ext_b[n], origin_new=ext_b[n].origin)
        self._objects(None, self.a.objects, self.b.objects)
        return self.changes

    def _whole_namespace(self, ns: model.Namespace, name: str, added: bool) -> None:
        empty = model.Namespace(name)
        if _is_empty(ns) and not self._keeps_empty_namespace(ns) and not self._holds_objects(ns):
            return  # an empty schema (PostgreSQL's public in a SQLite comparison) changes nothing
        self.add("add_namespace" if added else "drop_namespace", name, namespace=name,
                 new=ns if added else None, old=None if added else ns)
        if added:
            self._namespace(name, empty, ns)
        else:
            self._namespace(name, ns, empty)

    def _namespace(self, ns: str, na: model.Namespace, nb: model.Namespace) -> None:
        owned_a, owned_b = norm.owned_sequences(na), norm.owned_sequences(nb)
        tables_b = {norm.name_key(t.name, self.ctx): t for t in self._comparable_tables(nb)}
        tables_a = {norm.name_key(t.name, self.ctx): t for t in self._comparable_tables(na)}
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
                self._index_attachments(ns, None, tb)
        if self.options.detect_renames:
            self._possible_table_renames(ns, [t for k, t in tables_a.items() if k not in tables_b],
                                         [t for k, t in tables_b.items() if k not in tables_a])
        self._enums(ns, na, nb)
        if "views" in self.caps:
            self._simple(ns, na.views, nb.views, "view", norm.view_key)
        if "sequences" in self.caps:
            # OWNED BY is part of a standalone sequence's key: it decides what drops it.
            self._simple(ns, norm.standalone_sequences(na), norm.standalone_sequences(nb),
                         "sequence", lambda s: (norm.sequence_key(s), s.owned_by))
        self._serial_sequences(ns, na, nb)
        self._namespace_extras(ns, na, nb)
        self._objects(ns, na.objects, nb.objects)

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
        # SERIAL's sequence is the one its own table owns: a partition's column drawing from
        # its parent's sequence, or any column drawing from another table's, is not serial.
        owned_a = _owned_by_table(self.sequence_owners_a, owned_a, ta.name)
        owned_b = _owned_by_table(self.sequence_owners_b, owned_b, tb.name)
        pk_a = set(ta.primary_key.columns) if ta.primary_key else set()
        pk_b = set(tb.primary_key.columns) if tb.primary_key else set()

        cols_a = {norm.name_key(c.name, self.ctx): c for c in self._compared_columns(ta, tb)}
        cols_b = {norm.name_key(c.name, self.ctx): c for c in self._compared_columns(tb, ta)}
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
        self._postgres_table(tpath, base, ta, tb)
        self._partition_columns(tpath, base, ta, tb)
        self._table_extras(tpath, base, ta, tb)

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
        if self.options.client_defaults and _client_generator(ca) != _client_generator(cb):
            self.add("alter_column_client_default", path, old=_client_generator(ca) or "none",
                     new=_client_generator(cb) or "none", **common)
        if "generated" in self.caps and norm.expression_key(ca.generated) != norm.expression_key(cb.generated):
            self.add("alter_column_generated", path, old=ca.generated, new=cb.generated, **common)
        if "comments" in self.caps and (ca.comment or None) != (cb.comment or None):
            self.add("alter_column_comment", path, old=ca.comment, new=cb.comment, **common)
        if "collations" in self.caps and not ctx.cross_dialect and ca.collation != cb.collation:
            self.add("alter_column_collation", path, old=ca.collation or "default", new=cb.collation or "default", **common)

    def _primary_key(self, tpath: str, base: dict, ta: model.Table, tb: model.Table) -> None:
        pa, pb = ta.primary_key, tb.primary_key
        if pa is None and pb is None:
            return
        cols = lambda pk: tuple(norm.name_key(c, self.ctx) for c in pk.columns)  # noqa: E731
        label = lambda pk: pk.name or f"({','.join(pk.columns)})"  # noqa: E731
        if pa is not None and pb is not None and cols(pa) == cols(pb):
            self._constraint_extras(tpath, base, "primary_key", pa, pb)
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
            return (k[0], k[1], tuple((norm.name_key(e[0], self.ctx),) + e[1:] for e in k[2]), k[3], k[4],
                    norm.unique_nulls_key(obj, self._ocaps), norm.index_extras_key(obj, self._index_caps))

        def name(entry: tuple[str, Any]) -> str | None:
            return norm.name_key(entry[1].name, self.ctx)

        pairs, only_a, only_b = _match(entries(ta, self.caps_a), entries(tb, self.caps_b), name, key)
        for ea, eb in pairs:
            if key(ea) != key(eb):
                only_a.append(ea)
                only_b.append(eb)
            elif ea[1].name and eb[1].name and name(ea) != name(eb) and ea[0] == eb[0]:
                # (Of a constraint that becomes an index or back, alter_unique_kind drops FROM's
                # object under its own name and makes TO's: no rename before it.)
                self.add("rename_constraint", f"{tpath}.{ea[1].name}", name=ea[1].name, old=ea[1].name, new=eb[1].name,
                         origin_old=ea[1].origin, origin_new=eb[1].origin, context=(("object", eb[0]),), **base)
        for ea, eb in pairs:
            if key(ea) == key(eb):
                self._unique_extras(tpath, base, ea, eb)
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
        for oa, ob in pairs:
            if key(oa) == key(ob):
                self._constraint_extras(tpath, base, what, oa, ob)
        for obj in only_a:
            self.add(f"drop_{what}", f"{tpath}.{_label(obj)}", name=obj.name, old=obj, origin_old=obj.origin, **base)
        for obj in only_b:
            self.add(f"add_{what}", f"{tpath}.{_label(obj)}", name=obj.name, new=obj, origin_new=obj.origin, **base)


def _logged(t: model.Table) -> str:
    return "UNLOGGED" if t.unlogged else "LOGGED"


def _options(t: model.Table) -> str:
    return "(" + ", ".join(sorted(t.options)) + ")" if t.options else "none"


def _count_postgres_tables(ns: model.Namespace, kind: str) -> int:
    """How many objects of a POSTGRES_TABLE_KINDS kind `ns` holds (for Diff.not_modeled)."""
    tables = ns.tables
    if kind == "exclusions":
        return sum(len(t.exclusions) for t in tables)
    if kind == "partitions":
        return sum(1 for t in tables if t.partition_of or t.partition_by)
    if kind == "table_options":
        return (sum(1 for t in tables if t.unlogged or t.replica_identity or t.options)
                + sum(1 for t in tables for i in t.indexes if i.options)
                + sum(1 for v in ns.views for i in v.indexes if i.options))
    if kind == "row_security":
        return sum(1 for t in tables if t.row_security or t.force_row_security)
    if kind == "collations":
        # A partition's columns are its parent's: counted once, there.
        return (sum(1 for t in tables if not t.partition_of for c in t.columns if c.collation)
                + sum(1 for t in tables for i in t.indexes if any(e.collation for e in i.elements))
                + sum(1 for v in ns.views for i in v.indexes if any(e.collation for e in i.elements)))
    return 0


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


def _client_generator(col: model.Column) -> str | None:
    from migrator.defaults import client_generator

    return client_generator(col.default.value) if col.default is not None and col.default.kind == "client" else None


def _db_default(col: model.Column) -> model.Default | None:
    return col.default if col.default is not None and col.default.kind != "client" else None


def _is_empty(ns: model.Namespace) -> bool:
    return not (ns.tables or ns.enums or ns.views or norm.standalone_sequences(ns))


def _count(schema: model.Schema, kind: str) -> int:
    if kind in norm.OPTION_KINDS:
        return _count_options(schema, kind)
    total = 0
    for ns in schema.namespaces:
        if kind == "checks":
            total += sum(len(t.checks) for t in ns.tables)
        elif kind == "views":
            total += len(ns.views)
        elif kind == "sequences":
            total += len(norm.standalone_sequences(ns))
        elif kind == "comments":
            total += sum(1 for t in ns.tables if t.comment) + sum(1 for t in ns.tables for c in t.columns if c.comment)
        elif kind == "generated":
            total += sum(1 for t in ns.tables for c in t.columns if c.generated)
        elif kind == "enums":
            total += len(ns.enums)
        elif kind == "indexes":
            total += sum(1 for t in ns.tables for i in t.indexes if not i.unique)
        elif kind in norm.POSTGRES_TABLE_KINDS:
            total += _count_postgres_tables(ns, kind)
    if kind == "extensions":
        total = len(schema.extensions)
    if kind == "objects":
        total = sum(len(ns.objects) for ns in schema.namespaces) + len(schema.objects)
    return total

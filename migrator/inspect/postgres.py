"""`postgresql://...`: read a live PostgreSQL database into the schema model.

The catalog is read with one query per object kind (namespaces, tables, enums,
sequences, columns, constraints, operator classes, indexes, views, extensions, and the
options and comments of each), never one query per table: a fixed number of round trips
(about twenty) whatever the size of the database (1,000 tables read in
about 0.25 s). Everything runs in one READ ONLY transaction with a statement timeout; it
is always rolled back, so inspection can neither write nor leave settings behind on a
connection it was given.

Public entry points: `inspect_url` and `inspect_connection` (the SQL source applies
migrations to a scratch database and reads it back with them, under its own label),
`connect` and `masked` (a URL with its password removed, for messages and origins).

Choices this reader makes (the other sources follow the same model conventions):

- Namespaces: every schema except pg_catalog, information_schema, pg_toast* and pg_temp*,
  filtered by InspectOptions.schemas / exclude_schemas. Existing but empty schemas are
  listed (an empty "public" included). A schema other than "public" whose every table,
  enum, view and sequence was left out because it is migration bookkeeping or belongs to an
  extension (drizzle's "drizzle" schema, a hosted database's "extensions" schema) is left
  out with them, unless it was asked for by name. Schemas that are themselves extension
  members are left out unless include_extension_objects. A schema that holds only
  functions or other objects the model has no place for is listed empty.
- Tables: ordinary (relkind r) and partitioned (relkind p) tables. A partitioned table has
  Table.partition_by (pg_get_partkeydef: "RANGE (at)"); each partition, sub-partitions
  included, is a table of its own with partition_of ("schema.parent") and partition_bound
  (pg_get_expr(relpartbound): "FOR VALUES ...", "DEFAULT"), its columns, and only the keys,
  indexes and checks it has of its own: what it inherits from its parent (constraints with
  conparentid <> 0, indexes attached to a parent index, checks with coninhcount > 0) is
  listed once, on the parent; which of its indexes each parent index has attached is
  Table.index_attachments (name and parent index). Foreign tables are not read.
- Table options come with the tables (Q_TABLES): UNLOGGED (relpersistence 'u'), ENABLE and
  FORCE ROW LEVEL SECURITY, REPLICA IDENTITY (None for DEFAULT, "full", "nothing",
  "index <name>") and storage parameters (reloptions, sorted). Column.collation is the
  column's COLLATE when it differs from its type's (pg_catalog's unqualified: "C";
  others "schema.name").
- Types go through migrator.types.parse_type(format_type(...), "postgresql"); enum columns
  and arrays of enums are recognised from pg_type (enums of every schema, so a column may
  use an enum from a filtered-out schema) and become types.enum_type("schema.name").
- Defaults go through migrator.defaults.classify_default with the search path pinned to
  "public" for the transaction, so names render qualified unless they live in public.
  Identity columns have identity=Identity(...) with the real start/increment and no default;
  serial columns have Default("sequence", "schema.seq").
- Sequences: a sequence owned by a serial column (pg_depend 'a') is listed with
  owned_by="table.column" so a diff can ignore it; sequences that implement identity
  columns (pg_depend 'i') are NOT listed, their parameters are on Column.identity.
  Sequence.min_value/max_value are None when they are the defaults for the sequence's type
  and direction.
- Indexes that implement a primary key, unique or exclusion constraint are not listed.
  Exclusion constraints (Q_EXCLUSIONS) are read with their index: each key a column or the
  expression pg_get_indexdef prints for it (conkey holds 0 for an expression), opclass and
  order, operators from conexclop (qualified outside pg_catalog), method, predicate,
  INCLUDE columns, DEFERRABLE and comment.
- Extensions: every row of pg_extension except plpgsql in pg_catalog, which initdb puts in
  every database. Objects that belong to extensions (pg_depend 'e') and the bookkeeping
  tables (_prisma_migrations, __drizzle_migrations, alembic_version, in any schema) are left
  out unless InspectOptions.include_extension_objects / include_bookkeeping.
- View definitions are pg_get_viewdef(oid, true) without surrounding blanks and trailing ';'.
- Fingerprints (Q_FINGERPRINTS, one round trip for all kinds): functions, procedures,
  aggregates, triggers, policies, rules, domains, composite and range types, collations,
  operators, statistics, text search objects, foreign tables, grants and default
  privileges in Namespace.objects; event triggers, publications, servers, wrappers and
  casts in Schema.objects. Each is a DatabaseObject whose digest covers its catalog
  definition, privileges and comment, never its owner or an oid (docs/fingerprints.md).
  View.depends_on names the tables and views a view reads (its _RETURN rule's pg_depend
  rows, one query for all views), so DDL can drop and create views in dependency order.
- Options and comments (queries of their own, read after the objects they complete):
  DEFERRABLE/INITIALLY DEFERRED, NOT VALID, NO INHERIT, MATCH FULL and NULLS NOT DISTINCT
  (PostgreSQL 15+) on constraints; NULLS NOT DISTINCT, storage parameters (Index.options:
  reloptions, sorted) and each key's COLLATE when not the key's own (IndexElement.collation)
  on indexes; comments on constraints,
  indexes, views, sequences, enum types and schemas ("public"'s initdb comment "standard
  public schema" is no comment); Sequence.cache; an identity's MINVALUE/MAXVALUE/CACHE/CYCLE
  on Column.identity, None (False) when the default for its type and direction; view
  reloptions, sorted; materialized views' indexes, read as a table's are.
"""

from __future__ import annotations

import dataclasses
import re
from collections import defaultdict
from typing import TYPE_CHECKING, Any

from migrator import defaults as pgdefaults
from migrator import schema as model
from migrator import types as pgtypes
from migrator.errors import BadInput, ConnectionFailed, MigratorError
from migrator.inspect import InspectOptions, keep_namespace, keep_table, register
from migrator.sqltext import mask_url, redact, unwrap_parens, url_secrets

if TYPE_CHECKING:
    import psycopg

DIALECT = "postgresql"
CONNECT_TIMEOUT_SECONDS = 10
STATEMENT_TIMEOUT = "120s"
LOCK_TIMEOUT = "10s"
# Names in pg_get_expr/format_type output are qualified unless visible on this path.
SEARCH_PATH = "public"

SYSTEM_SCHEMA_PREFIXES = ("pg_toast", "pg_temp")
SYSTEM_SCHEMAS = frozenset({"pg_catalog", "information_schema"})

_REFERENTIAL_ACTIONS = {
    "a": "NO ACTION",
    "r": "RESTRICT",
    "c": "CASCADE",
    "n": "SET NULL",
    "d": "SET DEFAULT",
}
assert set(_REFERENTIAL_ACTIONS.values()) == set(model.REFERENTIAL_ACTIONS)

_IDENTITY = {"a": "always", "d": "by_default"}

# (min, max) PostgreSQL gives a sequence of each type when none is declared.
_SEQUENCE_BOUNDS = {
    "smallint": (-(2**15), 2**15 - 1),
    "integer": (-(2**31), 2**31 - 1),
    "bigint": (-(2**63), 2**63 - 1),
}

# ---------------------------------------------------------------------------
# Catalog queries. Each reads one object kind for every table in scope at once.
# Extension members are flagged rather than filtered, so the reader can tell a schema
# that held only extension objects from one that was empty.


def _extension_member(catalog: str, oid: str) -> str:
    """SQL for "this object belongs to an extension" (a pg_depend row of type 'e')."""
    return (
        f"EXISTS (SELECT 1 FROM pg_catalog.pg_depend dep WHERE dep.classid = 'pg_catalog.{catalog}'::regclass"
        f" AND dep.objid = {oid} AND dep.deptype = 'e')"
    )


Q_SETUP = """
SELECT set_config('statement_timeout', %(statement_timeout)s, true),
       set_config('lock_timeout', %(lock_timeout)s, true),
       set_config('search_path', %(search_path)s, true)
"""
# JIT off for our transaction (PostgreSQL 11+ has it): the catalog queries are short, but the
# planner's cost estimate for the UNION of Q_FINGERPRINTS passes jit_above_cost, and compiling
# it took 170 ms of a 1,000-table inspect whose queries otherwise run in 20 ms.
Q_SETUP_JIT = Q_SETUP.rstrip() + ",\n       set_config('jit', 'off', true)\n"

Q_NAMESPACES = f"""
SELECT n.oid, n.nspname, {_extension_member('pg_namespace', 'n.oid')}
FROM pg_catalog.pg_namespace n
"""

# Table options and partitioning, appended to Q_TABLES's row (see _Reader._table_options):
# persistence, row level security, replica identity (with its index), storage
# parameters, a partitioned table's key and a partition's parent and bound.
Q_TABLE_OPTIONS_COLUMNS = """c.relpersistence = 'u', c.relrowsecurity, c.relforcerowsecurity, c.relreplident,
       (SELECT ri.relname FROM pg_catalog.pg_index i JOIN pg_catalog.pg_class ri ON ri.oid = i.indexrelid
        WHERE i.indrelid = c.oid AND i.indisreplident),
       c.reloptions,
       CASE WHEN c.relkind = 'p' THEN pg_catalog.pg_get_partkeydef(c.oid) END,
       CASE WHEN c.relispartition THEN
           (SELECT pn.nspname || '.' || pc.relname FROM pg_catalog.pg_inherits inh
            JOIN pg_catalog.pg_class pc ON pc.oid = inh.inhparent
            JOIN pg_catalog.pg_namespace pn ON pn.oid = pc.relnamespace
            WHERE inh.inhrelid = c.oid) END,
       CASE WHEN c.relispartition THEN pg_catalog.pg_get_expr(c.relpartbound, c.oid, true) END"""

Q_TABLES = f"""
SELECT c.oid, c.relnamespace, c.relname, c.relispartition, d.description,
       {_extension_member('pg_class', 'c.oid')},
       {Q_TABLE_OPTIONS_COLUMNS}
FROM pg_catalog.pg_class c
LEFT JOIN pg_catalog.pg_description d
       ON d.objoid = c.oid AND d.classoid = 'pg_catalog.pg_class'::regclass AND d.objsubid = 0
WHERE c.relkind IN ('r', 'p')
  AND c.relnamespace = ANY(%(namespaces)s::oid[])
"""

# Every enum of the database: columns may use an enum from a schema that is filtered out.
Q_ENUMS = f"""
SELECT t.oid, t.typnamespace, n.nspname, t.typname,
       ARRAY(SELECT e.enumlabel FROM pg_catalog.pg_enum e
             WHERE e.enumtypid = t.oid ORDER BY e.enumsortorder),
       {_extension_member('pg_type', 't.oid')}
FROM pg_catalog.pg_type t
JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace
WHERE t.typtype = 'e'
"""

# Owner names by index lookup per sequence: joining pg_attribute would hash all of it.
Q_SEQUENCES = f"""
SELECT c.relnamespace, c.relname, pg_catalog.format_type(s.seqtypid, NULL),
       s.seqstart, s.seqincrement, s.seqmin, s.seqmax, s.seqcycle,
       own.deptype, own.refobjid, own.refobjsubid,
       (SELECT oc.relname FROM pg_catalog.pg_class oc WHERE oc.oid = own.refobjid),
       (SELECT oa.attname FROM pg_catalog.pg_attribute oa
        WHERE oa.attrelid = own.refobjid AND oa.attnum = own.refobjsubid),
       {_extension_member('pg_class', 'c.oid')}
FROM pg_catalog.pg_sequence s
JOIN pg_catalog.pg_class c ON c.oid = s.seqrelid
LEFT JOIN pg_catalog.pg_depend own
       ON own.classid = 'pg_catalog.pg_class'::regclass AND own.objid = c.oid
      AND own.refclassid = 'pg_catalog.pg_class'::regclass AND own.deptype IN ('a', 'i')
WHERE c.relnamespace = ANY(%(namespaces)s::oid[])
"""

# `collation` is set only when the column's differs from its type's (COLLATE "C" on a
# text column); pg_catalog's collations go unqualified.
# A column default cannot refer to columns, so it is deparsed without opening its table
# (relation 0), which halves the cost of this query; generated columns need the table.
# The last column is the type oid when it may be an enum (itself, or an array's element);
# the reader looks it up among the enums it has read.
Q_COLUMNS = """
SELECT a.attrelid, a.attnum, a.attname,
       pg_catalog.format_type(a.atttypid, a.atttypmod),
       a.attnotnull,
       CASE WHEN a.attgenerated = ''
            THEN pg_catalog.pg_get_expr(ad.adbin, 0)
            ELSE pg_catalog.pg_get_expr(ad.adbin, ad.adrelid, true) END,
       a.attidentity, a.attgenerated,
       d.description,
       CASE WHEN t.typtype = 'e' THEN t.oid WHEN t.typcategory = 'A' THEN t.typelem END,
       CASE WHEN a.attcollation <> t.typcollation THEN
           (SELECT CASE WHEN cn.nspname = 'pg_catalog' THEN co.collname ELSE cn.nspname || '.' || co.collname END
            FROM pg_catalog.pg_collation co JOIN pg_catalog.pg_namespace cn ON cn.oid = co.collnamespace
            WHERE co.oid = a.attcollation) END AS collation
FROM unnest(%(tables)s::oid[]) AS scope(oid)
JOIN pg_catalog.pg_attribute a ON a.attrelid = scope.oid
JOIN pg_catalog.pg_type t ON t.oid = a.atttypid
LEFT JOIN pg_catalog.pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
LEFT JOIN pg_catalog.pg_description d
       ON d.objoid = a.attrelid AND d.classoid = 'pg_catalog.pg_class'::regclass AND d.objsubid = a.attnum
WHERE a.attnum > 0 AND NOT a.attisdropped
ORDER BY a.attrelid, a.attnum
"""

# Exclusion constraints are read by Q_EXCLUSIONS. A partition's CHECK constraints that
# it inherits (coninhcount > 0; DETACH and ATTACH make them local as well) belong to its
# parent and are not listed on it.
# conparentid <> 0 rows are copies the server makes on partitions (including, for a
# foreign key that references a partitioned table, one per referenced partition).
Q_CONSTRAINTS = """
SELECT con.conrelid, con.conname, con.contype, con.conkey,
       fn.nspname, fc.relname,
       ARRAY(SELECT fa.attname
             FROM unnest(con.confkey) WITH ORDINALITY AS k(attnum, ord)
             JOIN pg_catalog.pg_attribute fa ON fa.attrelid = con.confrelid AND fa.attnum = k.attnum
             ORDER BY k.ord),
       con.confdeltype, con.confupdtype,
       CASE WHEN con.contype = 'c' THEN pg_catalog.pg_get_constraintdef(con.oid, true) END
FROM unnest(%(tables)s::oid[]) AS scope(oid)
JOIN pg_catalog.pg_constraint con ON con.conrelid = scope.oid
LEFT JOIN pg_catalog.pg_class fc ON fc.oid = con.confrelid
LEFT JOIN pg_catalog.pg_namespace fn ON fn.oid = fc.relnamespace
WHERE con.contype IN ('p', 'u', 'f', 'c') AND con.conparentid = 0
  AND (con.coninhcount = 0 OR NOT EXISTS (SELECT 1 FROM pg_catalog.pg_class pc
                                          WHERE pc.oid = con.conrelid AND pc.relispartition))
"""

# Operator classes an index key names only when it does not use its type's default.
Q_OPCLASSES = """
SELECT opc.oid, opc.opcname FROM pg_catalog.pg_opclass opc WHERE NOT opc.opcdefault
"""

# Indexes that implement a constraint of their own table are left out; a foreign key's
# conindid names the referenced table's index, hence the conrelid condition. An index a
# partition inherits from its parent's (relispartition) is the parent's, listed there.
Q_INDEXES = """
SELECT i.indrelid, ic.relname, i.indisunique, am.amname, i.indnkeyatts,
       i.indkey::int2[], i.indoption::int2[], i.indclass::oid[],
       pg_catalog.pg_get_expr(i.indpred, i.indrelid, true),
       CASE WHEN i.indexprs IS NOT NULL THEN
           ARRAY(SELECT CASE WHEN k.attnum = 0
                             THEN pg_catalog.pg_get_indexdef(i.indexrelid, k.ord::int, true) END
                 FROM unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord)
                 ORDER BY k.ord)
       END
FROM unnest(%(tables)s::oid[]) AS scope(oid)
JOIN pg_catalog.pg_index i ON i.indrelid = scope.oid
JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid
LEFT JOIN pg_catalog.pg_am am ON am.oid = ic.relam
WHERE NOT EXISTS (
    SELECT 1 FROM pg_catalog.pg_constraint con
    WHERE con.conindid = i.indexrelid AND con.conrelid = i.indrelid AND con.contype IN ('p', 'u', 'x'))
  AND NOT ic.relispartition
"""

# A partition's indexes attached to its parent's (pg_inherits of the index): the model keeps
# each one's name and the parent index's (IndexAttachment), since which index of a
# partition is attached — a local PRIMARY KEY's, or one PostgreSQL created — is not seen
# in the indexes listed on the parent.
Q_INDEX_ATTACHMENTS = """
SELECT i.indrelid, ic.relname, pc.relname
FROM unnest(%(tables)s::oid[]) AS scope(oid)
JOIN pg_catalog.pg_index i ON i.indrelid = scope.oid
JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid AND ic.relispartition
JOIN pg_catalog.pg_inherits inh ON inh.inhrelid = i.indexrelid
JOIN pg_catalog.pg_class pc ON pc.oid = inh.inhparent
ORDER BY 1, 3
"""

Q_VIEWS = f"""
SELECT c.relnamespace, c.relname, c.relkind = 'm', {_extension_member('pg_class', 'c.oid')},
       CASE WHEN %(ext)s OR NOT {_extension_member('pg_class', 'c.oid')}
            THEN pg_catalog.pg_get_viewdef(c.oid, true) END
FROM pg_catalog.pg_class c
WHERE c.relkind IN ('v', 'm')
  AND c.relnamespace = ANY(%(namespaces)s::oid[])
"""

# What each view reads, for every view at once: the view's _RETURN rule depends (pg_depend)
# on every table, view and materialized view its query names. Read for ordering only
# (View.depends_on); relations in schemas left out are named too.
Q_VIEW_DEPENDENCIES = """
SELECT DISTINCT v.relnamespace, v.relname, rn.nspname, r.relname
FROM pg_catalog.pg_class v
JOIN pg_catalog.pg_rewrite rw ON rw.ev_class = v.oid AND rw.rulename = '_RETURN'
JOIN pg_catalog.pg_depend d
     ON d.classid = 'pg_catalog.pg_rewrite'::regclass AND d.objid = rw.oid
    AND d.refclassid = 'pg_catalog.pg_class'::regclass AND d.refobjid <> v.oid
JOIN pg_catalog.pg_class r ON r.oid = d.refobjid AND r.relkind IN ('r', 'p', 'v', 'm', 'f')
JOIN pg_catalog.pg_namespace rn ON rn.oid = r.relnamespace
WHERE v.relkind IN ('v', 'm')
  AND v.relnamespace = ANY(%(namespaces)s::oid[])
"""

# ---------------------------------------------------------------------------
# Options and comments of constraints, indexes, sequences, identities, views, enums and
# schemas (issue 12): queries of their own, read after the objects they complete, each
# returning only the rows that differ from PostgreSQL's defaults where it can tell.

# indnullsnotdistinct exists from PostgreSQL 15; older servers have no such option.
_NULLS_NOT_DISTINCT = "i.indnullsnotdistinct"

Q_CONSTRAINT_OPTIONS = """
SELECT * FROM (
    SELECT con.conrelid, con.conname, con.contype, con.condeferrable, con.condeferred, con.convalidated,
           con.connoinherit, con.confmatchtype = 'f' AS match_full,
           COALESCE((SELECT {nnd} FROM pg_catalog.pg_index i
                     WHERE i.indexrelid = con.conindid AND con.contype = 'u'), false) AS nnd,
           d.description
    FROM unnest(%(tables)s::oid[]) AS scope(oid)
    JOIN pg_catalog.pg_constraint con ON con.conrelid = scope.oid
    LEFT JOIN pg_catalog.pg_description d
           ON d.objoid = con.oid AND d.classoid = 'pg_catalog.pg_constraint'::regclass AND d.objsubid = 0
    WHERE con.contype IN ('p', 'u', 'f', 'c') AND con.conparentid = 0
) q
WHERE q.condeferrable OR NOT q.convalidated OR q.connoinherit OR q.match_full OR q.nnd OR q.description IS NOT NULL
"""

# Also each index's storage parameters (reloptions) and, per key, its COLLATE when it is
# not the key's own: a column key's is the column's collation, an expression's its type's
# (an expression on a column with a COLLATE of its own then reads as COLLATE-d too, which
# says the same). Names as Q_COLUMNS writes them: pg_catalog's unqualified.
Q_INDEX_OPTIONS = """
SELECT * FROM (
    SELECT i.indrelid, ic.relname, {nnd} AS nnd, d.description, ic.reloptions,
           ARRAY(SELECT CASE WHEN k.coll <> 0 AND k.coll IS DISTINCT FROM (
                                 CASE WHEN k.attnum <> 0
                                      THEN (SELECT ta.attcollation FROM pg_catalog.pg_attribute ta
                                            WHERE ta.attrelid = i.indrelid AND ta.attnum = k.attnum)
                                      ELSE (SELECT xt.typcollation FROM pg_catalog.pg_attribute xa
                                            JOIN pg_catalog.pg_type xt ON xt.oid = xa.atttypid
                                            WHERE xa.attrelid = i.indexrelid AND xa.attnum = k.ord) END)
                             THEN (SELECT CASE WHEN cn.nspname = 'pg_catalog' THEN co.collname
                                               ELSE cn.nspname || '.' || co.collname END
                                   FROM pg_catalog.pg_collation co
                                   JOIN pg_catalog.pg_namespace cn ON cn.oid = co.collnamespace
                                   WHERE co.oid = k.coll) END
                 FROM unnest(i.indkey::int2[], i.indcollation::oid[]) WITH ORDINALITY AS k(attnum, coll, ord)
                 WHERE k.ord <= i.indnkeyatts ORDER BY k.ord) AS collations
    FROM unnest(%(tables)s::oid[]) AS scope(oid)
    JOIN pg_catalog.pg_index i ON i.indrelid = scope.oid
    JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid
    LEFT JOIN pg_catalog.pg_description d
           ON d.objoid = i.indexrelid AND d.classoid = 'pg_catalog.pg_class'::regclass AND d.objsubid = 0
) q
WHERE q.nnd OR q.description IS NOT NULL OR q.reloptions IS NOT NULL
   OR EXISTS (SELECT 1 FROM unnest(q.collations) AS c(name) WHERE c.name IS NOT NULL)
"""

# A sequence's cache and comment when not the defaults; an identity's sequence also its
# owner column and bounds, which become Column.identity's options.
Q_SEQUENCE_OPTIONS = """
SELECT c.relnamespace, c.relname, s.seqcache, d.description,
       own.refobjid, own.refobjsubid, pg_catalog.format_type(s.seqtypid, NULL),
       s.seqincrement, s.seqmin, s.seqmax, s.seqcycle
FROM pg_catalog.pg_sequence s
JOIN pg_catalog.pg_class c ON c.oid = s.seqrelid
LEFT JOIN pg_catalog.pg_depend own
       ON own.classid = 'pg_catalog.pg_class'::regclass AND own.objid = c.oid
      AND own.refclassid = 'pg_catalog.pg_class'::regclass AND own.deptype = 'i'
LEFT JOIN pg_catalog.pg_description d
       ON d.objoid = c.oid AND d.classoid = 'pg_catalog.pg_class'::regclass AND d.objsubid = 0
WHERE c.relnamespace = ANY(%(namespaces)s::oid[])
  AND (own.refobjid IS NOT NULL OR s.seqcache <> 1 OR d.description IS NOT NULL)
"""

# A view's reloptions and comment; a materialized view's column names too, for its indexes.
Q_VIEW_OPTIONS = """
SELECT c.oid, c.relnamespace, c.relname, c.relkind = 'm', c.reloptions, d.description,
       CASE WHEN c.relkind = 'm' THEN
           ARRAY(SELECT a.attnum FROM pg_catalog.pg_attribute a
                 WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum) END,
       CASE WHEN c.relkind = 'm' THEN
           ARRAY(SELECT a.attname FROM pg_catalog.pg_attribute a
                 WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum) END
FROM pg_catalog.pg_class c
LEFT JOIN pg_catalog.pg_description d
       ON d.objoid = c.oid AND d.classoid = 'pg_catalog.pg_class'::regclass AND d.objsubid = 0
WHERE c.relkind IN ('v', 'm')
  AND c.relnamespace = ANY(%(namespaces)s::oid[])
"""

# Comments of schemas and enum types (pg_type holds comments on every built-in type too).
Q_OBJECT_COMMENTS = """
SELECT 'n', d.objoid, NULL::name, d.description
FROM pg_catalog.pg_description d
WHERE d.classoid = 'pg_catalog.pg_namespace'::regclass AND d.objsubid = 0
  AND d.objoid = ANY(%(namespaces)s::oid[])
UNION ALL
SELECT 'e', t.typnamespace, t.typname, d.description
FROM pg_catalog.pg_type t
JOIN pg_catalog.pg_description d
  ON d.objoid = t.oid AND d.classoid = 'pg_catalog.pg_type'::regclass AND d.objsubid = 0
WHERE t.typtype = 'e' AND t.typnamespace = ANY(%(namespaces)s::oid[])
"""

# initdb gives "public" this comment in every database; it says nothing about the schema.
_DEFAULT_PUBLIC_COMMENT = "standard public schema"

# Exclusion constraints with their index: keys (pg_get_indexdef per key column, for
# expressions), opclasses and sort options, operators (conexclop, qualified outside
# pg_catalog), predicate, INCLUDE columns and method.
Q_EXCLUSIONS = """
SELECT con.conrelid, con.conname, am.amname, i.indnkeyatts,
       i.indkey::int2[], i.indoption::int2[], i.indclass::oid[],
       pg_catalog.pg_get_expr(i.indpred, i.indrelid, true),
       ARRAY(SELECT pg_catalog.pg_get_indexdef(i.indexrelid, k, true)
             FROM generate_series(1, i.indnkeyatts::int) AS k ORDER BY k),
       ARRAY(SELECT CASE WHEN opn.nspname = 'pg_catalog' THEN op.oprname
                         ELSE 'OPERATOR(' || quote_ident(opn.nspname) || '.' || op.oprname || ')' END
             FROM unnest(con.conexclop) WITH ORDINALITY AS x(opr, ord)
             JOIN pg_catalog.pg_operator op ON op.oid = x.opr
             JOIN pg_catalog.pg_namespace opn ON opn.oid = op.oprnamespace
             ORDER BY x.ord),
       con.condeferrable, con.condeferred, d.description
FROM unnest(%(tables)s::oid[]) AS scope(oid)
JOIN pg_catalog.pg_constraint con ON con.conrelid = scope.oid
JOIN pg_catalog.pg_index i ON i.indexrelid = con.conindid
JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid
LEFT JOIN pg_catalog.pg_am am ON am.oid = ic.relam
LEFT JOIN pg_catalog.pg_description d
       ON d.objoid = con.oid AND d.classoid = 'pg_catalog.pg_constraint'::regclass AND d.objsubid = 0
WHERE con.contype = 'x' AND con.conparentid = 0
"""

Q_EXTENSIONS = """
SELECT e.extname, n.nspname, e.extversion
FROM pg_catalog.pg_extension e
JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace
"""

# ---------------------------------------------------------------------------
# Fingerprints (issue 12): every object kind the model has no structure for, as a
# model.DatabaseObject whose digest is a hash of a canonical definition text, so that a
# diff sees a changed function body, trigger, policy or grant instead of saying "no
# drift". One constant per kind, all sent as one UNION ALL statement: one round trip
# whatever the number of kinds or objects. Every branch returns the same columns:
#   namespace oid (NULL: database-wide, Schema.objects), kind, name, definition,
#   privileges (NULL: not an object with its own ACL), comment, table (the table an object
#   belongs to, so bookkeeping tables' objects are left out with them; NULL for others).
# Definitions name no oids, owners or the database: owners differ between environments,
# so an ACL is read without the owner's own entry and without grantors. Names outside the
# pinned search path ("public") come out qualified. Objects the server makes by itself
# (array and row types, a range's constructors, constraint triggers, a view's _RETURN
# rule, triggers cloned onto partitions) and extension members are not fingerprinted.

# The first ordinary object id (FirstNormalObjectId): casts below it are initdb's.
_FIRST_NORMAL_OID = 16384

_ENABLED = """CASE {col} WHEN 'D' THEN ' DISABLED' WHEN 'R' THEN ' ENABLE REPLICA' WHEN 'A' THEN ' ENABLE ALWAYS' ELSE '' END"""


def _privileges(acl: str, objtype: str, owner: str) -> str:
    """SQL for an ACL as sorted text ("PUBLIC EXECUTE; app INSERT,SELECT*"), NULL when empty.

    A NULL ACL is the object type's default (acldefault), so revoking PUBLIC's EXECUTE on a
    function is seen. The owner's own entry and the grantors are left out: owners differ
    between environments. `*` marks WITH GRANT OPTION.
    """
    return f"""(SELECT pg_catalog.string_agg(g.entry, '; ' ORDER BY g.entry) FROM (
        SELECT CASE WHEN x.grantee = 0 THEN 'PUBLIC'
                    ELSE pg_catalog.quote_ident(pg_catalog.pg_get_userbyid(x.grantee)) END || ' '
               || pg_catalog.string_agg(DISTINCT x.privilege_type || CASE WHEN x.is_grantable THEN '*' ELSE '' END, ','
                                        ORDER BY x.privilege_type || CASE WHEN x.is_grantable THEN '*' ELSE '' END) AS entry
        FROM pg_catalog.aclexplode(COALESCE({acl}, pg_catalog.acldefault({objtype}, {owner}))) AS x
        WHERE x.grantee <> {owner}
        GROUP BY x.grantee) AS g)"""


def _comment(catalog: str, oid: str) -> str:
    return (
        f"(SELECT d.description FROM pg_catalog.pg_description d WHERE d.objoid = {oid}"
        f" AND d.classoid = 'pg_catalog.{catalog}'::regclass AND d.objsubid = 0)"
    )


# FDW option names whose values are secrets (postgres_fdw/dblink `password`, `passfile`,
# `sslkey`, tokens of other wrappers): fingerprints keep the name and never the value.
_SECRET_OPTION = "(pass|secret|token|key|credential)"


def _fdw_options(options: str) -> str:
    """SQL for " OPTIONS (a 'b', …)" of an FDW options array, secret values masked, or ''."""
    return (
        f"COALESCE(' OPTIONS (' || (SELECT pg_catalog.string_agg(CASE WHEN pg_catalog.split_part(o, '=', 1) ~* '{_SECRET_OPTION}'"
        f" THEN pg_catalog.split_part(o, '=', 1) || '=***' ELSE o END, ', ')"
        f" FROM pg_catalog.unnest({options}) AS o) || ')', '')"
    )


def _not_member(catalog: str, oid: str) -> str:
    return f"(%(ext)s OR NOT {_extension_member(catalog, oid)})"


def _collation(oid: str) -> str:
    """SQL for a collation's name, qualified outside pg_catalog."""
    return (
        "(SELECT CASE WHEN cn.nspname = 'pg_catalog' THEN pg_catalog.quote_ident(co.collname)"
        " ELSE pg_catalog.quote_ident(cn.nspname) || '.' || pg_catalog.quote_ident(co.collname) END"
        " FROM pg_catalog.pg_collation co JOIN pg_catalog.pg_namespace cn ON cn.oid = co.collnamespace"
        f" WHERE co.oid = {oid})"
    )


# Functions, procedures and aggregates, named with their argument types: `f(integer, text)`.
# An aggregate has no pg_get_functiondef; its text is built from pg_aggregate. Functions
# with an internal dependency (a range type's constructors) are the server's.
Q_FP_FUNCTIONS = f"""
SELECT p.pronamespace, (CASE p.prokind WHEN 'p' THEN 'procedure' WHEN 'a' THEN 'aggregate' ELSE 'function' END)::text,
       (p.proname || '(' || pg_catalog.oidvectortypes(p.proargtypes) || ')')::text,
       CASE WHEN p.prokind = 'a' THEN
           'AGGREGATE ' || pg_catalog.quote_ident(p.proname) || '(' || pg_catalog.pg_get_function_arguments(p.oid)
           || ') RETURNS ' || pg_catalog.pg_get_function_result(p.oid)
           || ' STYPE ' || pg_catalog.format_type(ag.aggtranstype, NULL)
           || CASE WHEN ag.aggmtranstype <> 0 THEN ' MSTYPE ' || pg_catalog.format_type(ag.aggmtranstype, NULL) ELSE '' END
           || CASE WHEN ag.aggsortop <> 0 THEN ' SORTOP ' || ag.aggsortop::pg_catalog.regoperator::text ELSE '' END
           || ' PARALLEL ' || p.proparallel::text || ' '
           || (pg_catalog.to_jsonb(ag) - 'aggfnoid' - 'aggtranstype' - 'aggmtranstype' - 'aggsortop')::text
       ELSE pg_catalog.pg_get_functiondef(p.oid) END,
       {_privileges('p.proacl', "'f'", 'p.proowner')},
       {_comment('pg_proc', 'p.oid')}, NULL::name
FROM pg_catalog.pg_proc p
LEFT JOIN pg_catalog.pg_aggregate ag ON ag.aggfnoid = p.oid
WHERE p.pronamespace = ANY(%(namespaces)s::oid[])
  AND {_not_member('pg_proc', 'p.oid')}
  AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend dep WHERE dep.classid = 'pg_catalog.pg_proc'::regclass
                  AND dep.objid = p.oid AND dep.deptype = 'i')
"""

# The table-object queries go from their own few rows to their tables (LATERAL ... OFFSET 0,
# which the planner cannot turn around) and test extension membership there: joined the
# other way, every relation in scope is visited (30 ms on the 1,000-table benchmark, not 0.5).
# Triggers as `table.trigger`. Internal ones (foreign keys') and the copies a partitioned
# table's trigger puts on each partition (a partition dependency) are not the user's.
Q_FP_TRIGGERS = f"""
SELECT c.relnamespace, 'trigger'::text, (c.relname || '.' || t.tgname)::text,
       pg_catalog.pg_get_triggerdef(t.oid) || {_ENABLED.format(col='t.tgenabled')},
       NULL::text, {_comment('pg_trigger', 't.oid')}, c.relname
FROM pg_catalog.pg_trigger t
CROSS JOIN LATERAL (SELECT cl.relnamespace, cl.relname FROM pg_catalog.pg_class cl WHERE cl.oid = t.tgrelid OFFSET 0) AS c
WHERE NOT t.tgisinternal
  AND c.relnamespace = ANY(%(namespaces)s::oid[])
  AND {_not_member('pg_class', 't.tgrelid')}
  AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend dep WHERE dep.classid = 'pg_catalog.pg_trigger'::regclass
                  AND dep.objid = t.oid AND dep.deptype IN ('P', 'S', 'I'))
"""

# Row level security policies as `table.policy`.
Q_FP_POLICIES = f"""
SELECT c.relnamespace, 'policy'::text, (c.relname || '.' || pol.polname)::text,
       'POLICY AS ' || CASE WHEN pol.polpermissive THEN 'PERMISSIVE' ELSE 'RESTRICTIVE' END
       || ' FOR ' || CASE pol.polcmd WHEN 'r' THEN 'SELECT' WHEN 'a' THEN 'INSERT' WHEN 'w' THEN 'UPDATE'
                                    WHEN 'd' THEN 'DELETE' ELSE 'ALL' END
       || ' TO ' || (SELECT pg_catalog.string_agg(r.name, ', ' ORDER BY r.name) FROM (
                         SELECT CASE WHEN u.oid = 0 THEN 'PUBLIC'
                                     ELSE pg_catalog.quote_ident(pg_catalog.pg_get_userbyid(u.oid)) END AS name
                         FROM unnest(pol.polroles) AS u(oid)) AS r)
       || COALESCE(' USING (' || pg_catalog.pg_get_expr(pol.polqual, pol.polrelid) || ')', '')
       || COALESCE(' WITH CHECK (' || pg_catalog.pg_get_expr(pol.polwithcheck, pol.polrelid) || ')', ''),
       NULL::text, {_comment('pg_policy', 'pol.oid')}, c.relname
FROM pg_catalog.pg_policy pol
CROSS JOIN LATERAL (SELECT cl.relnamespace, cl.relname FROM pg_catalog.pg_class cl WHERE cl.oid = pol.polrelid OFFSET 0) AS c
WHERE c.relnamespace = ANY(%(namespaces)s::oid[])
  AND {_not_member('pg_class', 'pol.polrelid')}
"""

# Rewrite rules as `table.rule`; a view's _RETURN rule is the view itself.
Q_FP_RULES = f"""
SELECT c.relnamespace, 'rule'::text, (c.relname || '.' || r.rulename)::text,
       pg_catalog.pg_get_ruledef(r.oid) || {_ENABLED.format(col='r.ev_enabled')},
       NULL::text, {_comment('pg_rewrite', 'r.oid')}, c.relname
FROM pg_catalog.pg_rewrite r
CROSS JOIN LATERAL (SELECT cl.relnamespace, cl.relname FROM pg_catalog.pg_class cl WHERE cl.oid = r.ev_class OFFSET 0) AS c
WHERE r.rulename <> '_RETURN'
  AND c.relnamespace = ANY(%(namespaces)s::oid[])
  AND {_not_member('pg_class', 'r.ev_class')}
"""

# Domains (kind "domain") and stand-alone composite and range types (kind "type"). Enums
# are modeled; array types, table row types and multiranges are made by the server.
Q_FP_TYPES = f"""
SELECT t.typnamespace, (CASE t.typtype WHEN 'd' THEN 'domain' ELSE 'type' END)::text, t.typname::text,
       CASE t.typtype
       WHEN 'd' THEN
           'DOMAIN AS ' || pg_catalog.format_type(t.typbasetype, t.typtypmod)
           || CASE WHEN t.typcollation <> bt.typcollation THEN ' COLLATE ' || {_collation('t.typcollation')} ELSE '' END
           || COALESCE(' DEFAULT ' || t.typdefault, '')
           || CASE WHEN t.typnotnull THEN ' NOT NULL' ELSE '' END
           || COALESCE((SELECT pg_catalog.string_agg(' CONSTRAINT ' || pg_catalog.quote_ident(con.conname) || ' '
                                                    || pg_catalog.pg_get_constraintdef(con.oid), '' ORDER BY con.conname)
                        FROM pg_catalog.pg_constraint con WHERE con.contypid = t.oid), '')
       WHEN 'c' THEN
           'COMPOSITE (' || COALESCE((
               SELECT pg_catalog.string_agg(pg_catalog.quote_ident(a.attname) || ' '
                                            || pg_catalog.format_type(a.atttypid, a.atttypmod)
                                            || CASE WHEN a.attcollation <> at.typcollation
                                                    THEN ' COLLATE ' || {_collation('a.attcollation')} ELSE '' END,
                                            ', ' ORDER BY a.attnum)
               FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_type at ON at.oid = a.atttypid
               WHERE a.attrelid = t.typrelid AND a.attnum > 0 AND NOT a.attisdropped), '') || ')'
       ELSE
           'RANGE (SUBTYPE = ' || pg_catalog.format_type(rng.rngsubtype, NULL)
           || ', SUBTYPE_OPCLASS = ' || (SELECT opc.opcname FROM pg_catalog.pg_opclass opc WHERE opc.oid = rng.rngsubopc)
           || CASE WHEN rng.rngcollation <> 0 THEN ', COLLATION = ' || {_collation('rng.rngcollation')} ELSE '' END
           || ', CANONICAL = ' || rng.rngcanonical::text || ', SUBTYPE_DIFF = ' || rng.rngsubdiff::text || ')'
       END,
       {_privileges('t.typacl', "'T'", 't.typowner')},
       {_comment('pg_type', 't.oid')}, NULL::name
FROM pg_catalog.pg_type t
LEFT JOIN pg_catalog.pg_type bt ON bt.oid = t.typbasetype
LEFT JOIN pg_catalog.pg_range rng ON rng.rngtypid = t.oid
WHERE t.typtype IN ('d', 'r', 'c')
  AND t.typnamespace = ANY(%(namespaces)s::oid[])
  -- a composite type of its own, not a table's row type: found from pg_class's few relkind 'c' rows
  AND (t.typtype <> 'c' OR t.typrelid = ANY(ARRAY(SELECT tc.oid FROM pg_catalog.pg_class tc WHERE tc.relkind = 'c')))
  AND {_not_member('pg_type', 't.oid')}
"""

# Collations: every column of pg_collation but its oid, name, schema, owner and the
# library version (collversion differs between hosts of one database).
Q_FP_COLLATIONS = f"""
SELECT co.collnamespace, 'collation'::text, co.collname::text,
       (pg_catalog.to_jsonb(co) - 'oid' - 'collname' - 'collnamespace' - 'collowner' - 'collversion')::text,
       NULL::text, {_comment('pg_collation', 'co.oid')}, NULL::name
FROM pg_catalog.pg_collation co
WHERE co.collnamespace = ANY(%(namespaces)s::oid[])
  AND {_not_member('pg_collation', 'co.oid')}
"""

# Operators as `name(left, right)`, NONE for a prefix operator's missing left side.
Q_FP_OPERATORS = f"""
SELECT o.oprnamespace, 'operator'::text,
       (o.oprname || '(' || CASE WHEN o.oprleft = 0 THEN 'NONE' ELSE pg_catalog.format_type(o.oprleft, NULL) END
        || ', ' || CASE WHEN o.oprright = 0 THEN 'NONE' ELSE pg_catalog.format_type(o.oprright, NULL) END || ')')::text,
       'OPERATOR (FUNCTION = ' || o.oprcode::oid::pg_catalog.regprocedure::text
       || ', RETURNS ' || pg_catalog.format_type(o.oprresult, NULL)
       || CASE WHEN o.oprcom <> 0 THEN ', COMMUTATOR = ' || o.oprcom::pg_catalog.regoperator::text ELSE '' END
       || CASE WHEN o.oprnegate <> 0 THEN ', NEGATOR = ' || o.oprnegate::pg_catalog.regoperator::text ELSE '' END
       || ', RESTRICT = ' || o.oprrest::text || ', JOIN = ' || o.oprjoin::text
       || CASE WHEN o.oprcanhash THEN ', HASHES' ELSE '' END || CASE WHEN o.oprcanmerge THEN ', MERGES' ELSE '' END || ')',
       NULL::text, {_comment('pg_operator', 'o.oid')}, NULL::name
FROM pg_catalog.pg_operator o
WHERE o.oprnamespace = ANY(%(namespaces)s::oid[])
  AND {_not_member('pg_operator', 'o.oid')}
"""

# Extended statistics (CREATE STATISTICS).
Q_FP_STATISTICS = f"""
SELECT s.stxnamespace, 'statistics'::text, s.stxname::text,
       pg_catalog.pg_get_statisticsobjdef(s.oid), NULL::text, {_comment('pg_statistic_ext', 's.oid')}, c.relname
FROM pg_catalog.pg_statistic_ext s
JOIN pg_catalog.pg_class c ON c.oid = s.stxrelid
WHERE s.stxnamespace = ANY(%(namespaces)s::oid[])
  AND {_not_member('pg_statistic_ext', 's.oid')}
"""

# Text search configurations (parser and token mappings) and dictionaries (template and options).
Q_FP_TEXT_SEARCH = f"""
SELECT cfg.cfgnamespace, 'text_search_configuration'::text, cfg.cfgname::text,
       'PARSER = ' || (SELECT pg_catalog.quote_ident(pn.nspname) || '.' || pg_catalog.quote_ident(prs.prsname)
                       FROM pg_catalog.pg_ts_parser prs JOIN pg_catalog.pg_namespace pn ON pn.oid = prs.prsnamespace
                       WHERE prs.oid = cfg.cfgparser)
       || COALESCE(' MAPPING ' || (SELECT pg_catalog.string_agg(m.maptokentype || ':' || m.mapseqno || '=' || m.mapdict::pg_catalog.regdictionary::text,
                                                                ', ' ORDER BY m.maptokentype, m.mapseqno)
                                   FROM pg_catalog.pg_ts_config_map m WHERE m.mapcfg = cfg.oid), ''),
       NULL::text, {_comment('pg_ts_config', 'cfg.oid')}, NULL::name
FROM pg_catalog.pg_ts_config cfg
WHERE cfg.cfgnamespace = ANY(%(namespaces)s::oid[])
  AND {_not_member('pg_ts_config', 'cfg.oid')}
UNION ALL
SELECT dict.dictnamespace, 'text_search_dictionary'::text, dict.dictname::text,
       'TEMPLATE = ' || (SELECT pg_catalog.quote_ident(tn.nspname) || '.' || pg_catalog.quote_ident(tm.tmplname)
                         FROM pg_catalog.pg_ts_template tm JOIN pg_catalog.pg_namespace tn ON tn.oid = tm.tmplnamespace
                         WHERE tm.oid = dict.dicttemplate)
       || COALESCE(' (' || dict.dictinitoption || ')', ''),
       NULL::text, {_comment('pg_ts_dict', 'dict.oid')}, NULL::name
FROM pg_catalog.pg_ts_dict dict
WHERE dict.dictnamespace = ANY(%(namespaces)s::oid[])
  AND {_not_member('pg_ts_dict', 'dict.oid')}
"""

# Foreign tables: columns with their options, server and options (the model reads none).
Q_FP_FOREIGN_TABLES = f"""
SELECT c.relnamespace, 'foreign_table'::text, c.relname::text,
       'FOREIGN TABLE (' || COALESCE((
           SELECT pg_catalog.string_agg(pg_catalog.quote_ident(a.attname) || ' ' || pg_catalog.format_type(a.atttypid, a.atttypmod)
                                        || CASE WHEN a.attnotnull THEN ' NOT NULL' ELSE '' END
                                        || {_fdw_options('a.attfdwoptions')},
                                        ', ' ORDER BY a.attnum)
           FROM pg_catalog.pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped), '')
       || ') SERVER ' || pg_catalog.quote_ident(srv.srvname)
       || {_fdw_options('ft.ftoptions')},
       NULL::text, {_comment('pg_class', 'c.oid')}, c.relname
FROM pg_catalog.pg_foreign_table ft
JOIN pg_catalog.pg_class c ON c.oid = ft.ftrelid
JOIN pg_catalog.pg_foreign_server srv ON srv.oid = ft.ftserver
WHERE c.relnamespace = ANY(%(namespaces)s::oid[])
  AND {_not_member('pg_class', 'c.oid')}
"""

# Grants: a table's, view's or sequence's privileges (and its columns') as kind "grant"
# named after it; a schema's as "(schema)". Only where an ACL was ever set (relacl or an
# attacl not NULL); a grant that leaves nothing but the owner's is no grant.
_RELATION_ACL_TYPE = """(CASE WHEN c.relkind = 'S' THEN 's' ELSE 'r' END)::"char\""""
Q_FP_GRANTS = f"""
SELECT c.relnamespace, 'grant'::text, c.relname::text,
       COALESCE('ON ' || CASE WHEN c.relkind = 'S' THEN 'SEQUENCE' ELSE 'TABLE' END || ': '
                || {_privileges('c.relacl', _RELATION_ACL_TYPE, 'c.relowner')}, '')
       || COALESCE((SELECT pg_catalog.string_agg('; COLUMN ' || pg_catalog.quote_ident(a.attname) || ': '
                                                 || {_privileges('a.attacl', "'c'", 'c.relowner')}, '' ORDER BY a.attname)
                    FROM pg_catalog.pg_attribute a
                    WHERE a.attrelid = c.oid AND a.attnum > 0 AND a.attacl IS NOT NULL), ''),
       NULL::text, NULL::text, c.relname
FROM (SELECT * FROM pg_catalog.pg_class  -- the few relations with an ACL, found by one scan
      WHERE relacl IS NOT NULL
         OR oid = ANY(ARRAY(SELECT a.attrelid FROM pg_catalog.pg_attribute a WHERE a.attacl IS NOT NULL AND a.attnum > 0))
      OFFSET 0) AS c
WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
  AND c.relnamespace = ANY(%(namespaces)s::oid[])
  AND {_not_member('pg_class', 'c.oid')}
UNION ALL
SELECT n.oid, 'grant'::text, '(schema)'::text,
       'ON SCHEMA: ' || {_privileges('n.nspacl', "'n'", 'n.nspowner')}, NULL::text, NULL::text, NULL::name
FROM pg_catalog.pg_namespace n
WHERE n.oid = ANY(%(namespaces)s::oid[]) AND n.nspacl IS NOT NULL
"""

# ALTER DEFAULT PRIVILEGES, per schema (or database-wide: defaclnamespace 0) and object
# type, merged over the roles they were set for (those roles are owners-to-be). A
# database-wide entry replaces the type's default, so an empty one ("none") is a
# difference too.
Q_FP_DEFAULT_PRIVILEGES = f"""
SELECT NULLIF(da.defaclnamespace, 0), 'default_privileges'::text,
       ('(' || CASE da.defaclobjtype WHEN 'r' THEN 'tables' WHEN 'S' THEN 'sequences' WHEN 'f' THEN 'functions'
                                      WHEN 'T' THEN 'types' WHEN 'n' THEN 'schemas' ELSE da.defaclobjtype::text END || ')')::text,
       'FOR ' || CASE da.defaclobjtype WHEN 'r' THEN 'TABLES' WHEN 'S' THEN 'SEQUENCES' WHEN 'f' THEN 'FUNCTIONS'
                                       WHEN 'T' THEN 'TYPES' WHEN 'n' THEN 'SCHEMAS' ELSE da.defaclobjtype::text END || ': '
       || COALESCE(pg_catalog.string_agg({_privileges('da.defaclacl', 'da.defaclobjtype', 'da.defaclrole')}, '; '
                                         ORDER BY {_privileges('da.defaclacl', 'da.defaclobjtype', 'da.defaclrole')}), 'none'),
       NULL::text, NULL::text, NULL::name
FROM pg_catalog.pg_default_acl da
WHERE da.defaclnamespace = 0 OR da.defaclnamespace = ANY(%(namespaces)s::oid[])
GROUP BY da.defaclnamespace, da.defaclobjtype
"""

# Database-wide kinds (namespace NULL): event triggers, publications (flags, tables and
# row filters; PostgreSQL 15 lists every column of a table without a column list, so
# columns are left out), foreign servers and data wrappers, user-defined casts (not those
# a range type makes for its multirange).
Q_FP_DATABASE = f"""
SELECT NULL::oid, 'event_trigger'::text, e.evtname::text,
       'ON ' || e.evtevent
       || COALESCE(' WHEN TAG IN (' || pg_catalog.array_to_string(ARRAY(SELECT x FROM unnest(e.evttags) AS x ORDER BY x), ', ') || ')', '')
       || ' EXECUTE FUNCTION ' || e.evtfoid::pg_catalog.regprocedure::text || {_ENABLED.format(col='e.evtenabled')},
       NULL::text, {_comment('pg_event_trigger', 'e.oid')}, NULL::name
FROM pg_catalog.pg_event_trigger e
WHERE {_not_member('pg_event_trigger', 'e.oid')}
UNION ALL
SELECT NULL::oid, 'publication'::text, p.pubname::text,
       (pg_catalog.to_jsonb(p) - 'oid' - 'pubname' - 'pubowner')::text
       || CASE WHEN p.puballtables THEN '' ELSE COALESCE(' TABLES ' || (
              SELECT pg_catalog.string_agg((pg_catalog.to_jsonb(pt) - 'pubname' - 'attnames')::text, ', '
                                           ORDER BY pt.schemaname, pt.tablename)
              FROM pg_catalog.pg_publication_tables pt WHERE pt.pubname = p.pubname), '') END,
       NULL::text, {_comment('pg_publication', 'p.oid')}, NULL::name
FROM pg_catalog.pg_publication p
UNION ALL
SELECT NULL::oid, 'server'::text, s.srvname::text,
       'FOREIGN DATA WRAPPER ' || pg_catalog.quote_ident(w.fdwname)
       || COALESCE(' TYPE ' || pg_catalog.quote_literal(s.srvtype), '')
       || COALESCE(' VERSION ' || pg_catalog.quote_literal(s.srvversion), '')
       || {_fdw_options('s.srvoptions')},
       {_privileges('s.srvacl', "'S'", 's.srvowner')}, {_comment('pg_foreign_server', 's.oid')}, NULL::name
FROM pg_catalog.pg_foreign_server s
JOIN pg_catalog.pg_foreign_data_wrapper w ON w.oid = s.srvfdw
WHERE {_not_member('pg_foreign_server', 's.oid')}
UNION ALL
SELECT NULL::oid, 'foreign_data_wrapper'::text, w.fdwname::text,
       'HANDLER ' || w.fdwhandler::pg_catalog.regproc::text || ' VALIDATOR ' || w.fdwvalidator::pg_catalog.regproc::text
       || {_fdw_options('w.fdwoptions')},
       {_privileges('w.fdwacl', "'F'", 'w.fdwowner')}, {_comment('pg_foreign_data_wrapper', 'w.oid')}, NULL::name
FROM pg_catalog.pg_foreign_data_wrapper w
WHERE {_not_member('pg_foreign_data_wrapper', 'w.oid')}
UNION ALL
SELECT NULL::oid, 'cast'::text,
       ('(' || pg_catalog.format_type(ca.castsource, NULL) || ' AS ' || pg_catalog.format_type(ca.casttarget, NULL) || ')')::text,
       CASE ca.castmethod WHEN 'f' THEN 'WITH FUNCTION ' || ca.castfunc::pg_catalog.regprocedure::text
                          WHEN 'i' THEN 'WITH INOUT' ELSE 'WITHOUT FUNCTION' END
       || CASE ca.castcontext WHEN 'i' THEN ' AS IMPLICIT' WHEN 'a' THEN ' AS ASSIGNMENT' ELSE '' END,
       NULL::text, {_comment('pg_cast', 'ca.oid')}, NULL::name
FROM pg_catalog.pg_cast ca
WHERE ca.oid >= {_FIRST_NORMAL_OID}
  AND {_not_member('pg_cast', 'ca.oid')}
  AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend dep WHERE dep.classid = 'pg_catalog.pg_cast'::regclass
                  AND dep.objid = ca.oid AND dep.deptype = 'i')
"""

FINGERPRINT_QUERIES = (
    Q_FP_FUNCTIONS, Q_FP_TRIGGERS, Q_FP_POLICIES, Q_FP_RULES, Q_FP_TYPES, Q_FP_COLLATIONS, Q_FP_OPERATORS,
    Q_FP_STATISTICS, Q_FP_TEXT_SEARCH, Q_FP_FOREIGN_TABLES, Q_FP_GRANTS, Q_FP_DEFAULT_PRIVILEGES, Q_FP_DATABASE,
)
# One statement, one round trip: the kinds' queries side by side.
Q_FINGERPRINTS = "\nUNION ALL\n".join(f"({q.strip()})" for q in FINGERPRINT_QUERIES)


# ---------------------------------------------------------------------------
# Connecting


def _driver_conninfo(url: str) -> str:
    """The URL libpq understands: `postgresql+psycopg://` loses its SQLAlchemy driver suffix."""
    return re.sub(r"^(postgres(?:ql)?)\+[A-Za-z0-9_]+://", r"\1://", url)


def masked(url: str) -> str:
    """The URL as it may appear in messages and origins (kept as a public name)."""
    return mask_url(url)


def _reason(exc: BaseException, secrets: list[str]) -> str:
    """The driver's message as one line, without libpq's connection preamble or secrets."""
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    # libpq repeats "connection to server at ... failed:" per address; the cause is last.
    text = lines[0] if lines else type(exc).__name__
    for line in lines:
        if "failed:" in line or line.startswith("FATAL"):
            text = line
    text = re.sub(r"^(connection failed|connection is bad):\s*", "", text)
    text = re.sub(r"^.*?\bfailed:\s*(?=\S)", "", text) if re.search(r"^connection to server", text) else text
    text = re.sub(r"^(FATAL|ERROR):\s+", "", text)
    return redact(" ".join(text.split()), *secrets) or type(exc).__name__


def _connect_error(exc: BaseException, url: str, secrets: list[str]) -> MigratorError:
    where = masked(url)
    reason = _reason(exc, secrets)
    lowered = reason.lower()
    db = re.search(r'database "([^"]*)" does not exist', reason)
    if db:
        return BadInput(f'database "{db.group(1)}" does not exist on {where}')
    if "invalid" in lowered and ("uri" in lowered or "connection option" in lowered or "conninfo" in lowered):
        return BadInput(f"invalid connection URL {where}: {reason}")
    if (
        "authentication failed" in lowered
        or "no password supplied" in lowered
        or "pg_hba.conf" in lowered
        or re.search(r'role "[^"]*" does not exist', reason)
    ):
        return ConnectionFailed(f"authentication failed for {where}: {reason}")
    return ConnectionFailed(f"could not connect to {where}: {reason}")


def connect(url: str) -> psycopg.Connection:
    """A psycopg connection for `url`, or a one-line BadInput/ConnectionFailed naming it."""
    import psycopg

    conninfo = _driver_conninfo(url)
    secrets = url_secrets(url)
    kwargs: dict[str, Any] = {"autocommit": True, "application_name": "migrator"}
    try:
        given = psycopg.conninfo.conninfo_to_dict(conninfo)
    except psycopg.Error as exc:
        raise _connect_error(exc, url, secrets) from None
    if "connect_timeout" not in given:
        kwargs["connect_timeout"] = CONNECT_TIMEOUT_SECONDS
    try:
        conn = psycopg.connect(conninfo, **kwargs)
    except psycopg.Error as exc:
        raise _connect_error(exc, url, secrets) from None
    conn.read_only = True
    return conn


# ---------------------------------------------------------------------------
# Public entry points


def inspect_url(url: str, options: InspectOptions, source_label: str | None = None) -> model.Schema:
    """Connect to `url` and read its schema; origins name `source_label` (default: the masked URL)."""
    label = source_label if source_label is not None else masked(url)
    conn = connect(url)
    try:
        return _inspect(conn, options, label, url_secrets(url))
    finally:
        conn.close()


def inspect_connection(conn: psycopg.Connection, options: InspectOptions, source_label: str) -> model.Schema:
    """Read the schema through an open connection, which is left as it was found.

    The reading runs in its own read-only transaction (a savepoint if the caller has one
    open, so the caller sees its own uncommitted objects) and is rolled back at the end.
    """
    return _inspect(conn, options, source_label, url_secrets(source_label))


def _inspect(conn: psycopg.Connection, options: InspectOptions, label: str, secrets: list[str]) -> model.Schema:
    import psycopg

    try:
        with conn.transaction(force_rollback=True):
            return _Reader(conn, options, label).read()
    except psycopg.Error as exc:
        if conn.broken or conn.closed:
            raise ConnectionFailed(f"lost the connection to {label}: {_reason(exc, secrets)}") from None
        raise MigratorError(f"could not read the catalog of {label}: {_reason(exc, secrets)}") from None


# ---------------------------------------------------------------------------
# The reader


def _zone_shift(default_text: str, sql_type: model.SqlType) -> bool:
    """A literal default cast to timestamp for a timestamptz column (or the other way round):
    the conversion happens at each insert, in that session's time zone, so the cast is part
    of what the default means and is kept (sqldef's `DEFAULT '0001-01-01'::timestamp
    without time zone` on a timestamptz column); the literal alone is a fixed instant."""
    if sql_type.name != "timestamp" or sql_type.array:
        return False
    text = default_text.rstrip().lower()
    other = "::timestamp without time zone" if sql_type.timezone else "::timestamp with time zone"
    return text.startswith("'") and text.endswith(other)


class _Table:
    """A table being assembled from several catalog queries."""

    __slots__ = ("ns", "name", "comment", "columns", "attnames", "pk", "uniques", "fks", "checks", "indexes",
                 "options", "exclusions")

    def __init__(self, ns: int, name: str, comment: str | None) -> None:
        self.ns = ns
        self.name = name
        self.comment = comment
        self.columns: list[model.Column] = []
        self.attnames: dict[int, str] = {}
        self.pk: model.PrimaryKey | None = None
        self.uniques: list[model.UniqueConstraint] = []
        self.fks: list[model.ForeignKey] = []
        self.checks: list[model.CheckConstraint] = []
        self.indexes: list[model.Index] = []
        self.options: dict[str, Any] = {}  # model.Table's option and partition fields (_table_options)
        self.exclusions: list[model.ExclusionConstraint] = []


class _OptionsReader:
    """The issue-12 part of the reader: options and comments, read after the objects they complete.

    Each method takes the rows of one query of its own and replaces the finished model
    objects (frozen dataclasses) with copies that carry the options.
    """

    conn: Any
    origin: model.Origin
    _rows: Any

    def _nulls_not_distinct_sql(self) -> str:
        return _NULLS_NOT_DISTINCT if self.conn.info.server_version >= 150000 else "false"

    def _constraint_options(self, tables: dict[int, _Table]) -> None:
        nnd = self._nulls_not_distinct_sql()
        found: dict[int, dict[tuple[str, str], dict[str, Any]]] = defaultdict(dict)
        for relid, name, kind, deferrable, deferred, validated, noinherit, match_full, nulls, comment in self._rows(
            Q_CONSTRAINT_OPTIONS.replace("{nnd}", nnd), tables=list(tables)
        ):
            flags: dict[str, Any] = {"comment": comment}
            if kind in ("p", "u", "f"):
                flags.update(deferrable=bool(deferrable), initially_deferred=bool(deferred))
            if kind == "u":
                flags["nulls_not_distinct"] = bool(nulls)
            if kind == "f":
                flags.update(not_valid=not validated, match_full=bool(match_full))
            if kind == "c":
                flags.update(not_valid=not validated, no_inherit=bool(noinherit))
            found[relid][(kind, name)] = flags
        for relid, by_name in found.items():
            t = tables.get(relid)
            if t is None:
                continue
            if t.pk is not None and ("p", t.pk.name) in by_name:
                t.pk = _with(t.pk, **by_name[("p", t.pk.name)])
            t.uniques = [_with(u, **by_name[("u", u.name)]) if ("u", u.name) in by_name else u for u in t.uniques]
            t.fks = [_with(f, **by_name[("f", f.name)]) if ("f", f.name) in by_name else f for f in t.fks]
            t.checks = [_with(c, **by_name[("c", c.name)]) if ("c", c.name) in by_name else c for c in t.checks]

    def _index_options(self, tables: dict[int, Any]) -> None:
        if not tables:
            return
        found: dict[int, dict[str, dict[str, Any]]] = defaultdict(dict)
        collations: dict[tuple[int, str], list[str | None]] = {}
        for relid, name, nulls, comment, reloptions, key_collations in self._rows(
            Q_INDEX_OPTIONS.replace("{nnd}", self._nulls_not_distinct_sql()), tables=list(tables)
        ):
            found[relid][name] = {"nulls_not_distinct": bool(nulls), "comment": comment,
                                  "options": tuple(sorted(reloptions or ()))}
            if any(key_collations or ()):
                collations[(relid, name)] = list(key_collations)
        for relid, by_name in found.items():
            t = tables.get(relid)
            if t is not None:
                t.indexes = [_with(i, **by_name[i.name]) if i.name in by_name else i for i in t.indexes]
                t.indexes = [_with(i, elements=_collated(i.elements, collations[(relid, i.name)]))
                             if (relid, i.name) in collations else i for i in t.indexes]

    def _sequence_options(self, tables: dict[int, _Table], sequences: dict[int, list[model.Sequence]]) -> None:
        plain: dict[int, dict[str, dict[str, Any]]] = defaultdict(dict)
        identity: dict[int, dict[str, dict[str, Any]]] = defaultdict(dict)
        for nsp, name, cache, comment, owner, attnum, data_type, increment, minv, maxv, cycle in self._rows(
            Q_SEQUENCE_OPTIONS, namespaces=list(self._namespace_oids)
        ):
            if owner is None:
                plain[nsp][name] = {"cache": int(cache), "comment": comment}
                continue
            t = tables.get(owner)
            column = t.attnames.get(attnum) if t is not None else None
            if column is None:
                continue
            low, high = _SEQUENCE_BOUNDS.get(data_type, (None, None))
            default_min, default_max = (1, high) if increment > 0 else (low, -1)
            identity[owner][column] = dict(
                min_value=None if minv == default_min else minv,
                max_value=None if maxv == default_max else maxv,
                cache=None if cache == 1 else cache,
                cycle=bool(cycle),
            )
        for nsp, by_name in plain.items():
            if nsp in sequences:
                sequences[nsp] = [_with(q, **by_name[q.name]) if q.name in by_name else q for q in sequences[nsp]]
        for owner, by_column in identity.items():
            t = tables[owner]
            t.columns = [
                _with(c, identity=_with(c.identity, **by_column[c.name]))
                if c.name in by_column and c.identity is not None else c
                for c in t.columns
            ]

    def _view_options(self, views: dict[int, list[model.View]], opclasses: dict[int, str]) -> None:
        rows = self._rows(Q_VIEW_OPTIONS, namespaces=list(self._namespace_oids))
        found: dict[tuple[int, str], tuple[tuple[str, ...], str | None]] = {}
        matviews: dict[int, _Table] = {}
        for oid, nsp, name, materialized, reloptions, comment, attnums, attnames in rows:
            found[(nsp, name)] = (tuple(sorted(reloptions or ())), comment)
            if materialized:
                mv = matviews[oid] = _Table(nsp, name, comment)
                mv.attnames = dict(zip(attnums or (), attnames or ()))
        if matviews:
            self._indexes(matviews, opclasses, self._rows(Q_INDEXES, tables=list(matviews)))
            self._index_options(matviews)
        indexes = {(mv.ns, mv.name): tuple(mv.indexes) for mv in matviews.values()}
        for nsp, items in views.items():
            views[nsp] = [
                _with(v, options=found.get((nsp, v.name), ((), None))[0], comment=found.get((nsp, v.name), ((), None))[1],
                      indexes=indexes.get((nsp, v.name), ()))
                for v in items
            ]

    def _object_comments(
        self, enums: dict[int, list[model.EnumType]]
    ) -> dict[int, str]:
        """Comments of enum types (set on them) and of schemas (returned by schema oid)."""
        namespace_comments: dict[int, str] = {}
        for kind, nsp, name, comment in self._rows(Q_OBJECT_COMMENTS, namespaces=list(self._namespace_oids)):
            if kind == "n":
                namespace_comments[nsp] = comment
            elif nsp in enums:
                enums[nsp] = [_with(e, comment=comment) if e.name == name else e for e in enums[nsp]]
        return namespace_comments

    @staticmethod
    def _namespace_comments(out: list[model.Namespace], comments: dict[int, str], namespaces: dict[int, str]) -> list[model.Namespace]:
        by_name = {name: comments.get(oid) for oid, name in namespaces.items()}
        result = []
        for ns in out:
            comment = by_name.get(ns.name)
            if ns.name == "public" and comment == _DEFAULT_PUBLIC_COMMENT:
                comment = None
            result.append(_with(ns, comment=comment) if comment else ns)
        return result


def _collated(elements: tuple[model.IndexElement, ...], collations: list[str | None]) -> tuple[model.IndexElement, ...]:
    """An index's keys with the COLLATE Q_INDEX_OPTIONS read for each (None: the key's own)."""
    return tuple(_with(e, collation=c) for e, c in zip(elements, list(collations) + [None] * len(elements)))


def _with(obj: Any, **changes: Any) -> Any:
    """`obj` with `changes`, the very object when nothing changes (keeps canonicalize cheap)."""
    if all(getattr(obj, k) == v for k, v in changes.items()):
        return obj
    return dataclasses.replace(obj, **changes)


class _Reader(_OptionsReader):
    STEPS = 20  # catalog queries, for progress reports (Q_FINGERPRINTS is one)

    def __init__(self, conn: psycopg.Connection, options: InspectOptions, label: str) -> None:
        self.conn = conn
        self.options = options
        self.label = label
        self.origin = model.Origin(source=label)
        self.notes: list[str] = []
        self.steps = 0
        self.ext = bool(options.include_extension_objects)
        self.dropped: dict[int, int] = defaultdict(int)  # namespace oid -> objects left out

    def _rows(self, sql: str, **params: Any) -> list[tuple]:
        rows = self.conn.execute(sql, params).fetchall()
        self.steps += 1
        if self.options.progress is not None:
            self.options.progress("reading the PostgreSQL catalog", self.steps, self.STEPS)
        return rows

    def read(self) -> model.Schema:
        conn = self.conn
        # First statement of our transaction (or savepoint): nothing below can write.
        conn.execute("SET TRANSACTION READ ONLY")
        conn.execute(
            Q_SETUP_JIT if conn.info.server_version >= 110000 else Q_SETUP,
            {"statement_timeout": STATEMENT_TIMEOUT, "lock_timeout": LOCK_TIMEOUT, "search_path": SEARCH_PATH},
        )
        namespaces = self._namespaces(self._rows(Q_NAMESPACES))
        ns_oids = list(namespaces)
        self._namespace_oids = ns_oids
        tables = self._tables(self._rows(Q_TABLES, namespaces=ns_oids))
        table_oids = list(tables)
        enum_names, enums = self._enums(namespaces, self._rows(Q_ENUMS))
        sequences, identities = self._sequences(tables, self._rows(Q_SEQUENCES, namespaces=ns_oids))
        self._columns(tables, enum_names, identities, self._rows(Q_COLUMNS, tables=table_oids))
        self._constraints(tables, self._rows(Q_CONSTRAINTS, tables=table_oids))
        self._constraint_options(tables)
        self._sequence_options(tables, sequences)
        opclasses = dict(self._rows(Q_OPCLASSES))
        _read_exclusions(self, tables, opclasses)
        self._indexes(tables, opclasses, self._rows(Q_INDEXES, tables=table_oids))
        self._index_options(tables)
        _read_index_attachments(self, tables)
        views = self._views(self._rows(Q_VIEWS, namespaces=ns_oids, ext=self.ext))
        self._view_options(views, opclasses)
        self._view_dependencies(views, self._rows(Q_VIEW_DEPENDENCIES, namespaces=ns_oids))
        namespace_comments = self._object_comments(enums)
        extensions = self._extensions(self._rows(Q_EXTENSIONS))
        objects, database_objects = _read_objects(self, namespaces)

        by_ns: dict[int, list[model.Table]] = defaultdict(list)
        for t in tables.values():
            by_ns[t.ns].append(
                model.Table(
                    name=t.name,
                    columns=tuple(t.columns),
                    primary_key=t.pk,
                    uniques=tuple(t.uniques),
                    indexes=tuple(t.indexes),
                    foreign_keys=tuple(t.fks),
                    checks=tuple(t.checks),
                    comment=t.comment,
                    exclusions=tuple(t.exclusions),
                    **t.options,
                    origin=self.origin,
                )
            )
        out = []
        for oid, name in namespaces.items():
            ns = model.Namespace(
                name=name,
                tables=tuple(by_ns[oid]),
                enums=tuple(enums[oid]),
                views=tuple(views[oid]),
                sequences=tuple(sequences[oid]),
                objects=tuple(objects[oid]),
            )
            emptied = self.dropped[oid] and not (ns.tables or ns.enums or ns.views or ns.sequences or ns.objects)
            # "public" is in every database, so it is always listed, like an empty database's.
            if emptied and name not in self.options.schemas and name != "public":
                continue
            out.append(ns)
        out = self._namespace_comments(out, namespace_comments, namespaces)
        return model.Schema(
            dialect=DIALECT,
            namespaces=tuple(out),
            extensions=tuple(extensions),
            objects=tuple(database_objects),
            source=self.label,
            notes=tuple(self.notes),
        )

    # -- namespaces and tables ----------------------------------------------

    def _namespaces(self, rows: list[tuple]) -> dict[int, str]:
        opts = self.options
        existing = {name for _oid, name, _member in rows}
        for wanted in opts.schemas:
            if wanted not in existing:
                raise BadInput(f"unknown schema '{wanted}' in {self.label}")
        kept: dict[int, str] = {}
        for oid, name, member in sorted(rows, key=lambda r: r[1]):
            if opts.schemas:
                if name not in opts.schemas:
                    continue
            elif _is_system_schema(name) or (member and not self.ext):
                continue
            if keep_namespace(name, opts):
                kept[oid] = name
        return kept

    def _tables(self, rows: list[tuple]) -> dict[int, _Table]:
        tables: dict[int, _Table] = {}
        for oid, nsp, name, is_partition, comment, member, *options in rows:
            if (member and not self.ext) or not keep_table(name, self.options):
                self.dropped[nsp] += 1
            else:
                tables[oid] = _Table(nsp, name, comment)
                tables[oid].options = _table_options(options[: len(_TABLE_OPTION_FIELDS)])
        return tables

    # -- enums and sequences ------------------------------------------------

    def _enums(
        self, namespaces: dict[int, str], rows: list[tuple]
    ) -> tuple[dict[int, str], dict[int, list[model.EnumType]]]:
        names: dict[int, str] = {}
        enums: dict[int, list[model.EnumType]] = defaultdict(list)
        for oid, nsp, nspname, name, labels, member in rows:
            names[oid] = f"{nspname}.{name}"
            if nsp not in namespaces:
                continue
            if member and not self.ext:
                self.dropped[nsp] += 1
                continue
            enums[nsp].append(model.EnumType(name=name, values=tuple(labels), origin=self.origin))
        return names, enums

    def _sequences(
        self, tables: dict[int, _Table], rows: list[tuple]
    ) -> tuple[dict[int, list[model.Sequence]], dict[tuple[int, int], tuple[int, int]]]:
        identities: dict[tuple[int, int], tuple[int, int]] = {}
        out: dict[int, list[model.Sequence]] = defaultdict(list)
        for (nsp, name, data_type, start, increment, minv, maxv, cycle,
             deptype, owner, owner_attnum, owner_table, owner_column, member) in rows:
            if deptype == "i":
                identities[(owner, owner_attnum)] = (start, increment)
                continue
            if (member and not self.ext) or (deptype == "a" and owner not in tables):
                # An extension member, or owned by a table we left out (bookkeeping, extension member).
                self.dropped[nsp] += 1
                continue
            low, high = _SEQUENCE_BOUNDS.get(data_type, (None, None))
            default_min, default_max = (1, high) if increment > 0 else (low, -1)
            out[nsp].append(
                model.Sequence(
                    name=name,
                    data_type=data_type,
                    start=start,
                    increment=increment,
                    min_value=None if minv == default_min else minv,
                    max_value=None if maxv == default_max else maxv,
                    cycle=bool(cycle),
                    owned_by=f"{owner_table}.{owner_column}" if deptype == "a" and owner_column else None,
                    origin=self.origin,
                )
            )
        return out, identities

    # -- columns ------------------------------------------------------------

    def _columns(
        self,
        tables: dict[int, _Table],
        enum_names: dict[int, str],
        identities: dict[tuple[int, int], tuple[int, int]],
        rows: list[tuple],
    ) -> None:
        # A big schema repeats a few dozen type and default spellings thousands of times.
        parsed_types: dict[str, model.SqlType] = {}
        classified: dict[str, model.Default | None] = {}
        origin = self.origin
        for relid, attnum, name, type_text, notnull, default_text, identity, generated, comment, enum_oid, collation, *_ in rows:
            t = tables[relid]
            t.attnames[attnum] = name
            enum_name = enum_names.get(enum_oid) if enum_oid else None
            if enum_name is not None:
                sql_type = pgtypes.enum_type(enum_name, array=type_text.endswith("]"))
            else:
                sql_type = parsed_types.get(type_text)
                if sql_type is None:
                    sql_type = parsed_types[type_text] = pgtypes.parse_type(type_text, DIALECT)
            default = None
            generated_expr = None
            identity_value = None
            if generated == "s":
                generated_expr = default_text
            elif identity:
                start, increment = identities.get((relid, attnum), (None, None))
                identity_value = model.Identity(_IDENTITY[identity], start, increment)
            elif default_text is not None:
                default = classified.get(default_text)
                if default is None:
                    default = classified[default_text] = pgdefaults.classify_default(
                        default_text, DIALECT, SEARCH_PATH
                    )
                if default.kind == "literal" and _zone_shift(default_text, sql_type):
                    default = model.Default("expression", pgdefaults.expression_value(default_text))
            t.columns.append(
                model.Column(
                    name=name,
                    type=sql_type,
                    nullable=not notnull,
                    default=default,
                    identity=identity_value,
                    generated=generated_expr,
                    comment=comment,
                    collation=collation,
                    origin=origin,
                )
            )

    # -- constraints and indexes --------------------------------------------

    def _constraints(self, tables: dict[int, _Table], rows: list[tuple]) -> None:
        for (relid, name, kind, conkey, ref_schema, ref_table, ref_columns, on_delete, on_update, checkdef) in rows:
            t = tables[relid]
            columns = tuple(t.attnames[n] for n in (conkey or ()))
            if kind == "p":
                t.pk = model.PrimaryKey(columns=columns, name=name, origin=self.origin)
            elif kind == "u":
                t.uniques.append(model.UniqueConstraint(name=name, columns=columns, origin=self.origin))
            elif kind == "f":
                t.fks.append(
                    model.ForeignKey(
                        name=name,
                        columns=columns,
                        ref_table=ref_table,
                        ref_columns=tuple(ref_columns),
                        ref_schema=ref_schema,
                        on_delete=_REFERENTIAL_ACTIONS.get(on_delete, "NO ACTION"),
                        on_update=_REFERENTIAL_ACTIONS.get(on_update, "NO ACTION"),
                        origin=self.origin,
                    )
                )
            elif kind == "c":
                t.checks.append(
                    model.CheckConstraint(name=name, expression=_check_expression(checkdef), origin=self.origin)
                )

    def _indexes(self, tables: dict[int, _Table], opclasses: dict[int, str], rows: list[tuple]) -> None:
        for (relid, name, unique, method, nkey, indkey, indoption, indclass, where, exprs) in rows:
            t = tables[relid]
            attnames = t.attnames
            elements = _index_elements(attnames, opclasses, nkey, indkey, indoption, indclass, exprs)
            t.indexes.append(
                model.Index(
                    name=name,
                    elements=elements,
                    unique=bool(unique),
                    method=method or "btree",
                    where=where,
                    include=tuple(attnames.get(n, "") for n in indkey[nkey:]),
                    origin=self.origin,
                )
            )

    # -- views and extensions -----------------------------------------------

    def _views(self, rows: list[tuple]) -> dict[int, list[model.View]]:
        views: dict[int, list[model.View]] = defaultdict(list)
        for nsp, name, materialized, member, definition in rows:
            if member and not self.ext:
                self.dropped[nsp] += 1
                continue
            views[nsp].append(
                model.View(name=name, definition=_view_text(definition), materialized=materialized, origin=self.origin)
            )
        return views

    def _view_dependencies(self, views: dict[int, list[model.View]], rows: list[tuple]) -> None:
        """View.depends_on: the qualified names of the tables and views each view reads."""
        reads: dict[tuple[int, str], set[str]] = defaultdict(set)
        for nsp, name, ref_schema, ref_name in rows:
            reads[(nsp, name)].add(f"{ref_schema}.{ref_name}")
        for nsp, listed in views.items():
            listed[:] = [
                dataclasses.replace(v, depends_on=tuple(sorted(reads[(nsp, v.name)]))) if reads.get((nsp, v.name)) else v
                for v in listed
            ]

    def _extensions(self, rows: list[tuple]) -> list[model.Extension]:
        return [
            model.Extension(name=name, schema=schema, version=version, origin=self.origin)
            for name, schema, version in rows
            # initdb installs plpgsql in every database; listing it would be noise everywhere.
            if not (name == "plpgsql" and schema == "pg_catalog")
        ]


def _is_system_schema(name: str) -> bool:
    return name in SYSTEM_SCHEMAS or name.startswith(SYSTEM_SCHEMA_PREFIXES)


def _check_expression(definition: str) -> str:
    """`CHECK ((a > 0)) NOT VALID` -> `a > 0`: the expression without its wrapper."""
    text = definition.strip()
    text = re.sub(r"\s+NOT\s+VALID$", "", text)
    text = re.sub(r"\s+NO\s+INHERIT$", "", text)
    if text.upper().startswith("CHECK"):
        text = text[5:].strip()
    return unwrap_parens(text)




# ---------------------------------------------------------------------------
# Table options, partitions and exclusion constraints


# The columns Q_TABLE_OPTIONS_COLUMNS adds to a Q_TABLES row, in order.
_TABLE_OPTION_FIELDS = (
    "unlogged", "row_security", "force_row_security", "replident", "replident_index", "reloptions",
    "partition_by", "partition_of", "partition_bound",
)
_REPLICA_IDENTITY = {"d": None, "f": "full", "n": "nothing"}


def _table_options(values: list[Any]) -> dict[str, Any]:
    """model.Table's option and partition fields from the Q_TABLE_OPTIONS_COLUMNS of one row."""
    row = dict(zip(_TABLE_OPTION_FIELDS, values))
    replident = row["replident"]
    if replident == "i":
        # An index that was dropped leaves 'i' behind with no index: PostgreSQL then logs nothing.
        identity = f"index {row['replident_index']}" if row["replident_index"] else "nothing"
    else:
        identity = _REPLICA_IDENTITY.get(replident)
    return {
        "unlogged": bool(row["unlogged"]),
        "row_security": bool(row["row_security"]),
        "force_row_security": bool(row["force_row_security"]),
        "replica_identity": identity,
        "options": tuple(sorted(row["reloptions"] or ())),
        "partition_by": row["partition_by"],
        "partition_of": row["partition_of"],
        "partition_bound": row["partition_bound"],
    }


def _read_index_attachments(reader: Any, tables: dict[int, _Table]) -> None:
    """Table.index_attachments of every partition in scope (Q_INDEX_ATTACHMENTS)."""
    partitions = [oid for oid, t in tables.items() if t.options.get("partition_of")]
    if not partitions:
        return
    found: dict[int, list[model.IndexAttachment]] = defaultdict(list)
    for relid, name, parent in reader._rows(Q_INDEX_ATTACHMENTS, tables=partitions):
        found[relid].append(model.IndexAttachment(name=name, parent=parent))
    for relid, items in found.items():
        tables[relid].options["index_attachments"] = tuple(items)


def _index_elements(attnames: dict[int, str], opclasses: dict[int, str], nkey: int, indkey: list[int],
                    indoption: list[int], indclass: list[int], exprs: list[str] | None) -> tuple[model.IndexElement, ...]:
    """The key columns of an index (or of an exclusion constraint's index), from pg_index.

    indkey holds 0 for an expression key, whose text is then `exprs[pos]` (pg_get_indexdef of
    that key). Only a non-default NULLS placement is recorded: LAST for ASC, FIRST for DESC.
    """
    elements = []
    for pos in range(nkey):
        attnum = indkey[pos]
        option = indoption[pos] if pos < len(indoption) else 0
        descending, nulls_first = bool(option & 1), bool(option & 2)
        elements.append(
            model.IndexElement(
                column=attnames.get(attnum) if attnum else None,
                expression=unwrap_parens(exprs[pos]) if not attnum and exprs else None,
                descending=descending,
                nulls_first=None if nulls_first == descending else nulls_first,
                opclass=opclasses.get(indclass[pos]) if pos < len(indclass) else None,
            )
        )
    return tuple(elements)


def _read_exclusions(reader: Any, tables: dict[int, _Table], opclasses: dict[int, str]) -> None:
    """Every exclusion constraint of the tables in scope (Q_EXCLUSIONS), onto its _Table.

    A key is a column when its attnum is not 0, else the expression pg_get_indexdef
    prints for it (conkey holds 0 for an expression, which is why a constraint on
    `lower(name)` cannot be read through conkey).
    """
    if not tables:
        return
    rows = reader._rows(Q_EXCLUSIONS, tables=list(tables))
    for (relid, name, method, nkey, indkey, indoption, indclass, where, keydefs, operators,
         deferrable, deferred, comment, *_) in rows:
        t = tables.get(relid)
        if t is None:
            continue
        elements = _index_elements(t.attnames, opclasses, nkey, indkey, indoption, indclass, keydefs)
        t.exclusions.append(
            model.ExclusionConstraint(
                name=name,
                elements=elements,
                operators=tuple(operators),
                method=method or "gist",
                where=where,
                include=tuple(t.attnames.get(n, "") for n in indkey[nkey:]),
                deferrable=bool(deferrable),
                initially_deferred=bool(deferred),
                comment=comment,
                origin=reader.origin,
            )
        )


def _view_text(definition: str) -> str:
    text = definition.strip()
    return text[:-1].rstrip() if text.endswith(";") else text


# ---------------------------------------------------------------------------
# Fingerprints (Q_FINGERPRINTS): rows into model.DatabaseObject


def _read_objects(
    reader: Any, namespaces: dict[int, str]
) -> tuple[dict[int, list[model.DatabaseObject]], list[model.DatabaseObject]]:
    """Objects the model has no structure for, per namespace oid, and the database-wide ones."""
    by_ns: dict[int, list[model.DatabaseObject]] = defaultdict(list)
    database: list[model.DatabaseObject] = []
    # initdb's privileges on "public" are no grant anyone made (15 took CREATE from PUBLIC).
    initdb_public = "ON SCHEMA: PUBLIC USAGE" if reader.conn.info.server_version >= 150000 else "ON SCHEMA: PUBLIC CREATE,USAGE"
    rows = reader._rows(Q_FINGERPRINTS, namespaces=list(namespaces), ext=reader.ext)
    for nsp, kind, name, body, privileges, comment, table in rows:
        if table is not None and not keep_table(table, reader.options):
            continue  # belongs to a bookkeeping table, which is left out
        if not body:
            continue  # a grant row whose privileges are only the owner's
        if kind == "grant" and name == "(schema)" and namespaces.get(nsp) == "public" and body == initdb_public:
            continue
        obj = fingerprint(kind, name, body, privileges, comment, reader.origin)
        if nsp is None:
            database.append(obj)
        elif nsp in namespaces:
            by_ns[nsp].append(obj)
    return by_ns, database


def fingerprint(
    kind: str, name: str, body: str, privileges: str | None = None, comment: str | None = None,
    origin: model.Origin | None = None,
) -> model.DatabaseObject:
    """A DatabaseObject whose digest covers its definition, its privileges and its comment."""
    import hashlib

    text = body.strip()
    if privileges:
        text += f"\n-- privileges: {privileges}"
    if comment is not None:
        text += f"\n-- comment: {comment}"
    digest = hashlib.sha256(text.encode()).hexdigest()[:16]
    return model.DatabaseObject(kind=kind, name=name, digest=digest, definition=text, origin=origin)


# ---------------------------------------------------------------------------
# Registration


class PostgresSource:
    name = "postgresql"
    schemes = ("postgresql://", "postgres://", "postgresql+psycopg://")
    description = "a live PostgreSQL database (psycopg 3; read-only, one catalog query per object kind)"

    def claims_path(self, path: str) -> bool:
        return False

    def load(self, spec: str, options: InspectOptions) -> model.Schema:
        return inspect_url(spec, options)


register(PostgresSource())

__all__ = ["PostgresSource", "connect", "inspect_connection", "inspect_url", "masked"]

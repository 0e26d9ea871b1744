"""Hazards: what can go wrong when a change is applied to a database that has rows and readers.

A diff says *what* differs; a hazard says what applying it risks: losing data
(MG1xx, destructive), failing on the rows already there (MG2xx, data-dependent), holding a
lock that stops traffic on PostgreSQL (MG3xx, locking) or breaking the application code
that is running while the migration is (MG4xx, backward-incompatible).

The catalogue is the data table HAZARDS: each code with its category, a one-line title,
an explanation with the safer way, the change kinds that can raise it and a predicate on
the change. Codes are stable: a code is never reused for another meaning, and new hazards
take the next free number in their category. `assess(diff, dialect)` fills each change's
`hazards` tuple; it never changes severities (overrides by hazard code are the
comparison's job, see CompareOptions.severity).

Changes on objects that are themselves being added (a column of a new table, an index on
it, a value of a new enum, anything in a new schema) raise nothing: there are no rows to
fail on and no code reading them yet. Possible renames (guesses beside a drop and an add)
raise nothing either: the drop and the add they pair carry the hazards of what is applied.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Callable

from migrator.schema import Column, Index, SqlType
from migrator.verify.changes import Change, Diff

CATEGORIES: dict[str, str] = {
    "destructive": "applying it loses data",
    "data-dependent": "applying it can fail on the rows already there",
    "locking": "applying it as written blocks reads or writes on PostgreSQL while it runs",
    "incompatible": "code running against the old schema breaks",
}


@dataclass(frozen=True)
class Hazard:
    """One catalogue entry.

    kinds: the change kinds that can raise it; `when` further narrows on the change
    (None: every change of those kinds). dialects: the dialects it applies to (empty: all);
    except_dialects: dialects it never applies to. `raised_by` is the condition in words,
    for the documentation.
    """

    code: str
    category: str
    title: str
    explanation: str
    raised_by: str
    kinds: tuple[str, ...]
    when: Callable[[Change], bool] | None = None
    dialects: tuple[str, ...] = ()
    except_dialects: tuple[str, ...] = ()

    def applies(self, change: Change, dialect: str) -> bool:
        if change.kind not in self.kinds:
            return False
        if self.dialects and dialect not in self.dialects:
            return False
        if dialect in self.except_dialects:
            return False
        return self.when is None or self.when(change)


# ---------------------------------------------------------------------------
# Type comparisons. Types are canonical (migrator.types), so these are about kinds,
# lengths and precisions, never spellings.

_INTEGER_RANK = {"smallint": 0, "integer": 1, "bigint": 2}
_FLOAT_RANK = {"real": 0, "double": 1}
_STRINGS = ("varchar", "char", "text")
# PostgreSQL's default fractional-second precision when none is declared.
_DEFAULT_SECONDS_PRECISION = 6

# What a client library hands the application for a type. A change within one family
# (varchar -> text, smallint -> integer, json -> jsonb) keeps the application's view; a
# change across families (integer -> bigint: a JavaScript bigint or string; text -> uuid)
# does not.
_CLIENT_FAMILY = {
    "smallint": "int",
    "integer": "int",
    "bigint": "bigint",
    "real": "float",
    "double": "float",
    "varchar": "string",
    "char": "string",
    "text": "string",
    "json": "json",
    "jsonb": "json",
    "bit": "bits",
    "varbit": "bits",
}


def _bounded_down(old: int | None, new: int | None) -> bool:
    """True when a limit shrinks: unlimited (None) -> n, or n -> m < n."""
    if new is None:
        return False
    return old is None or new < old


def _bounded_up(old: int | None, new: int | None) -> bool:
    """True when a limit grows or goes away: n -> unlimited, or n -> m >= n."""
    if new is None:
        return True
    return old is not None and new >= old


def is_narrowing(old: SqlType, new: SqlType) -> bool:
    """Whether values of `old` can be cut, rounded or rejected by `new`: a smaller range or length."""
    if old.array != new.array:
        return False  # not a narrowing but a different shape: see is_lossless
    a, b = old.name, new.name
    if a in _INTEGER_RANK and b in _INTEGER_RANK:
        return _INTEGER_RANK[b] < _INTEGER_RANK[a]
    if a in _FLOAT_RANK and b in _FLOAT_RANK:
        return _FLOAT_RANK[b] < _FLOAT_RANK[a]
    if a == "numeric" and b in _INTEGER_RANK:
        return True  # the fraction goes
    if a in ("real", "double") and (b in _INTEGER_RANK or b == "numeric"):
        return True
    if a == "numeric" and b == "numeric":
        # numeric(p,s): fewer integer digits overflow, a smaller scale rounds.
        if new.precision is None:
            return False
        if old.precision is None:
            return True
        old_scale, new_scale = old.scale or 0, new.scale or 0
        return new_scale < old_scale or (new.precision - new_scale) < (old.precision - old_scale)
    if a in _STRINGS and b in ("varchar", "char"):
        old_length = None if a == "text" else old.length
        return _bounded_down(old_length, new.length)
    if a == b and a in ("bit", "varbit"):
        return _bounded_down(old.length, new.length)
    if a == b and a in ("timestamp", "time", "interval"):
        return (new.precision if new.precision is not None else _DEFAULT_SECONDS_PRECISION) < (
            old.precision if old.precision is not None else _DEFAULT_SECONDS_PRECISION
        )
    return False


def is_lossless(old: SqlType, new: SqlType) -> bool:
    """Whether every value of `old` converts to `new` unchanged: a widening, or anything to unbounded text."""
    if old.array != new.array:
        return False
    if is_narrowing(old, new):
        return False
    a, b = old.name, new.name
    if a == b:
        return old.enum == new.enum  # lengths and precisions are not narrowed (checked above)
    if b == "text" or (b == "varchar" and new.length is None):
        return True  # every type has a text form
    if a in _STRINGS and b in _STRINGS:
        return True  # not narrowing, checked above
    if a in _INTEGER_RANK and b in _INTEGER_RANK:
        return True
    if a in _FLOAT_RANK and b in _FLOAT_RANK:
        return True
    if a in _INTEGER_RANK and b == "numeric":
        digits = {"smallint": 5, "integer": 10, "bigint": 19}[a]
        return new.precision is None or new.precision - (new.scale or 0) >= digits
    if {a, b} == {"json", "jsonb"} or (a == "date" and b == "timestamp"):
        return True
    return False


def is_binary_coercible(old: SqlType, new: SqlType) -> bool:
    """Whether PostgreSQL changes the type without rewriting the table (ALTER TABLE docs).

    That is a binary-coercible cast (varchar <-> text) or a type modifier that only
    relaxes (varchar length, numeric precision at the same scale, fractional seconds
    going up): PostgreSQL's length-coercion support functions prove those no-ops.
    """
    if old.array != new.array or old.timezone != new.timezone:
        return False
    a, b = old.name, new.name
    if old.array and not ({a, b} <= {"varchar", "text"} and old.length is None and new.length is None):
        return False  # an array coercion is a per-element function call: PostgreSQL rewrites
    if a in ("varchar", "text") and b in ("varchar", "text"):
        return b == "text" or _bounded_up(None if a == "text" else old.length, new.length)
    if a == b == "varbit":
        return _bounded_up(old.length, new.length)
    if a == b == "numeric":
        return new.precision is None or (
            old.precision is not None and new.precision >= old.precision and new.scale == old.scale
        )
    if a == b and a in ("timestamp", "time", "interval"):
        return new.precision is None or (old.precision is not None and new.precision >= old.precision)
    return False


def changes_client_type(old: SqlType, new: SqlType) -> bool:
    """Whether code reading the column gets a different kind of value."""
    if old.array != new.array or old.timezone != new.timezone:
        return True
    if old.name == "enum" or new.name == "enum":
        return (old.name, old.enum) != (new.name, new.enum)
    return _CLIENT_FAMILY.get(old.name, old.name) != _CLIENT_FAMILY.get(new.name, new.name)


# ---------------------------------------------------------------------------
# Conditions on changes.


def _types(change: Change) -> tuple[SqlType, SqlType] | None:
    if isinstance(change.old, SqlType) and isinstance(change.new, SqlType):
        return change.old, change.new
    return None


def _narrowing(change: Change) -> bool:
    types = _types(change)
    return types is not None and is_narrowing(*types)


def _cast_may_fail(change: Change) -> bool:
    types = _types(change)
    return types is not None and not is_narrowing(*types) and not is_lossless(*types)


def _rewrites(change: Change) -> bool:
    types = _types(change)
    return types is not None and not is_binary_coercible(*types)


def _client_type(change: Change) -> bool:
    types = _types(change)
    return types is not None and changes_client_type(*types)


def _sets_not_null(change: Change) -> bool:
    return change.old is True and change.new is False


def _required_without_default(change: Change) -> bool:
    col = change.new
    if not isinstance(col, Column) or col.nullable:
        return False
    has_default = col.default is not None and col.default.reaches_database
    return not has_default and col.identity is None and col.generated is None


def _unique_index(change: Change) -> bool:
    return change.kind != "add_index" or (isinstance(change.new, Index) and change.new.unique)


# Functions PostgreSQL marks VOLATILE that appear in defaults; a default calling one is
# evaluated per row when the column is added, which rewrites the table. now() and
# CURRENT_TIMESTAMP are STABLE: PostgreSQL 11+ stores them once, without a rewrite.
_VOLATILE_FUNCTIONS = (
    "random(",
    "gen_random_uuid(",
    "uuid_generate_v1(",
    "uuid_generate_v1mc(",
    "uuid_generate_v4(",
    "uuidv4(",
    "uuidv7(",
    "clock_timestamp(",
    "timeofday(",
    "statement_timestamp(",
    "nextval(",
    "setseed(",
)


def _volatile_default(change: Change) -> bool:
    col = change.new
    if not isinstance(col, Column):
        return False
    # Identity and stored generated columns are computed for every existing row as well.
    if col.identity is not None or col.generated is not None:
        return True
    default = col.default
    if default is None:
        return False
    if default.kind == "sequence":
        return True
    if default.kind != "expression":
        return False
    text = "".join(default.value.lower().split())
    return any(fn in text for fn in _VOLATILE_FUNCTIONS)


# ---------------------------------------------------------------------------
# The catalogue.

_ADD_CONSTRAINED_INDEX = ("add_unique", "add_primary_key", "add_index")

HAZARDS: tuple[Hazard, ...] = (
    # MG1xx destructive
    Hazard(
        "MG101", "destructive", "dropping a table deletes its rows",
        "The table and every row in it are gone; only a backup brings them back. Copy or archive the data first, "
        "or rename the table and drop it in a later release.",
        "drop_table", ("drop_table",),
    ),
    Hazard(
        "MG102", "destructive", "dropping a column deletes its values",
        "Every value in the column is gone. Stop writing it, back it up if it matters, then drop it in a later release.",
        "drop_column", ("drop_column",),
    ),
    Hazard(
        "MG103", "destructive", "narrowing a type cuts, rounds or rejects existing values",
        "A shorter varchar or char, text to varchar(n), fewer numeric digits or a smaller scale, bigint to integer, "
        "double to real, numeric to an integer type or fewer fractional seconds: values that do not fit are rejected "
        "(the migration fails) or silently rounded. Check the longest and largest values first. SQLite does not "
        "enforce lengths or ranges, so it is not raised there.",
        "alter_column_type to a smaller length, precision, scale or range",
        ("alter_column_type",), _narrowing, except_dialects=("sqlite",),
    ),
    Hazard(
        "MG104", "destructive", "dropping an enum type",
        "The type goes, and with it (PostgreSQL: CASCADE) every column still using it. Move the columns to another "
        "type first.",
        "drop_enum", ("drop_enum",),
    ),
    Hazard(
        "MG105", "destructive", "dropping a schema drops everything in it",
        "Every table, type and view in the schema goes with it.",
        "drop_namespace", ("drop_namespace",),
    ),
    Hazard(
        "MG106", "destructive", "changing a partition key recreates the table",
        "PostgreSQL cannot change how a table is partitioned: the table and its partitions are dropped and created "
        "again, and their rows are lost. Create the new table beside the old one, copy the rows, then switch names.",
        "alter_partition_key", ("alter_partition_key",),
    ),
    # MG2xx data-dependent
    Hazard(
        "MG201", "data-dependent", "SET NOT NULL fails if any row holds NULL",
        "The migration fails on the first NULL. Backfill the column (UPDATE ... WHERE col IS NULL) before the "
        "constraint, in batches on a large table.",
        "alter_column_nullable from nullable to NOT NULL", ("alter_column_nullable",), _sets_not_null,
    ),
    Hazard(
        "MG202", "data-dependent", "a new unique constraint or key fails on duplicate rows",
        "Adding a unique constraint, a unique index or a primary key to a table with rows fails if any two rows "
        "share the key (or, for a primary key, a row has NULL in it). Look for duplicates first.",
        "add_unique, add_primary_key, or add_index of a unique index, on an existing table",
        _ADD_CONSTRAINED_INDEX, _unique_index,
    ),
    Hazard(
        "MG203", "data-dependent", "removing an enum value fails while rows use it",
        "Rows holding the value block the change; PostgreSQL cannot drop an enum value at all, so the type is "
        "recreated and every column using it converted. Update those rows first.",
        "remove_enum_value", ("remove_enum_value",),
    ),
    Hazard(
        "MG204", "data-dependent", "a NOT NULL column without a default fails on a table with rows",
        "Existing rows would have no value for the column. Add it nullable, backfill, then set NOT NULL; or give it "
        "a default the database evaluates (client-side defaults do not count).",
        "add_column of a NOT NULL column with no database default, identity or generation, on an existing table",
        ("add_column",), _required_without_default,
    ),
    Hazard(
        "MG205", "data-dependent", "a new check constraint fails if a row violates it",
        "Every existing row is checked when the constraint is added. Find violating rows first; on PostgreSQL add "
        "it NOT VALID and VALIDATE CONSTRAINT later (see MG304).",
        "add_check on an existing table", ("add_check",),
    ),
    Hazard(
        "MG206", "data-dependent", "a new foreign key fails if a row has no referenced row",
        "Every existing row is checked against the referenced table. Delete or fix orphans first; on PostgreSQL add "
        "it NOT VALID and VALIDATE CONSTRAINT later (see MG303).",
        "add_foreign_key on an existing table", ("add_foreign_key",),
    ),
    Hazard(
        "MG207", "data-dependent", "a type change whose cast can fail on existing values",
        "The new type is not a widening of the old (text to integer, varchar to uuid, scalar to array): values that "
        "do not convert make the migration fail, and PostgreSQL often needs a USING clause to convert at all.",
        "alter_column_type that is neither a narrowing (MG103) nor lossless (a widening, or to unbounded text)",
        ("alter_column_type",), _cast_may_fail,
    ),
    # MG3xx locking (PostgreSQL)
    Hazard(
        "MG208", "data-dependent", "attaching a partition fails if a row lies outside its bound",
        "A partition that moves to another parent or bound is detached and attached again; ATTACH PARTITION checks "
        "every row against the new bound (and the default partition's rows against it) and fails on the first one "
        "outside. Move those rows first; a CHECK constraint matching the bound lets PostgreSQL skip the scan.",
        "alter_partition that attaches the table", ("alter_partition",),
        lambda change: str(change.new).startswith("a partition of"),
    ),
    Hazard(
        "MG301", "locking", "a type change rewrites the table under an ACCESS EXCLUSIVE lock",
        "Unless the change is binary-coercible (varchar to text, a longer varchar, more numeric precision at the same "
        "scale), PostgreSQL rewrites the table and rebuilds its indexes while blocking reads and writes. On a large "
        "table add a new column, backfill it in batches and switch over instead.",
        "alter_column_type that is not binary-coercible", ("alter_column_type",), _rewrites, dialects=("postgresql",),
    ),
    Hazard(
        "MG302", "locking", "building an index without CONCURRENTLY blocks writes",
        "CREATE INDEX (and ADD UNIQUE or PRIMARY KEY, which build one) holds a SHARE lock that blocks every write "
        "for as long as the build takes. Use CREATE [UNIQUE] INDEX CONCURRENTLY, outside a transaction, then "
        "ADD CONSTRAINT ... USING INDEX.",
        "add_index, add_unique or add_primary_key on an existing table",
        _ADD_CONSTRAINED_INDEX, dialects=("postgresql",),
    ),
    Hazard(
        "MG303", "locking", "a foreign key added without NOT VALID locks both tables while it scans",
        "Validating the existing rows holds a SHARE ROW EXCLUSIVE lock on the table and the referenced table, "
        "blocking writes on both. Add it NOT VALID, then VALIDATE CONSTRAINT in a separate step (a weaker lock).",
        "add_foreign_key on an existing table", ("add_foreign_key",), dialects=("postgresql",),
    ),
    Hazard(
        "MG304", "locking", "a check added without NOT VALID blocks the table while it scans",
        "ADD CONSTRAINT ... CHECK holds an ACCESS EXCLUSIVE lock while every row is checked. Add it NOT VALID, "
        "then VALIDATE CONSTRAINT separately.",
        "add_check on an existing table", ("add_check",), dialects=("postgresql",),
    ),
    Hazard(
        "MG305", "locking", "SET NOT NULL scans the table under an ACCESS EXCLUSIVE lock",
        "PostgreSQL checks every row while blocking reads and writes. On PostgreSQL 12+ add CHECK (col IS NOT NULL) "
        "NOT VALID, VALIDATE it, then SET NOT NULL (which then skips the scan) and drop the check.",
        "alter_column_nullable from nullable to NOT NULL", ("alter_column_nullable",), _sets_not_null,
        dialects=("postgresql",),
    ),
    Hazard(
        "MG306", "locking", "a column with a volatile default rewrites the table",
        "A default evaluated per row (gen_random_uuid(), random(), clock_timestamp(), a sequence or serial, an "
        "identity or a generated column) is computed for every existing row while the table is locked. Add the "
        "column without it, set the default, and backfill in batches.",
        "add_column whose default calls a volatile function, or that is serial, identity or generated",
        ("add_column",), _volatile_default, dialects=("postgresql",),
    ),
    # MG4xx backward-incompatible
    Hazard(
        "MG401", "incompatible", "renaming a table breaks code that uses the old name",
        "Running code (and every deployed version not yet replaced) still queries the old name. Expand and "
        "contract: create a view or the new table, move the code, then remove the old name.",
        "rename_table", ("rename_table",),
    ),
    Hazard(
        "MG402", "incompatible", "renaming a column breaks code that uses the old name",
        "Running code still reads and writes the old name. Add the new column, write both, move readers, then drop "
        "the old one.",
        "rename_column", ("rename_column",),
    ),
    Hazard(
        "MG403", "incompatible", "dropping a table breaks code that still uses it",
        "Remove every use from the code and deploy that first.",
        "drop_table", ("drop_table",),
    ),
    Hazard(
        "MG404", "incompatible", "dropping a column breaks code that still reads or writes it",
        "ORMs that select every mapped column fail as soon as it is gone. Unmap it from the models, deploy, then drop.",
        "drop_column", ("drop_column",),
    ),
    Hazard(
        "MG405", "incompatible", "a type change hands clients a different kind of value",
        "integer to bigint (a JavaScript bigint or string), text to uuid, timestamp to timestamptz, a scalar to an "
        "array, one enum to another: code and generated clients built for the old type misread or reject the new one.",
        "alter_column_type across client families (strings, integers up to 32 bits, floats, json are each one family)",
        ("alter_column_type",), _client_type,
    ),
    Hazard(
        "MG406", "incompatible", "a newly required column rejects writes from code that omits it",
        "Running code that inserts NULL or leaves the column out fails once it is NOT NULL without a default. "
        "Deploy code that always writes it first.",
        "alter_column_nullable to NOT NULL; add_column of a NOT NULL column without a database default",
        ("alter_column_nullable", "add_column"),
        lambda change: _sets_not_null(change) if change.kind == "alter_column_nullable" else _required_without_default(change),
    ),
    Hazard(
        "MG407", "incompatible", "removing an enum value or type breaks code that writes it",
        "Running code and generated clients still send the old value.",
        "remove_enum_value, drop_enum", ("remove_enum_value", "drop_enum"),
    ),
    Hazard(
        "MG408", "incompatible", "dropping a view breaks code that reads it",
        "Remove every use from the code and deploy that first.",
        "drop_view", ("drop_view",),
    ),
)

BY_CODE: dict[str, Hazard] = {h.code: h for h in HAZARDS}


def hazard(code: str) -> Hazard:
    return BY_CODE[code]


def _new_containers(diff: Diff) -> tuple[set[str], set[tuple[str | None, str | None]]]:
    """Namespaces, and (namespace, table-or-enum) pairs, that the diff adds."""
    namespaces: set[str] = set()
    containers: set[tuple[str | None, str | None]] = set()
    for change in diff.changes:
        if change.kind == "add_namespace":
            namespaces.add(change.namespace or change.path)
        elif change.kind in ("add_table", "add_enum"):
            containers.add((change.namespace, change.table))
    return namespaces, containers


def hazards_of(change: Change, dialect: str) -> tuple[str, ...]:
    """The codes `change` raises in `dialect`, in catalogue order, ignoring what else the diff holds."""
    return tuple(h.code for h in HAZARDS if h.applies(change, dialect))


def assess(diff: Diff, dialect: str) -> Diff:
    """`diff` with each change's `hazards` filled for applying it to a `dialect` database that has data."""
    new_namespaces, new_containers = _new_containers(diff)
    changes = []
    for change in diff.changes:
        on_new = change.namespace in new_namespaces or (
            change.kind not in ("add_table", "add_enum") and (change.namespace, change.table) in new_containers
        )
        codes = () if on_new or change.possible else hazards_of(change, dialect)
        changes.append(change if codes == change.hazards else replace(change, hazards=codes))
    return replace(diff, changes=tuple(changes))

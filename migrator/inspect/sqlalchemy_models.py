"""`sqlalchemy:package.module:Base`: read SQLAlchemy models into the schema model.

The spec names a module and, optionally, an attribute: a DeclarativeBase subclass, a
`declarative_base()` result, a `registry`, or a `MetaData`. Without an attribute the
module must hold exactly one of those (several names for one MetaData count as one);
otherwise the candidates are listed. The module is imported with
InspectOptions.project_path (default ".") at the front of sys.path, which is restored
afterwards. Import failures are BadInput: "sqlalchemy:pkg.mod: could not import:
<ExcType>: <message>".

Models are dialect-neutral; the database they create is not. The produced Schema is for
InspectOptions.dialect (default "postgresql") and says what SQLAlchemy's DDL
(`metadata.create_all`) would create there, because a diff compares it with the real
database:

- Types: each column type is compiled with the dialect's type compiler and parsed with
  migrator.types.parse_type. sa.JSON is json on PostgreSQL; sa.Enum is a native enum
  type on PostgreSQL (an EnumType in its schema: the Enum's schema, else "public") and
  VARCHAR(longest value) on SQLite, plus its CHECK when create_constraint=True.
- Autoincrement: an integer primary key SQLAlchemy writes as SERIAL/BIGSERIAL/SMALLSERIAL
  on PostgreSQL gets Default("sequence", "<schema>.<table>_<col>_seq") and the owned
  Sequence PostgreSQL creates; Identity() becomes Identity(...) (PostgreSQL's defaults:
  start 1, increment 1). On SQLite a lone INTEGER primary key is the rowid,
  Identity("rowid"), or Identity("autoincrement") with sqlite_autoincrement=True.
- Defaults: server_default is compiled as the DDL writes it and classified by
  migrator.defaults. Python-side default=/onupdate= never reach the database:
  Default("client", <callable's qualified name, or repr of the value, or the SQL of an
  expression>); a server default wins when both are given. A column Sequence on
  PostgreSQL is fired by SQLAlchemy itself: Default("client", "nextval('<schema>.<seq>')")
  and the Sequence is listed.
- Names: what SQLAlchemy writes (its naming convention applied), else the name PostgreSQL
  gives an unnamed constraint (<table>_pkey, <table>_<cols>_key, <table>_<cols>_fkey,
  <table>_<col>_check or <table>_check, numbered on collision), else None on SQLite.
  Column unique=True is a UNIQUE constraint; index=True an index (ix_<table>_<col> by
  SQLAlchemy's default convention).
- Comments exist only where the dialect stores them (not on SQLite).
- Namespaces: the table's schema, else "public"/"main"; "public" (PostgreSQL) and "main"
  (SQLite) are always listed, as the live readers list them.

Not mirrored: CHECK and generated-column expressions are kept as SQLAlchemy writes them,
while PostgreSQL deparses its own (`price > 0` may read back as `price > 0::numeric`);
operator classes are kept as given (the live reader omits default ones); views do not
exist in SQLAlchemy models.

Origins: Origin(source=spec, file=<file of the mapped class or the module>, line=<line of
the class, the `Table(` call or the column attribute>).
"""

from __future__ import annotations

from typing import Any

from migrator.inspect import InspectOptions, register
from migrator.schema import Schema

SCHEME = "sqlalchemy:"

# Public helpers of the implementation, imported on first use (see __getattr__).
_LAZY = ("import_module", "load_models", "metadata_of", "metadata_to_schema")


class SQLAlchemySource:
    name = "sqlalchemy"
    schemes = (SCHEME,)
    description = "SQLAlchemy models: sqlalchemy:package.module[:Base or metadata]"

    def claims_path(self, path: str) -> bool:
        return False

    def load(self, spec: str, options: InspectOptions) -> Schema:
        # SQLAlchemy is imported only now: listing sources must stay cheap.
        from migrator.inspect._sqlalchemy_reader import load_models

        return load_models(spec, options)


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        from migrator.inspect import _sqlalchemy_reader

        return getattr(_sqlalchemy_reader, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


SOURCE = register(SQLAlchemySource())

__all__ = ["SOURCE", "SQLAlchemySource", *_LAZY]

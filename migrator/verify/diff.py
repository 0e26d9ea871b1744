"""Compare two schemas into a Diff: normalize both, match objects, emit typed changes.

compare(a, b) answers "what would turn FROM (a) into TO (b)?". Before comparing, both
sides are normalized (migrator.verify.normalize) so that spellings of one thing never
show up as drift. Objects are matched by name, then, for constraints and indexes whose
names one side does not know or generates, by structure.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from migrator.schema import Schema
from migrator.verify.changes import Diff


@dataclass(frozen=True)
class CompareOptions:
    """What a comparison is told.

    renames: confirmed renames, old path -> new path ("public.users.name" ->
        "public.users.full_name", "public.people" -> "public.users"); a confirmed rename is
        a rename change, not a drop and an add.
    ignore: fnmatch patterns of object paths to leave out ("public.spatial_ref_sys*").
    severity: overrides by change kind or hazard code ("alter_column_default" -> "info").
    """

    renames: tuple[tuple[str, str], ...] = ()
    ignore: tuple[str, ...] = ()
    severity: tuple[tuple[str, str], ...] = ()
    detect_renames: bool = True
    server_url: str | None = field(default=None, compare=False)  # a PostgreSQL server to ask about default expressions


def compare(a: Schema, b: Schema, options: CompareOptions | None = None) -> Diff:
    """The changes that turn `a` into `b`, in a deterministic order."""
    raise NotImplementedError  # lands next

"""PostgreSQL's identifier rules, shared by every source that must predict a name PostgreSQL gives.

Identifiers are cut to NAMEDATALEN - 1 = 63 bytes (never inside a UTF-8 character), and an
unnamed constraint, index or serial sequence is named by makeObjectName / ChooseRelationName
(src/backend/commands/indexcmds.c): `name1_name2_label`, the longer of the two names clipped
until it fits, numbered on collision (`_key1`, `_key2`, …).
"""

from __future__ import annotations

from typing import Collection, Sequence

NAMEDATALEN = 64
NAME_LIMIT = NAMEDATALEN - 1


def truncate(name: str, limit: int = NAME_LIMIT) -> str:
    """`name` as the database stores it: cut to `limit` bytes."""
    raw = name.encode()
    return name if len(raw) <= limit else raw[:limit].decode(errors="ignore")


def make_object_name(name1: str, name2: str | None, label: str | None) -> str:
    n1 = len(name1.encode())
    n2 = len(name2.encode()) if name2 else 0
    overhead = (1 if name2 else 0) + (len(label) + 1 if label else 0)
    available = NAME_LIMIT - overhead
    while n1 + n2 > available:
        if n1 > n2:
            n1 -= 1
        else:
            n2 -= 1
    parts = [truncate(name1, n1)]
    if name2:
        parts.append(truncate(name2, n2))
    if label:
        parts.append(label)
    return "_".join(parts)


def choose_name(name1: str, name2: str | None, label: str, taken: Collection[str]) -> str:
    attempt, suffix = make_object_name(name1, name2, label), 0
    while attempt in taken:
        suffix += 1
        attempt = make_object_name(name1, name2, f"{label}{suffix}")
    return attempt


def join_column_names(names: Sequence[str]) -> str:
    """The column part of a generated name: joined by `_` until it is long enough to be cut anyway."""
    buf = ""
    for name in names:
        buf = f"{buf}_{name}" if buf else name
        if len(buf.encode()) >= NAMEDATALEN:
            break
    return buf

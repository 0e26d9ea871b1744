"""Readable differences between two schema snapshots, for the agreement and oracle tests."""

from __future__ import annotations

from typing import Any


def differences(ours: Any, theirs: Any, path: str = "schema", left: str = "drizzle", right: str = "database",
                in_left: str = "drizzle", in_right: str = "the database") -> list[str]:
    """Lines naming where two snapshots differ (origins, notes and sources ignored); named
    lists (tables, columns, indexes) are matched by name. left/right label values, in_left/in_right
    the side a name is only in."""
    if isinstance(ours, dict) and isinstance(theirs, dict):
        out = []
        for key in sorted(set(ours) | set(theirs)):
            if key not in ("origin", "notes", "source"):
                out += differences(ours.get(key), theirs.get(key), f"{path}.{key}", left, right, in_left, in_right)
        return out
    if isinstance(ours, list) and isinstance(theirs, list):
        if all(isinstance(x, dict) and "name" in x for x in ours + theirs):
            a, b = {x["name"]: x for x in ours}, {x["name"]: x for x in theirs}
            out = [f"{path}: only in {in_left}: {n}" for n in sorted(set(a) - set(b))]
            out += [f"{path}: only in {in_right}: {n}" for n in sorted(set(b) - set(a))]
            return out + [line for n in sorted(set(a) & set(b)) for line in differences(a[n], b[n], f"{path}[{n}]", left, right, in_left, in_right)]
        if len(ours) != len(theirs):
            return [f"{path}: {left} {ours!r}, {right} {theirs!r}"]
        return [line for i, (x, y) in enumerate(zip(ours, theirs)) for line in differences(x, y, f"{path}[{i}]", left, right, in_left, in_right)]
    return [] if ours == theirs else [f"{path}: {left} {ours!r}, {right} {theirs!r}"]

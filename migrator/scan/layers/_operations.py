"""What the table-driven layers share: an operation looked up by name, with or without a table."""

from __future__ import annotations

from typing import Mapping

from migrator.scan.facts import Use


def by_operation(use: Use, name: str, operations: Mapping[str, str], no_table: frozenset[str] | set[str]) -> tuple[str, str] | None:
    """(model, operation) for a call named `name`: None when it is not a database operation,
    model "-" for operations on no table (transactions), else the analyzer's table hint or "unknown"."""
    operation = operations.get(name)
    if operation is None:
        return None
    if operation in no_table:
        return "-", operation
    return use.model or "unknown", operation

"""`migrator verify data` as a person reads it: one line per table, then its first differing keys."""

from __future__ import annotations


def _key_text(key: dict) -> str:
    parts = [f"{name}={'NULL' if value is None else value}" for name, value in key.items()]
    text = ", ".join(parts)
    return text if len(text) <= 200 else text[:197] + "..."


def render_verify_text(result, limit: int) -> str:
    """The report a person reads: one line per table, then its first `limit` differing keys per kind."""
    lines = [f"A {result.a}", f"B {result.b}"]
    if result.sample is not None and result.sample < 100:
        lines.append(f"sample: {result.sample:g}% of the key ranges checked")
    for table in result.tables:
        rows = ""
        if table.rows_a is not None or table.rows_b is not None:
            rows = f"  rows A {table.rows_a if table.rows_a is not None else '-'}, B {table.rows_b if table.rows_b is not None else '-'}"
        counts = ""
        if table.missing_count or table.extra_count or table.changed_count:
            counts = f"  missing {table.missing_count}, extra {table.extra_count}, changed {table.changed_count}"
        lines.append(f"{table.name}: {table.status}{rows}{counts}")
        if table.columns_only_a:
            lines.append(f"  columns only in A: {', '.join(table.columns_only_a)}")
        if table.columns_only_b:
            lines.append(f"  columns only in B (not compared): {', '.join(table.columns_only_b)}")
        for which, label in (("missing", "missing in B"), ("extra", "extra in B"), ("changed", "changed")):
            keys = getattr(table, which)
            total = getattr(table, f"{which}_count")
            for key in keys[:limit]:
                lines.append(f"  {label}: {_key_text(key)}")
            if total > min(limit, len(keys)):
                lines.append(f"  … {total - min(limit, len(keys))} more {label} (--limit, or --format json for all)")
    equal = sum(1 for t in result.tables if t.ok)
    lines.append(f"{equal} of {len(result.tables)} tables equal" if result.tables else "no tables")
    return "\n".join(lines) + "\n"

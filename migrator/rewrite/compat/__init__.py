"""The small TypeScript module converted Prisma call sites lean on (Prisma's behaviour Drizzle leaves to
the caller: P2025 on a write or OrThrow read that matched nothing, null rather than undefined, filters
on undefined values ignored, the database errors behind P2002/P2003). One file in the project,
rather than the same lines at every converted site; `migrator rewrite --rules prisma-drizzle`
writes it beside the Drizzle client when it does not exist."""

from __future__ import annotations

from importlib.resources import files

FILE_NAME = "prisma-compat.ts"
# What the module exports, for the rules that import from it.
EXPORTS = ("RecordNotFoundError", "oneOrThrow", "onlyRow", "instant", "selectOrInsert", "writeThenRead", "readThenDelete", "insertRows", "afterConnect", "updateOrRead", "foundOrThrow", "orNull", "whenDefined", "equals", "keyEquals", "notEquals", "anyOf", "prismaKeys", "UNIQUE_VIOLATION",
           "FOREIGN_KEY_VIOLATION", "isUniqueViolation", "isForeignKeyViolation", "isRecordNotFound",
           "sumNumber", "avgNumber", "relationCount", "withCount",
           "queryRaw", "executeRaw", "rawParam", "sqliteRawParam",
           "whereEquals", "whereNotEquals", "whereKey")  # the last three: drizzle-orm 1.0 `where` values (query_v2)


def prisma_compat_module() -> str:
    """The module's text."""
    return files(__package__).joinpath(FILE_NAME).read_text(encoding="utf-8")

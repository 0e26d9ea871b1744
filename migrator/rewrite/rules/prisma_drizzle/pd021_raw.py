"""PD021: `$queryRaw`/`$executeRaw` tagged templates → drizzle's `sql` template through prisma-compat's queryRaw/executeRaw."""

from __future__ import annotations

from migrator.rewrite.typescript.convert import PrismaRule, short

# Names of Prisma's SQL-building helpers: a fragment built with them is SQL text to Prisma, and would be a
# bound value to drizzle's `sql` template (or fail): a site in a file that uses them is refused.
_PRISMA_SQL = ("Prisma.sql", "Prisma.join", "Prisma.raw", "Prisma.empty", "Prisma.Sql")


class RawQuery(PrismaRule):
    """`prisma.$queryRaw\\`… ${x} …\\`` → `queryRaw(db, sql\\`… ${rawParam(x)} …\\`)` (the rows, an array, as Prisma's); `$executeRaw\\`…\\`` → `executeRaw(db, sql\\`…\\`)` (the number of rows changed).

    Interpolations stay bound parameters through prisma-compat's `rawParam` (SQLite: `sqliteRawParam`):
    an array is one array parameter, as Prisma binds it, not drizzle's `(a, b)` list, and a Date is
    sent as Prisma sends it (UTC text; node-postgres would send local time, better-sqlite3 refuses a
    Date); a type argument (`$queryRaw<Row[]>`) is kept on
    queryRaw. prisma-compat's helpers take the driver's result apart at run time: node-postgres'
    `{ rows, rowCount }`, postgres-js' row list, SQLite's `db.all`/`db.run`. Values whose type Prisma
    converts itself are reported by PD022. Refused: the call form `$queryRaw(Prisma.sql\\`…\\`)`, a
    file that builds SQL with `Prisma.sql`/`join`/`raw`/`empty` (a fragment held in a variable would
    become a bound value), `$queryRawUnsafe`/`$executeRawUnsafe` (a string built at run time with
    positional parameters: `sql.raw` has no parameters), and `$queryRawTyped`.
    """

    code = "PD021"
    client_operations = ("$queryRaw", "$executeRaw", "$queryRawUnsafe", "$executeRawUnsafe", "$queryRawTyped")

    @classmethod
    def convert(cls, text: str, call, operation: str, client: str, needs, dialect: str = "postgresql") -> str:
        """The Drizzle text for the raw call `call` (a tree-sitter call node); `needs` collects imports."""
        if operation in ("$queryRawUnsafe", "$executeRawUnsafe"):
            raise cls.refuse(f"`{operation}` runs a SQL string built at run time with positional parameters ($1 …): "
                             f"drizzle's sql.raw() binds nothing; rewrite it as a sql`…` template by hand")
        if operation == "$queryRawTyped":
            raise cls.refuse("`$queryRawTyped` runs a TypedSQL file: rewrite the query with drizzle by hand")
        template = call.field("arguments")
        if template is None or template.kind() != "template_string":
            raise cls.refuse(f"`{operation}` is called with `{short(template.text() if template else '')}`, not a "
                             f"tagged template (a Prisma.sql fragment is SQL text to Prisma): convert by hand")
        used = [name for name in _PRISMA_SQL if name in text]
        if used:
            raise cls.refuse(f"the file builds SQL with `{used[0]}`: a fragment held in a variable is SQL text to "
                             f"Prisma but a bound value in drizzle's sql`…`; convert the raw queries by hand")
        start = template.range().start.index
        body = text[start:template.range().end.index]
        # Each `${expr}` → `${rawParam(expr)}` (one parameter, Dates as Prisma binds them), back to front
        # so that earlier offsets stay valid.
        param = "sqliteRawParam" if dialect == "sqlite" else "rawParam"
        for sub in reversed([c for c in template.children() if c.kind() == "template_substitution"]):
            expr = [c for c in sub.children() if c.kind() not in ("${", "}")]
            if len(expr) != 1:
                raise cls.refuse("an interpolation of the template is not one expression")
            if expr[0].find(kind="template_string") is not None or expr[0].kind() == "template_string":
                raise cls.refuse("an interpolation holds a template: convert by hand")
            a, b = expr[0].range().start.index - start, expr[0].range().end.index - start
            if expr[0].kind() in ("string", "number", "null") or (dialect != "sqlite" and expr[0].kind() in (
                    "true", "false")):
                continue  # a literal is bound as it is either way
            needs.compat.add(param)
            body = body[:a] + f"{param}({body[a:b]})" + body[b:]
        needs.ops.add("sql")
        types = call.field("type_arguments")
        if operation == "$queryRaw":
            needs.compat.add("queryRaw")
            return f"queryRaw{types.text() if types is not None else ''}({client}, sql{body})"
        if types is not None:
            raise cls.refuse("`$executeRaw` with a type argument")
        needs.compat.add("executeRaw")
        return f"executeRaw({client}, sql{body})"

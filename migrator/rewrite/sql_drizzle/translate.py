"""One literal SQL statement with bind parameters as a Drizzle query-builder expression.

The core of `--rules sql-drizzle` (raw SQL through `pg`, `postgres`, `@libsql/client`,
`better-sqlite3` → Drizzle): `translate(sql, params, tables, dialect)` parses the statement with
sqlglot and, when it is a single-table SELECT/INSERT/UPDATE/DELETE (simple inner and left
joins for SELECT) whose WHERE is made of comparisons, IN lists, IS [NOT] NULL, LIKE/ILIKE,
BETWEEN, AND/OR/NOT, with ORDER BY, LIMIT/OFFSET and RETURNING, writes the builder calls.
Every table and column is looked up in `tables` (the Drizzle schema's names: table export,
property keys by column); the rows keep the shape the raw query had: the select object's
keys are the SQL's output names (`created_at`, an alias), not the properties.

Names are read as the dialect reads them (PostgreSQL folds unquoted identifiers, the rows' keys
included; SQLite matches case-insensitively and keys a plain column by its declaration), and the
translation records what the engine must check against the schema: the columns the rows carry
(`reads`), the values bound through a column (`binds`: Drizzle encodes them) and `SELECT *` (`star`).

Anything else — an unknown table or column, a function call, a subquery, GROUP BY, two output
columns of one name — becomes `db.execute(sql\\`…\\`)` with the parameters interpolated by the
`sql` template (bound, never spliced; non-literals through `sql.param()`), with the reason, or a
finding when even that would change the statement (several statements, no parse).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

import sqlglot
from sqlglot import exp

# SQL comparison -> the drizzle-orm operator function (docs: orm.drizzle.team/docs/operators).
OPERATORS: dict[type, str] = {
    exp.EQ: "eq", exp.NEQ: "ne", exp.LT: "lt", exp.LTE: "lte", exp.GT: "gt", exp.GTE: "gte",
    exp.Like: "like", exp.ILike: "ilike",
}
DIALECTS = {"postgresql": "postgres", "sqlite": "sqlite"}


@dataclass(frozen=True)
class TableNames:
    """A table as the Drizzle schema names it: its export and each column's property key."""

    variable: str
    keys: dict[str, str]  # column -> property key


@dataclass
class Translation:
    code: str  # the expression, using `db`, the table variables and drizzle-orm's operators
    kind: str  # "select" | "insert" | "update" | "delete" | "execute"
    operators: set[str] = field(default_factory=set)  # names to import from drizzle-orm
    tables: set[str] = field(default_factory=set)  # table variables used
    returns_rows: bool = True  # select, or a write with RETURNING (else a result object)
    reason: str = ""  # why "execute" (the builder could not say it)
    reads: list[str] = field(default_factory=list)  # the column expressions the rows carry (`users.id`)
    # the values bound through a column (`eq(users.createdAt, x)`, `.set({ createdAt: x })`): Drizzle passes
    # them through the column's mapToDriverValue, the driver took them as they were
    binds: list[tuple[str, str]] = field(default_factory=list)  # (column expression, JavaScript value)
    star: bool = False  # `SELECT *` / `RETURNING *` read as every column the Drizzle schema lists


class _Unsupported(Exception):
    pass


def translate(sql: str, params: list[str], tables: dict[str, TableNames], dialect: str = "postgresql",
              db: str = "db") -> Translation:
    """`sql` with its parameters as JavaScript source (`params[0]` is `$1` or the first `?`)."""
    try:
        statements = [s for s in sqlglot.parse(sql, read=DIALECTS[dialect]) if s is not None]
    except sqlglot.errors.ParseError as exc:
        raise ValueError(f"the SQL does not parse: {str(exc).splitlines()[0]}") from None
    if len(statements) != 1:
        raise ValueError(f"{len(statements)} statements in one string: split them first")
    tree = statements[0]
    try:
        return _Builder(params, tables, db, DIALECTS[dialect]).statement(tree)
    except _Unsupported as why:
        return _execute(sql, params, dialect, db, str(why))


_PLACEHOLDERS = {"postgresql": re.compile(r"\$(\d+)"), "sqlite": re.compile(r"\?")}


def _execute(sql: str, params: list[str], dialect: str, db: str, reason: str) -> Translation:
    """`db.execute(sql…)` (a template literal) with each placeholder (outside quotes) replaced by `${param}`: the
    template binds it, it is never spliced into the text."""
    pattern = _PLACEHOLDERS[dialect]
    out: list[str] = []
    position = i = used = 0
    quote = None
    while i < len(sql):
        ch = sql[i]
        if quote:
            quote = None if ch == quote else quote
        elif ch in ("'", '"'):
            quote = ch
        else:
            m = pattern.match(sql, i)
            if m:
                index = int(m.group(1)) - 1 if dialect == "postgresql" else used
                used += 1
                if index >= len(params):
                    raise ValueError(f"placeholder {m.group(0)} has no parameter")
                out.append(_template_text(sql[position:i]) + "${" + _bound(params[index]) + "}")
                position = i = m.end()
                continue
        i += 1
    out.append(_template_text(sql[position:]))
    return Translation(f"{db}.execute(sql`{''.join(out)}`)", "execute", {"sql"}, set(), True, reason)


_LITERAL = re.compile(r"-?\d+(?:\.\d+)?|\"[^\"\\\\]*\"|'[^'\\\\]*'|true|false|null")


def _bound(value: str) -> str:
    """A parameter as the `sql` template binds it exactly as the driver did: a literal as it is; any other
    expression through `sql.param()` (the template itself would expand an array into a list, and drop
    `undefined` with its placeholder)."""
    return value if _LITERAL.fullmatch(value.strip()) else f"sql.param({value})"


def _template_text(text: str) -> str:
    return text.replace("\\", "\\\\").replace("`", "\\`").replace("${", "\\${")


class _Builder:
    def __init__(self, params: list[str], tables: dict[str, TableNames], db: str, read: str = "postgres") -> None:
        self.read = read  # sqlglot's name of the dialect, for printing SQL back as written
        self.params = params
        self.tables = tables
        self.db = db
        self.used: set[str] = set()
        self.ops: set[str] = set()
        self.aliases: dict[str, str] = {}  # SQL name or alias -> table name
        self.order: int = 0  # ? placeholders seen
        self.reads: list[str] = []  # column expressions of the select list / RETURNING
        self.binds: list[tuple[str, str]] = []  # (column expression, value) bound through the column
        self.star = False

    # PostgreSQL folds unquoted identifiers to lower case (the rows' keys too); SQLite compares names
    # case-insensitively and names a plain column's output after its declaration.
    def fold(self, name: str, quoted: bool) -> str:
        return name if quoted or self.read != "postgres" else name.lower()

    def _find(self, names: dict, name: str, quoted: bool):
        """The entry of `names` (keyed by SQL name) that the identifier means, with its declared name."""
        name = self.fold(name, quoted)
        if name in names:
            return name, names[name]
        if self.read != "postgres":
            for declared, value in names.items():
                if declared.lower() == name.lower():
                    return declared, value
        return name, None

    def output(self, item: exp.Expression, default: str | None) -> tuple[str, exp.Expression]:
        """(the key the driver's row has for this select/RETURNING item, the expression)."""
        if isinstance(item, exp.Alias):
            alias = item.args["alias"]
            return self.fold(alias.name, _quoted(alias)), item.this
        if isinstance(item, exp.Column):
            return self.place(item, default)[1], item  # a plain column's output: its declared name
        return item.alias_or_name, item

    # -- names -------------------------------------------------------------------

    def table(self, node: exp.Table) -> TableNames:
        if node.args.get("db") or node.args.get("catalog"):
            raise _Unsupported(f"a schema-qualified table ({node.sql(dialect=self.read)})")
        name, names = self._find(self.tables, node.name, _quoted(node.this))
        if names is None:
            raise _Unsupported(f"table {node.name} is not in the Drizzle schema")
        alias = node.args.get("alias")
        if alias is not None and alias.this is not None:
            self.aliases[self.fold(alias.name, _quoted(alias.this))] = name
        self.aliases.setdefault(name, name)
        self.used.add(names.variable)
        return names

    def column(self, node: exp.Column, default: str | None) -> str:
        names, _, key = self.place(node, default)
        return _property(names, key)

    def place(self, node: exp.Column, default: str | None) -> tuple[TableNames, str, str]:
        """The column's table, declared SQL name and property key."""
        if default is not None and default not in self.aliases:
            default = self.fold(default, False)
        owner = self.fold(node.table, _quoted(node.args.get("table"))) if node.table else default
        if not owner or owner not in self.aliases:
            if not node.table and len({t for t in self.aliases.values()}) == 1:
                owner = next(iter(self.aliases))
            else:
                raise _Unsupported(f"column {node.sql(dialect=self.read)} cannot be placed in one table")
        table = self.aliases[owner]
        names = self.tables[table]
        declared, key = self._find(names.keys, node.name, _quoted(node.this))
        if key is None:
            raise _Unsupported(f"column {table}.{node.name} is not in the Drizzle schema")
        return names, declared, key

    # -- values ------------------------------------------------------------------

    def value(self, node: exp.Expression, default: str | None) -> str:
        if isinstance(node, exp.Parameter):
            index = int(node.name) - 1
            if not 0 <= index < len(self.params):
                raise ValueError(f"${index + 1} has no parameter")
            return self.params[index]
        if isinstance(node, exp.Placeholder):
            if self.order >= len(self.params):
                raise ValueError("a ? placeholder has no parameter")
            self.order += 1
            return self.params[self.order - 1]
        if isinstance(node, exp.Literal):
            return json.dumps(node.this) if node.is_string else node.this
        if isinstance(node, exp.Boolean):
            return "true" if node.this else "false"
        if isinstance(node, exp.Null):
            return "null"
        if isinstance(node, exp.Neg) and isinstance(node.this, exp.Literal) and not node.this.is_string:
            return "-" + node.this.this
        if isinstance(node, exp.Column):
            return self.column(node, default)
        raise _Unsupported(f"the expression {node.sql(dialect=self.read)} has no query-builder form")

    def condition(self, node: exp.Expression, default: str | None) -> str:
        if isinstance(node, exp.Paren):
            return self.condition(node.this, default)
        if isinstance(node, (exp.And, exp.Or)):
            # a chain of one operator is one call: and(a, b, c)
            name = "and" if isinstance(node, exp.And) else "or"
            self.ops.add(name)
            return f"{name}({', '.join(self.condition(o, default) for o in _operands(node, type(node)))})"
        if isinstance(node, exp.Not):
            inner = node.this.this if isinstance(node.this, exp.Paren) else node.this
            if isinstance(inner, exp.Is) and isinstance(inner.expression, exp.Null):
                self.ops.add("isNotNull")
                return f"isNotNull({self.column_of(inner.this, default)})"
            if isinstance(inner, exp.In):
                return self._in(inner, default, negated=True)
            self.ops.add("not")
            return f"not({self.condition(node.this, default)})"
        if isinstance(node, exp.Is) and isinstance(node.expression, exp.Null):
            name = "isNotNull" if node.args.get("negate") else "isNull"  # `x IS NOT NULL` is Is(negate=True)
            self.ops.add(name)
            return f"{name}({self.column_of(node.this, default)})"
        if isinstance(node, exp.In):
            return self._in(node, default, negated=False)
        if isinstance(node, exp.Between):
            self.ops.add("between")
            column = self.column_of(node.this, default)
            return (f"between({column}, {self.bound(column, node.args['low'], default)}, "
                    f"{self.bound(column, node.args['high'], default)})")
        op = OPERATORS.get(type(node))
        if op is not None:
            left, right = node.this, node.expression
            if not isinstance(left, exp.Column) and isinstance(right, exp.Column) and op in ("eq", "ne"):
                left, right = right, left
            if isinstance(right, exp.Null):
                raise _Unsupported(f"{node.sql(dialect=self.read)} is never true in SQL; say IS NULL")
            self.ops.add(op)
            column = self.column_of(left, default)
            return f"{op}({column}, {self.bound(column, right, default)})"
        raise _Unsupported(f"the condition {node.sql(dialect=self.read)} has no query-builder form")

    def column_of(self, node: exp.Expression, default: str | None) -> str:
        if not isinstance(node, exp.Column):
            raise _Unsupported(f"{node.sql(dialect=self.read)} is not a column")
        return self.column(node, default)

    def _in(self, node: exp.In, default: str | None, negated: bool) -> str:
        if node.args.get("query") is not None or not node.expressions:
            raise _Unsupported(f"{node.sql(dialect=self.read)}: IN with a subquery")
        name = "notInArray" if negated else "inArray"
        self.ops.add(name)
        column = self.column_of(node.this, default)
        items = ", ".join(self.bound(column, e, default) for e in node.expressions)
        return f"{name}({column}, [{items}])"

    # -- statements --------------------------------------------------------------

    def statement(self, tree: exp.Expression) -> Translation:
        if isinstance(tree, exp.Select):
            return self.select(tree)
        if isinstance(tree, exp.Insert):
            return self.insert(tree)
        if isinstance(tree, exp.Update):
            return self.update(tree)
        if isinstance(tree, exp.Delete):
            return self.delete(tree)
        raise _Unsupported(f"a {tree.key.upper()} statement")

    def _finish(self, code: str, kind: str, returns_rows: bool) -> Translation:
        return Translation(code, kind, set(self.ops), set(self.used), returns_rows, reads=list(self.reads),
                           binds=list(self.binds), star=self.star)

    def bound(self, column: str, node: exp.Expression, default: str | None) -> str:
        """The value `node` as it is bound through `column` (recorded: Drizzle encodes it with the column)."""
        value = self.value(node, default)
        if not isinstance(node, (exp.Column, exp.Null)):
            self.binds.append((column, value))
        return value

    def _fields(self, items: list, default: str | None, what: str) -> list[tuple[str, str]]:
        """(output key, column expression) of select / RETURNING items, refusing two items of one name
        (the driver's row keeps the last, a Drizzle select object cannot say it)."""
        fields = []
        for item in items:
            name, inner = self.output(item, default)
            if not isinstance(inner, exp.Column):
                raise _Unsupported(f"{what} {item.sql(dialect=self.read)} is not a column")
            if any(n == name for n, _ in fields):
                raise _Unsupported(f"two columns of the rows are named {name} (the driver's row keeps only the last)")
            fields.append((name, self.column(inner, default)))
        return fields

    def select(self, tree: exp.Select) -> Translation:
        for key in ("group", "having", "distinct", "with", "windows", "qualify"):
            if tree.args.get(key):
                raise _Unsupported(f"SELECT with {key.upper()}")
        source = tree.args.get("from_") or tree.args.get("from")
        if source is None or not isinstance(source.this, exp.Table):
            raise _Unsupported("SELECT without a single table in FROM")
        base = self.table(source.this)
        joins = []
        for join in tree.args.get("joins") or []:
            side = (join.side or "").lower()
            if side not in ("", "left") or join.kind not in ("", "INNER", None) or not isinstance(join.this, exp.Table):
                raise _Unsupported("a join other than [INNER] JOIN or LEFT JOIN on a table")
            joined = self.table(join.this)
            if join.args.get("on") is None:
                raise _Unsupported("a join without ON")
            joins.append(("leftJoin" if side == "left" else "innerJoin", joined.variable, join.args["on"]))
        default = source.this.alias_or_name if not joins else None
        fields = []
        for item in tree.expressions:
            if isinstance(item, exp.Star):
                if joins:
                    raise _Unsupported("SELECT * over a join (the rows would nest by table)")
                # Every column under its own name: the rows keep the raw query's shape (when the Drizzle
                # schema lists the table's columns as the database has them: the engine checks).
                self.star = True
                fields += [(column, f"{base.variable}.{key}" if key.isidentifier() else f'{base.variable}["{key}"]')
                           for column, key in base.keys.items()]
                continue
            [field] = self._fields([item], default, "the select item")
            if any(n == field[0] for n, _ in fields):
                raise _Unsupported(f"two columns of the rows are named {field[0]} (the driver's row keeps only "
                                   f"the last)")
            fields.append(field)
        self.reads += [v for _, v in fields]
        code = f"{self.db}.select({{ {', '.join(f'{_key(n)}: {v}' for n, v in fields)} }}).from({base.variable})"
        for method, variable, on in joins:
            code += f".{method}({variable}, {self.condition(on, default)})"
        where = tree.args.get("where")
        if where is not None:
            code += f".where({self.condition(where.this, default)})"
        order = tree.args.get("order")
        if order is not None:
            keys = []
            for o in order.expressions:
                column = self.column_of(o.this, default)
                # sqlglot fills in the dialect's default NULLS order and prints it only when it is not
                # the default: drizzle's asc()/desc() say nothing of nulls, so only the default converts.
                if "NULLS" in o.sql(dialect=self.read).upper():
                    raise _Unsupported("ORDER BY with NULLS FIRST/LAST other than the default")
                if o.args.get("desc"):
                    self.ops.add("desc")
                    keys.append(f"desc({column})")
                else:
                    self.ops.add("asc")
                    keys.append(f"asc({column})")
            code += f".orderBy({', '.join(keys)})"
        for key, method in (("limit", "limit"), ("offset", "offset")):
            node = tree.args.get(key)
            if node is not None:
                code += f".{method}({self.value(node.expression, default)})"
        return self._finish(code, "select", True)

    def _returning(self, tree: exp.Expression, names: TableNames, default: str) -> tuple[str, bool]:
        returning = tree.args.get("returning")
        if returning is None:
            return "", False
        items = returning.expressions
        if len(items) == 1 and isinstance(items[0], exp.Star):
            self.star = True
            self.reads += [f"{names.variable}.{k}" for k in names.keys.values()]
            return ".returning({ " + ", ".join(f"{_key(c)}: {names.variable}.{k}" for c, k in names.keys.items()) + " })", True
        fields = self._fields(items, default, "RETURNING")
        self.reads += [column for _, column in fields]
        return f".returning({{ {', '.join(f'{_key(n)}: {c}' for n, c in fields)} }})", True

    def insert(self, tree: exp.Insert) -> Translation:
        target = tree.this
        schema = target if isinstance(target, exp.Schema) else None
        table = schema.this if schema is not None else target
        if not isinstance(table, exp.Table) or schema is None:
            raise _Unsupported("INSERT without a column list")
        names = self.table(table)
        columns = list(schema.expressions)
        values = tree.expression
        if not isinstance(values, exp.Values) or tree.args.get("conflict") is not None:
            raise _Unsupported("INSERT other than VALUES (…) without ON CONFLICT")
        rows = []
        for row in values.expressions:
            cells = row.expressions if isinstance(row, exp.Tuple) else [row]
            if len(cells) != len(columns):
                raise _Unsupported("a VALUES row whose length is not the column list's")
            pairs = []
            for column, cell in zip(columns, cells):
                _, key = self._find(names.keys, column.name, _quoted(column))
                if key is None:
                    raise _Unsupported(f"column {table.name}.{column.name} is not in the Drizzle schema")
                pairs.append(f"{_key(key)}: {self.bound(_property(names, key), cell, table.alias_or_name)}")
            rows.append("{ " + ", ".join(pairs) + " }")
        data = rows[0] if len(rows) == 1 else "[" + ", ".join(rows) + "]"
        returning, rows_back = self._returning(tree, names, table.name)
        return self._finish(f"{self.db}.insert({names.variable}).values({data}){returning}", "insert", rows_back)

    def update(self, tree: exp.Update) -> Translation:
        if tree.args.get("from_") or tree.args.get("from"):
            raise _Unsupported("UPDATE … FROM")
        names = self.table(tree.this)
        pairs = []
        for assignment in tree.expressions:
            if not isinstance(assignment, exp.EQ) or not isinstance(assignment.this, exp.Column):
                raise _Unsupported(f"the assignment {assignment.sql(dialect=self.read)}")
            _, key = self._find(names.keys, assignment.this.name, _quoted(assignment.this.this))
            if key is None:
                raise _Unsupported(f"column {tree.this.name}.{assignment.this.name} is not in the Drizzle schema")
            value = self.bound(_property(names, key), assignment.expression, tree.this.alias_or_name)
            pairs.append(f"{_key(key)}: {value}")
        code = f"{self.db}.update({names.variable}).set({{ {', '.join(pairs)} }})"
        where = tree.args.get("where")
        if where is not None:
            code += f".where({self.condition(where.this, tree.this.alias_or_name)})"
        returning, rows_back = self._returning(tree, names, tree.this.alias_or_name)
        return self._finish(code + returning, "update", rows_back)

    def delete(self, tree: exp.Delete) -> Translation:
        if tree.args.get("using"):
            raise _Unsupported("DELETE … USING")
        names = self.table(tree.this)
        code = f"{self.db}.delete({names.variable})"
        where = tree.args.get("where")
        if where is not None:
            code += f".where({self.condition(where.this, tree.this.alias_or_name)})"
        returning, rows_back = self._returning(tree, names, tree.this.alias_or_name)
        return self._finish(code + returning, "delete", rows_back)


def _property(names: TableNames, key: str) -> str:
    return f"{names.variable}.{key}" if key.isidentifier() else f'{names.variable}["{key}"]'


def _quoted(node) -> bool:
    return bool(node is not None and isinstance(node, exp.Identifier) and node.quoted)


def _key(name: str) -> str:
    return name if name.isidentifier() else json.dumps(name)


def _operands(node: exp.Expression, kind: type) -> list[exp.Expression]:
    """The operands of a chain of one boolean operator, through parentheses: a AND (b AND c) -> [a, b, c]."""
    inner = node.this if isinstance(node, exp.Paren) else node
    if isinstance(inner, kind):
        return _operands(inner.this, kind) + _operands(inner.expression, kind)
    return [node]

"""What the prisma-drizzle rules share: the refusal that becomes a finding, the conversion
context, and reading object literals strictly (a spread, a computed key or a method is never
guessed at: it is a refusal).

A rule converts one piece of a call (`where`, `select`/`include`, `orderBy`, `take`/`skip`)
to Drizzle text, or raises `Refusal(code, reason)`; one refusal anywhere leaves the whole call
as it is and becomes its finding.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

from migrator.rewrite.typescript.mapping import ModelMap, NameMap
from migrator.rewrite.typescript.rulebase import Refusal, RuleBase  # noqa: F401 (Refusal: the rules import it from here)


class PrismaRule(RuleBase):
    """Base of every prisma-drizzle rule: its code, and its docstring's first line as description."""


@dataclass
class Needs:
    """Names the converted text uses, by module."""

    tables: set[str] = field(default_factory=set)  # Drizzle table exports (from the schema module)
    ops: set[str] = field(default_factory=set)  # drizzle-orm's operators
    compat: set[str] = field(default_factory=set)  # prisma-compat helpers
    # Names from other modules, by module (`alias` from "drizzle-orm/pg-core" for a relation filter's subquery).
    modules: dict[str, set[str]] = field(default_factory=dict)

    def merge(self, other: "Needs") -> None:
        self.tables |= other.tables
        self.ops |= other.ops
        self.compat |= other.compat
        for module, names in other.modules.items():
            self.modules.setdefault(module, set()).update(names)


@dataclass
class Context:
    """One call's conversion: the names, the identifiers its source uses (callback parameters and
    operator names must not capture them), and the operators each callback needs."""

    names: NameMap
    identifiers: frozenset[str]
    operation: str = "findMany"
    param: str = "t"
    needs: Needs = field(default_factory=Needs)  # what the converted text imports (reads and writes alike)
    # The fields of the unique key a findUnique/update/delete/upsert where gives: Prisma throws when
    # one of their values is undefined or null (pd004 sets it).
    key_fields: frozenset = frozenset()
    # Table export -> the name the file imports it as (`team as teamTable` when the file already uses
    # `team` for something else); the engine fills it after a first conversion shows the clash.
    tables: dict = field(default_factory=dict)

    def table(self, export: str) -> str:
        """The converted text's name for the Drizzle table `export` (recorded as needed)."""
        self.needs.tables.add(export)
        return self.tables.get(export, export)
    client: str = "db"  # the Drizzle client's name at the call (a relation filter's subquery is built on it)
    # Names the conversion itself introduced (a subquery's callback parameter, a table alias): later
    # ones must differ from them.
    introduced: set[str] = field(default_factory=set)
    # The relations whose `_count` the query's select/include asks for (PD005): their `_count_<relation>`
    # extras are nested back into Prisma's `_count: { relation: n }` by the engine.
    counts: list = field(default_factory=list)
    # Relation counts inside a relation's select/include of a read: ((relation path: (drizzle name, many)
    # …), relation counted); `path` is where PD005 is while it reads a relation's config.
    nested_counts: list = field(default_factory=list)
    path: list = field(default_factory=list)

    def param_name(self) -> str:
        for name in ("t", "table", "tbl", "t0", "t1", "t2"):
            if name not in self.identifiers:
                return name
        raise Refusal("PD103", "every callback parameter name the rewrite uses is taken by the call's own identifiers")

    def callback(self, ops: set[str], body: str) -> str:
        """`(t, { eq, and }) => body` (the operators in order)."""
        clash = sorted(op for op in ops if op in self.identifiers)
        if clash:
            raise Refusal("PD103", f"the call's values use the name `{clash[0]}`, which the Drizzle callback needs for "
                                   f"its operator; rename it, then rerun")
        if not ops:  # every condition is a prisma-compat guard (equals, whenDefined …): no operator to take
            return f"({self.param_name()}) => {body}"
        return f"({self.param_name()}, {{ {', '.join(sorted(ops))} }}) => {body}"


@dataclass
class Entry:
    key: str
    value: object  # an ast-grep node; for a shorthand property, the identifier node itself
    shorthand: bool = False

    @property
    def text(self) -> str:
        return self.value.text()  # type: ignore[attr-defined]

    @property
    def kind(self) -> str:
        return self.value.kind()  # type: ignore[attr-defined]


def entries(obj, where: str, code: str, spreads: bool = False) -> list[Entry]:
    """The properties of an object literal in order; a spread, computed key or method is a Refusal
    (with `spreads`, a spread is an Entry of key "..." whose value is the spread element)."""
    if obj.kind() != "object":
        raise Refusal(code, f"`{where}` is not an object literal here (`{_short(obj.text())}`): what it holds is "
                            f"known only at run time")
    out: list[Entry] = []
    for child in obj.children():
        kind = child.kind()
        if kind in ("{", "}", ",", "comment"):
            continue
        if kind == "pair":
            key = child.field("key")
            if key.kind() == "property_identifier":
                name = key.text()
            elif key.kind() == "string":
                name = key.text()[1:-1]
            elif key.kind() == "number":
                name = key.text()
            else:
                raise Refusal(code, f"`{where}` has a computed key `{_short(key.text())}`: which field it names is "
                                    f"known only at run time")
            out.append(Entry(name, child.field("value")))
        elif kind == "shorthand_property_identifier":
            out.append(Entry(child.text(), child, shorthand=True))
        elif kind == "spread_element" and spreads:
            out.append(Entry("...", child))
        elif kind == "spread_element":
            raise Refusal(code, f"`{where}` spreads `{_short(child.text())}`: the keys it adds (or leaves out) are "
                                f"known only at run time")
        else:
            raise Refusal(code, f"`{where}` has `{_short(child.text())}`, not a plain `key: value` property")
    return out


def is_undefined(node) -> bool:
    return node.kind() == "undefined" or (node.kind() == "identifier" and node.text() == "undefined")


def string_value(node) -> Optional[str]:
    """The value of a plain string literal ('x', "x", `x` without substitutions), else None."""
    if node.kind() == "string":
        body = node.text()[1:-1]
        return None if "\\" in body else body
    if node.kind() == "template_string" and not any(c.kind() == "template_substitution" for c in node.children()):
        body = node.text()[1:-1]
        return None if "\\" in body else body
    return None


def js_string(text: str) -> str:
    import json

    return json.dumps(text, ensure_ascii=False)


def _short(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 1] + "…"


def short(text: str) -> str:
    return _short(text)


def field_key(model: ModelMap, name: str, code: str) -> str:
    key = model.fields.get(name)
    if key is None:
        raise Refusal(code, f"field {model.prisma}.{name} has no column in the Drizzle table `{model.export}`")
    return key

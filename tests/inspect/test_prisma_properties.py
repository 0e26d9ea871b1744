"""Properties of the prisma: source over random, valid Prisma schemas.

A strategy builds an abstract schema (enums; models with an id, scalar fields of every
kind — required, optional, lists on PostgreSQL — @unique, @default literals, @map, @@map,
@@index, @@unique, and relations to earlier models), which is then written out as Prisma
Schema Language, either plainly or reformatted at random: other indentation and
alignment, blank lines, `//` and `///` comments, spaces inside argument lists, field
attributes, block attributes and blocks in another order. The properties:

(a) every such schema loads, and every model is a table holding every scalar field as a
    column, under its mapped names;
(b) the reading does not depend on the formatting: the reformatted text reads as a Schema
    equal to the plain one (none of those changes reaches the database Prisma Migrate
    creates; `///` is client documentation, not a database comment).
"""

from __future__ import annotations

import random
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from migrator import inspect as sources
from migrator.schema import Schema

SETTINGS = settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# ---------------------------------------------------------------------------
# The abstract schema


@dataclass
class Attr:
    """One field attribute (`@unique`) or block attribute (`@@index([a, b])`): name and argument text."""

    name: str
    args: list[str] = field(default_factory=list)  # each argument already rendered

    def render(self, rng: random.Random | None = None) -> str:
        if not self.args and self.name not in ("@@index", "@@unique"):
            return self.name
        sep = ", "
        inner_pad = ""
        if rng is not None:
            sep = rng.choice([", ", ",", " , ", ",  "])
            inner_pad = rng.choice(["", " "])
        return f"{self.name}({inner_pad}{sep.join(self.args)}{inner_pad})"


@dataclass
class FieldDecl:
    name: str
    type: str  # Prisma type with its modifier: Int, String?, Int[], Mood, Post[]
    attrs: list[Attr] = field(default_factory=list)
    column: str | None = None  # the column it becomes, None for relation fields


@dataclass
class Block:
    keyword: str  # model | enum
    name: str
    fields: list[FieldDecl]
    block_attrs: list[Attr] = field(default_factory=list)
    table: str | None = None  # mapped table name (models)


@dataclass
class PrismaSchema:
    provider: str
    blocks: list[Block]

    def models(self) -> list[Block]:
        return [b for b in self.blocks if b.keyword == "model"]


SCALARS = ["String", "Int", "BigInt", "Float", "Boolean", "DateTime", "Decimal", "Json", "Bytes"]
UNIQUE_OK = {"String", "Int", "BigInt", "enum"}
INDEX_OK = {"String", "Int", "BigInt", "DateTime", "Boolean", "enum"}
ENUM_VALUES = ["RED", "GREEN", "BLUE", "AMBER", "TEAL", "NAVY", "ONYX"]

suffixes = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=5)
safe_strings = st.text(alphabet="abcdefghijklmnopqrstuvwxyzABC 0123456789-_.'", max_size=12)


def quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


@st.composite
def default_literal(draw: st.DrawFn, kind: str, enum_values: list[str]) -> str | None:
    """A @default argument valid for a non-list field of `kind`, or None for no default."""
    if not draw(st.booleans()):
        return None
    if kind == "String":
        return quoted(draw(safe_strings))
    if kind == "Int":
        return str(draw(st.integers(-100_000, 100_000)))
    if kind == "BigInt":
        return str(draw(st.integers(-(2**40), 2**40)))
    if kind == "Float":
        return draw(st.sampled_from(["0", "1.5", "-2.25", "1000.125"]))
    if kind == "Decimal":
        return draw(st.sampled_from(["0", "12.5", "-3.75", "99.99"]))
    if kind == "Boolean":
        return draw(st.sampled_from(["true", "false"]))
    if kind == "DateTime":
        return draw(st.sampled_from(["now()", '"2024-05-06T07:08:09.000Z"']))
    if kind == "enum":
        return draw(st.sampled_from(enum_values))
    return None  # Json, Bytes: no literal default here


@st.composite
def prisma_schemas(draw: st.DrawFn) -> PrismaSchema:
    provider = draw(st.sampled_from(["postgresql", "sqlite"]))
    blocks: list[Block] = []

    enums: list[Block] = []
    for i in range(draw(st.integers(0, 2))):
        values = draw(st.lists(st.sampled_from(ENUM_VALUES), min_size=1, max_size=4, unique=True))
        fields = []
        for v in values:
            attrs = [Attr("@map", [quoted("v_" + v.lower())])] if draw(st.booleans()) else []
            fields.append(FieldDecl(v, "", attrs))
        block_attrs = [Attr("@@map", [quoted(f"e_{i}")])] if draw(st.booleans()) else []
        enums.append(Block("enum", f"E{i}{draw(suffixes).capitalize()}", fields, block_attrs))
    blocks.extend(enums)

    model_count = draw(st.integers(1, 4))
    models: list[Block] = []
    id_types: list[str] = []
    for i in range(model_count):
        suffix = draw(suffixes)
        name = f"M{i}{suffix.capitalize()}"
        fields: list[FieldDecl] = []
        id_kind = draw(st.sampled_from(["Int", "String", "BigInt"]))
        id_attrs = [Attr("@id")]
        if id_kind == "Int" and draw(st.booleans()):
            id_attrs.append(Attr("@default", ["autoincrement()"]))
        elif id_kind == "String":
            id_attrs.append(Attr("@default", [draw(st.sampled_from(["uuid()", "cuid()", "ulid()", "nanoid()"]))]))
        id_column = "id"
        if draw(st.booleans()):
            id_column = f"pk_{i}"
            id_attrs.append(Attr("@map", [quoted(id_column)]))
        fields.append(FieldDecl("id", id_kind, id_attrs, column=id_column))
        id_types.append(id_kind)

        indexable: list[str] = []
        for k in range(draw(st.integers(0, 6))):
            fname = f"f{k}{draw(suffixes)}"
            kind = draw(st.sampled_from(SCALARS + (["enum"] if enums else [])))
            enum_block = draw(st.sampled_from(enums)) if kind == "enum" else None
            type_name = enum_block.name if enum_block else kind
            modifiers = ["", "?"] + (["[]"] if provider == "postgresql" else [])
            modifier = draw(st.sampled_from(modifiers))
            attrs: list[Attr] = []
            column = fname
            if modifier != "[]":
                literal = draw(default_literal(kind, [f.name for f in enum_block.fields] if enum_block else []))
                if literal is not None:
                    attrs.append(Attr("@default", [literal]))
                if kind in UNIQUE_OK and draw(st.booleans()):
                    attrs.append(Attr("@unique"))
                if kind in INDEX_OK:
                    indexable.append(fname)
            if kind == "DateTime" and modifier == "" and not attrs and draw(st.booleans()):
                attrs.append(Attr("@updatedAt"))
            if draw(st.booleans()):
                column = f"c_{fname}"
                attrs.append(Attr("@map", [quoted(column)]))
            fields.append(FieldDecl(fname, type_name + modifier, attrs, column=column))

        # A relation to an earlier model, with its back-relation there.
        if models and draw(st.booleans()):
            j = draw(st.integers(0, len(models) - 1))
            target = models[j]
            fk = f"r{j}Id"
            optional = draw(st.booleans())
            q = "?" if optional else ""
            rel_args = [f"fields: [{fk}]", "references: [id]"]
            if draw(st.booleans()):
                rel_args.append("onDelete: " + draw(st.sampled_from(["Cascade", "Restrict", "NoAction"] + (["SetNull"] if optional else []))))
            fields.append(FieldDecl(f"r{j}", target.name + q, [Attr("@relation", rel_args)]))
            fk_attrs = [Attr("@unique")] if draw(st.booleans()) else []
            fields.append(FieldDecl(fk, id_types[j] + q, fk_attrs, column=fk))
            back_type = name + ("?" if fk_attrs else "[]")
            target.fields.append(FieldDecl(f"back{i}", back_type, []))

        block_attrs: list[Attr] = []
        if indexable:
            for cols in draw(st.lists(st.lists(st.sampled_from(indexable), min_size=1, max_size=2, unique=True), max_size=2, unique_by=tuple)):
                args = ["[" + ", ".join(cols) + "]"]
                block_attrs.append(Attr("@@index", args))
            if len(indexable) >= 2 and draw(st.booleans()):
                block_attrs.append(Attr("@@unique", ["[" + ", ".join(indexable[:2]) + "]"]))
        table = name
        if draw(st.booleans()):
            table = f"t_{i}_{suffix}"
            block_attrs.append(Attr("@@map", [quoted(table)]))
        model = Block("model", name, fields, block_attrs, table=table)
        models.append(model)
    blocks.extend(models)
    return PrismaSchema(provider, blocks)


# ---------------------------------------------------------------------------
# Writing it out


def render(schema: PrismaSchema, rng: random.Random | None = None) -> str:
    """The schema as Prisma Schema Language: plain when rng is None, else reformatted at random."""
    out: list[str] = []

    def blank() -> None:
        if rng is not None:
            out.extend([""] * rng.randint(0, 2))

    def comment(indent: str) -> None:
        if rng is not None and rng.random() < 0.3:
            out.append(indent + rng.choice(["// a note", "/// documentation for the client", "//", "///", "//// four"]))

    def indent() -> str:
        if rng is None:
            return "  "
        return rng.choice(["  ", "    ", "\t", " ", "\t  "])

    def gap() -> str:
        return " " if rng is None else " " * rng.randint(1, 6)

    def eol() -> str:
        if rng is not None and rng.random() < 0.2:
            return gap() + rng.choice(["// trailing", "/// trailing doc"])
        return ""

    if rng is not None:
        out.append("// reformatted")
    out.append("datasource db {")
    out.append(f"{indent()}provider{gap()}={gap()}{quoted(schema.provider)}")
    out.append("}")
    out.append("")

    blocks = list(schema.blocks)
    if rng is not None:
        rng.shuffle(blocks)
    for block in blocks:
        blank()
        comment("")
        out.append(f"{block.keyword} {block.name}{gap()}{{")
        for f in block.fields:
            blank()
            ind = indent()
            comment(ind)
            attrs = list(f.attrs)
            if rng is not None:
                rng.shuffle(attrs)
            parts = [f.name] + ([f.type] if f.type else []) + [a.render(rng) for a in attrs]
            line = ind + gap().join(parts) if rng is not None else ind + " ".join(parts)
            out.append(line + eol())
        block_attrs = list(block.block_attrs)
        if rng is not None:
            rng.shuffle(block_attrs)
        if block_attrs:
            if rng is None or rng.random() < 0.7:
                out.append("")
            for a in block_attrs:
                ind = indent()
                comment(ind)
                out.append(ind + a.render(rng) + eol())
        blank()
        out.append("}")
        out.append("")
    return "\n".join(out) + "\n"


def load(text: str) -> Schema:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "schema.prisma"
        path.write_text(text, encoding="utf-8")
        return sources.load(f"prisma:{path}")


# ---------------------------------------------------------------------------
# Properties


@SETTINGS
@given(prisma_schemas())
def test_random_schemas_load_with_every_model_as_a_table(schema: PrismaSchema) -> None:
    text = render(schema)
    loaded = load(text)
    assert loaded.dialect == schema.provider, text
    tables = {t.name: t for _, t in loaded.tables()}
    for model in schema.models():
        assert model.table in tables, f"model {model.name} (table {model.table}) missing from {sorted(tables)}\n{text}"
        columns = [c.name for c in tables[model.table].columns]
        expected = [f.column for f in model.fields if f.column is not None]
        assert columns == expected, f"{model.table}: columns {columns}, expected {expected}\n{text}"


@SETTINGS
@given(prisma_schemas(), st.randoms(use_true_random=False))
def test_formatting_comments_and_attribute_order_do_not_change_the_schema(
    schema: PrismaSchema, rng: random.Random
) -> None:
    plain = render(schema)
    reformatted = render(schema, rng)
    assert load(reformatted) == load(plain), f"--- plain\n{plain}\n--- reformatted\n{reformatted}"

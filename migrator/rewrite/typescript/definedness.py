"""Whether a TypeScript value may be `undefined` or `null` at run time, from the file alone.

Prisma reads a filter value of `undefined` as "no condition" and `null` as `IS NULL`; Drizzle's
`eq(column, value)` binds either as a parameter and matches no row. A converted filter keeps
Prisma's reading with a guard (prisma-compat's `equals`, `whenDefined` …) unless the value is known
to be neither: a literal, an expression that cannot yield them (arithmetic, a template, `String(x)`,
`x!`), or a name whose declaration says so: a parameter or variable annotated with a type that
excludes `undefined`/`null` (or its property in an object type literal: `{ params }: { params:
{ id: string } }` makes `params.id` a string), a `const` initialised with such a value, a default.

The type annotations are trusted as TypeScript trusts them (`x!` too); a name declared elsewhere
(an import, a global), `any`, `unknown`, a type parameter, an optional property, optional chaining
and any call this module does not know are "may be either": the guard stays.
"""

from __future__ import annotations

from typing import Optional

# (may be undefined, may be null)
Maybe = tuple[bool, bool]
NEITHER: Maybe = (False, False)
EITHER: Maybe = (True, True)

_LITERALS = {"string", "number", "true", "false", "template_string", "regex", "array", "object", "arrow_function",
             "function_expression", "function", "class", "new_expression"}
# Operators whose result is never undefined or null (`??`, `||`, `&&` are handled apart).
_DEFINED_OPERATORS = {"+", "-", "*", "/", "%", "**", "<", "<=", ">", ">=", "==", "===", "!=", "!==", "&", "|", "^",
                      "<<", ">>", ">>>", "in", "instanceof"}
# Global functions whose result is never undefined or null.
_DEFINED_CALLS = {"String", "Number", "Boolean", "BigInt", "parseInt", "parseFloat", "Symbol", "Date.now",
                  "Array.from", "Array.of", "Object.keys", "Object.values", "Object.entries", "JSON.stringify",
                  "Math.floor", "Math.ceil", "Math.round", "Math.max", "Math.min", "Math.abs", "Math.trunc",
                  "encodeURIComponent", "decodeURIComponent", "encodeURI", "decodeURI"}
# Methods of strings, arrays, numbers and dates that return a value (or throw on an undefined receiver,
# before any query runs, as Prisma would have too).
_DEFINED_METHODS = {"toString", "toLowerCase", "toUpperCase", "toLocaleLowerCase", "toLocaleUpperCase", "trim",
                    "trimStart", "trimEnd", "join", "slice", "map", "filter", "concat", "split", "replace",
                    "replaceAll", "padStart", "padEnd", "toISOString", "toJSON", "toFixed", "flat", "flatMap",
                    "normalize", "substring", "repeat", "getTime", "valueOf", "includes", "startsWith", "endsWith",
                    "some", "every", "indexOf", "sort", "reverse", "toSorted"}
_FUNCTIONS = {"arrow_function", "function_declaration", "function_expression", "function", "method_definition",
              "generator_function", "generator_function_declaration"}
_DEPTH = 6


def maybe(node, depth: int = 0) -> Maybe:
    """(may be undefined, may be null) for the value expression `node` (an ast-grep node)."""
    if node is None or depth > _DEPTH:
        return EITHER
    kind = node.kind()
    if kind in _LITERALS:
        return NEITHER
    if kind == "null":
        return (False, True)
    if kind == "undefined":
        return (True, False)
    if kind in ("parenthesized_expression", "satisfies_expression"):
        inner = _first_named(node)
        return maybe(inner, depth + 1)
    if kind == "non_null_expression":
        return NEITHER  # `x!`: the programmer's assertion, trusted as TypeScript trusts it
    if kind == "as_expression":
        children = [c for c in node.children() if c.is_named()]
        return type_maybe(children[1], node) if len(children) == 2 else EITHER
    if kind == "unary_expression":
        return (True, False) if node.text().startswith("void") else NEITHER
    if kind == "update_expression":
        return NEITHER
    if kind == "binary_expression":
        op = node.field("operator")
        op_text = op.text() if op is not None else ""
        if op_text in _DEFINED_OPERATORS:
            return NEITHER
        if op_text in ("??", "||"):
            return maybe(node.field("right"), depth + 1)
        return EITHER
    if kind == "ternary_expression":
        a, b = maybe(node.field("consequence"), depth + 1), maybe(node.field("alternative"), depth + 1)
        return (a[0] or b[0], a[1] or b[1])
    if kind == "call_expression":
        fn = node.field("function")
        if fn is None:
            return EITHER
        if fn.text() in _DEFINED_CALLS:
            return NEITHER
        if fn.kind() == "member_expression" and not _optional(fn) and fn.field("property").text() in _DEFINED_METHODS:
            return NEITHER
        return EITHER
    if kind in ("identifier", "shorthand_property_identifier"):
        if node.text() == "undefined":
            return (True, False)
        return _name(node, node.text(), depth)
    if kind == "member_expression":
        if _optional(node):
            return EITHER
        typ = _type_of(node, depth)
        return type_maybe(typ, node) if typ is not None else EITHER
    return EITHER


def _first_named(node):
    return next((c for c in node.children() if c.is_named()), None)


def _optional(member) -> bool:
    return any(c.kind() == "optional_chain" or c.text() == "?." for c in member.children())


def _name(at, name: str, depth: int) -> Maybe:
    found = declaration(at, name)
    if found is None:
        return EITHER
    how, what = found
    if how == "type":
        return type_maybe(what, at)
    if how == "init":
        return maybe(what, depth + 1)
    if how == "defined":
        return NEITHER
    return EITHER


def _type_of(node, depth: int):
    """The declared type node of `node` (an identifier or a member chain on one), or None."""
    if depth > _DEPTH:
        return None
    if node.kind() in ("identifier", "shorthand_property_identifier"):
        found = declaration(node, node.text())
        if found is None:
            return None
        how, what = found
        if how == "type":
            return what
        if how == "init" and what.kind() == "as_expression":
            children = [c for c in what.children() if c.is_named()]
            return children[1] if len(children) == 2 else None
        if how == "init" and what.kind() in ("identifier", "member_expression"):
            return _type_of(what, depth + 1)
        return None
    if node.kind() == "member_expression" and not _optional(node):
        owner = node.field("object")
        if owner is not None and owner.kind() == "parenthesized_expression":
            owner = _first_named(owner)
        if owner is not None and owner.kind() == "as_expression":
            children = [c for c in owner.children() if c.is_named()]
            owner_type = children[1] if len(children) == 2 else None
        else:
            owner_type = _type_of(owner, depth + 1) if owner is not None else None
        return _property(owner_type, node.field("property").text()) if owner_type is not None else None
    return None


def _property(type_node, name: str):
    """The type of property `name` in an object type literal; a marker for an optional one; None."""
    type_node = _declared(_unwrap(type_node))
    if type_node is None or type_node.kind() not in ("object_type", "interface_body"):
        return None
    for member in type_node.children():
        if member.kind() != "property_signature":
            continue
        key = member.field("name")
        if key is None or key.text().strip("'\"") != name:
            continue
        if any(c.text() == "?" for c in member.children()):
            return _OPTIONAL
        annotation = member.field("type")
        return _first_named(annotation) if annotation is not None else None
    return None


class _Optional:
    """The type of an optional property (`id?: string`): may be undefined."""

    def kind(self) -> str:
        return "__optional__"


_OPTIONAL = _Optional()


def _declared(type_node):
    """A type name declared in the same file (`type Query = { … }`, `interface Query { … }`) → its
    object type or interface body; anything else as it is."""
    if type_node is None or isinstance(type_node, _Optional) or type_node.kind() != "type_identifier":
        return type_node
    root = type_node
    for root in type_node.ancestors():
        pass
    name = type_node.text()
    for stmt in root.children():
        if stmt.kind() == "export_statement":
            stmt = next((c for c in stmt.children() if c.is_named() and c.kind().endswith("_declaration")), stmt)
        if stmt.kind() == "type_alias_declaration" and stmt.field("name") is not None \
                and stmt.field("name").text() == name and stmt.field("type_parameters") is None:
            return _unwrap(stmt.field("value"))
        if stmt.kind() == "interface_declaration" and stmt.field("name") is not None \
                and stmt.field("name").text() == name and stmt.field("type_parameters") is None:
            return stmt.field("body")
    return type_node


def _unwrap(type_node):
    while type_node is not None and not isinstance(type_node, _Optional) and type_node.kind() in (
            "type_annotation", "parenthesized_type"):
        type_node = _first_named(type_node)
    return type_node


def type_maybe(type_node, at) -> Maybe:
    """(may be undefined, may be null) for a value of the declared type `type_node`."""
    type_node = _unwrap(type_node)
    if type_node is None:
        return EITHER
    if isinstance(type_node, _Optional):
        return (True, True)
    kind = type_node.kind()
    text = type_node.text()
    if kind == "union_type":
        out = (False, False)
        for member in type_node.children():
            if member.is_named():
                m = type_maybe(member, at)
                out = (out[0] or m[0], out[1] or m[1])
        return out
    if kind == "predefined_type":
        if text in ("any", "unknown"):
            return EITHER
        if text in ("undefined", "void"):
            return (True, False)
        if text == "never":
            return NEITHER
        return NEITHER
    if kind in ("undefined",) or text == "undefined":
        return (True, False)
    if kind == "literal_type":
        return (False, True) if text == "null" else ((True, False) if text == "undefined" else NEITHER)
    if kind == "null" or text == "null":
        return (False, True)
    if kind == "type_identifier":
        return EITHER if _type_parameter(at, text) else NEITHER
    if kind in ("array_type", "tuple_type", "object_type", "generic_type", "function_type", "template_literal_type",
                "nested_type_identifier", "readonly_type", "lookup_type", "index_type_query", "intersection_type"):
        return NEITHER
    return EITHER


def _type_parameter(at, name: str) -> bool:
    for anc in at.ancestors():
        params = anc.field("type_parameters") if anc.kind() in _FUNCTIONS | {
            "class_declaration", "interface_declaration", "type_alias_declaration"} else None
        if params is not None and any(p.kind() == "type_parameter" and p.field("name") is not None
                                      and p.field("name").text() == name for p in params.children()):
            return True
    return False


def declaration(at, name: str) -> Optional[tuple[str, object]]:
    """How `name`, as used at node `at`, is declared in an enclosing scope of the file:
    ("type", type node) for an annotation, ("init", expression) for a const's initialiser,
    ("defined", None) for a binding with a default value, ("unknown", None) for a binding that
    says nothing (a for-of variable, a catch parameter, a `let` without annotation); None when the
    file does not declare it (an import, a global)."""
    start = at.range().start.index
    for anc in at.ancestors():
        kind = anc.kind()
        if kind in _FUNCTIONS:
            found = _in_parameters(anc, name)
            if found is not None:
                return found
        if kind in ("statement_block", "program", "switch_case", "class_body"):
            for child in anc.children():
                if child.range().start.index > start:
                    break
                found = _in_declaration(child, name)
                if found is not None:
                    return found
        if kind in ("for_in_statement", "for_statement", "catch_clause"):
            for ident in anc.children():
                if ident.kind() in ("identifier", "object_pattern", "array_pattern", "lexical_declaration") and \
                        any(n.text() == name for n in ident.find_all(kind="identifier")) and \
                        ident.range().start.index < start:
                    return ("unknown", None)
    return None


def _in_parameters(fn, name: str) -> Optional[tuple[str, object]]:
    single = fn.field("parameter")
    if single is not None:
        return ("unknown", None) if single.text() == name else None
    params = fn.field("parameters")
    if params is None:
        return None
    for param in params.children():
        if param.kind() not in ("required_parameter", "optional_parameter"):
            continue
        pattern = param.field("pattern")
        annotation = param.field("type")
        default = param.field("value")
        if pattern is None:
            continue
        if pattern.kind() == "identifier":
            if pattern.text() != name:
                continue
            if default is not None:
                return ("defined", None)
            if param.kind() == "optional_parameter" or annotation is None:
                return ("unknown", None)
            return ("type", annotation)
        found = _in_pattern(pattern, name, annotation)
        if found is not None:
            return found
    return None


def _in_pattern(pattern, name: str, annotation) -> Optional[tuple[str, object]]:
    """`name` bound by the object pattern `pattern` whose value has type `annotation` (or None)."""
    if pattern.kind() != "object_pattern":
        return ("unknown", None) if any(n.text() == name for n in pattern.find_all(kind="identifier")) else None
    for part in pattern.children():
        if part.kind() == "shorthand_property_identifier_pattern" and part.text() == name:
            prop = _property(annotation, name) if annotation is not None else None
            return ("type", prop) if prop is not None else ("unknown", None)
        if part.kind() == "object_assignment_pattern":
            left = part.field("left")
            if left is not None and left.text() == name:
                return ("defined", None)
        if part.kind() == "pair_pattern":
            value = part.field("value")
            key = part.field("key")
            if value is None:
                continue
            if value.kind() == "identifier" and value.text() == name:
                prop = _property(annotation, key.text()) if annotation is not None and key is not None else None
                return ("type", prop) if prop is not None else ("unknown", None)
            if value.kind() == "assignment_pattern" and value.field("left") is not None \
                    and value.field("left").text() == name:
                return ("defined", None)
            if value.kind() == "object_pattern":
                inner = _property(annotation, key.text()) if annotation is not None and key is not None else None
                found = _in_pattern(value, name, inner if not isinstance(inner, _Optional) else None)
                if found is not None:
                    return found
        if part.kind() == "rest_pattern" and any(n.text() == name for n in part.find_all(kind="identifier")):
            return ("unknown", None)
    return None


def _in_declaration(stmt, name: str) -> Optional[tuple[str, object]]:
    if stmt.kind() == "export_statement":
        stmt = next((c for c in stmt.children() if c.kind() in ("lexical_declaration", "variable_declaration")), None)
        if stmt is None:
            return None
    if stmt.kind() not in ("lexical_declaration", "variable_declaration"):
        return None
    for declarator in stmt.children():
        if declarator.kind() != "variable_declarator":
            continue
        target = declarator.field("name")
        annotation = declarator.field("type")
        value = declarator.field("value")
        if target is None:
            continue
        if target.kind() == "identifier":
            if target.text() != name:
                continue
            if annotation is not None:
                return ("type", annotation)
            if value is not None:  # a `let` too: TypeScript keeps it to the type its initialiser gave it
                return ("init", value)
            return ("unknown", None)
        if value is not None and value.kind() == "as_expression" and annotation is None:
            children = [c for c in value.children() if c.is_named()]
            annotation = children[1] if len(children) == 2 else None
        found = _in_pattern(target, name, annotation)
        if found is not None:
            return found
    return None

"""Value flow of one TypeScript/JavaScript file: its symbols, scopes, and what flows into them.

The scan's TypeScript analyzer asks this module two things: which Bindings the file
declares (migrator.scan.facts.Binding: a symbol and the expressions assigned to it, for
the project-wide fixed point in migrator.scan.resolve), and which symbol an identifier
means at a given place (scopes: a `const d` inside a function is not the module's `d`).

Symbols: a module-level name is itself ("db"); a name declared inside a function or block
is "name@<byte offset of its scope>"; a function expression is "fn@<offset>" (kind
"function", its sources are what it returns); an object literal is "{}@<offset>" (kind
"object", members "{}@<offset>.key"); a class C is "C" (kind "class", sources its base),
its instance members "C#field" (fields, constructor parameter properties, `this.x = …`
anywhere in the class, methods as functions) and `this` inside it "C#this" (an instance
of C).

Expressions become sources (root, *steps) by rules, not by patterns: a name is its
symbol; `a.b` adds ".b"; `f(…)`/`new F(…)` adds "()"; `x ?? y`, `x || y` and ternaries
are both sides; `await`, parentheses, casts and `!` are transparent; an assignment
`(x = y)` is y; a call of a function from outside the project that is given a callback
(`remember("db", () => new PrismaClient())`, `cache(() => drizzle(pool))`) is the
callback and what it returns; a method that returns its client (CLIENT_METHODS:
`$extends`, `withReplicas`) is its receiver. Type annotations are instances ("#") of the
type: `x: PrismaService`, `tx: Prisma.TransactionClient`, `db: NodePgDatabase<…>`,
`typeof db`, `ReturnType<typeof getDb>`, aliases and interfaces with their members.

Where values flow from: declarations (with defaults in destructuring), assignments to any
reachable name (a module-level cache set inside a getter), `??=`/`||=`, returns, default
parameters (`tx = db()`), parameter annotations (also `Parameters<Parameters<X["transaction"]>[0]>[0]`),
the first parameter of a callback given to a transaction method (TRANSACTION:
`db.transaction(async (tx) => …)`), the first parameter of a callback given in the same call
as a value (`createService(db(), { create: async (client) => … })`: a guess, "?"), class
fields and heritage. Every other parameter is a "param": nothing is known of it, and the
resolver reads its members by name (`ctx.db`). Only symbols that can hold something from a project import or a client
package are kept (a fixed point over the file), so facts stay small.
"""

from __future__ import annotations

from typing import Callable, Iterable

from tree_sitter import Node

from migrator.tsparse import node_text

# Wrappers that change nothing about the value inside them.
TRANSPARENT = frozenset(
    {"parenthesized_expression", "as_expression", "satisfies_expression", "non_null_expression",
     "type_assertion", "await_expression"}
)
FUNCTIONS = frozenset({"function_declaration", "generator_function_declaration", "function_expression",
                       "function", "arrow_function", "generator_function", "method_definition"})
# Nodes that open a scope for the names declared directly in them.
BLOCK_SCOPES = frozenset({"statement_block", "program", "for_statement", "for_in_statement", "class_body",
                          "switch_body", "catch_clause"})
CLASSES = frozenset({"class_declaration", "abstract_class_declaration", "class"})
# Methods whose callback's first parameter is a client on the same connection.
TRANSACTION = frozenset({"$transaction", "transaction", "begin", "batch"})
# Methods that return their receiver's client, extended or routed.
CLIENT_METHODS = frozenset({"$extends", "withReplicas", "$replica", "$primary"})
# Type wrappers whose value is their (first) type argument.
TYPE_WRAPPERS = frozenset({"Promise", "Awaited", "Readonly", "NonNullable", "Required", "Partial", "Omit", "Pick"})

Source = tuple[str, ...]
MAX_STEPS = 8  # longer member chains are not where clients travel


def strip(node: Node | None) -> Node | None:
    while node is not None and node.type in TRANSPARENT:
        if node.type in ("as_expression", "satisfies_expression"):
            node = node.named_children[0] if node.named_children else None
        else:
            node = node.named_children[-1] if node.named_children else None
    return node


def unwrap_up(node: Node) -> Node:
    """The outermost wrapper (parentheses, await, casts) around `node`."""
    while node.parent is not None and node.parent.type in TRANSPARENT:
        node = node.parent
    return node


class Flow:
    """Scopes and bindings of one parsed file.

    is_outside(symbol): whether a symbol is an import of a package (or not declared at
    all): calling such a function with a callback yields the callback's result.
    """

    def __init__(self, source: bytes, root: Node, is_outside: Callable[[str], bool],
                 holder_member: Callable[[Node | None], str | None] = lambda node: None) -> None:
        self.holder_member = holder_member
        self.src = source
        self.root = root
        self.is_outside = is_outside
        self.decls: dict[str, list[tuple[int, int, str]]] = {}  # name -> [(scope start, scope end, symbol)]
        self.raw: list[tuple[str, str, list[Source]]] = []  # (symbol, kind, sources)
        self.classes: dict[int, str] = {}  # class node start byte -> class symbol
        self.own_members: dict[str, set[str]] = {}  # class symbol -> names its body declares (fields, methods, parameter properties)

    def text(self, node: Node) -> str:
        return node_text(self.src, node)

    # -- scopes --------------------------------------------------------------

    def scope_of(self, node: Node, function_wide: bool = False) -> Node:
        """The scope a declaration at `node` binds in: the nearest block, or function for `var`."""
        scope = node.parent
        while scope is not None:
            if scope.type in FUNCTIONS:
                return scope
            if not function_wide and scope.type in BLOCK_SCOPES:
                return scope
            if scope.type == "program":
                return scope
            scope = scope.parent
        return self.root

    def symbol_in(self, name: str, scope: Node) -> str:
        return name if scope.type == "program" else f"{name}@{scope.start_byte}"

    def declare(self, name: str, scope: Node) -> str:
        symbol = self.symbol_in(name, scope)
        self.decls.setdefault(name, []).append((scope.start_byte, scope.end_byte, symbol))
        return symbol

    def resolve(self, name: str, at: int) -> str:
        """The symbol `name` means at byte `at`: the innermost declaration whose scope holds it."""
        best = None
        for start, end, symbol in self.decls.get(name, ()):
            if start <= at < end and (best is None or start >= best[0]):
                best = (start, symbol)
        return best[1] if best is not None else name

    def enclosing_class(self, node: Node) -> str | None:
        """The class whose `this` a node sees (arrow functions keep the outer `this`)."""
        parent = node.parent
        while parent is not None:
            if parent.type in CLASSES:
                return self.classes.get(parent.start_byte)
            if parent.type in ("function_declaration", "function_expression", "function", "generator_function",
                               "generator_function_declaration"):
                return None
            parent = parent.parent
        return None

    # -- declarations (pass A: names only, so that later lookups see every scope) --

    def declare_all(self, decls: Iterable[Node], params: Iterable[Node], functions: Iterable[Node],
                    classes: Iterable[Node]) -> None:
        for node in decls:
            name = node.child_by_field_name("name")
            function_wide = node.parent is not None and node.parent.type == "variable_declaration"
            scope = self.scope_of(node.parent or node, function_wide)
            for ident in self.pattern_names(name):
                self.declare(self.text(ident), scope)
        for node in params:
            fn = node.parent.parent if node.parent is not None else None
            pattern = node.child_by_field_name("pattern") or node
            if fn is None:
                continue
            for ident in self.pattern_names(pattern):
                self.declare(self.text(ident), fn)
        for node in functions:
            name = node.child_by_field_name("name")
            if name is not None:
                self.declare(self.text(name), self.scope_of(node))
        for node in classes:
            name = node.child_by_field_name("name")
            if name is not None and node.type != "class":
                symbol = self.declare(self.text(name), self.scope_of(node))
            elif name is not None:
                symbol = f"{self.text(name)}@{node.start_byte}"
            else:
                symbol = f"class@{node.start_byte}"
            self.classes[node.start_byte] = symbol

    def pattern_names(self, pattern: Node | None) -> list[Node]:
        """Identifiers a binding pattern declares: `x`, `{ a, b: c, d = 1 }`, `[e, ...f]`."""
        if pattern is None:
            return []
        kind = pattern.type
        if kind in ("identifier", "shorthand_property_identifier_pattern"):
            return [pattern]
        out = []
        for child in pattern.named_children:
            if kind == "pair_pattern" and child == pattern.child_by_field_name("key"):
                continue
            if child.type in ("identifier", "shorthand_property_identifier_pattern", "object_pattern", "array_pattern",
                              "pair_pattern", "assignment_pattern", "object_assignment_pattern", "rest_pattern"):
                out += self.pattern_names(child)
        if kind in ("assignment_pattern", "object_assignment_pattern"):
            left = pattern.child_by_field_name("left")
            return self.pattern_names(left) if left is not None else out
        return out

    # -- bindings ------------------------------------------------------------

    def bind(self, symbol: str, kind: str, sources: list[Source]) -> None:
        if sources or kind not in ("value", "type"):
            self.raw.append((symbol, kind, sources))

    def bind_pattern(self, pattern: Node, sources: list[Source], scope_at: int) -> None:
        """`const { db, x: y } = sources`: each name gets a member of the value."""
        kind = pattern.type
        if kind == "identifier":
            self.bind(self.resolve(self.text(pattern), scope_at), "value", sources)
        elif kind == "object_pattern":
            for item in pattern.named_children:
                if item.type == "shorthand_property_identifier_pattern":
                    key = self.text(item)
                    self.bind(self.resolve(key, scope_at), "value", _extend(sources, "." + key))
                elif item.type == "object_assignment_pattern":
                    left = item.child_by_field_name("left")
                    if left is not None and left.type == "shorthand_property_identifier_pattern":
                        key = self.text(left)
                        self.bind(self.resolve(key, scope_at), "value",
                                  _extend(sources, "." + key) + self.sources(item.child_by_field_name("right")))
                elif item.type == "pair_pattern":
                    key, value = item.child_by_field_name("key"), item.child_by_field_name("value")
                    if key is not None and value is not None and key.type in ("property_identifier", "string"):
                        member = self.text(key).strip("'\"")
                        self.bind_pattern(value, _extend(sources, "." + member), scope_at)
        elif kind in ("assignment_pattern", "object_assignment_pattern"):
            left, right = pattern.child_by_field_name("left"), pattern.child_by_field_name("right")
            if left is not None:
                self.bind_pattern(left, sources + self.sources(right), scope_at)

    def sources(self, node: Node | None, depth: int = 0) -> list[Source]:
        """What an expression may hold, as sources (see the module docstring)."""
        node = strip(node)
        if node is None or depth > 12:
            return []
        kind = node.type
        if kind == "identifier":
            return [(self.resolve(self.text(node), node.start_byte),)]
        if kind == "this":
            cls = self.enclosing_class(node)
            return [(f"{cls}#this",)] if cls else []
        if kind == "member_expression":
            prop = node.child_by_field_name("property")
            obj = node.child_by_field_name("object")
            if prop is None:
                return []
            return _extend(self.sources(obj, depth + 1), "." + self.text(prop).lstrip("#"))
        if kind == "subscript_expression":
            index = strip(node.child_by_field_name("index"))
            if index is not None and index.type == "string":
                return _extend(self.sources(node.child_by_field_name("object"), depth + 1), "." + self.text(index)[1:-1])
            return []
        if kind in ("call_expression", "new_expression"):
            return self.call_sources(node, depth)
        if kind == "binary_expression":
            op = node.child_by_field_name("operator")
            operator = self.text(op) if op is not None else ""
            if operator in ("??", "||"):
                return self.sources(node.child_by_field_name("left"), depth + 1) + self.sources(node.child_by_field_name("right"), depth + 1)
            if operator == "&&":
                return self.sources(node.child_by_field_name("right"), depth + 1)
            return []
        if kind == "ternary_expression":
            return self.sources(node.child_by_field_name("consequence"), depth + 1) + self.sources(node.child_by_field_name("alternative"), depth + 1)
        if kind in ("assignment_expression", "augmented_assignment_expression"):
            return self.sources(node.child_by_field_name("right"), depth + 1)
        if kind == "sequence_expression":
            return self.sources(node.named_children[-1] if node.named_children else None, depth + 1)
        if kind in ("arrow_function", "function_expression", "function", "generator_function"):
            return [(f"fn@{node.start_byte}",)]
        if kind == "object":
            return [(f"{{}}@{node.start_byte}",)]
        if kind in CLASSES:
            symbol = self.classes.get(node.start_byte)
            return [(symbol,)] if symbol else []
        return []

    def call_sources(self, node: Node, depth: int) -> list[Source]:
        is_new = node.type == "new_expression"
        callee = strip(node.child_by_field_name("constructor" if is_new else "function"))
        if callee is not None and callee.type == "import":
            return [(f"import@{node.start_byte}",)]  # the analyzer records each `import("m")` under this name
        args = node.child_by_field_name("arguments")
        if callee is None:
            return []
        if args is not None and args.type == "template_string":
            return []  # a tagged template's result is a query, not a client
        if callee.type == "member_expression":
            prop = callee.child_by_field_name("property")
            if prop is not None and self.text(prop) in CLIENT_METHODS:
                return self.sources(callee.child_by_field_name("object"), depth + 1)
        out = _extend(self.sources(callee, depth + 1), "()")
        if args is not None and callee.type == "identifier" and self.is_outside(self.resolve(self.text(callee), callee.start_byte)):
            # A helper from outside the project given a callback (a memoizer, a singleton
            # helper, React's cache) yields the callback, or what the callback returns.
            for arg in args.named_children:
                arg = strip(arg)
                if arg is not None and arg.type in ("arrow_function", "function_expression", "function"):
                    fn = f"fn@{arg.start_byte}"
                    out += [(fn,), (fn, "()")]
        return out

    def type_sources(self, node: Node | None, depth: int = 0) -> list[Source]:
        """What a value of a type annotation holds: an instance ("#") of the named type."""
        if node is None or depth > 6:
            return []
        kind = node.type
        if kind == "type_annotation":
            return self.type_sources(node.named_children[0] if node.named_children else None, depth + 1)
        if kind in ("type_identifier", "identifier"):
            return [(self.resolve(self.text(node), node.start_byte), "#")]
        if kind == "nested_type_identifier":
            parts = self.text(node).replace(" ", "").split(".")
            root = self.resolve(parts[0], node.start_byte)
            return [(root, *("." + p for p in parts[1:]), "#")]
        if kind == "generic_type":
            name = node.child_by_field_name("name") or (node.named_children[0] if node.named_children else None)
            args = next((c for c in node.named_children if c.type == "type_arguments"), None)
            base = self.text(name) if name is not None else ""
            if base in TYPE_WRAPPERS and args is not None and args.named_children:
                return self.type_sources(args.named_children[0], depth + 1)
            holder = self.holder_member(name)
            if holder is not None and args is not None and args.named_children:
                # `TransactionHost<TransactionalAdapterPrisma>`: a library object whose member
                # (`tx`) is a client of the layer its type argument names.
                symbol = f"{{}}@{node.start_byte}"
                self.bind(symbol, "object", [])
                self.bind(f"{symbol}.{holder}", "value", self.type_sources(args.named_children[0], depth + 1))
                return [(symbol,)]
            if base == "ReturnType" and args is not None and args.named_children:
                return _extend([s[:-1] for s in self.type_sources(args.named_children[0], depth + 1) if s[-1] == "#"], "()")
            return self.type_sources(name, depth + 1)
        if kind == "lookup_type":
            # `Parameters<Parameters<PrismaClient["$transaction"]>[0]>[0]`: the parameter of a
            # transaction method's callback is a client, at the type level as in code.
            client = self.transaction_client_type(node, depth)
            return client
        if kind == "member_expression":  # import("./db").Db
            return [src + ("#",) for src in self.sources(node, depth + 1)]
        if kind == "type_query":  # typeof db
            target = node.named_children[0] if node.named_children else None
            return [s + ("#",) for s in self.sources(target, depth + 1)]
        if kind in ("union_type", "intersection_type", "parenthesized_type"):
            out = []
            for child in node.named_children:
                out += self.type_sources(child, depth + 1)
            return out
        return []

    def transaction_client_type(self, node: Node, depth: int) -> list[Source]:
        """Instances named by `Parameters<Parameters<X["transaction"]>[0]>[0]`: X's instances."""
        def parameters_of(lookup: Node | None) -> Node | None:
            """`Parameters<T>[0]` -> T."""
            if lookup is None or lookup.type != "lookup_type" or len(lookup.named_children) != 2:
                return None
            generic, index = lookup.named_children
            if index.type != "literal_type" or self.text(index) != "0" or generic.type != "generic_type":
                return None
            name = generic.child_by_field_name("name") or generic.named_children[0]
            args = next((c for c in generic.named_children if c.type == "type_arguments"), None)
            if self.text(name) != "Parameters" or args is None or len(args.named_children) != 1:
                return None
            return args.named_children[0]

        callback = parameters_of(node)
        method = parameters_of(callback)
        if method is None or method.type != "lookup_type" or len(method.named_children) != 2:
            return []
        owner, key = method.named_children
        if self.text(key).strip("'\"") not in TRANSACTION:
            return []
        return self.type_sources(owner, depth + 1)

    # -- the kinds of places values flow from ---------------------------------

    def declaration(self, node: Node) -> None:
        name, value = node.child_by_field_name("name"), node.child_by_field_name("value")
        if name is None:
            return
        sources = self.sources(value) if value is not None else []
        annotation = node.child_by_field_name("type")
        if annotation is not None:
            sources += self.type_sources(annotation)
        if sources:
            self.bind_pattern(name, sources, name.start_byte)

    def assignment(self, node: Node) -> None:
        left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
        left = strip(left)
        if left is None:
            return
        sources = self.sources(right)
        if not sources:
            return
        if left.type == "identifier":
            self.bind(self.resolve(self.text(left), left.start_byte), "value", sources)
        elif left.type == "member_expression":
            obj, prop = strip(left.child_by_field_name("object")), left.child_by_field_name("property")
            if obj is None or prop is None:
                return
            member = self.text(prop).lstrip("#")
            if obj.type == "this":
                cls = self.enclosing_class(obj)
                if cls:
                    self.bind(f"{cls}#{member}", "value", sources)
            elif obj.type == "identifier":
                self.bind(f"{self.resolve(self.text(obj), obj.start_byte)}.{member}", "value", sources)
        elif left.type in ("object_pattern", "array_pattern"):
            self.bind_pattern(left, sources, left.start_byte)

    def function(self, fn: Node, returns: list[Node]) -> None:
        """A function's symbol: "fn@offset" with what it returns; a declaration's name holds it."""
        symbol = f"fn@{fn.start_byte}"
        sources: list[Source] = []
        body = fn.child_by_field_name("body")
        if fn.type == "arrow_function" and body is not None and body.type != "statement_block":
            sources += self.sources(body)
        for ret in returns:
            sources += self.sources(ret.named_children[0] if ret.named_children else None)
        annotation = fn.child_by_field_name("return_type")
        if annotation is not None:
            sources += self.type_sources(annotation)
        self.bind(symbol, "function", sources)
        single = fn.child_by_field_name("parameter")  # `tx => …`
        if single is not None and single.type == "identifier":
            self.bind(self.resolve(self.text(single), single.start_byte), "param", [])
        name = fn.child_by_field_name("name")
        if fn.type in ("function_declaration", "generator_function_declaration") and name is not None:
            self.bind(self.resolve(self.text(name), name.start_byte), "value", [(symbol,)])
        elif fn.type == "method_definition" and name is not None:
            owner = self.method_owner(fn)
            if owner is not None:
                self.bind(f"{owner}{self.text(name)}", "value", [(symbol,)])

    def method_owner(self, fn: Node) -> str | None:
        """"C#" for a method of class C, "{}@n." for a method of an object literal."""
        parent = fn.parent
        if parent is not None and parent.type == "class_body" and parent.parent is not None:
            cls = self.classes.get(parent.parent.start_byte)
            static = any(c.type == "static" for c in fn.children)
            return (f"{cls}." if static else f"{cls}#") if cls else None
        if parent is not None and parent.type == "object":
            return f"{{}}@{parent.start_byte}."
        return None

    def parameter(self, param: Node) -> None:
        """Default values and annotations flow into parameters; so do constructor parameter properties."""
        pattern = param.child_by_field_name("pattern") or param
        sources = self.sources(param.child_by_field_name("value"))
        annotation = param.child_by_field_name("type")
        if annotation is not None:
            sources += self.type_sources(annotation)
        for ident in self.pattern_names(pattern):
            # What a caller passes is not followed, but the parameter is a place a client may
            # arrive (a tRPC procedure's `{ ctx }`): the resolver reads its members by name.
            self.bind(self.resolve(self.text(ident), ident.start_byte), "param", [])
        if not sources:
            return
        self.bind_pattern(pattern, sources, pattern.start_byte)
        fn = param.parent.parent if param.parent is not None else None
        is_property = any(c.type in ("accessibility_modifier", "readonly", "override_modifier") for c in param.children)
        if is_property and fn is not None and fn.type == "method_definition" and pattern.type == "identifier":
            owner = self.method_owner(fn)
            if owner is not None and owner.endswith("#"):
                self.bind(f"{owner}{self.text(pattern)}", "value", sources)

    def transaction_callback(self, receiver: list[Source], args: Node) -> None:
        """`db.transaction(async (tx) => …)`: tx holds what the receiver holds."""
        for arg in args.named_children:
            fn = strip(arg)
            if fn is None or fn.type not in ("arrow_function", "function_expression", "function"):
                continue
            self.bind_first_parameter(fn, receiver)
            return

    def bind_first_parameter(self, fn: Node, sources: list[Source]) -> None:
        param = fn.child_by_field_name("parameter")
        if param is None:
            params = fn.child_by_field_name("parameters")
            first = params.named_children[0] if params is not None and params.named_children else None
            param = (first.child_by_field_name("pattern") or first) if first is not None else None
        if param is not None and param.type == "identifier":
            self.bind(self.resolve(self.text(param), param.start_byte), "value", sources)

    def passed_along(self, args: Node) -> None:
        """`createService(db(), { create: async (client, data) => client.insert(…) })`,
        `withRetry(db, (c) => …)`: a callback given in the same call as a value receives it as
        its first parameter (the value is handed along, the way a transaction hands its client).
        A guess ("?"): the resolver keeps only sites that name one of the layer's operations."""
        values: list[Source] = []
        callbacks: list[Node] = []
        for arg in args.named_children:
            node = strip(arg)
            if node is None:
                continue
            if node.type in ("arrow_function", "function_expression", "function"):
                callbacks.append(node)
            elif node.type == "object":
                for item in node.named_children:
                    value = strip(item.child_by_field_name("value")) if item.type == "pair" else item
                    if value is not None and value.type in ("arrow_function", "function_expression", "function", "method_definition"):
                        callbacks.append(value)
            elif node.type in ("identifier", "call_expression", "member_expression", "await_expression"):
                values += self.sources(node)
        if values and callbacks:
            guessed = _extend(values, "?")
            for fn in callbacks:
                self.bind_first_parameter(fn, guessed)

    def klass(self, node: Node) -> None:
        symbol = self.classes.get(node.start_byte)
        if symbol is None:
            return
        bases: list[Source] = []
        for child in node.named_children:
            if child.type == "class_heritage":
                for clause in child.named_children:
                    if clause.type == "extends_clause":
                        value = clause.child_by_field_name("value") or (clause.named_children[0] if clause.named_children else None)
                        bases += self.sources(value)
        self.bind(symbol, "class", bases)
        self.bind(f"{symbol}#this", "value", [(symbol, "#")])
        name = node.child_by_field_name("name")
        if node.type == "class" and name is None:
            return
        body = node.child_by_field_name("body")
        own = self.own_members.setdefault(symbol, set())
        for member in body.named_children if body is not None else ():
            declared = member.child_by_field_name("name") or member.child_by_field_name("property")
            if declared is not None:
                own.add(self.text(declared).lstrip("#"))
            if member.type == "method_definition" and declared is not None and self.text(declared) == "constructor":
                params = member.child_by_field_name("parameters")
                for param in params.named_children if params is not None else ():
                    pattern = param.child_by_field_name("pattern")
                    if pattern is not None and pattern.type == "identifier" and any(
                            c.type in ("accessibility_modifier", "readonly") for c in param.children):
                        own.add(self.text(pattern))
            if member.type in ("public_field_definition", "field_definition"):
                prop = member.child_by_field_name("name") or member.child_by_field_name("property")
                if prop is None:
                    continue
                static = any(c.type == "static" for c in member.children)
                sources = self.sources(member.child_by_field_name("value"))
                annotation = member.child_by_field_name("type")
                if annotation is not None:
                    sources += self.type_sources(annotation)
                self.bind(f"{symbol}{'.' if static else '#'}{self.text(prop).lstrip('#')}", "value", sources)

    def object_literal(self, node: Node) -> None:
        symbol = f"{{}}@{node.start_byte}"
        self.bind(symbol, "object", [])
        for item in node.named_children:
            if item.type == "shorthand_property_identifier":
                name = self.text(item)
                self.bind(f"{symbol}.{name}", "value", [(self.resolve(name, item.start_byte),)])
            elif item.type == "pair":
                key = item.child_by_field_name("key")
                if key is not None and key.type in ("property_identifier", "string"):
                    self.bind(f"{symbol}.{self.text(key).strip(chr(39) + chr(34))}", "value", self.sources(item.child_by_field_name("value")))

    def type_alias(self, node: Node) -> None:
        name, value = node.child_by_field_name("name"), node.child_by_field_name("value")
        if name is None or value is None:
            return
        # `type Db = NodePgDatabase<…>`: the alias names what the type names; "#" is applied where it is used.
        sources = [s[:-1] if s[-1] == "#" else s for s in self.type_sources(value)]
        self.bind(self.resolve(self.text(name), name.start_byte), "type", sources)

    def interface(self, node: Node) -> None:
        name, body = node.child_by_field_name("name"), node.child_by_field_name("body")
        if name is None or body is None:
            return
        symbol = self.resolve(self.text(name), name.start_byte)
        self.bind(symbol, "class", [])
        for member in body.named_children:
            if member.type == "property_signature":
                prop = member.child_by_field_name("name")
                annotation = member.child_by_field_name("type")
                if prop is not None and annotation is not None:
                    self.bind(f"{symbol}#{self.text(prop)}", "value", self.type_sources(annotation))

    # -- pruning ---------------------------------------------------------------

    def kept(self, seeds: set[str]) -> list[tuple[str, str, tuple[Source, ...]]]:
        """The bindings that can hold something reaching back to a seed (a project import or a client
        package's export), merged per symbol; a fixed point over the file."""
        merged: dict[tuple[str, str], list[Source]] = {}
        for symbol, kind, sources in self.raw:
            entry = merged.setdefault((symbol, kind), [])
            for source in sources:
                if len(source) <= MAX_STEPS and source not in entry:
                    entry.append(source)
        live = set(seeds)
        kept: dict[tuple[str, str], list[Source]] = {}
        for symbol, kind in merged:
            if kind in ("param", "dangling"):
                kept[(symbol, kind)] = []
                live.add(symbol)
        changed = True
        while changed:
            changed = False
            for key, sources in merged.items():
                if key in kept:
                    continue
                symbol, kind = key
                if any(s[0] in live or s[0].startswith("@") for s in sources):
                    kept[key] = [s for s in sources if s[0] in live or s[0].startswith("@")]
                    live.add(symbol)
                    changed = True
                    for sep in (".", "#"):
                        owner, found, _ = symbol.rpartition(sep)
                        if found and owner and owner not in live:
                            live.add(owner)
            # An object or class with a live member is live (its symbol is how the member is reached).
            for (symbol, kind), sources in merged.items():
                if kind in ("object", "class") and symbol in live and (symbol, kind) not in kept:
                    kept[(symbol, kind)] = [s for s in sources if s[0] in live or s[0].startswith("@")]
                    changed = True
        return [(symbol, kind, tuple(sources)) for (symbol, kind), sources in kept.items()]


def _extend(sources: list[Source], step: str) -> list[Source]:
    return [s + (step,) for s in sources if len(s) < MAX_STEPS]

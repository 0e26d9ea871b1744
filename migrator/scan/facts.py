"""What one source file says about database access, before anything is known about other files.

Scanning is two passes. Pass 1 reads each file alone (in parallel, cached by content
hash) into FileFacts: what it imports and exports, which database clients it creates,
which functions return a client, and every place a name is used as a client
(`db.user.findMany(…)`, `session.query(User)`). Pass 2 (migrator.scan.resolve) links the
files: a binding imported from an entry module — through re-exports, getter functions,
path aliases, relative and package imports — is a client of that module's layer, and its
uses become call sites. Uses whose layer a file alone proves (`from sqlalchemy import
select` then `select(…)`, Drizzle's `sql` tag, `cursor.execute("SELECT …")`) are call
sites already in pass 1.

Everything here is plain data, JSON-able, so FileFacts can be cached on disk.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

FACTS_VERSION = 10  # bump when the analyzers change what they produce: old cache entries are ignored


@dataclass(frozen=True)
class Import:
    """`import { db as d } from "@/lib/db"` -> local "d", module "@/lib/db", name "db".

    name: the imported name; "default" for a default import, "*" for a namespace import
    (`import * as m`, Python `import pkg.mod as m`).
    resolved: the repository-relative path the module resolves to, when the analyzer could
    resolve it in pass 1 (relative imports, tsconfig paths, Python packages in the tree);
    None for packages (`@prisma/client`, `sqlalchemy`).
    """

    local: str
    module: str
    name: str
    line: int
    resolved: str | None = None


@dataclass(frozen=True)
class Export:
    """`export const db = …` -> name "db", local "db"; `export { x as y } from "./m"` -> name "y",
    local "x", module "./m" (resolved like an Import); `export * from "./m"` -> name "*"."""

    name: str
    local: str | None = None
    module: str | None = None
    resolved: str | None = None


@dataclass(frozen=True)
class Client:
    """A client created in this file and bound to a name: `const prisma = new PrismaClient()`,
    `export const db = drizzle(pool)`, `engine = create_engine(url)`, `SessionLocal = sessionmaker(…)`.

    env: environment variables the creation reads (DATABASE_URL, DIRECT_URL), for the report.
    model: a model class that is its own client (Flask-SQLAlchemy's `class User(db.Model)`,
    Django models: `User.query…`, `User.objects…`), not a connection a module creates.
    """

    local: str
    layer: str
    line: int
    env: tuple[str, ...] = ()
    model: bool = False


@dataclass(frozen=True)
class Getter:
    """A function that returns a client binding: `export function getDb() { return db }`,
    `def get_session(): return SessionLocal()`. Calling it yields that binding's client."""

    name: str
    returns: str  # the local binding returned (a Client's local, or an imported name)


@dataclass(frozen=True)
class Binding:
    """A symbol of the file and the expressions whose values flow into it: the input of the
    value-flow analysis in pass 2 (migrator.scan.resolve).

    name: a module-level name ("db"); a local one made unique by the analyzer
    ("d@1234", scoped to its function); an instance member of a class ("PrismaService#prisma");
    an object property ("ctx.db").
    kind: "value" (the union of its sources), "type" (a type alias: not a value itself, an
    annotation with it is an instance of its sources), "function" (its sources are what it returns:
    calling it yields them), "class" (its sources are its bases: instances have the bases'
    members, and a class that extends a client's class makes clients), "object" (an
    object literal: its members are the bindings "name.member").
    sources: expressions, each a tuple (root, *steps). root: a symbol of the file (a Binding
    or an Import's local), "@layer" (a client created right here), "@@layer" (a factory:
    a constructor or function of the layer's package, or a type naming its client).
    steps: "()" called or constructed, "#" an instance of (a type annotation), ".name" a
    member, "?" a guess (a client reached this way yields sites only where the chain names
    one of its layer's operations).
    kind "param": a parameter nothing is known of (no sources); a member of it is whatever
    the project keeps in members of that name (field-based flow: `ctx.db` in a tRPC procedure).
    """

    name: str
    kind: str = "value"
    sources: tuple[tuple[str, ...], ...] = ()


@dataclass(frozen=True)
class Use:
    """A name used as a client: `db.user.findMany(…)` -> root "db", chain ("user", "findMany").

    call: the root was called first (`getDb().user…`, `SessionLocal().query(…)`).
    model/operation: what the analyzer already read from the chain for its layer guesses;
    the resolver fills them per layer when they are None.
    """

    root: str
    chain: tuple[str, ...]
    line: int
    column: int
    call: bool = False
    model: str | None = None
    operation: str | None = None
    calls: tuple[int, ...] = ()  # indexes of chain members that were called (`services.getDb().select()`: 0)


@dataclass(frozen=True)
class Site:
    """A call site: file:line:column, the layer, the model or table ("unknown" when dynamic), the operation."""

    file: str
    line: int
    column: int
    layer: str
    model: str
    operation: str
    via: str | None = None  # the entry module the client came through


@dataclass(frozen=True)
class FileFacts:
    path: str  # repository-relative, POSIX separators
    language: str  # "typescript", "javascript", "python"
    imports: tuple[Import, ...] = ()
    exports: tuple[Export, ...] = ()
    clients: tuple[Client, ...] = ()
    getters: tuple[Getter, ...] = ()
    bindings: tuple[Binding, ...] = ()
    uses: tuple[Use, ...] = ()
    sites: tuple[Site, ...] = ()  # proven by this file alone
    layers_imported: tuple[str, ...] = ()  # layer packages imported even without a site
    skipped: str | None = None  # why the file was not analyzed: "binary", "minified", "syntax error at 12:3", ...
    notes: tuple[str, ...] = field(default=(), compare=False)

    def to_dict(self) -> dict[str, Any]:
        # By hand rather than dataclasses.asdict, which deep-copies every value and was a
        # third of a cold scan's time.
        return {
            "path": self.path,
            "language": self.language,
            "imports": [dict(vars(i)) for i in self.imports],
            "exports": [dict(vars(e)) for e in self.exports],
            "clients": [{**vars(c), "env": list(c.env)} for c in self.clients],
            "getters": [dict(vars(g)) for g in self.getters],
            "bindings": [{"name": b.name, "kind": b.kind, "sources": [list(x) for x in b.sources]} for b in self.bindings],
            "uses": [{**vars(u), "chain": list(u.chain), "calls": list(u.calls)} for u in self.uses],
            "sites": [dict(vars(x)) for x in self.sites],
            "layers_imported": list(self.layers_imported),
            "skipped": self.skipped,
            "notes": list(self.notes),
        }

    @staticmethod
    def from_dict(data: dict[str, Any]) -> FileFacts:
        return FileFacts(
            path=data["path"],
            language=data["language"],
            imports=tuple(Import(**i) for i in data["imports"]),
            exports=tuple(Export(**e) for e in data["exports"]),
            clients=tuple(Client(**{**c, "env": tuple(c["env"])}) for c in data["clients"]),
            getters=tuple(Getter(**g) for g in data["getters"]),
            bindings=tuple(Binding(b["name"], b["kind"], tuple(tuple(x) for x in b["sources"])) for b in data.get("bindings", ())),
            uses=tuple(Use(**{**u, "chain": tuple(u["chain"]), "calls": tuple(u.get("calls", ()))}) for u in data["uses"]),
            sites=tuple(Site(**s) for s in data["sites"]),
            layers_imported=tuple(data["layers_imported"]),
            skipped=data["skipped"],
            notes=tuple(data.get("notes", ())),
        )

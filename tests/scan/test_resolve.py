"""migrator.scan.resolve on hand-built FileFacts: the language-neutral linking contract.

The facts here are what any analyzer could produce; nothing depends on TypeScript.
"""

from __future__ import annotations

from migrator.scan import Project
from migrator.scan.facts import Client, Export, FileFacts, Getter, Import, Site, Use
from migrator.scan.resolve import entry_modules, resolve


def ff(path: str, **kw) -> FileFacts:
    return FileFacts(path=path, language="typescript", **kw)


def imp(local: str, resolved: str | None, name: str | None = None) -> Import:
    return Import(local=local, module=resolved or "pkg", name=name or local, line=1, resolved=resolved)


def use(root: str, *chain: str, call: bool = False, line: int = 5) -> Use:
    return Use(root=root, chain=chain, line=line, column=1, call=call)


DB = ff("db.ts", clients=(Client("db", "prisma", 1, ("DATABASE_URL",)),), exports=(Export("db", "db"),))


def sites(facts: dict[str, FileFacts], path: str, project: Project | None = None) -> list[tuple]:
    return [(s.layer, s.model, s.operation, s.via) for s in resolve(facts, project)[path].sites]


def test_import_of_an_exported_client() -> None:
    facts = {"db.ts": DB, "a.ts": ff("a.ts", imports=(imp("d", "db.ts", "db"),), uses=(use("d", "user", "findMany"),))}
    assert sites(facts, "a.ts") == [("prisma", "user", "findMany", "db.ts")]
    assert resolve(facts)["a.ts"].layers_imported == ("prisma",)


def test_local_client_has_no_via() -> None:
    facts = {"db.ts": ff("db.ts", clients=DB.clients, uses=(use("db", "$transaction"),))}
    assert sites(facts, "db.ts") == [("prisma", "-", "$transaction", None)]


def test_reexport_chain_star_and_rename() -> None:
    facts = {
        "db.ts": DB,
        "index.ts": ff("index.ts", exports=(Export("*", None, "./db", "db.ts"),)),
        "lib.ts": ff("lib.ts", exports=(Export("prisma", "db", "../index", "index.ts"),)),
        "a.ts": ff("a.ts", imports=(imp("prisma", "lib.ts"),), uses=(use("prisma", "post", "create"),)),
    }
    assert sites(facts, "a.ts") == [("prisma", "post", "create", "db.ts")]


def test_export_of_an_imported_binding() -> None:
    facts = {
        "db.ts": DB,
        "re.ts": ff("re.ts", imports=(imp("db", "db.ts"),), exports=(Export("client", "db"),)),
        "a.ts": ff("a.ts", imports=(imp("client", "re.ts"),), uses=(use("client", "user", "count"),)),
    }
    assert sites(facts, "a.ts") == [("prisma", "user", "count", "db.ts")]


def test_cycles_terminate() -> None:
    facts = {
        "a.ts": ff("a.ts", exports=(Export("*", None, "./b", "b.ts"), Export("x", "x", "./a", "a.ts"))),
        "b.ts": ff("b.ts", exports=(Export("*", None, "./a", "a.ts"),)),
        "c.ts": ff("c.ts", imports=(imp("x", "b.ts"), imp("y", "a.ts")), uses=(use("x", "user", "findMany"), use("y", "m", "n"))),
        "g.ts": ff("g.ts", getters=(Getter("f", "g()"), Getter("g", "f()")), uses=(use("f", "user", "x", call=True),)),
    }
    assert sites(facts, "c.ts") == []
    assert sites(facts, "g.ts") == []


def test_getters_local_imported_and_chained() -> None:
    facts = {
        "db.ts": ff("db.ts", clients=DB.clients, getters=(Getter("getDb", "db"), Getter("again", "getDb()")),
                    exports=(Export("getDb", "getDb"), Export("again", "again"))),
        "a.ts": ff("a.ts", imports=(imp("getDb", "db.ts"), imp("again", "db.ts")),
                   uses=(use("getDb", "user", "findMany", call=True), use("again", "post", "count", call=True),
                         use("getDb", "name"))),  # the function itself is not a client
    }
    assert sites(facts, "a.ts") == [("prisma", "user", "findMany", "db.ts"), ("prisma", "post", "count", "db.ts")]
    assert resolve(facts)["a.ts"].layers_imported == ("prisma",)


def test_namespace_import_and_commonjs_default() -> None:
    cjs = ff("cjs.js", clients=(Client("pool", "sql-js", 1),), exports=(Export("default", "pool"),))
    facts = {
        "db.ts": DB,
        "cjs.js": cjs,
        "a.ts": ff("a.ts", imports=(imp("m", "db.ts", "*"), imp("p", "cjs.js", "*")),
                   uses=(use("m", "db", "user", "findMany"), use("p", "query"), use("m", "other", "x"))),
    }
    assert sites(facts, "a.ts") == [("prisma", "user", "findMany", "db.ts"), ("sql-js", "unknown", "query", "cjs.js")]


def test_wrapper_importers_get_nothing() -> None:
    facts = {
        "db.ts": DB,
        "repo.ts": ff("repo.ts", imports=(imp("db", "db.ts"),), exports=(Export("findUser", "findUser"),),
                      uses=(use("db", "user", "findUnique"),)),
        "api.ts": ff("api.ts", imports=(imp("findUser", "repo.ts"),), uses=(use("findUser", "email", call=True),)),
    }
    assert sites(facts, "repo.ts") == [("prisma", "user", "findUnique", "db.ts")]
    assert sites(facts, "api.ts") == []
    assert resolve(facts)["api.ts"].layers_imported == ()


def test_interpret_none_drops_the_use_and_full_analyzer_meaning_wins() -> None:
    facts = {
        "db.ts": ff("db.ts", clients=DB.clients,
                    uses=(use("db", "toString"), Use("db", ("x",), 3, 1, model="users", operation="custom"))),
    }
    assert sites(facts, "db.ts") == [("prisma", "users", "custom", None)]


def test_own_sites_are_kept_and_skipped_files_are_empty() -> None:
    own = Site("s.ts", 2, 3, "drizzle", "-", "sql")
    facts = {"s.ts": ff("s.ts", sites=(own,)), "bad.ts": ff("bad.ts", skipped="syntax error at 1:1", uses=(use("db", "a", "b"),))}
    result = resolve(facts)
    assert result["s.ts"].sites == (own,)
    assert result["bad.ts"].sites == () and result["bad.ts"].layers_imported == ()


def test_configured_entry_module_exports_count_as_clients() -> None:
    facts = {
        "lib/db.py": FileFacts("lib/db.py", "python", exports=(Export("session", "session"),)),
        "app.py": FileFacts("app.py", "python", imports=(imp("session", "lib/db.py"),),
                            uses=(Use("session", ("user", "findMany"), 4, 5),)),
    }
    project = Project(root="/x", entry_modules=(("lib/db.py", "prisma"),))
    assert sites(facts, "app.py", project) == [("prisma", "user", "findMany", "lib/db.py")]
    (entry,) = entry_modules(facts, project)
    assert (entry.path, entry.layer, entry.exports, entry.configured) == ("lib/db.py", "prisma", ("session",), True)


def test_entry_modules_found() -> None:
    facts = {
        "db.ts": ff("db.ts", clients=(Client("db", "prisma", 1, ("DATABASE_URL",)), Client("pool", "sql-js", 2)),
                    getters=(Getter("getDb", "db"),),
                    exports=(Export("db", "db"), Export("getDb", "getDb"), Export("x", "x"))),
        "private.ts": ff("private.ts", clients=(Client("c", "prisma", 1),)),
    }
    (entry,) = entry_modules(facts)
    assert (entry.path, entry.layer, entry.exports, entry.env) == ("db.ts", "prisma", ("db", "getDb"), ("DATABASE_URL",))

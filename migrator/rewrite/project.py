"""Project-wide evidence for the rewrite: what the whole project proves about one file.

A rule sees one file; whether `self.session` is a Session is often decided in another
module (a repository base class, a scoped session in a package, a FastAPI dependency), and
whether `query(self.model)` returns objects depends on which classes the project maps. So
before rewriting, the engine builds one index of the project and hands each file its
FileEvidence:

- legacy sites: the `sqlalchemy-legacy` call sites `migrator scan` finds in the file, through
  its project-wide value flow (migrator.scan.resolve): the receiver of each `x.query(…)` site
  is a Session, whatever module proved it;
- mapped classes: subclasses of a declarative base (`declarative_base()`, `DeclarativeBase`,
  Flask-SQLAlchemy's `db.Model`, `registry.mapped`, `as_declarative`) anywhere in the project,
  with their relationships (collection or scalar) for the `.unique()` rule;
- entity expressions: `self.<attr>` of a class (or its bases) that always holds a mapped
  class: `type[M]`-annotated, assigned from such a parameter or from a mapped class.

Everything is plain data (picklable: sent to worker processes).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from migrator.scan.orm import (
    ClassInfo, ModuleOrm, OrmCache, entity_is_mapped, mapped_classes, module_name, subclasses)

# A folder holding one of these is a project root: the index covers everything under it.
ROOT_MARKERS = (".git", "pyproject.toml", "setup.py", "setup.cfg", "migrator.toml")


@dataclass(frozen=True)
class FileEvidence:
    # (enclosing function qualname, receiver source) -> the receiver is a Session there.
    # qualname: "Class.method", "function", "Class.method.inner"; "" at module level.
    # receiver source: the expression as `ast.unparse` prints it ("self.session", "meta.Session").
    session_receivers: frozenset[tuple[str, str]] = frozenset()
    # (enclosing class qualname, expression source) -> the expression always holds a mapped class.
    entity_exprs: frozenset[tuple[str, str]] = frozenset()
    mapped_classes: frozenset[str] = frozenset()  # simple names of the project's mapped classes
    # ((class name, attribute), "collection" | "scalar") for the project's relationship() attributes.
    relationships: tuple[tuple[tuple[str, str], str], ...] = ()
    # (line, column, method, operation) of the scan's sqlalchemy-legacy sites in this file (1-based):
    # method the first call on the chain's root ("query", "execute", "" for `select([…])`, `M.query`),
    # operation what the scan read (the chain's last method, or the SQL verb of executed text).
    legacy_sites: tuple[tuple[int, int, str, str], ...] = ()
    # The project's one Flask-SQLAlchemy extension, (module, name): `from app.models import db`.
    flask_db: Optional[tuple[str, str]] = None
    # (mapped class, its custom `query_class`, the methods that class defines).
    query_classes: tuple[tuple[str, str, tuple[str, ...]], ...] = ()
    # The project was indexed: `callers_elsewhere` is complete (else nothing is known of other modules).
    indexed: bool = False
    # (function or method name defined here, "path:line" of calls of that name in other modules).
    callers_elsewhere: tuple[tuple[str, tuple[str, ...]], ...] = ()
    _relationship_map: dict = field(default_factory=dict, compare=False, repr=False)

    def is_mapped(self, name: str) -> bool:
        """`name` (a simple or dotted name) ends in the name of a mapped class of the project."""
        return name.rpartition(".")[2] in self.mapped_classes

    def calls_elsewhere(self, name: str) -> Optional[tuple[str, ...]]:
        """Where other modules call a function of that name ("path:line"); None when the project
        was not indexed (a single-file run: other modules are unknown)."""
        if not self.indexed:
            return None
        return next((places for defined, places in self.callers_elsewhere if defined == name), ())

    def custom_query(self, name: str) -> Optional[tuple[str, tuple[str, ...]]]:
        """(query class, its methods) when mapped class `name` (simple or dotted) sets a custom `query_class`."""
        last = name.rpartition(".")[2]
        return next(((q, methods) for model, q, methods in self.query_classes if model == last), None)

    def relationship_kind(self, class_name: str, attribute: str) -> Optional[str]:
        """"collection", "scalar", or None when the project declares no such relationship."""
        if not self._relationship_map and self.relationships:
            self._relationship_map.update(self.relationships)
        return self._relationship_map.get((class_name, attribute))


NO_EVIDENCE = FileEvidence()


def project_root(paths: list[Path]) -> Path:
    """The folder the index covers: the nearest ancestor of the first path holding a project marker."""
    first = paths[0].resolve() if paths else Path.cwd().resolve()
    start = first if first.is_dir() else first.parent
    for folder in (start, *start.parents):
        if any((folder / marker).exists() for marker in ROOT_MARKERS):
            return folder
    return start


@dataclass
class ProjectIndex:
    """The whole project's facts; `evidence(path)` cuts out what one file needs."""

    root: Path
    mapped: frozenset[str] = frozenset()
    relationships: tuple[tuple[tuple[str, str], str], ...] = ()
    classes: dict[str, list[ClassInfo]] = field(default_factory=dict)  # file -> its classes
    class_by_name: dict[str, list[ClassInfo]] = field(default_factory=dict)
    receivers: dict[str, frozenset[tuple[str, str]]] = field(default_factory=dict)
    sites: dict[str, tuple[tuple[int, int, str], ...]] = field(default_factory=dict)
    init_calls: dict[str, list[tuple[list[str], dict[str, str]]]] = field(default_factory=dict)
    flask_db: Optional[tuple[str, str]] = None
    query_classes: tuple[tuple[str, str, tuple[str, ...]], ...] = ()
    _children: Optional[dict[str, list[ClassInfo]]] = None  # base name -> subclasses
    calls: dict[str, dict[str, list[int]]] = field(default_factory=dict)  # file -> called name -> lines
    defined: dict[str, set[str]] = field(default_factory=dict)  # file -> functions and methods it defines
    _callers: Optional[dict[str, list[tuple[str, int]]]] = None

    def entity_attrs(self, info: ClassInfo, seen: Optional[set[str]] = None) -> dict[str, set[str]]:
        """attr -> kinds of value assigned, in the class and its bases (by name, project-wide)."""
        seen = seen if seen is not None else set()
        if info.name in seen:
            return {}
        seen.add(info.name)
        merged: dict[str, set[str]] = {}
        for base in info.bases:
            for candidate in self.class_by_name.get(base, []):
                for name, kinds in self.entity_attrs(candidate, seen).items():
                    merged.setdefault(name, set()).update(kinds)
        for name, kinds in info.attrs.items():
            merged.setdefault(name, set()).update(kinds)
        return merged

    def hierarchy_attrs(self, info: ClassInfo) -> dict[str, set[str]]:
        """attr -> kinds of value assigned in the class, its bases and its subclasses: a base's method
        sees `self.model` as whichever subclass set it."""
        merged = self.entity_attrs(info)
        todo, seen = [info.name], {info.name}
        while todo:
            for child in self.children.get(todo.pop(), ()):
                if child.name in seen:
                    continue
                seen.add(child.name)
                todo.append(child.name)
                for name, kinds in child.attrs.items():
                    merged.setdefault(name, set()).update(kinds)
        return merged

    @property
    def children(self) -> dict[str, list[ClassInfo]]:
        if self._children is None:
            self._children = {}
            for infos in self.class_by_name.values():
                for child in infos:
                    for base in child.bases:
                        self._children.setdefault(base, []).append(child)
        return self._children

    def holds_entity(self, class_name: str, attribute: str) -> bool:
        """`self.<attribute>` of that class always holds a mapped class (see hierarchy_attrs)."""
        return any(self._is_entity(self.hierarchy_attrs(info).get(attribute, set()))
                   for info in self.class_by_name.get(class_name, ()))

    def _is_entity(self, kinds: set[str]) -> bool:
        # Every value must be a class; `None` (a generic base's placeholder) does not count either way.
        values = kinds - {"none"}
        return bool(values) and all(self._kind_is_entity(k) for k in values)

    def _kind_is_entity(self, kind: str) -> bool:
        if kind == "entity":
            return True
        if kind.startswith("class:"):
            return kind[6:] in self.mapped
        if kind.startswith("param:"):
            _, owner_name, position, name = kind.split(":", 3)
            owners = self.class_by_name.get(owner_name, [])
            passed = [self._passed(args, keywords, int(position), name)
                      for info in owners for cls in self._init_owners(info)
                      for args, keywords in self.init_calls.get(cls, ())]
            return bool(passed) and all(k is not None and k.startswith("class:") and k[6:] in self.mapped
                                        for k in passed)
        return False

    @staticmethod
    def _passed(args: list[str], keywords: dict[str, str], position: int, name: str) -> Optional[str]:
        return keywords.get(name) if name in keywords else (args[position] if position < len(args) else None)

    def _init_owners(self, info: ClassInfo) -> list[str]:
        """The class whose __init__ assigns the attribute, and its subclasses that inherit that __init__."""
        owners, todo = [], [info.name]
        while todo:
            name = todo.pop()
            if name in owners:
                continue
            owners.append(name)
            todo.extend(c.name for cs in self.class_by_name.values() for c in cs
                        if name in c.bases and not c.defines_init)
        return owners

    def evidence(self, path: str) -> FileEvidence:
        entity: set[tuple[str, str]] = set()
        for info in self.classes.get(path, []):
            for name, kinds in self.hierarchy_attrs(info).items():
                if self._is_entity(kinds):
                    entity.add((info.name, f"self.{name}"))
                    entity.add((info.name, f"cls.{name}"))
        return FileEvidence(
            session_receivers=self.receivers.get(path, frozenset()),
            entity_exprs=frozenset(entity),
            mapped_classes=self.mapped,
            relationships=self.relationships,
            legacy_sites=self.sites.get(path, ()),
            flask_db=self.flask_db,
            query_classes=self.query_classes,
            indexed=True,
            callers_elsewhere=self._callers_elsewhere(path),
        )

    def _callers_elsewhere(self, path: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
        if self._callers is None:  # called name -> (file, line) of its calls, project-wide, built once
            self._callers = {}
            for other, calls in sorted(self.calls.items()):
                for name, lines in calls.items():
                    self._callers.setdefault(name, []).extend((other, line) for line in lines)
        out = []
        for name in sorted(self.defined.get(path, ())):
            places = [f"{other}:{line}" for other, line in self._callers.get(name, ()) if other != path]
            if places:
                out.append((name, tuple(places[:10])))
        return tuple(out)


def build_index(root: Path, files: list[Path], scan_sites: Optional[dict[str, list[tuple[int, int, str]]]] = None,
                cache: bool = True) -> ProjectIndex:
    """The project's index from every Python file (read once per content, cached in .migrator/cache
    with the scan's) and the scan's legacy sites per relative path."""
    index = ProjectIndex(root)
    scan_sites = scan_sites or {}
    orm_cache = OrmCache(root, cache)
    modules: dict[str, ModuleOrm] = {}
    for path in files:
        rel = relative_path(path, root)
        try:
            raw = path.read_bytes()
        except OSError:
            continue
        facts = orm_cache.facts(rel, raw)
        if facts is not None:
            modules[rel] = facts
    orm_cache.save()
    flask_homes = [(rel, name) for rel, facts in modules.items() for name in sorted(facts.flask_dbs)]
    for rel, facts in modules.items():
        index.classes[rel] = facts.classes
        index.calls[rel] = facts.calls
        index.defined[rel] = facts.defined
        for cls, args, keywords in facts.init_calls:
            index.init_calls.setdefault(cls, []).append((args, keywords))
        for info in facts.classes:
            index.class_by_name.setdefault(info.name, []).append(info)
    mapped = mapped_classes(list(modules.values()))
    children = subclasses(list(modules.values()))
    index.mapped = frozenset(mapped)
    if len(flask_homes) == 1:
        index.flask_db = (module_name(flask_homes[0][0]), flask_homes[0][1])
    index.query_classes = tuple(sorted(
        (c.name, c.query_class, tuple(sorted(set().union(*(q.methods for q in index.class_by_name.get(c.query_class, []))))))
        for facts in modules.values() for c in facts.classes if c.name in mapped and c.query_class))
    for rel, facts in modules.items():
        proven: set[tuple[str, str]] = set()
        sites: set[tuple[int, int, str, str]] = set()
        for line, column, operation in scan_sites.get(rel, ()):
            qualname, method, receivers = facts.chains.get((line, column), ("", "", []))
            proven.update((qualname, receiver) for receiver in receivers)
            sites.add((line, column, method, operation))
        # `x.query(M)` with M mapped proves `x` a Session, and is a legacy site even where the scan saw none.
        for qualname, receiver, entity, (line, column) in facts.candidates:
            if entity_is_mapped(entity, qualname, mapped, children, index.holds_entity):
                proven.add((qualname, receiver))
                if not any(s[0] == line and s[1] == column for s in sites):
                    sites.add((line, column, "query", facts.terminals.get((line, column), "query")))
        if proven:
            index.receivers[rel] = frozenset(proven)
        if sites:
            index.sites[rel] = tuple(sorted(sites))
    index.relationships = tuple(sorted({((c.name, attr), kind) for facts in modules.values() for c in facts.classes
                                        if c.name in mapped for attr, kind in c.relationships.items()}))
    return index


def relative_path(path: Path, base: Path) -> str:
    """`path` relative to `base` (POSIX separators), or as given when it lies outside."""
    try:
        return path.resolve().relative_to(base.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


# Requirement files read for pins that the converted code cannot run on.
REQUIREMENT_FILES = ("requirements*.txt", "requirements/*.txt", "requirements/*.in", "requirements*.in",
                     "pyproject.toml", "setup.py", "setup.cfg", "Pipfile")
# (package, first version the converted code needs, what needs it)
NEEDED = (("sqlalchemy", (1, 4), "Session.scalars/get/execute(select(…)) and the 2.0 forms"),
          ("flask-sqlalchemy", (3, 0), "db.select, db.paginate, db.get_or_404, db.first_or_404, db.one_or_404"))
_PIN = re.compile(r"""(?im)(?:^|(?<=[\s"',\[]))(sqlalchemy|flask[-_]sqlalchemy)\s*(?:\[[^\]]*\])?\s*(==|<=|<|~=)\s*([0-9][0-9.]*)""")


def pins_below_target(root: Path) -> list[str]:
    """Notes for requirement pins older than what converted code needs ("file:line: …"), so a rewrite
    that targets SQLAlchemy 2.0 says so where the project still pins 1.x (or Flask-SQLAlchemy 2.x)."""
    notes: list[str] = []
    seen: set[Path] = set()
    for pattern in REQUIREMENT_FILES:
        for path in sorted(root.glob(pattern)):
            if path in seen or not path.is_file():
                continue
            seen.add(path)
            try:
                text = path.read_text(encoding="utf-8", errors="replace")
            except OSError:
                continue
            for match in _PIN.finditer(text):
                package = match.group(1).lower().replace("_", "-")
                version = tuple(int(x) for x in match.group(3).split(".")[:2] if x.isdigit())
                operator = match.group(2)
                for name, needed, what in NEEDED:
                    too_old = version <= needed if operator == "<" else version < needed  # ==, ~=, <=
                    if package == name and too_old:
                        line = text.count("\n", 0, match.start()) + 1
                        notes.append(f"{path.relative_to(root).as_posix()}:{line}: pins {match.group(1)}"
                                     f"{match.group(2)}{match.group(3)}; the converted code needs {name} >= "
                                     f"{'.'.join(map(str, needed))} ({what}): update the pin with the rewrite")
    return notes

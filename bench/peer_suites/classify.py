"""Compare two `pg_dump -s --no-owner` dumps object by object and sort a case into one outcome.

pg_dump precedes every object with `-- Name: N; Type: T; Schema: S; Owner: -`. The dump is
cut into blocks at those headers (that is how a differing line is tied to an object and a
category), then normalized: comment lines, SET lines, blank lines, the search_path
set_config and the `\\restrict`/`\\unrestrict` lines of newer pg_dump are dropped; nothing
is sorted. Two blocks with the same (type, schema, name) are compared line for line.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field

_HEADER = re.compile(r"^-- (?:Data for )?Name: (?P<name>.*); Type: (?P<type>[^;]*); Schema: (?P<schema>[^;]*)(?:; Owner: .*)?$")
_DROP = re.compile(r"^(--|SET |\\restrict|\\unrestrict|SELECT pg_catalog\.set_config\('search_path')")


def normalize(dump: str) -> dict[tuple[str, str, str], list[str]]:
    """(type, schema, name) -> the object's normalized lines (blocks with the same key are concatenated)."""
    blocks: dict[tuple[str, str, str], list[str]] = {}
    key = ("PRELUDE", "", "")
    for raw in dump.splitlines():
        m = _HEADER.match(raw)
        if m:
            key = (m["type"], m["schema"], m["name"])
            blocks.setdefault(key, [])
            continue
        line = raw.rstrip()
        if not line.strip() or _DROP.match(line):
            continue
        blocks.setdefault(key, []).append(line)
    return {k: v for k, v in blocks.items() if v or k[0] != "PRELUDE"}


@dataclass
class BlockDiff:
    type: str
    schema: str
    name: str
    removed: list[str]  # lines only in A (FROM after the fix)
    added: list[str]  # lines only in B (TO)
    category: str = ""
    declared: bool = False
    related: bool = False  # a change of the first diff names this object

    def lines(self) -> list[str]:
        head = f"[{self.type} {self.schema}.{self.name}]" if self.schema not in ("", "-") else f"[{self.type} {self.name}]"
        return [head] + [f"- {x.strip()}" for x in self.removed] + [f"+ {x.strip()}" for x in self.added]


_ATTACH = re.compile(r"ATTACH PARTITION (\S+)")
_PARTITION_OF = re.compile(r"^CREATE (?:UNLOGGED )?TABLE (\S+) PARTITION OF\b")


def _partitions(blocks: dict[tuple[str, str, str], list[str]]) -> set[str]:
    """Bare names of the tables that are partitions of another (its constraints and indexes are about partitioning)."""
    names: set[str] = set()
    for lines in blocks.values():
        for line in lines:
            m = _ATTACH.search(line) or _PARTITION_OF.match(line.strip())
            if m:
                names.add(m.group(1).split(".")[-1].strip('"'))
    return names


def compare_dumps(dump_a: str, dump_b: str) -> list[BlockDiff]:
    a, b = normalize(dump_a), normalize(dump_b)
    partitions = _partitions(a) | _partitions(b)
    out = []
    for key in sorted(set(a) | set(b), key=lambda k: (k[0], k[1], k[2])):
        la, lb = a.get(key, []), b.get(key, [])
        if la == lb:
            continue
        removed, added = [], []
        for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=la, b=lb, autojunk=False).get_opcodes():
            if op in ("replace", "delete"):
                removed += la[i1:i2]
            if op in ("replace", "insert"):
                added += lb[j1:j2]
        block = BlockDiff(key[0], key[1], key[2], removed, added)
        block.category = categorize(block, la, lb)
        table = block.name.split(" ")[0].strip('"')
        if partitions and table in partitions and block.type in _PARTITION_PARTS and block.category not in _OWN_KIND:
            block.category = "partition"
        out.append(block)
    return out


# --- categories -----------------------------------------------------------------------------

# Parts of a table that, on a partition, count as partitioning.
_PARTITION_PARTS = {"TABLE", "CONSTRAINT", "FK CONSTRAINT", "CHECK CONSTRAINT", "INDEX", "DEFAULT", "INDEX ATTACH", "TABLE ATTACH"}

# Object types whose category is the type itself, whatever the text says.
_BY_TYPE = {
    "COMMENT": "comment",
    "ACL": "grant",
    "DEFAULT ACL": "default privilege",
    "POLICY": "policy",
    "ROW SECURITY": "rls",
    "TRIGGER": "trigger",
    "EVENT TRIGGER": "event trigger",
    "FUNCTION": "function",
    "PROCEDURE": "procedure",
    "AGGREGATE": "function",
    "DOMAIN": "domain",
    "COLLATION": "collation",
    "RULE": "rule",
    "EXTENSION": "extension",
    "SCHEMA": "schema",
    "TABLE ATTACH": "partition",
    "INDEX ATTACH": "partition",
    "PUBLICATION": "publication",
    "PUBLICATION TABLE": "publication",
    "CAST": "cast",
    "OPERATOR": "operator",
    "TEXT SEARCH CONFIGURATION": "text search",
    "TEXT SEARCH DICTIONARY": "text search",
    "STATISTICS": "statistics",
    "FK CONSTRAINT": "foreign key",
}

# Tell-tale text in a differing line, in order of precedence.
_BY_TEXT = [
    (r"\bPARTITION (BY|OF)\b|\bFOR VALUES\b|ATTACH PARTITION", "partition"),
    (r"\bUNLOGGED\b", "unlogged"),
    (r"REPLICA IDENTITY", "replica identity"),
    (r"ROW LEVEL SECURITY", "rls"),
    (r"\bEXCLUDE USING\b", "exclusion"),
    (r"\bDEFERRABLE\b|\bNOT VALID\b|\bNO INHERIT\b|NULLS NOT DISTINCT", "constraint flags"),
    (r"AS IDENTITY|SEQUENCE NAME", "identity"),
    (r"\bGENERATED ALWAYS AS \(", "generated column"),
    (r"\bCOLLATE\b", "collation"),
    (r"\bINHERITS\b", "inheritance"),
    (r"SET (STORAGE|STATISTICS|COMPRESSION)|\bCOMPRESSION \w+", "storage"),
    (r"WITH \((security_barrier|security_invoker|check_option)|WITH (LOCAL |CASCADED )?CHECK OPTION", "view option"),
    (r"^\)\s*WITH \(|^WITH \(\w+\s*=", "table storage params"),
    (r"\bCLUSTER ON\b", "cluster"),
    (r"\bGRANT\b|\bREVOKE\b", "grant"),
    (r"^COMMENT ON\b", "comment"),
]

_TYPE_FALLBACK = {
    "TABLE": "table/column",
    "VIEW": "view",
    "MATERIALIZED VIEW": "materialized view",
    "SEQUENCE": "sequence",
    "SEQUENCE OWNED BY": "sequence",
    "SEQUENCE SET": "sequence",
    "CONSTRAINT": "constraint",
    "CHECK CONSTRAINT": "check",
    "INDEX": "index",
    "DEFAULT": "default",
    "TYPE": "type",
}


def categorize(block: BlockDiff, la: list[str], lb: list[str]) -> str:
    if block.type in _BY_TYPE:
        return _BY_TYPE[block.type]
    changed = block.removed + block.added
    for pattern, category in _BY_TEXT:
        if any(re.search(pattern, line.strip()) for line in changed):
            return category
    if block.type == "TYPE":
        return "enum" if any("AS ENUM" in x for x in la + lb) else "type"
    if block.type == "TABLE" and la and lb:
        strip = lambda lines: sorted(x.strip().rstrip(",") for x in lines)  # noqa: E731
        if strip(la) == strip(lb):
            return "column order"
    if block.type == "CONSTRAINT":
        text = " ".join(changed)
        if "CHECK (" in text:
            return "check"
        if "PRIMARY KEY" in text:
            return "primary key"
        if "UNIQUE" in text:
            return "unique"
    if not la or not lb:
        return _TYPE_FALLBACK.get(block.type, block.type.lower())
    return _TYPE_FALLBACK.get(block.type, block.type.lower())


# --- what the first diff declared ------------------------------------------------------------

# Words of a change kind, an object kind or a not-modeled label -> the dump categories they cover.
_KIND_WORDS = {
    "function": {"function", "procedure"},
    "procedure": {"function", "procedure"},
    "aggregate": {"function"},
    "trigger": {"trigger"},
    "event_trigger": {"event trigger"},
    "policy": {"policy", "rls"},
    "policies": {"policy", "rls"},
    "rls": {"rls", "policy"},
    "row_security": {"rls"},
    "grant": {"grant", "default privilege"},
    "grants": {"grant", "default privilege"},
    "privilege": {"grant", "default privilege"},
    "privileges": {"grant", "default privilege"},
    "acl": {"grant"},
    "default_privilege": {"default privilege"},
    "default_acl": {"default privilege"},
    "defaultacl": {"default privilege"},
    "rule": {"rule"},
    "domain": {"domain"},
    "type": {"type", "enum"},
    "composite": {"type"},
    "range": {"type"},
    "collation": {"collation"},
    "operator": {"operator"},
    "publication": {"publication"},
    "comment": {"comment"},
    "comments": {"comment"},
    "extension": {"extension"},
    "cast": {"cast"},
    "statistics": {"statistics"},
    "text_search": {"text search"},
    "materialized": {"materialized view"},
    "view": {"view", "view option", "materialized view"},
    "partition": {"partition"},
    "exclusion": {"exclusion"},
    "check": {"check"},
    "sequence": {"sequence", "identity"},
    "identity": {"identity"},
    "index": {"index", "partition"},
}

_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_$]*")
_NOISE = {"TABLE", "COLUMN", "FUNCTION", "PROCEDURE", "SCHEMA", "SEQUENCE", "VIEW", "TYPE", "DOMAIN", "INDEX",
          "CONSTRAINT", "TRIGGER", "POLICY", "EXTENSION", "MATERIALIZED", "AGGREGATE", "COLLATION", "DEFAULT",
          "PRIVILEGES", "FOR", "ON", "IN", "RULE", "LARGE", "OBJECT", "public", "pg_catalog"}


def _without_args(text: str) -> str:
    """`f(a integer)` -> `f`; a parenthesized name that follows no identifier (`public.(tables)`) stays."""
    return re.sub(r"(?<=[A-Za-z0-9_$\"])\([^()]*\)", "", text or "")


def _ids(*texts: str | None) -> set[str]:
    out: set[str] = set()
    for text in texts:
        for m in _IDENT.finditer(_without_args(text or "").replace('"', "")):
            if m.group(0) not in _NOISE:
                out.add(m.group(0).lower())
    return out


def _categories_of(*words: str) -> set[str]:
    cats: set[str] = set()
    for w in words:
        for part in re.split(r"[^a-z_]+", (w or "").lower()):
            for token in {part, part.rstrip("s")} | set(part.split("_")):
                cats |= _KIND_WORDS.get(token, set())
    return cats


def is_not_modeled(change: dict) -> bool:
    kind = change.get("kind") or ""
    return kind.endswith("_object") or "not_modeled" in kind or "not modeled" in (change.get("message") or "").lower()


@dataclass
class Declared:
    """What the first diff declared it does not model (so no fix was emitted for it)."""

    objects: list[tuple[set[str], set[str]]] = field(default_factory=list)  # (categories, identifiers); empty categories: any
    categories: set[str] = field(default_factory=set)  # whole kinds declared (the not_modeled lines)
    lines: list[str] = field(default_factory=list)  # for the report

    def covers(self, block: BlockDiff) -> bool:
        block_cats = {block.category} | _target_categories(block)
        if block_cats & self.categories:
            return True
        ids = _ids(block.name)
        for cats, names in self.objects:
            if cats and not cats & block_cats:
                continue
            if names & ids:
                return True
        return False


# A comment or a grant belongs to its object: "COMMENT ... FUNCTION f(...)", "ACL ... TYPE t". A
# fingerprint of that object (its definition includes its comment and grants) covers them.
_TARGETS = {
    "FUNCTION": {"function", "procedure"},
    "PROCEDURE": {"procedure", "function"},
    "AGGREGATE": {"function"},
    "DOMAIN": {"domain", "type"},
    "TYPE": {"type", "enum", "domain"},
    "TRIGGER": {"trigger"},
    "POLICY": {"policy"},
    "RULE": {"rule"},
    "COLLATION": {"collation"},
    "EVENT TRIGGER": {"event trigger"},
    "PUBLICATION": {"publication"},
    "TEXT SEARCH": {"text search"},
    "OPERATOR": {"operator"},
}


def _target_categories(block: BlockDiff) -> set[str]:
    if block.type not in ("COMMENT", "ACL"):
        return set()
    for prefix, cats in _TARGETS.items():
        if block.name.startswith(prefix + " "):
            return cats
    return set()


def _message_words(change: dict) -> str:
    """What the message calls the object: the words before its path ("default privileges", "grants on")."""
    message, path = change.get("message") or "", change.get("path") or ""
    return message.split(path, 1)[0] if path and path in message else message.split(" ", 1)[0]


def declared_from(diff: dict) -> Declared:
    d = Declared()
    for line in diff.get("not_modeled") or []:
        d.lines.append(line)
        label = line.split(":", 1)[0]
        d.categories |= _categories_of(label)
    for change in diff.get("changes") or []:
        if not is_not_modeled(change):
            continue
        obj = change.get("old") or change.get("new") or {}
        obj_kind = obj.get("kind", "") if isinstance(obj, dict) else ""
        cats = _categories_of(obj_kind) | _categories_of(change.get("kind", "")) | _categories_of(_message_words(change))
        ns = change.get("namespace")
        names = _ids(change.get("table"), change.get("name"), (obj.get("name") if isinstance(obj, dict) else None))
        path = change.get("path") or ""
        if ns and path.startswith(ns + "."):
            path = path[len(ns) + 1 :]
        names |= _ids(path)
        d.objects.append((cats, names))
        d.lines.append(f"{change.get('kind')} {change.get('path')}: {change.get('message')}")
    return d


# Objects a change of their table does not account for: a trigger, policy, grant or comment is
# "named" only by a change about that kind of object (an added column does not fix a trigger).
_OWN_KIND = {"trigger", "event trigger", "policy", "rls", "function", "procedure", "grant", "default privilege",
             "rule", "publication", "comment", "domain", "collation", "extension", "schema", "operator", "cast"}


def related(block: BlockDiff, changes: list[dict]) -> bool:
    """Whether a (modeled) change of the first diff names this object (or, for table-level parts, its table)."""
    ids = _ids(block.name)
    for change in changes:
        ns = change.get("namespace")
        path = change.get("path") or ""
        if ns and path.startswith(ns + "."):
            path = path[len(ns) + 1 :]
        if not ids & _ids(change.get("table"), change.get("name"), path):
            continue
        if block.category in _OWN_KIND:
            obj = change.get("old") or change.get("new")
            kinds = _categories_of(change.get("kind", ""), obj.get("kind", "") if isinstance(obj, dict) else "")
            if block.category not in kinds:
                continue
        return True
    return False


def modeled_changes(diff: dict | None) -> list[dict]:
    return [c for c in (diff or {}).get("changes") or [] if not is_not_modeled(c)]


def classify(first: dict, rediff: dict, blocks: list[BlockDiff]) -> tuple[str, str]:
    """(outcome, reason) once the fix applied: pass, not modeled (declared), non-convergent, fixed partly or silent miss."""
    remaining = modeled_changes(rediff)
    reported = modeled_changes(first)
    declared = declared_from(first)
    for b in blocks:
        b.declared = declared.covers(b)
        b.related = related(b, reported)
    if not blocks:
        if remaining:
            return "non-convergent", f"dumps equal, yet the re-diff reports {len(remaining)} change(s): " + _change_list(remaining)
        return "pass", ""
    if remaining:
        return "non-convergent", f"re-diff reports {len(remaining)} change(s): " + _change_list(remaining)
    undeclared = [b for b in blocks if not b.declared]
    if not undeclared:
        return "not modeled (declared)", "; ".join(declared.lines[:3])
    if not reported and not declared.lines:
        return "silent miss", "first diff reported nothing"
    unrelated = [b for b in undeclared if not b.related]
    if unrelated:
        return "silent miss", (f"{len(undeclared)} undeclared differing object(s), {len(unrelated)} of them named by no change: "
                               + ", ".join(f"{b.type} {b.name}" for b in unrelated[:3]))
    return "fixed partly", f"{len(undeclared)} differing object(s) the diff touched but did not fully fix"


def _change_list(changes: list[dict], limit: int = 3) -> str:
    text = "; ".join(f"{c.get('kind')} {c.get('path')}" for c in changes[:limit])
    return text + ("; …" if len(changes) > limit else "")

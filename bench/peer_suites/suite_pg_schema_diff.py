"""stripe/pg-schema-diff: internal/migration_acceptance_tests/*_cases_test.go.

Cases are Go composite literals in `[]acceptanceTestCase{ {...}, ... }`; a small Go
scanner (comments, raw and interpreted strings, brackets) reads each case's `name`,
`oldSchemaDDL`, `newSchemaDDL` and `roles` ([]string literals or nil), and notes which
other fields it sets. Skipped, with the reason: cases that expect the plan to fail
(expectedPlanErrorIs / expectedPlanErrorContains) and cases with their own planFactory
(the new schema comes from a folder or another database, not newSchemaDDL). The suite has
no PostgreSQL-version fields; its cases run on every version it supports.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from pathlib import Path

from model import Case

NAME = "pg-schema-diff"
SUBDIR = "pg-schema-diff"

_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "\\": "\\", '"': '"', "'": "'", "a": "\a", "b": "\b", "f": "\f", "v": "\v", "0": "\0"}


def _tokens(src: str) -> Iterator[tuple[str, str]]:
    """(kind, text): kind is 'str' (decoded), 'punct' (one of {}[](),:+), or 'word' (anything else)."""
    i, n = 0, len(src)
    while i < n:
        c = src[i]
        if c.isspace():
            i += 1
        elif src.startswith("//", i):
            j = src.find("\n", i)
            i = n if j < 0 else j + 1
        elif src.startswith("/*", i):
            j = src.find("*/", i + 2)
            i = n if j < 0 else j + 2
        elif c == "`":
            j = src.index("`", i + 1)
            yield "str", src[i + 1 : j]
            i = j + 1
        elif c == '"':
            out, j = [], i + 1
            while src[j] != '"':
                if src[j] == "\\":
                    nxt = src[j + 1]
                    if nxt in "xuU":
                        width = {"x": 2, "u": 4, "U": 8}[nxt]
                        out.append(chr(int(src[j + 2 : j + 2 + width], 16)))
                        j += 2 + width
                        continue
                    out.append(_ESCAPES.get(nxt, nxt))
                    j += 2
                else:
                    out.append(src[j])
                    j += 1
            yield "str", "".join(out)
            i = j + 1
        elif c == "'":
            j = i + 1
            while src[j] != "'":
                j += 2 if src[j] == "\\" else 1
            yield "word", src[i : j + 1]
            i = j + 1
        elif c in "{}[](),:+":
            yield "punct", c
            i += 1
        else:
            m = re.compile(r"[^\s{}\[\](),:+`\"']+").match(src, i)
            yield "word", m.group(0)
            i = m.end()


def _split_fields(tokens: list[tuple[str, str]]) -> dict[str, list[tuple[str, str]]]:
    """The `key: value` pairs of one composite literal's body (tokens between its braces)."""
    fields: dict[str, list[tuple[str, str]]] = {}
    depth, start = 0, 0
    parts: list[list[tuple[str, str]]] = []
    for k, tok in enumerate(tokens):
        if tok[0] == "punct" and tok[1] in "{[(":
            depth += 1
        elif tok[0] == "punct" and tok[1] in "}])":
            depth -= 1
        elif tok == ("punct", ",") and depth == 0:
            parts.append(tokens[start:k])
            start = k + 1
    parts.append(tokens[start:])
    for part in parts:
        if len(part) >= 2 and part[0][0] == "word" and part[1] == ("punct", ":"):
            fields[part[0][1]] = part[2:]
    return fields


def _string(value: list[tuple[str, str]]) -> str | None:
    """A string literal, or literals joined with +; None when the value is not one."""
    if not value or any(not (t[0] == "str" or t == ("punct", "+")) for t in value):
        return None
    return "".join(t[1] for t in value if t[0] == "str")


def _string_list(value: list[tuple[str, str]]) -> list[str] | None:
    """A []string{...} literal or nil; None when the value is something else."""
    if value == [("word", "nil")]:
        return []
    if len(value) >= 4 and value[:3] == [("punct", "["), ("punct", "]"), ("word", "string")] and value[3] == ("punct", "{"):
        body = value[4:-1]
        items, current = [], []
        for t in body + [("punct", ",")]:
            if t == ("punct", ","):
                if current:
                    s = _string(current)
                    if s is None:
                        return None
                    items.append(s)
                current = []
            else:
                current.append(t)
        return items
    return None


def parse_cases(src: str) -> Iterator[dict[str, list[tuple[str, str]]]]:
    """Each composite literal of every `[]acceptanceTestCase{...}` in a Go file, as its fields."""
    toks = list(_tokens(src))
    i = 0
    while i < len(toks) - 3:
        if toks[i : i + 4] == [("punct", "["), ("punct", "]"), ("word", "acceptanceTestCase"), ("punct", "{")]:
            i += 4
            depth = 0
            element_start = None
            while i < len(toks):
                t = toks[i]
                if t[0] == "punct" and t[1] in "{[(":
                    if depth == 0 and t[1] == "{":
                        element_start = i + 1
                    depth += 1
                elif t[0] == "punct" and t[1] in "}])":
                    if depth == 0:
                        break  # the end of the slice literal
                    depth -= 1
                    if depth == 0 and element_start is not None:
                        yield _split_fields(toks[element_start:i])
                        element_start = None
                i += 1
        i += 1


def cases(root: Path) -> Iterable[Case]:
    base = Path(root) / SUBDIR / "internal" / "migration_acceptance_tests"
    if not base.is_dir():
        raise FileNotFoundError(f"{base} is missing (see bench/peer_suites/fetch.sh)")
    seen: set[str] = set()
    for path in sorted(base.glob("*_cases_test.go")):
        group = path.name.removesuffix("_cases_test.go")
        for fields in parse_cases(path.read_text()):
            name = _string(fields.get("name", [])) or "?"
            full = f"{group}/{name}"
            k = 2
            while full in seen:
                full = f"{group}/{name} #{k}"
                k += 1
            seen.add(full)
            old = _string_list(fields.get("oldSchemaDDL", [("word", "nil")]))
            new = _string_list(fields.get("newSchemaDDL", [("word", "nil")]))
            roles = _string_list(fields.get("roles", [("word", "nil")])) or []
            skip = None
            if "expectedPlanErrorIs" in fields or "expectedPlanErrorContains" in fields:
                skip = "expects the plan to fail"
            elif "planFactory" in fields:
                skip = "own planFactory (new schema not from newSchemaDDL)"
            elif old is None or new is None:
                skip = "DDL is not a string literal"
            from_sql = ";\n".join(old or []) + "\n"
            to_sql = ";\n".join(new or []) + "\n"
            yield Case(full, from_sql, to_sql, skip_reason=skip, roles=tuple(roles))

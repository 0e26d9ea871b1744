"""The project's migrator.toml: which sources a repository has and which checks CI runs.

`load_config(start)` finds `migrator.toml` (or `[tool.migrator]` in pyproject.toml; a
migrator.toml in the same folder wins) in `start` or the nearest parent, stopping at the
repository root, and reads it into frozen dataclasses. Every mistake is a BadInput that
names `file:line` and what is wrong, so a CI log points at the line to fix.

The file is committed, so it never holds a database password: a live database is
`{ env = "DATABASE_URL" }`, read from the environment only when a check needs it
(`resolve_source`).

    fail_on = "error"
    ignore = ["public.spatial_ref_sys*"]

    [sources]
    prisma = "prisma:prisma/schema.prisma"
    migrations = "sql:prisma/migrations"
    drizzle = "drizzle:src/db/schema"
    live = { env = "DATABASE_URL", schemas = ["public"] }

    [[check]]
    name = "prisma-vs-drizzle"
    from = "prisma"
    to = "drizzle"
    fail_on = "warning"
    partial = "to"          # the Drizzle schema declares only the tables ported so far

    [drift]
    live = "live"
    legacy = "prisma"
    target = "drizzle"

    [severity]
    alter_column_default = "info"

    [renames]
    "public.users.name" = "public.users.full_name"
"""

from __future__ import annotations

import difflib
import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Mapping

from migrator.errors import BadInput
from migrator.files import read_text
from migrator.sqltext import mask_url, url_secrets

if TYPE_CHECKING:
    from migrator.verify.diff import CompareOptions
# migrator.verify (and the schema model under it) is imported where it is used: `migrator scan`
# reads this config too, and start-up time counts.

CONFIG_NAME = "migrator.toml"
PYPROJECT = "pyproject.toml"

_TOP_KEYS = ("fail_on", "ignore", "sources", "check", "drift", "severity", "renames", "scan", "report", "rewrite")
_SOURCE_KEYS = ("spec", "env", "project_path", "dialect", "schemas", "exclude_schemas")
_CHECK_KEYS = ("name", "from", "to", "fail_on", "partial")
_DRIFT_KEYS = ("live", "legacy", "target", "partial")
# The sections read by `scan`, `report` and `rewrite` (migrator/cli/scan.py, cli/rewrite.py);
# [scan.areas] maps area names, chosen by the team, to globs.
_SCAN_KEYS = ("legacy", "target", "include", "exclude", "areas", "entry_modules")
_ENTRY_MODULE_KEYS = ("path", "layer")
_REPORT_KEYS = ("out",)
_REWRITE_KEYS = ("session_names", "entity_names", "drizzle_schema", "drizzle_client", "prisma_schema", "drizzle_queries")
_DIALECTS = ("postgresql", "sqlite")
# Schemes whose remainder is a path on disk, resolved against the config's folder.
_PATH_SCHEMES = ("prisma:", "drizzle:", "sql:", "snapshot:")
_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


@dataclass(frozen=True)
class SourceRef:
    """One named source: a spec written in the file, or a URL read from an environment variable.

    spec: relative paths already resolved against the config's folder; `written` is the
    spec as the file spells it (what messages show). project_path (sqlalchemy: sources)
    defaults to the config's folder; dialect, schemas and exclude_schemas are the
    InspectOptions of that source.
    """

    name: str
    spec: str | None = None
    env: str | None = None
    written: str | None = None
    project_path: str | None = None
    dialect: str | None = None
    schemas: tuple[str, ...] = ()
    exclude_schemas: tuple[str, ...] = ()
    line: int | None = None

    @property
    def label(self) -> str:
        """How the source is named in output before it is resolved: the spec as written, or $VAR."""
        return f"${self.env}" if self.env else (self.written or self.spec or self.name)


@dataclass(frozen=True)
class CheckSpec:
    """`[[check]]`: compare source `from_source` (FROM) with `to_source` (TO)."""

    name: str
    from_source: str
    to_source: str
    fail_on: str | None = None  # None: the file's fail_on
    line: int | None = None
    # "to" or "from": that side declares only some of the tables so far (a Drizzle schema
    # half-way through a port), so tables it lacks are out of scope, not drift.
    partial: str | None = None


@dataclass(frozen=True)
class DriftSpec:
    """`[drift]`: the roles of the sources in a three-way drift report (each a source name)."""

    live: str | None = None
    legacy: str | None = None
    target: str | None = None
    partial: str | None = None  # "legacy" or "target": that side declares only some tables so far


@dataclass(frozen=True)
class Config:
    path: Path  # the file read (migrator.toml or pyproject.toml)
    root: Path  # its folder: relative paths in the file are relative to it
    sources: Mapping[str, SourceRef] = field(default_factory=dict)
    checks: tuple[CheckSpec, ...] = ()
    severity: Mapping[str, str] = field(default_factory=dict)  # change kind or hazard code -> severity
    renames: Mapping[str, str] = field(default_factory=dict)  # old path -> new path
    ignore: tuple[str, ...] = ()  # fnmatch patterns of object paths
    fail_on: str = "error"
    drift: DriftSpec | None = None
    scan: Mapping[str, Any] = field(default_factory=dict)  # read by later commands, kept raw
    report: Mapping[str, Any] = field(default_factory=dict)
    rewrite: Mapping[str, Any] = field(default_factory=dict)  # [rewrite] session_names = ["session"]

    def where(self, line: int | None = None) -> str:
        """`file:line` for messages (the file relative to the working folder when it is below it)."""
        return _where(self.path, line)


# ---------------------------------------------------------------------------
# Finding and reading the file


def find_config(start: Path) -> tuple[Path, str] | None:
    """The config file for `start` and the TOML table prefix it lives under ("" or "tool.migrator").

    Looks in `start` and its parents, stopping after the folder that holds `.git` (the
    repository root), so a config in an unrelated parent folder is never picked up.
    """
    folder = Path(start).resolve()
    if folder.is_file():
        folder = folder.parent
    for candidate in (folder, *folder.parents):
        own = candidate / CONFIG_NAME
        if own.is_file():
            return own, ""
        pyproject = candidate / PYPROJECT
        if pyproject.is_file() and _has_tool_table(pyproject):
            return pyproject, "tool.migrator"
        if (candidate / ".git").exists():
            return None
    return None


def load_config(start: Path) -> Config | None:
    """The config that applies to `start`, or None when there is none."""
    found = find_config(start)
    if found is None:
        return None
    return read_config(*found)


def read_config(path: Path, prefix: str = "") -> Config:
    """Read and validate one config file; `prefix` is "tool.migrator" for pyproject.toml."""
    path = Path(path).resolve()
    text = read_text(path, _where(path))
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise _syntax_error(path, exc) from None
    if prefix:
        for part in prefix.split("."):
            data = data.get(part, {}) if isinstance(data, dict) else {}
    return _Reader(path, text, prefix).config(data)


def _has_tool_table(pyproject: Path) -> bool:
    try:
        data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        # A broken pyproject.toml is not ours to report unless it holds our table.
        try:
            return "[tool.migrator" in pyproject.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return False
    return isinstance(data.get("tool"), dict) and "migrator" in data["tool"]


def _syntax_error(path: Path, exc: tomllib.TOMLDecodeError) -> BadInput:
    message = str(exc)
    match = re.search(r"\s*\(at line (\d+), column (\d+)\)$", message)
    if match:
        message = message[: match.start()]
        where = f"{_where(path)}:{match.group(1)}:{match.group(2)}"
    else:
        where = _where(path, len(path.read_text(encoding="utf-8", errors="replace").splitlines()) or 1)
        message = message.replace(" (at end of document)", " at the end of the file")
    return BadInput(f"{where}: invalid TOML: {message[:1].lower() + message[1:]}")


def _where(path: Path, line: int | None = None) -> str:
    try:
        shown = os.path.relpath(path)
        if shown.startswith(".."):
            shown = str(path)
    except ValueError:  # another drive
        shown = str(path)
    return f"{shown}:{line}" if line else shown


class _Reader:
    """Validates the parsed TOML into a Config, finding line numbers for its messages."""

    def __init__(self, path: Path, text: str, prefix: str) -> None:
        self.path = path
        self.root = path.parent
        self.lines = _KeyLines(text, prefix)

    def fail(self, key: tuple[str | int, ...], message: str) -> BadInput:
        return BadInput(f"{_where(self.path, self.lines.line(key))}: {message}")

    def config(self, data: dict[str, Any]) -> Config:
        self.unknown_keys(data, _TOP_KEYS, ())
        fail_on = self.severity_value(data.get("fail_on", "error"), ("fail_on",), "fail_on")
        sources = self.sources(self.table(data, "sources"))
        checks = self.checks(data.get("check", []), sources)
        drift = self.drift(data, sources)
        return Config(
            path=self.path,
            root=self.root,
            sources=sources,
            checks=checks,
            severity=self.severity(self.table(data, "severity")),
            renames=self.renames(self.table(data, "renames")),
            ignore=self.strings(data.get("ignore", []), ("ignore",), "ignore"),
            fail_on=fail_on,
            drift=drift,
            scan=self.scan(self.section(data, "scan", _SCAN_KEYS)),
            report=self.section(data, "report", _REPORT_KEYS),
            rewrite=self.rewrite(self.section(data, "rewrite", _REWRITE_KEYS)),
        )

    # -- pieces

    def table(self, data: dict[str, Any], key: str) -> dict[str, Any]:
        value = data.get(key, {})
        if not isinstance(value, dict):
            raise self.fail((key,), f"{key} must be a table ([{key}]), not {_toml_type(value)}")
        return value

    def section(self, data: dict[str, Any], key: str, known: tuple[str, ...]) -> dict[str, Any]:
        """A table kept as written for the command that reads it, its keys checked now."""
        table = self.table(data, key)
        self.unknown_keys(table, known, (key,))
        return table

    def scan(self, table: dict[str, Any]) -> dict[str, Any]:
        entries = table.get("entry_modules", [])
        if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
            raise self.fail(("scan", "entry_modules"), 'entry_modules must be a list of tables such as { path = "src/db.ts", layer = "prisma" }')
        for i, entry in enumerate(entries):
            self.unknown_keys(entry, _ENTRY_MODULE_KEYS, ("scan", "entry_modules", i))
            for key in _ENTRY_MODULE_KEYS:
                if not isinstance(entry.get(key), str) or not entry[key]:
                    raise self.fail(("scan", "entry_modules"), f"entry module {i + 1} needs {key} = \"…\"")
        return table

    def rewrite(self, table: dict[str, Any]) -> dict[str, Any]:
        """[rewrite]: the prisma-drizzle settings checked now (session_names/entity_names by the command).
        Kept as written: paths are relative to this file's folder (migrator.rewrite.drizzle_defaults)."""
        schema = table.get("drizzle_schema")
        if schema is not None and (not isinstance(schema, str) or not schema.startswith("drizzle:") or not schema[len("drizzle:"):].strip()):
            raise self.fail(("rewrite", "drizzle_schema"), f'drizzle_schema must be "drizzle:PATH" (the project\'s Drizzle schema), not {schema!r}'
                            + (_suggest(schema.split(":", 1)[0] + ":", ("drizzle:",)) if isinstance(schema, str) and ":" in schema else ""))
        client = table.get("drizzle_client")
        if client is not None:
            module, sep, name = client.rpartition(":") if isinstance(client, str) else ("", "", "")
            if not sep or not module or not name.isidentifier():
                raise self.fail(("rewrite", "drizzle_client"), f'drizzle_client must be "MODULE:NAME" (e.g. "@/lib/db/drizzle:drizzleDb"), not {client!r}')
        prisma = table.get("prisma_schema")
        if prisma is not None and (not isinstance(prisma, str) or not prisma.strip()):
            raise self.fail(("rewrite", "prisma_schema"), f'prisma_schema must be a path (e.g. "prisma/schema.prisma"), not {prisma!r}')
        queries = table.get("drizzle_queries")
        if queries is not None and queries not in ("auto", "v1", "v2"):
            raise self.fail(("rewrite", "drizzle_queries"), f'drizzle_queries must be "auto", "v1" (drizzle-orm 0.x) or "v2" (drizzle-orm 1.0), not {queries!r}')
        return table

    def unknown_keys(self, data: dict[str, Any], known: tuple[str, ...], at: tuple[str | int, ...]) -> None:
        for key in data:
            if key not in known:
                what = f"unknown key {key!r}" + (f" in {_describe(at)}" if at else "")
                raise self.fail((*at, key), what + _suggest(key, known))

    def severity_value(self, value: Any, key: tuple[str | int, ...], what: str) -> str:
        from migrator.verify.changes import SEVERITIES

        if value not in SEVERITIES:
            raise self.fail(key, f"{what} must be one of {', '.join(SEVERITIES)}, not {value!r}" + _suggest(str(value), SEVERITIES))
        return value

    def strings(self, value: Any, key: tuple[str | int, ...], what: str) -> tuple[str, ...]:
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.fail(key, f"{what} must be a list of strings")
        return tuple(value)

    def sources(self, table: dict[str, Any]) -> dict[str, SourceRef]:
        return {name: self.source(name, value) for name, value in table.items()}

    def source(self, name: str, value: Any) -> SourceRef:
        key = ("sources", name)
        line = self.lines.line(key)
        if isinstance(value, str):
            value = {"spec": value}
        if not isinstance(value, dict):
            raise self.fail(key, f"source {name!r} must be a spec string or a table such as {{ env = \"DATABASE_URL\" }}")
        self.unknown_keys(value, _SOURCE_KEYS, key)
        spec, env = value.get("spec"), value.get("env")
        if (spec is None) == (env is None):
            raise self.fail(key, f"source {name!r} needs exactly one of spec = \"…\" or env = \"VARIABLE\"")
        if env is not None and (not isinstance(env, str) or not _ENV_NAME.match(env)):
            raise self.fail(key, f"source {name!r}: env must name an environment variable, such as \"DATABASE_URL\"")
        if spec is not None and (not isinstance(spec, str) or not spec.strip()):
            raise self.fail(key, f"source {name!r}: spec must be a non-empty string")
        dialect = value.get("dialect")
        if dialect is not None and dialect not in _DIALECTS:
            raise self.fail(key, f"source {name!r}: dialect must be one of {', '.join(_DIALECTS)}, not {dialect!r}")
        project_path = value.get("project_path")
        if project_path is not None and not isinstance(project_path, str):
            raise self.fail(key, f"source {name!r}: project_path must be a string")
        resolved = self.resolve_spec(name, spec.strip(), key) if spec is not None else None
        if resolved is not None and resolved.startswith("sqlalchemy:") and project_path is None:
            project_path = "."
        return SourceRef(
            name=name,
            spec=resolved,
            env=env,
            written=spec.strip() if spec is not None else None,
            project_path=str((self.root / project_path).resolve()) if project_path is not None else None,
            dialect=dialect,
            schemas=self.strings(value.get("schemas", []), key, f"source {name!r}: schemas"),
            exclude_schemas=self.strings(value.get("exclude_schemas", []), key, f"source {name!r}: exclude_schemas"),
            line=line,
        )

    def resolve_spec(self, name: str, spec: str, key: tuple[str | int, ...]) -> str:
        """The spec with its path made absolute against the config's folder; URLs are checked for passwords."""
        if "://" in spec and not spec.startswith("sqlite:"):
            if url_secrets(spec):
                raise self.fail(
                    key,
                    f"source {name!r} has a password in its URL ({mask_url(spec)}); this file is committed, "
                    f"so read the URL from the environment instead: {name} = {{ env = \"DATABASE_URL\" }}",
                )
            return spec
        for scheme in ("sqlite:///", "sqlite:"):
            if spec.startswith(scheme):
                rest = spec[len(scheme) :]
                if scheme == "sqlite:" and rest.startswith("//"):
                    break  # sqlite://host forms are the source's to judge
                path, query = (rest.split("?", 1) + [""])[:2]
                if path and not os.path.isabs(path) and path != ":memory:":
                    path = str(self.root / path)
                return "sqlite:///" + path + (f"?{query}" if query else "")
        for scheme in _PATH_SCHEMES:
            if spec.startswith(scheme):
                return scheme + self.path_of(spec[len(scheme) :])
        if spec.startswith("sqlalchemy:"):
            return spec  # a module, imported with project_path on sys.path
        head = spec.split("/", 1)[0]
        if ":" in head and len(head.split(":", 1)[0]) > 1:
            from migrator.inspect import sources as all_sources

            known = sorted(p for s in all_sources() for p in s.schemes)
            scheme = head.split(":", 1)[0] + ":"
            raise self.fail(key, f"source {name!r}: unknown scheme {scheme!r} in {spec!r}" + _suggest(scheme, known))
        return self.path_of(spec)

    def path_of(self, text: str) -> str:
        if not text:
            return str(self.root)
        path = Path(os.path.expanduser(text))
        return str(path if path.is_absolute() else (self.root / path).resolve())

    def checks(self, value: Any, sources: dict[str, SourceRef]) -> tuple[CheckSpec, ...]:
        if isinstance(value, dict):
            value = [value]  # [check] written for [[check]]
        if not isinstance(value, list):
            raise self.fail(("check",), "check must be a list of tables ([[check]])")
        checks: list[CheckSpec] = []
        for i, entry in enumerate(value):
            key: tuple[str | int, ...] = ("check", i)
            if not isinstance(entry, dict):
                raise self.fail(key, "each check must be a table ([[check]])")
            self.unknown_keys(entry, _CHECK_KEYS, key)
            ends = []
            for end in ("from", "to"):
                ref = entry.get(end)
                if ref is None:
                    raise self.fail(key, f"check {i + 1} has no {end} = \"<source name>\"")
                ends.append(self.source_name(ref, sources, (*key, end), f"check {end}"))
            name = entry.get("name", f"{ends[0]}-vs-{ends[1]}")
            if not isinstance(name, str) or not name:
                raise self.fail((*key, "name"), "check name must be a non-empty string")
            if any(c.name == name for c in checks):
                raise self.fail((*key, "name"), f"two checks are named {name!r}")
            fail_on = entry.get("fail_on")
            if fail_on is not None:
                fail_on = self.severity_value(fail_on, (*key, "fail_on"), f"check {name!r}: fail_on")
            partial = entry.get("partial")
            if partial is not None and partial not in ("to", "from"):
                raise self.fail((*key, "partial"), f"check {name!r}: partial must be \"to\" or \"from\", not {partial!r}")
            checks.append(CheckSpec(name, ends[0], ends[1], fail_on, self.lines.line(key), partial))
        return tuple(checks)

    def source_name(self, ref: Any, sources: dict[str, SourceRef], key: tuple[str | int, ...], what: str) -> str:
        if not isinstance(ref, str):
            raise self.fail(key, f"{what} must be the name of a source in [sources]")
        if ref not in sources:
            known = ", ".join(sorted(sources)) or "none"
            raise self.fail(key, f"{what} {ref!r} is not in [sources] (defined: {known})" + _suggest(ref, tuple(sources)))
        return ref

    def drift(self, data: dict[str, Any], sources: dict[str, SourceRef]) -> DriftSpec | None:
        if "drift" not in data:
            return None
        table = self.table(data, "drift")
        self.unknown_keys(table, _DRIFT_KEYS, ("drift",))
        partial = table.pop("partial", None)
        if partial is not None and partial not in ("legacy", "target"):
            raise self.fail(("drift", "partial"), f"partial must be \"legacy\" or \"target\", not {partial!r}")
        roles = {k: self.source_name(v, sources, ("drift", k), f"drift {k}") for k, v in table.items()}
        return DriftSpec(**roles, partial=partial)

    def severity(self, table: dict[str, Any]) -> dict[str, str]:
        from migrator.verify.changes import KINDS

        codes = _hazard_codes()
        out: dict[str, str] = {}
        for key, value in table.items():
            where = ("severity", key)
            if key not in KINDS and not (codes and key in codes):
                close = difflib.get_close_matches(key, [*KINDS, *(codes or ())], n=1, cutoff=0.8)
                # Without a hazard list to check against, only a near miss of a kind is surely a typo.
                if close or codes:
                    raise self.fail(where, f"unknown change kind or hazard code {key!r}" + _suggest(key, [*KINDS, *(codes or ())]))
            out[key] = self.severity_value(value, where, f"severity of {key}")
        return out

    def renames(self, table: dict[str, Any]) -> dict[str, str]:
        for old, new in table.items():
            if not isinstance(new, str) or not new:
                raise self.fail(("renames", old), f"rename of {old!r} must be the new path as a string")
        return dict(table)


def _hazard_codes() -> frozenset[str] | None:
    """The hazard codes migrator.verify.hazards defines, when that module is there to ask."""
    try:
        from migrator.verify import hazards  # type: ignore[attr-defined]
    except ImportError:
        return None
    return frozenset(h.code for h in getattr(hazards, "HAZARDS", ())) or None


def _describe(at: tuple[str | int, ...]) -> str:
    """A key path as a reader finds it in the file: `[scan]`, `sources.live`, `[[check]] 2`, `[scan] entry_modules 1`."""
    if len(at) == 1:
        return f"[{at[0]}]"
    if isinstance(at[1], int):
        return f"[[{at[0]}]] {at[1] + 1}" + "".join(f".{p}" for p in at[2:])
    if isinstance(at[-1], int):
        return f"[{at[0]}] " + ".".join(str(p) for p in at[1:-1]) + f" {at[-1] + 1}"
    return ".".join(str(p) for p in at)


def _suggest(word: str, choices: Any) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""


def _toml_type(value: Any) -> str:
    return {str: "a string", int: "a number", float: "a number", bool: "a boolean", list: "a list"}.get(type(value), "a value")


class _KeyLines:
    """Line numbers of keys, found by reading the text line by line.

    tomllib gives no positions for values, so each line is read as a table header or a
    `key = value` line and given its full key path; a path is found at the first line
    whose path starts with it. Good enough to point at the line to fix; lines inside
    multi-line strings and arrays are simply not headers or keys.
    """

    _HEADER = re.compile(r"^\s*(\[\[?)\s*(?P<path>[^\]]+?)\s*\]\]?")
    _KEY = re.compile(r"^\s*(?P<path>(?:[A-Za-z0-9_-]+|\"[^\"]*\"|'[^']*')(?:\s*\.\s*(?:[A-Za-z0-9_-]+|\"[^\"]*\"|'[^']*'))*)\s*=")

    def __init__(self, text: str, prefix: str) -> None:
        prefix_path = tuple(prefix.split(".")) if prefix else ()
        self.entries: list[tuple[tuple[str | int, ...], int]] = []
        current: tuple[str | int, ...] | None = () if not prefix else None
        counts: dict[tuple[str, ...], int] = {}
        for number, line in enumerate(text.splitlines(), 1):
            header = self._HEADER.match(line)
            if header:
                path = _split_key(header.group("path"))
                if path[: len(prefix_path)] != prefix_path:
                    current = None  # a table that is not ours (pyproject.toml's other tools)
                    continue
                path = path[len(prefix_path) :]
                if header.group(1) == "[[":
                    index = counts.get(path, 0)
                    counts[path] = index + 1
                    current = (*path, index)
                else:
                    current = path
                self.entries.append((current, number))
                continue
            key = self._KEY.match(line)
            if key and current is not None:
                self.entries.append(((*current, *_split_key(key.group("path"))), number))

    def line(self, key: tuple[str | int, ...]) -> int | None:
        for path, number in self.entries:
            if path[: len(key)] == key:
                return number
        # An inline table: the key's parent is on one line (`live = { env = "X" }`).
        for cut in range(len(key) - 1, 0, -1):
            for path, number in self.entries:
                if path == key[:cut]:
                    return number
        return None


def _split_key(text: str) -> tuple[str, ...]:
    parts = re.findall(r"\"([^\"]*)\"|'([^']*)'|([A-Za-z0-9_-]+)", text)
    return tuple(next(p for p in groups if p) if any(groups) else "" for groups in parts)


# ---------------------------------------------------------------------------
# Using a config


def resolve_source(config: Config, name: str) -> str:
    """The spec to load for source `name`; an env source is read from the environment now."""
    ref = config.sources.get(name)
    if ref is None:
        known = ", ".join(sorted(config.sources)) or "none"
        raise BadInput(f"{config.where()}: no source named {name!r} (defined: {known})" + _suggest(name, tuple(config.sources)))
    if ref.env is None:
        assert ref.spec is not None
        return ref.spec
    value = os.environ.get(ref.env, "").strip()
    if not value:
        raise BadInput(f"{config.where(ref.line)}: source {name!r} reads {ref.env}, which is not set")
    return value


def compare_options(config: Config) -> CompareOptions:
    """What every check of this config tells compare(): renames, ignore globs, severity overrides."""
    from migrator.verify.diff import CompareOptions

    return CompareOptions(
        renames=tuple(config.renames.items()),
        ignore=tuple(config.ignore),
        severity=tuple(config.severity.items()),
    )

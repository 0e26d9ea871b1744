"""`prisma:PATH`: a Prisma schema read as the database Prisma Migrate would create.

PATH is a `.prisma` file, a folder of them (Prisma's multi-file schema: every `.prisma`
file under the folder, `migrations/` and `node_modules/` excepted), or a project folder
whose `prisma.config.ts` (`schema: "…"`) or package.json (`"prisma": {"schema": "…"}`)
names the schema, else holding `prisma/schema.prisma` or `prisma/schema/`.

The provider comes from the datasource block. The Prisma version, read from the nearest
package.json that depends on `prisma` or `@prisma/client`, decides the one rule that
changed between releases: implicit many-to-many tables on PostgreSQL have a primary key
since Prisma 6 and a unique index before. Without a package.json the current rule holds.

Syntax errors are BadInput `file:line:col: message` with the offending line; unknown
attributes, native types and types are notes ("file:line:col: …"), not failures.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

from migrator.errors import BadInput
from migrator.files import read_text
from migrator.inspect import InspectOptions, register, strip_scheme
from migrator.appmodel import AppModel
from migrator.schema import Schema

SCHEME = "prisma:"
_SKIP_DIRS = frozenset({"node_modules", "migrations", ".git"})
_CONFIG_SCHEMA = re.compile(r"""\bschema\s*:\s*(?:path\.join\(\s*__dirname\s*,\s*)?["'`]([^"'`]+)["'`]""")
_MAJOR = re.compile(r"(\d+)")


class PrismaSource:
    name = "prisma"
    schemes = (SCHEME,)
    description = "Prisma schema: prisma:schema.prisma, a folder of .prisma files, or a project with prisma.config.ts"

    def claims_path(self, path: str) -> bool:
        return path.endswith(".prisma")

    def load(self, spec: str, options: InspectOptions) -> Schema:
        return self._mapper(spec, options).build()

    def load_app_model(self, spec: str, options: InspectOptions) -> tuple[Schema, AppModel]:
        """The schema and the models' names as written (migrator.appmodel)."""
        mapper = self._mapper(spec, options)
        return mapper.build(), mapper.app_model()

    def _mapper(self, spec: str, options: InspectOptions):
        from migrator.inspect._prisma_physical import Mapper
        from migrator.inspect._prisma_syntax import parse

        path = strip_scheme(spec, self)
        files = schema_files(path)
        blocks = []
        for file in files:
            blocks.extend(parse(read_text(file), str(file)))
        source = spec if spec.startswith(SCHEME) else SCHEME + spec
        return Mapper(blocks, source, options, prisma_major=prisma_major(files[0]))


def schema_files(path: str) -> list[Path]:
    """The .prisma files PATH stands for, in a stable order; BadInput when there are none."""
    target = Path(path)
    if target.is_file():
        return [target]
    if not target.exists():
        raise BadInput(f"{path}: no such file or folder")
    named = _configured_schema(target)
    if named is not None:
        return schema_files(str(named))
    # A project folder: Prisma's default locations, a single file before a folder.
    if (target / "prisma" / "schema.prisma").is_file():
        return [target / "prisma" / "schema.prisma"]
    if (target / "prisma" / "schema").is_dir() and _prisma_files(target / "prisma" / "schema"):
        return _prisma_files(target / "prisma" / "schema")
    found = _prisma_files(target)
    if not found:
        raise BadInput(f"{path}: no .prisma files in this folder")
    return found


def _prisma_files(folder: Path) -> list[Path]:
    out: list[Path] = []
    for root, dirs, names in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if d not in _SKIP_DIRS and not d.startswith("."))
        out.extend(Path(root) / n for n in sorted(names) if n.endswith(".prisma"))
    return out


def _configured_schema(folder: Path) -> Path | None:
    """The schema location a project's prisma.config.ts or package.json names."""
    for config in ("prisma.config.ts", "prisma.config.mts", "prisma.config.js"):
        file = folder / config
        if file.is_file():
            m = _CONFIG_SCHEMA.search(file.read_text(encoding="utf-8", errors="replace"))
            if m:
                return folder / m.group(1)
    package = folder / "package.json"
    if package.is_file():
        try:
            data = json.loads(package.read_text(encoding="utf-8"))
        except ValueError:
            return None
        named = data.get("prisma", {}).get("schema") if isinstance(data.get("prisma"), dict) else None
        if isinstance(named, str):
            return folder / named
    return None


def prisma_major(schema_file: Path) -> int | None:
    """The major version of Prisma the project depends on, from the nearest package.json."""
    folder = schema_file.resolve().parent
    for _ in range(8):
        package = folder / "package.json"
        if package.is_file():
            try:
                data = json.loads(package.read_text(encoding="utf-8"))
            except ValueError:
                data = {}
            for section in ("dependencies", "devDependencies"):
                deps = data.get(section) or {}
                for name in ("prisma", "@prisma/client"):
                    spec = deps.get(name)
                    if isinstance(spec, str):
                        m = _MAJOR.search(spec)
                        if m:
                            return int(m.group(1))
        if (folder / ".git").exists() or folder.parent == folder:
            return None
        folder = folder.parent
    return None


register(PrismaSource())

"""Which relational query API the converted reads target: drizzle-orm 0.x's (v1: callbacks,
`where: (t, { eq }) => …`, relations from `relations()`) or drizzle-orm 1.0's (v2: object `where`,
relations from `defineRelations`), read from the project's package.json.

The nearest package.json at or above the converted file that lists drizzle-orm (dependencies,
devDependencies, peerDependencies or optionalDependencies) decides: a version or range whose first
version is 1.0.0 or later, prereleases included (`1.0.0-beta.24`, `^1.0.0-beta.20`, `>=1`,
`npm:drizzle-orm@1.0.0-rc.1`), is v2; an earlier one is v1. A spec with no version in it (`latest`,
`*`, `workspace:*`, `catalog:`, a git URL) is read from the installed drizzle-orm's own
package.json in the node_modules beside it, else v1. No package.json lists drizzle-orm: v1.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Optional

CHOICES = ("auto", "v1", "v2")
_SECTIONS = ("dependencies", "devDependencies", "peerDependencies", "optionalDependencies")
_VERSION = re.compile(r"(?<![\w.])v?(\d+)(?:\.(\d+|x|\*))?(?:\.(\d+|x|\*))?(-[0-9A-Za-z.-]+)?")


def major_of(spec: str) -> Optional[int]:
    """The major version of the first version a package.json spec names; None when it names none."""
    text = spec.strip()
    if text.startswith("npm:"):
        text = text.rpartition("@")[2]
    if text.startswith(("git", "http", "file:", "link:", "workspace:", "catalog:", "github:")):
        return None
    found = _VERSION.search(text)
    return int(found.group(1)) if found else None


def version_of(spec: str, package_json: Path) -> str:
    """"v2" or "v1" for one drizzle-orm spec of `package_json`."""
    major = major_of(spec)
    if major is None:
        installed = package_json.parent / "node_modules" / "drizzle-orm" / "package.json"
        try:
            major = major_of(str(json.loads(installed.read_text(encoding="utf-8")).get("version", "")))
        except (OSError, ValueError, AttributeError):
            major = None
    return "v2" if major is not None and major >= 1 else "v1"


@lru_cache(maxsize=256)
def _decide(folder: Path) -> tuple[str, Optional[str]]:
    for where in (folder, *folder.parents):
        manifest = where / "package.json"
        if not manifest.is_file():
            continue
        try:
            data = json.loads(manifest.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if not isinstance(data, dict):
            continue
        for section in _SECTIONS:
            deps = data.get(section)
            if isinstance(deps, dict) and isinstance(deps.get("drizzle-orm"), str):
                return version_of(deps["drizzle-orm"], manifest), str(manifest)
    return "v1", None


def detect(path: Path) -> str:
    """"v1" or "v2" for a converted file (or folder) at `path`."""
    path = path.resolve()
    return _decide(path if path.is_dir() else path.parent)[0]


def resolve(choice: str, path: Path) -> str:
    """The option (`auto`, `v1`, `v2`) made concrete for the file at `path`."""
    from migrator.errors import BadInput

    if choice not in CHOICES:
        raise BadInput(f"--drizzle-queries: expected one of {', '.join(CHOICES)}, got {choice!r}")
    return detect(path) if choice == "auto" else choice

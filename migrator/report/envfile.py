"""`.env` files (`.env`, `.env.example`, `.env.local`, `.env.production.local`…) with the line of every variable.

Why a library: the dotenv format is defined by its implementations, not by a spec, and
the cases a line-by-line regular expression gets wrong are common in real files — values
quoted with `'` or `"` (with `\\n` escapes in double quotes), `export KEY=…`, `# comments`
after a value, a quoted value spanning several lines (a PEM key, a JSON blob) whose inner
lines look like `KEY=value`. python-dotenv is the Python reference for the format (what
Flask and pydantic-settings load .env files with) and reads all of the above.

Why `dotenv.parser.parse_stream` and not `dotenv_values`: the report points at
`.env:LINE`, and only the parser's Binding objects keep a line (`binding.original.line`).
The parser counts the blank lines before a binding as part of it, so the line here is
moved past them to the line of the key itself. Lines the parser cannot read (python-dotenv
logs a warning and skips them) are kept as `EnvFile.errors`, so a report can name them.

Interpolation: values are left as written — `${DB_HOST}` stays `${DB_HOST}`, never
expanded. `dotenv_values(interpolate=True)` would fill it from this machine's
environment, so the report would change with the shell it runs in, and each consumer
expands differently anyway (Compose, python-dotenv and dotenv-expand disagree on
defaults, single quotes and escapes). The text as written is what a reader of the report
can find in the file, and a `${VAR}` reference is itself what the connection checks look
for. Quotes are removed and escapes in double-quoted values decoded: that is the value
every consumer sees.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from dotenv.parser import parse_stream

# `.env` and `.env.<anything>`; not `.envrc` (a direnv shell script) nor editor backups.
ENV_NAME = re.compile(r"^\.env(\.[\w.-]+)?$")
_BACKUP = re.compile(r"(\.swp|\.bak|\.orig|~)$")


class EnvVar(NamedTuple):
    key: str
    value: str | None  # None for a bare `KEY` line (no `=`); "" for `KEY=`
    line: int  # 1-based, the line of the key


@dataclass(frozen=True)
class EnvFile:
    path: Path
    vars: tuple[EnvVar, ...]  # in file order, repeats included
    errors: tuple[int, ...]  # lines python-dotenv could not parse (and skips)

    def as_dict(self) -> dict[str, EnvVar]:
        """The variables as dotenv loads them: a key set twice takes its last value."""
        return {var.key: var for var in self.vars}


def parse_env(text: str) -> tuple[list[EnvVar], list[int]]:
    """The variables of a .env text and the lines that could not be parsed."""
    found: list[EnvVar] = []
    errors: list[int] = []
    for binding in parse_stream(io.StringIO(text)):
        original = binding.original.string
        leading = original[: len(original) - len(original.lstrip())]
        line = binding.original.line + leading.count("\n")  # skip the blank lines counted in
        if binding.error:
            errors.append(line)
        elif binding.key is not None:
            found.append(EnvVar(binding.key, binding.value, line))
    return found, errors


def read_env(path: Path) -> EnvFile:
    """One .env file; OSError and UnicodeDecodeError are the caller's (the report makes them a note)."""
    text = Path(path).read_text(encoding="utf-8-sig")  # a BOM would otherwise start the first key
    found, errors = parse_env(text)
    return EnvFile(Path(path), tuple(found), tuple(errors))


def env_files(folder: Path) -> list[Path]:
    """The .env files directly in `folder`, sorted by name."""
    try:
        paths = sorted(Path(folder).iterdir())
    except OSError:
        return []
    return [p for p in paths if ENV_NAME.match(p.name) and not _BACKUP.search(p.name) and p.is_file()]

"""What every TypeScript rule set's rules share (prisma-drizzle, sql-drizzle): the base class (a code,
a safety, the docstring's first line as description), the refusal that becomes a finding, rule
discovery in a package (one rule per module), and the `--drizzle-client MODULE:NAME` option."""

from __future__ import annotations

import importlib
import pkgutil
from types import ModuleType
from typing import ClassVar

from migrator.errors import BadInput


class Refusal(Exception):
    """A site left as it is: its finding's code and reason."""

    def __init__(self, code: str, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason


class RuleBase:
    code: ClassVar[str] = ""
    safety: ClassVar[str] = "safe"  # safe: converts; report: only findings
    # A note: its finding is a remark on a site that was converted (what still differs in the result),
    # never a site left as it is (the counts of converted and reported sites leave it out).
    note: ClassVar[bool] = False

    @classmethod
    def description(cls) -> str:
        return (cls.__doc__ or "").strip().splitlines()[0]

    @classmethod
    def refuse(cls, reason: str) -> Refusal:
        return Refusal(cls.code, reason)


def discover(package: ModuleType, base: type) -> list[type]:
    """The `base` subclasses with a code in the package's modules, sorted by code."""
    found: dict[str, type] = {}
    for info in pkgutil.iter_modules(package.__path__):
        module = importlib.import_module(f"{package.__name__}.{info.name}")
        for value in vars(module).values():
            if isinstance(value, type) and issubclass(value, base) and value is not base and value.code:
                found[value.code] = value
    return [found[code] for code in sorted(found)]


def parse_client(option: str) -> tuple[str, str]:
    """`@/lib/db/drizzle:drizzleDb` -> ("@/lib/db/drizzle", "drizzleDb"); BadInput naming the option otherwise."""
    module, sep, name = option.rpartition(":")
    if not sep or not module or not name.isidentifier():
        raise BadInput(f"--drizzle-client: expected MODULE:NAME (e.g. @/lib/db/drizzle:db), got {option!r}")
    return module, name

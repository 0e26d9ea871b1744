"""What a peer-suite loader yields and what the runner records per case."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Case:
    """One peer test case: the schema as it is (FROM) and as it should be (TO), as SQL.

    name: unique within its suite; skip_reason: why the case is not run (None: run it);
    roles: SQL identifiers (quoted when needed) of roles the SQL refers to. Roles are
    cluster-wide, so the runner creates the union of all cases' roles once, before any case.
    """

    name: str
    from_sql: str
    to_sql: str
    skip_reason: str | None = None
    roles: tuple[str, ...] = ()


@dataclass
class Result:
    suite: str
    name: str
    outcome: str  # one of OUTCOMES, or "skipped"
    reason: str = ""  # one line: the skip reason, the load/apply error, the crash message, ...
    categories: list[str] = field(default_factory=list)  # guessed from the differing dump text
    dump_diff: list[str] = field(default_factory=list)  # the first few differing normalized lines ("- " in A, "+ " in B)
    first_changes: int = 0  # changes the first diff reported
    declared: list[str] = field(default_factory=list)  # what the first diff declared not modeled
    seconds: float = 0.0


OUTCOMES = (
    "pass",
    "not modeled (declared)",
    "apply error",
    "non-convergent",
    "fixed partly",
    "silent miss",
    "crash",
)

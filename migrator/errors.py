"""Errors that reach the user as one line and an exit code.

Library code raises these; the CLI prints `str(error)` and exits with `exit_code`.
Messages name what and where (file:line:col, statement number, a masked URL).
"""

from __future__ import annotations

EXIT_CLEAN = 0
EXIT_FINDINGS = 1
EXIT_BAD_INPUT = 2
EXIT_FAILURE = 3


class MigratorError(Exception):
    """Base class: an internal failure unless a subclass says otherwise."""

    exit_code = EXIT_FAILURE


class BadInput(MigratorError):
    """The user's input is wrong: unknown scheme, unreadable file, SQL that fails to apply."""

    exit_code = EXIT_BAD_INPUT


class ConnectionFailed(MigratorError):
    """A database could not be reached or refused us."""

    exit_code = EXIT_FAILURE


class EngineUnavailable(MigratorError):
    """No database engine can run the SQL (no server binaries, no --dev-url)."""

    exit_code = EXIT_FAILURE

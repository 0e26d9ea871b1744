"""Errors that reach the user as one line and an exit code.

Library code raises these; the CLI prints `str(error)` and exits with `exit_code`.
Messages name what and where (file:line:col, statement number, a masked URL).
"""

from __future__ import annotations

EXIT_CLEAN = 0
EXIT_FINDINGS = 1
EXIT_BAD_INPUT = 2
EXIT_FAILURE = 3
EXIT_INTERRUPTED = 130  # Ctrl-C: 128 + SIGINT, as shells report it


class MigratorError(Exception):
    """Base class: an internal failure unless a subclass says otherwise."""

    exit_code = EXIT_FAILURE


class BadInput(MigratorError):
    """The user's input is wrong: unknown scheme, unreadable file, SQL that fails to apply."""

    exit_code = EXIT_BAD_INPUT


class CannotWrite(BadInput, OSError):
    """An output file could not be written (a folder in the way, no permission, disk full).

    Bad input to the user (exit 2, one line naming the path); still an OSError to code
    that may shrug a failed write off, such as the caches.
    """


class ConnectionFailed(MigratorError):
    """A database could not be reached or refused us."""

    exit_code = EXIT_FAILURE


class EngineUnavailable(MigratorError):
    """No database engine can run the SQL (no server binaries, no --dev-url)."""

    exit_code = EXIT_FAILURE

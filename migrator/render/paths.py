"""Paths in CI output (GitHub annotations, SARIF, JSON, Markdown): relative to the repository root.

GitHub attaches an annotation or a code-scanning alert to a file only when its path is
relative to the repository root; a runner's absolute path (/home/runner/work/app/app/…)
means nothing to a reader of the JSON or the PR comment either. So every renderer of those
formats sends the paths it writes through one RepoPaths:

- root: the repository root, `git rev-parse --show-toplevel` run in the working folder,
  else the working folder (repository_root());
- base: the folder relative paths are relative to (where migrator ran, or the folder
  `migrator scan` read); None when relative paths are relative to the root already;
- prefix: prepended to every relative path (`--path-prefix`), for a sub-project whose
  output is uploaded from a monorepo, or a checkout that is not a git repository.

A file outside the root stays absolute: there is nothing to make it relative to.
"""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from pathlib import Path, PurePath, PurePosixPath, PureWindowsPath


def repository_root(start: str | PurePath | None = None) -> Path:
    """The git repository's top folder seen from `start` (default: the working folder), else `start`."""
    folder = Path(start if start is not None else os.getcwd()).resolve()
    try:
        done = subprocess.run(["git", "rev-parse", "--show-toplevel"], cwd=folder, capture_output=True,
                              text=True, timeout=10, check=False)
        if done.returncode == 0 and done.stdout.strip():
            return Path(done.stdout.strip()).resolve()
        return folder
    except (OSError, subprocess.SubprocessError):
        # No git here: the nearest folder with a .git, as migrator.config looks for the repository.
        for candidate in (folder, *folder.parents):
            if (candidate / ".git").exists():
                return candidate
        return folder


def _pure(path: str | PurePath) -> PurePath:
    text = str(path)
    return PureWindowsPath(text) if "\\" in text and "/" not in text or (len(text) > 1 and text[1] == ":") else PurePosixPath(text)


def _join_prefix(prefix: str, relative: str) -> str:
    prefix = prefix.replace("\\", "/").strip("/")
    if not prefix:
        return relative
    return prefix if relative in ("", ".") else f"{prefix}/{relative}"


def repository_relative(path: str, root: str | PurePath | None, prefix: str = "", *,
                        base: str | PurePath | None = None) -> str:
    """`path` with forward slashes, relative to `root` (when it lies under it) and behind `prefix`.

    A relative path is taken relative to `base` when given (else it is relative to the root
    already). A path outside the root stays absolute and gets no prefix.
    """
    if not path:
        return path
    pure = _pure(path)
    if not pure.is_absolute() and base is not None:
        joined = os.path.normpath(os.path.join(str(base), str(path)))
        pure = _pure(joined)
    if pure.is_absolute():
        if root is None:
            return pure.as_posix()
        relative = _relative_to(pure, root)
        if relative is None:
            return pure.as_posix()
        return _join_prefix(prefix, relative)
    text = pure.as_posix()
    return _join_prefix(prefix, text[2:] if text.startswith("./") else text)


def _relative_to(path: PurePath, root: str | PurePath) -> str | None:
    base = type(path)(str(root))
    try:
        return path.relative_to(base).as_posix()
    except ValueError:
        pass
    if isinstance(path, PurePosixPath):
        # The same folder by another name (a symlinked /tmp, a resolved workspace).
        try:
            return PurePosixPath(os.path.realpath(str(path))).relative_to(os.path.realpath(str(root))).as_posix()
        except ValueError:
            return None
    return None


@dataclass(frozen=True)
class RepoPaths:
    """How a renderer writes paths: relative to `root`, relative inputs taken from `base`, behind `prefix`."""

    root: str | PurePath | None = None
    prefix: str = ""
    base: str | PurePath | None = None

    @classmethod
    def here(cls, prefix: str = "", base: str | PurePath | None = None) -> RepoPaths:
        """The repository of the working folder; relative paths relative to the working folder (or `base`)."""
        return cls(repository_root(), prefix or "", base if base is not None else Path.cwd())

    @classmethod
    def of(cls, value: RepoPaths | str | PurePath | None) -> RepoPaths:
        return value if isinstance(value, RepoPaths) else cls(value)

    def file(self, path: str) -> str:
        return repository_relative(path, self.root, self.prefix, base=self.base)

    def text(self, text: str) -> str:
        """Free text (a source label, a note): absolute paths under the root written relative to it."""
        if self.root is None or not text:
            return text
        root = str(self.root).rstrip("/\\")
        if not root:
            return text
        prefix = self.prefix.replace("\\", "/").strip("/")
        return text.replace(root + "/", prefix + "/" if prefix else "")

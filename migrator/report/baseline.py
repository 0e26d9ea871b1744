"""The baseline ratchet: the move may only go one way.

A baseline is a scan saved when a team decides "no new legacy code from here"
(`write_baseline`). `compare_to_baseline(current, baseline)` lists:

- regressions: a file using the legacy layer that the baseline does not have (a new file,
  or one that used only the target layer or made no calls), and a file with more legacy call
  sites than at the baseline, with the file:line of each new site;
- improvements: a file that moved to the target layer (or stopped using any), a legacy file
  that was deleted, a file with fewer legacy call sites.

"Using the legacy layer" is status legacy or mixed, which only call sites decide: a file that
imports the legacy layer or its client without calling it (a schema module, the client's own
module, a type import) is status none, so adding one is not a regression. A baseline written
before files had roles is read with today's rule (ScanResult.from_dict), so it compares like
with like.

Call sites are matched by what they do (layer, model, operation), not by line, so that
code moving down a file is not a new site; of several sites doing the same thing, those on
lines the baseline did not have are the new ones.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

import orjson

from migrator.files import atomic_write
from migrator.scan.facts import Site
from migrator.scan.result import FileScan, ScanResult


@dataclass(frozen=True)
class Regression:
    kind: str  # "new-legacy-file" or "gained-legacy-sites"
    path: str
    before: int  # legacy call sites at the baseline
    after: int
    sites: tuple[Site, ...]  # the new legacy call sites
    message: str


@dataclass(frozen=True)
class Improvement:
    kind: str  # "moved" (now on the target layer or none), "removed" (deleted), "fewer-legacy-sites"
    path: str
    before: int
    after: int
    message: str


@dataclass(frozen=True)
class Ratchet:
    regressions: tuple[Regression, ...]
    improvements: tuple[Improvement, ...]
    legacy_files_before: int
    legacy_files_after: int
    legacy_sites_before: int
    legacy_sites_after: int

    @property
    def ok(self) -> bool:
        return not self.regressions


def legacy_sites(file: FileScan, scan: ScanResult) -> tuple[Site, ...]:
    return tuple(s for s in file.sites if s.layer in scan.legacy)


def uses_legacy(file: FileScan) -> bool:
    return file.status in ("legacy", "mixed")


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _new_sites(now: tuple[Site, ...], before: tuple[Site, ...]) -> tuple[Site, ...]:
    """The sites of `now` beyond what `before` had, matched by (layer, model, operation)."""
    had = Counter(_key(s) for s in before)
    old_lines: dict[tuple[str, str, str], set[int]] = defaultdict(set)
    for s in before:
        old_lines[_key(s)].add(s.line)
    groups: dict[tuple[str, str, str], list[Site]] = defaultdict(list)
    for s in now:
        groups[_key(s)].append(s)
    new: list[Site] = []
    for k, group in groups.items():
        extra = len(group) - had[k]
        if extra > 0:
            # Sites on lines the baseline did not have first: those are most likely the added ones.
            ranked = sorted(group, key=lambda s: (s.line in old_lines[k], s.line, s.column))
            new.extend(ranked[:extra])
    return tuple(sorted(new, key=lambda s: (s.line, s.column)))


def _key(site: Site) -> tuple[str, str, str]:
    return (site.layer, site.model, site.operation)


def compare_to_baseline(current: ScanResult, baseline: ScanResult) -> Ratchet:
    """Regressions and improvements of `current` against `baseline`, each list by path."""
    before = {f.path: f for f in baseline.files}
    after = {f.path: f for f in current.files}
    layers = _roles(current)
    regressions: list[Regression] = []
    improvements: list[Improvement] = []
    for path in sorted(set(before) | set(after)):
        old, new = before.get(path), after.get(path)
        n_old = len(legacy_sites(old, baseline)) if old else 0
        n_new = len(legacy_sites(new, current)) if new else 0
        if new is not None and uses_legacy(new) and (old is None or not uses_legacy(old)):
            sites = legacy_sites(new, current)
            if old is None:
                what = "new file"
            else:  # a file that only imported the layer (no call sites) is status none, not legacy
                what = f"was {old.status}" + ("" if old.sites else f" ({old.role}, no call sites)") + ", now"
            regressions.append(Regression(
                "new-legacy-file", path, n_old, n_new, sites,
                f"{what} using {layers} ({_plural(n_new, 'call site')})",
            ))
        elif new is not None and old is not None and uses_legacy(new) and n_new > n_old:
            sites = _new_sites(legacy_sites(new, current), legacy_sites(old, baseline))
            regressions.append(Regression(
                "gained-legacy-sites", path, n_old, n_new, sites,
                f"legacy call sites {n_old} → {n_new}: new at line{'s' if len(sites) != 1 else ''} "
                + ", ".join(str(s.line) for s in sites),
            ))
        elif old is not None and uses_legacy(old) and new is None:
            improvements.append(Improvement("removed", path, n_old, 0, f"deleted ({_plural(n_old, 'legacy call site')})"))
        elif old is not None and uses_legacy(old) and new is not None and not uses_legacy(new):
            improvements.append(Improvement("moved", path, n_old, 0, f"{old.status} → {new.status}"))
        elif old is not None and new is not None and uses_legacy(new) and n_new < n_old:
            improvements.append(Improvement("fewer-legacy-sites", path, n_old, n_new,
                                            f"legacy call sites {n_old} → {n_new}"))
    return Ratchet(
        regressions=tuple(regressions),
        improvements=tuple(improvements),
        legacy_files_before=sum(1 for f in baseline.files if uses_legacy(f)),
        legacy_files_after=sum(1 for f in current.files if uses_legacy(f)),
        legacy_sites_before=sum(len(legacy_sites(f, baseline)) for f in baseline.files),
        legacy_sites_after=sum(len(legacy_sites(f, current)) for f in current.files),
    )


def _roles(scan: ScanResult) -> str:
    return " + ".join(scan.legacy) or "the legacy layer"


def write_baseline(path: str | Path, scan: ScanResult) -> None:
    """Save `scan` as the baseline, atomically (a CI job reading it never sees half a file)."""
    text = orjson.dumps(scan.to_dict(), option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS).decode()
    atomic_write(path, text + "\n")


def read_baseline(path: str | Path) -> ScanResult:
    """A baseline written by `migrator scan --update-baseline`; anything else is BadInput naming the file."""
    from migrator.errors import BadInput

    try:
        return ScanResult.from_dict(orjson.loads(Path(path).read_bytes()))
    except OSError as exc:
        raise BadInput(f"{path}: cannot read: {exc.strerror or exc}") from None
    except (ValueError, KeyError, TypeError) as exc:
        detail = f"missing {exc}" if isinstance(exc, KeyError) else str(exc)
        raise BadInput(f"{path}: not a scan baseline ({detail}); rewrite it with `migrator scan --update-baseline`") from None

"""Every diff renderer against its golden file (regenerate with tests/render/regen_golden.py)."""

from __future__ import annotations

import pytest

from .regen_golden import GOLDEN, GOLDEN_DIR


@pytest.mark.parametrize("name", sorted(GOLDEN))
def test_output_matches_golden_file(name: str) -> None:
    expected = (GOLDEN_DIR / name).read_text(encoding="utf-8")
    assert GOLDEN[name]() == expected, f"{name} changed: run tests/render/regen_golden.py and review the diff"

"""docs/diff.md documents every change kind and hazard code the code knows, as the code says them.

Reports link each hazard code to its anchor in docs/diff.md and each change kind to the
table there (migrator.render.report.REFERENCE_URL), so a kind or code missing from the page
is a dead link in every SARIF and Markdown report.
"""

from __future__ import annotations

import re
from pathlib import Path

from migrator.verify.changes import KINDS
from migrator.verify.hazards import HAZARDS

DIFF_DOC = Path(__file__).resolve().parent.parent / "docs" / "diff.md"


def _kind_rows() -> dict[str, tuple[str, str, str]]:
    text = DIFF_DOC.read_text().split("## Change kinds", 1)[1]
    rows = re.findall(r"^\| `(\w+)` \| ([^|]+?) \| ([^|]+?) \| `(\w+)` \|", text, re.MULTILINE)
    # "enum value" is the object enum_value; "(…)" explains; "warning (info when …)" names the default first.
    return {kind: (obj.split(" (")[0].replace(" ", "_"), severity.split()[0], reverse) for kind, obj, severity, reverse in rows}


def test_every_change_kind_has_its_row_with_the_code_s_object_severity_and_reverse() -> None:
    rows = _kind_rows()
    assert sorted(set(KINDS) - set(rows)) == []
    assert sorted(set(rows) - set(KINDS)) == []
    wrong = {k: rows[k] for k, spec in KINDS.items() if rows[k] != (spec.object, spec.severity, spec.reverse)}
    assert wrong == {}


def test_every_hazard_code_has_an_anchor() -> None:
    text = DIFF_DOC.read_text()
    missing = [h.code for h in HAZARDS if f'<a id="{h.code.lower()}"></a>`{h.code}`' not in text]
    assert missing == []

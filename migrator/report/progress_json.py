"""A Report as progress.json: {"format": "migrator.progress", "version": 1, ...}, for dashboards and CI.

Validated by schemas/progress.v1.json. The document is the Report's fields as they are
(tuples as lists, absent sections as null or empty lists), so the JSON, the Markdown and
the HTML say the same thing. A new field is a new version only when it changes what an
existing field means; consumers should ignore fields they do not know.
"""

from __future__ import annotations

from typing import Any

import orjson

from migrator.report.model import Report


def progress_data(report: Report) -> dict[str, Any]:
    return report.to_dict()


def render_progress_json(report: Report) -> str:
    return orjson.dumps(progress_data(report), option=orjson.OPT_INDENT_2).decode() + "\n"

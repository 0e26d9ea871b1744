"""Validation of the SARIF documents the tests produce: the official SARIF 2.1.0 schema and our subset.

The official schema (tests/fixtures/sarif/sarif-schema-2.1.0.json, draft-04) is vendored:
jsonschema does not ship it and the tests run offline. See tests/fixtures/sarif/README.md.
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

import jsonschema

from ..conftest import FIXTURES

SARIF_DIR = FIXTURES / "sarif"


@cache
def _validators() -> tuple[jsonschema.protocols.Validator, jsonschema.protocols.Validator]:
    official = json.loads((SARIF_DIR / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
    subset = json.loads((SARIF_DIR / "sarif-2.1.0-subset.schema.json").read_text(encoding="utf-8"))
    checker = jsonschema.FormatChecker()
    return (jsonschema.Draft4Validator(official, format_checker=checker),
            jsonschema.Draft202012Validator(subset, format_checker=checker))


def validate_sarif(data: dict[str, Any], *, subset: bool = True) -> dict[str, Any]:
    """Raise jsonschema.ValidationError unless `data` is valid SARIF 2.1.0 (and fits our subset); return it.

    subset=False checks the official schema only (documents that are not check results,
    such as the scan ratchet's, need not fit the subset written for those).
    """
    official, ours = _validators()
    official.validate(data)
    if subset:
        ours.validate(data)
    for run in data.get("runs", ()):
        for result in run.get("results", ()):
            for location in result.get("locations", ()):
                uri = location.get("physicalLocation", {}).get("artifactLocation", {}).get("uri")
                # uri-reference is not checked by jsonschema without rfc3987: no spaces, no backslashes.
                assert uri is None or (" " not in uri and "\\" not in uri), uri
    return data

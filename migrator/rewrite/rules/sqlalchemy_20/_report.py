"""Shared by the report-only rules SA104–SA106."""

from __future__ import annotations

from typing import Optional

import libcst as cst


def keyword_value(call: cst.Call, name: str) -> Optional[cst.BaseExpression]:
    """The value passed as keyword `name`, or None."""
    return next((a.value for a in call.args if a.keyword is not None and a.keyword.value == name), None)

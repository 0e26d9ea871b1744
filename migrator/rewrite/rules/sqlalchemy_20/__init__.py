"""The `sqlalchemy-2.0` rule set: SQLAlchemy 1.x Query API and legacy Core calls -> 2.0 style.

Every module of this package holds one rule (shared helpers start with `_`); the set is
discovered, so a new rule is one new file.
"""

from migrator.rewrite.rules import discover

RULES = discover(__name__)

"""The `sqlalchemy-2.0` rule set: SQLAlchemy 1.x Query API and legacy Core calls -> 2.0 style."""

from migrator.rewrite.rules.sqlalchemy_20.sa001_query_get import QueryGet
from migrator.rewrite.rules.sqlalchemy_20.sa002_query_all import QueryAll
from migrator.rewrite.rules.sqlalchemy_20.sa003_query_first_one import QueryFirstOne
from migrator.rewrite.rules.sqlalchemy_20.sa004_query_count import QueryCount
from migrator.rewrite.rules.sqlalchemy_20.sa005_select_list import SelectList
from migrator.rewrite.rules.sqlalchemy_20.sa101_report_only import EngineExecute, FromSelf, QueryScalar

RULES = [QueryGet, QueryAll, QueryFirstOne, QueryCount, SelectList, FromSelf, QueryScalar, EngineExecute]

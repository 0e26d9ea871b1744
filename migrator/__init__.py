"""migrator: inspect, diff, rewrite and report on a codebase moving between database access layers."""

__version__ = "0.1.0"

"""Tests of migrator.toml, `migrator init` and the check runner."""

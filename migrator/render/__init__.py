"""Schemas, changes and reports to text, JSON, SQL and more."""

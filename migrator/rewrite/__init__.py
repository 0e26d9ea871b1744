"""Codemod engine and rules (arrives with the rewrite issue)."""

"""`migrator rewrite`: a codemod engine (engine.py) and its rule sets (rules/)."""
